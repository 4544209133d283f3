// The playground page's script (a file, not inline: the page is served with a strict Content-Security-Policy).
const $ = (s) => document.querySelector(s);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
let current = null;
let groups = [];

async function api(path, opts) {
  const res = await fetch(path, opts);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message || res.statusText);
  return body;
}

async function loadGroups() {
  groups = await api("/api/playground/groups");
  current = current || (location.hash.slice(1) || groups[0]?.id);
  $("#groups").innerHTML = groups.map((g) => `<button data-id="${esc(g.id)}" class="${g.id === current ? "on" : ""}">${esc(g.title)}<small>${esc(g.grid)}</small></button>`).join("");
}

async function loadTranscript() {
  if (!current) return;
  const lines = await api(`/api/playground/groups/${encodeURIComponent(current)}/messages`);
  const byId = new Map(lines.map((l) => [l.id, l]));
  const box = $("#transcript");
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 20;
  box.innerHTML = lines.map((l) => {
    const q = l.replyTo && byId.get(l.replyTo);
    return `<div class="line ${l.from}"><div class="who">${esc(l.sender)} · ${new Date(l.at).toLocaleTimeString()}</div>` +
      (q ? `<div class="quote">${esc(q.sender)}：${esc(q.text.slice(0, 40))}</div>` : "") +
      `<div class="text">${l.mention ? "@" + esc(l.mention) + " " : ""}${esc(l.text)}</div></div>`;
  }).join("");
  if (atBottom) box.scrollTop = box.scrollHeight;
}

async function loadTickets() {
  // Tickets hold residents' words: only a logged-in account sees them (POST /api/session; the web admin's login page comes later).
  const res = await fetch("/api/tickets?pageSize=30");
  if (res.status === 401) { $("#tickets").innerHTML = "<small>登录后可查看工单（Log in to see tickets: POST /api/session）</small>"; return; }
  const { items } = await res.json();
  $("#tickets").innerHTML = items.map((t) => `<div class="ticket"><b>#${esc(t.number)}</b> <span class="tag">${esc(t.categoryLabel)}</span><span class="tag">${esc(t.statusLabel)}</span><div>${esc(t.text.slice(0, 60))}</div><small>${esc(t.group.title)} · ${esc(t.reporter)}</small></div>`).join("") || "<small>还没有工单</small>";
}

$("#groups").addEventListener("click", (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  current = b.dataset.id;
  location.hash = current;
  loadGroups().then(loadTranscript);
});

// One client id per message typed: sending again after an error (503) is the same message, never a second one.
let pending = null;
const newClientId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
$("#say").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  $("#error").textContent = "";
  const key = `${current}\n${f.sender.value}\n${f.text.value}`;
  if (!pending || pending.key !== key) pending = { key, id: newClientId() };
  try {
    await api(`/api/playground/groups/${encodeURIComponent(current)}/messages`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ sender: f.sender.value, text: f.text.value, clientMessageId: pending.id }),
    });
    pending = null;
    f.text.value = "";
    loadTranscript();
  } catch (err) { $("#error").textContent = err.message; }
});

// Only when this server runs a WeChat gateway (/healthz lists it) is there a login to show: no polling otherwise.
let wechatOn = false;
async function loadGateways() {
  try { wechatOn = Boolean((await (await fetch("/healthz")).json()).gateways?.wechat); } catch { wechatOn = false; }
}

// While a WeChat account waits for its QR code to be scanned, show the code here (and in the terminal).
async function loadWechat() {
  if (!wechatOn) return;
  const res = await fetch("/api/wechat/login");
  if (res.status === 404) return;
  $("#wechat").hidden = false;
  // The QR code logs a WeChat account into the bot: shown to admins only (a session, see /api/session).
  if (res.status === 401 || res.status === 403) {
    $("#wechat-state").textContent = "微信登录状态仅管理员可见：请先以管理员账号登录。";
    $("#wechat-qr").textContent = "";
    return;
  }
  const s = await res.json();
  $("#wechat-state").textContent = s.status === "logged_in" ? `已登录：${s.user?.name ?? ""}` : `状态：${s.status}${s.qrcodeText ? "，请用机器人微信号扫码" : ""}`;
  $("#wechat-qr").textContent = s.status === "logged_in" ? "" : s.qrcodeText || "";
}

async function tick() {
  try { await Promise.all([loadTranscript(), loadTickets(), loadWechat()]); } catch (err) { $("#error").textContent = err.message; }
}
Promise.all([loadGroups(), loadGateways()]).then(tick);
setInterval(tick, 1000);
