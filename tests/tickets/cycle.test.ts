// The staff side of the cycle end to end on a real app (playground, Redis, SQLite): a complaint is dispatched to
// its grid's leader, who hears of it privately (a Telegram private chat row) and in the grid's staff room; the
// action routes act by role and scope; "my tickets"; chat commands run the same action table.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway, type PlaygroundGateway } from "../../bots/playground/index.js";
import { cliActor } from "../../core/policy/authorize.js";
import { addAccount } from "../../core/staff/accounts.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { login, PASSWORD } from "../access/helpers.js";

const GRID_1 = "莲花社区第一网格";
const GRID_2 = "桃源社区第二网格";
let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

let n = 0;
const say = (t: TestApp, chatId: string, sender: string, text: string, senderId = `pg-${sender}`) =>
  t.app.queues.submit({ platform: "playground", chatId, messageId: `cy-${++n}`, sender: { id: senderId, name: sender }, text, sentAt: Date.now() });
const pg = (t: TestApp) => t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
const lines = async (t: TestApp, chatId: string) => (await pg(t).transcript(chatId)).filter((l) => l.from === "bot");

async function world() {
  t = await createTestApp({ gateways: [playgroundGateway] });
  const db = t.app.prisma;
  const setup = cliActor("setup");
  await addAccount({ db, actor: setup, username: "li", role: "grid_leader", scope: GRID_1, password: PASSWORD, name: "李网格", identities: [{ platform: "telegram", userId: "6001" }, { platform: "playground", userId: "pg-li-chat" }] });
  await addAccount({ db, actor: setup, username: "tao", role: "grid_leader", scope: GRID_2, password: PASSWORD, name: "陶网格" });
  await addAccount({ db, actor: setup, username: "view", role: "viewer", password: PASSWORD, name: "只读" });
  // The playground's groups exist once it started; lianhua-10 becomes grid 1's staff room.
  const room = await waitFor(() => db.group.findFirst({ where: { platform: "playground", chatId: "lianhua-10" } }));
  const res = await fetch(`${t.url}/api/groups/${room.id}`, { method: "PATCH", headers: { ...t.auth, "content-type": "application/json" }, body: JSON.stringify({ staffRoom: true }) });
  expect(res.status).toBe(200);
  expect((await res.json()).staffRoom).toBe(true);
  return { t, db, cookies: { li: await login(t.url, "li"), tao: await login(t.url, "tao"), view: await login(t.url, "view") } };
}

const post = (url: string, headers: Record<string, string>, body: unknown = {}) =>
  fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });

describe("dispatch and the action routes", () => {
  it("dispatches a new complaint to its grid's leader, told privately and in the staff room; routes act by role and scope", async () => {
    const { t, db, cookies } = await world();
    await say(t, "lianhua-01", "王阿姨", "3栋又停电了，什么时候来电？");
    const ticket = await waitFor(() => db.ticket.findFirst({ where: { status: "dispatched" } }));
    expect(ticket).toMatchObject({ category: "utilities", assignee: "staff:李网格", tier: "grid" });

    // Privately: a row to the Telegram private chat of the leader's identity (a direct chat, never an audience).
    const dm = await waitFor(() => db.outboundMessage.findFirst({ where: { ticketId: ticket.id, group: { platform: "telegram", chatId: "6001" } }, include: { group: true } }));
    expect(dm.group.direct).toBe(true);
    expect(dm.text).toContain(`新派单 #${ticket.number}【水电气暖】`);
    expect(dm.text).toContain("请在 2 小时内受理");
    // In the grid's staff room, addressed to them (they have a playground identity); the tao grid's leader hears nothing.
    const inRoom = await waitFor(async () => (await lines(t, "lianhua-10")).find((l) => l.text.includes(`新派单 #${ticket.number}`)));
    expect(inRoom.mention).toBe("李网格");
    const groups = await (await fetch(`${t.url}/api/groups`, { headers: t.auth })).json();
    expect(groups.some((g: { chatId: string }) => g.chatId === "6001")).toBe(false);

    // My tickets (the web admin's list).
    const mine = async (who: Record<string, string>) => (await (await fetch(`${t.url}/api/tickets?mine=1`, { headers: who })).json()).items.map((x: { number: string }) => x.number);
    expect(await mine(cookies.li)).toEqual([ticket.number]);
    expect(await mine(cookies.tao)).toEqual([]);

    const url = (action: string) => `${t.url}/api/tickets/${ticket.number}/${action}`;
    // Another grid's leader: refused by scope; a viewer: by role. Neither changed anything.
    const other = await post(url("accept"), cookies.tao);
    expect(other.status).toBe(403);
    expect((await other.json()).message).toContain("outside your grid");
    expect((await post(url("accept"), cookies.view)).status).toBe(403);
    expect((await post(url("progress"), cookies.li)).status).toBe(400); // a progress note is required
    expect((await db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("dispatched");

    const accepted = await post(url("accept"), cookies.li);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ action: "accept", from: "dispatched", to: "accepted", ticket: { status: "accepted" } });
    const told = await waitFor(async () => (await lines(t, "lianhua-01")).find((l) => l.text.includes("已受理")));
    expect(told.mention).toBe("王阿姨");
    expect((await post(url("progress"), cookies.li, { note: "电工已到场" })).status).toBe(200);
    expect((await post(url("resolve"), cookies.li, { note: "已恢复供电" })).status).toBe(200);
    await waitFor(async () => (await lines(t, "lianhua-01")).find((l) => l.text.includes("已办结：已恢复供电")));

    // An illegal move says what is possible now.
    const again = await post(url("accept"), cookies.li);
    expect(again.status).toBe(409);
    expect((await again.json()).message).toBe(`Ticket #${ticket.number} is "resolved"; cannot accept it now. Possible now: progress (/progress), rate (/rate), publish (/publish), reopen (/reopen).`);
    expect((await post(url("rate"), cookies.li, { rating: 9 })).status).toBe(400);
    // 3: rated, not published automatically (AUTO_PUBLISH_MIN_RATING is 4), so the assignee publishes it by hand.
    expect((await post(url("rate"), cookies.li, { rating: 3 })).status).toBe(200);
    expect((await post(url("publish"), cookies.li)).status).toBe(200);

    const events = await db.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.toStatus, e.actor])).toEqual([
      ["open", "resident:王阿姨"], ["dispatched", "system:auto-dispatch"], ["accepted", "staff:李网格"], ["in_progress", "staff:李网格"], ["resolved", "staff:李网格"], ["rated", "staff:李网格"], ["published", "staff:李网格"],
    ]);
    const audit = await db.auditEvent.findMany({ where: { subject: `ticket:${ticket.number}` }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.channel])).toEqual([
      ["ticket.dispatch", "system"], ["ticket.accepted", "web"], ["ticket.in_progress", "web"], ["ticket.resolved", "web"], ["ticket.rate", "web"], ["ticket.publish", "web"],
    ]);
    expect(await db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ status: "published", rating: 3, acceptDueAt: null, resolveDueAt: null });
  }, 90_000);

  it("chat commands run the same table: /dispatch to a named leader (not one of another grid), /escalate, /merge", async () => {
    const { t, db } = await world();
    await addAccount({ db, actor: cliActor("setup"), username: "zhou", role: "grid_leader", scope: GRID_1, name: "周网格", identities: [{ platform: "playground", userId: "pg-zhou-chat" }] });
    // A manual grid: nothing is dispatched on opening.
    const set = await fetch(`${t.url}/api/org/${encodeURIComponent(GRID_1)}/dispatch`, { method: "PUT", headers: { ...t.auth, "content-type": "application/json" }, body: JSON.stringify({ mode: "manual" }) });
    expect(set.status).toBe(200);
    // Two buildings, so clustering keeps them apart; the leader knows they are one riser and merges by hand.
    await say(t, "lianhua-02", "赵姐", "2栋楼下的水管漏水了");
    await say(t, "lianhua-02", "钱叔", "3栋楼下水管还在漏水");
    const [a, b] = await waitFor(async () => {
      const rows = await db.ticket.findMany({ orderBy: { id: "asc" } });
      return rows.length === 2 ? rows : undefined;
    });
    expect([a.status, b.status]).toEqual(["open", "open"]);

    await say(t, "lianhua-02", "李网格", `/dispatch ${a.number} 陶网格`, "pg-li-chat");
    await waitFor(async () => (await lines(t, "lianhua-02")).find((l) => l.text.includes("陶网格 不负责")));
    await say(t, "lianhua-02", "李网格", `#派单 ${a.number} 周网格`, "pg-li-chat");
    await waitFor(async () => (await lines(t, "lianhua-02")).find((l) => l.text.includes(`已派给 周网格 处理`)));
    expect(await db.ticket.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: "dispatched", assignee: "staff:周网格" });
    await waitFor(async () => (await lines(t, "lianhua-10")).find((l) => l.text.includes(`新派单 #${a.number}`) && l.mention === "周网格"));

    await say(t, "lianhua-02", "李网格", `/merge ${b.number} ${a.number}`, "pg-li-chat");
    await waitFor(async () => (await db.ticket.findUniqueOrThrow({ where: { id: b.id } })).status === "merged");
    expect((await db.ticket.findUniqueOrThrow({ where: { id: b.id } })).mergedIntoId).toBe(a.id);
    // A merged duplicate does not count against its keywords; the lexicon counters stay as they were.
    const dismissedCounts = await db.lexiconTerm.aggregate({ _sum: { dismissed: true } });
    expect(dismissedCounts._sum.dismissed ?? 0).toBe(0);

    await say(t, "lianhua-02", "李网格", `/escalate ${a.number} 需要社区协调`, "pg-li-chat");
    await waitFor(async () => (await lines(t, "lianhua-02")).find((l) => l.text.includes(`已上报社区处理`)));
    expect(await db.ticket.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: "escalated", tier: "community", assignee: null });
    // A leader marks a room of their grid as a staff room from chat.
    await say(t, "lianhua-09", "李网格", "#工作群", "pg-li-chat");
    await waitFor(async () => (await lines(t, "lianhua-09")).find((l) => l.text.includes("本群已设为工作群")));
    expect((await db.group.findFirstOrThrow({ where: { chatId: "lianhua-09" } })).staffRoom).toBe(true);
    // Only its reporter rates a ticket from chat.
    await say(t, "lianhua-02", "孙某", `/rate ${a.number} 1`);
    await waitFor(async () => (await lines(t, "lianhua-02")).find((l) => l.text.includes(`您不是工单 #${a.number} 的反映人，不能评价`)));
    expect((await db.ticket.findUniqueOrThrow({ where: { id: a.id } })).rating).toBeNull();
    // An /accept on the merged duplicate is refused, naming what is possible: splitting it off again.
    await say(t, "lianhua-02", "李网格", `/accept ${b.number}`, "pg-li-chat");
    await waitFor(async () => (await lines(t, "lianhua-02")).find((l) => l.text.includes("现在可以：拆分（/split）")));
  }, 90_000);
});
