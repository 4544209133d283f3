// The broadcast engine end to end on the real Wechaty SDK + wechaty-puppet-mock at a shortened human pace:
// preview and confirm in chat (and expiry), lanes (a resident's reply never waits behind a notice), pause and
// resume without resending, cancel, schedule, and the author's final report naming failed groups.

import { afterEach, describe, expect, it } from "vitest";
import { wechatGatewayWith, type WechatGateway } from "../../bots/wechat/index.js";
import { createOutbound } from "../../core/outbox.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { mockWorld, WECHAT_MESSAGE_TYPE as T, type MockWorld } from "../wechat/mock-world.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const PACE = { WECHAT_MIN_GAP_MS: "120", WECHAT_MAX_GAP_MS: "160", WECHAT_SAME_ROOM_GAP_MS: "0" };

/** n enabled rooms with an admin in each, the app logged in. */
async function world(n: number, env: Record<string, string> = PACE) {
  const w = mockWorld();
  const admin = w.resident("王主任", "wxid_admin");
  const wang = w.resident("王阿姨", "wxid_wang");
  const rooms = Array.from({ length: n }, (_, i) => w.room(`莲花社区${i + 1}号楼业主群`, [admin, wang]));
  t = await createTestApp({ env, gateways: [wechatGatewayWith({ puppet: w.puppet })] });
  auth = t.auth;
  const gw = t.app.gateways.find((g) => g.platform === "wechat") as WechatGateway;
  w.login();
  await waitFor(() => gw.primary.health.status === "logged_in");
  await waitFor(async () => (await t!.app.prisma.group.count({ where: { platform: "wechat" } })) === n);
  await t.app.prisma.group.updateMany({ where: { platform: "wechat" }, data: { enabled: true, grid: "莲花社区第一网格" } });
  await t.app.prisma.staff.create({ data: { platform: "wechat", userId: admin.id, role: "admin", name: "王主任" } });
  return { w, admin, wang, rooms, app: t.app, url: t.url };
}

const lines = (w: MockWorld, roomId: string) => w.sent().filter((s) => s.roomId === roomId).map((s) => s.text ?? "");
const noticeCount = (w: MockWorld, marker: string) => {
  const per = new Map<string, number>();
  for (const s of w.sent()) if (s.text?.includes(marker) && !s.text.includes("#B")) per.set(s.roomId!, (per.get(s.roomId!) ?? 0) + 1);
  return per;
};
/** Admin headers of the current test's app (set by world()). */
let auth: Record<string, string> = {};
const api = async (url: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, body === undefined ? { headers: auth } : { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { status: string; sent: number; total: number; pending: number } };
};

describe("broadcast engine", () => {
  it("previews in chat (count per platform, ETA, skipped), sends only after 确认, reports at the end", async () => {
    const { w, admin, rooms, app } = await world(6);
    await app.prisma.group.updateMany({ where: { title: "莲花社区6号楼业主群" }, data: { enabled: false } });
    w.emit(admin, rooms[0], T.Text, "#通知 明天8:00-12:00 3栋检修停水，请提前储水");
    const preview = await waitFor(() => lines(w, rooms[0].id).find((l) => l.includes("将发送到")));
    expect(preview).toMatch(/将发送到 5 个群（微信 5，Telegram 0），预计 \d+ 分钟。另有 1 个群不可发送.*回复"确认"发送，"取消"放弃。/);
    const b = await waitFor(() => app.prisma.broadcast.findFirst());
    expect(b.status).toBe("draft");
    expect(noticeCount(w, "检修停水").size).toBe(0); // nothing before the confirmation

    w.emit(admin, rooms[0], T.Text, "确认");
    const report = await waitFor(() => lines(w, rooms[0].id).find((l) => l.includes("发送完毕")), 20_000);
    expect(report).toContain(`#B${b.id} 发送完毕：已送达 5/5`);
    const per = noticeCount(w, "检修停水");
    expect([...per.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(per.has(rooms[5].id)).toBe(false);
    const s = await api(t!.url, `/api/broadcasts/B${b.id}`);
    expect(s.body).toMatchObject({ status: "done", total: 5, sent: 5, skipped: 1, pending: 0 });
    expect((s.body.deliveries as Array<{ status: string; error: string }>).find((d) => d.status === "skipped")?.error).toMatch(/disabled/);
    const audit = await app.prisma.auditEvent.findMany({ where: { subject: `broadcast:${b.id}` }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["broadcast.create", "broadcast.start"]);
  });

  it("取消 discards a preview; a confirmation after it expired sends nothing and says so", async () => {
    const { w, admin, rooms, app } = await world(2, { ...PACE, BROADCAST_CONFIRM_TTL_MS: "1000" });
    w.emit(admin, rooms[0], T.Text, "#通知 第一条");
    await waitFor(() => lines(w, rooms[0].id).find((l) => l.includes("将发送到 2 个群")));
    w.emit(admin, rooms[0], T.Text, "取消");
    await waitFor(() => lines(w, rooms[0].id).find((l) => l.includes("已放弃")));
    w.emit(admin, rooms[0], T.Text, "#通知 第二条");
    await waitFor(() => lines(w, rooms[0].id).filter((l) => l.includes("将发送到 2 个群")).length === 2 || undefined);
    const draft = await waitFor(() => app.prisma.broadcast.findFirst({ where: { status: "draft" } }));
    await waitFor(() => Date.now() > draft.expiresAt!.getTime() + 50 || undefined);
    w.emit(admin, rooms[0], T.Text, "确认");
    await waitFor(() => lines(w, rooms[0].id).find((l) => l.includes("确认已过期")));
    expect(noticeCount(w, "第一条").size + noticeCount(w, "第二条").size).toBe(0);
    expect((await app.prisma.broadcast.findMany({ orderBy: { id: "asc" } })).map((x) => x.status)).toEqual(["cancelled", "draft"]);
  });

  it("a resident's complaint reply jumps the broadcast lane; urgent goes ahead of ordinary", async () => {
    const { w, admin, wang, rooms, url } = await world(12);
    const ordinary = await api(url, "/api/broadcasts", { text: "普通通知：下周一消防演练" });
    expect(ordinary.status).toBe(202);
    await waitFor(() => (noticeCount(w, "消防演练").size >= 2 ? true : undefined));
    const urgent = await api(url, "/api/broadcasts", { text: "紧急通知：台风红色预警", urgent: true });
    expect(urgent.body.priority).toBe("urgent");
    w.emit(wang, rooms[7], T.Text, "3栋电梯坏了，困人了，快来人");
    const reply = await waitFor(() => w.sent().findIndex((s) => s.roomId === rooms[7].id && /工单/.test(s.text ?? "")) + 1 || undefined, 30_000);
    await waitFor(() => (noticeCount(w, "消防演练").size === 12 ? true : undefined), 30_000);
    const order = w.sent().map((s) => (s.text?.includes("消防演练") ? "o" : s.text?.includes("台风") ? "u" : "r"));
    // The reply went out before most of the ordinary notice's remaining rooms, and every urgent one before them.
    const lastUrgent = order.lastIndexOf("u");
    const firstOrdinaryAfterUrgent = order.indexOf("o", order.indexOf("u"));
    expect(lastUrgent).toBeLessThan(order.lastIndexOf("o"));
    expect(order.slice(order.indexOf("u"), lastUrgent + 1).filter((x) => x === "o").length).toBeLessThanOrEqual(2);
    expect(firstOrdinaryAfterUrgent).toBeGreaterThan(-1);
    expect(reply - 1).toBeLessThan(order.lastIndexOf("o"));
    void admin;
  });

  it("a reply queued while a broadcast send waits for its slot goes out before that send; the pace holds", async () => {
    const { w, rooms, app, url } = await world(3, { WECHAT_MIN_GAP_MS: "1500", WECHAT_MAX_GAP_MS: "1500", WECHAT_SAME_ROOM_GAP_MS: "0" });
    await api(url, "/api/broadcasts", { text: "检修通知：周四停气" });
    await waitFor(() => (noticeCount(w, "周四停气").size === 1 ? true : undefined));
    // The next delivery holds the (only) sender now, waiting for the account's next slot.
    // (The first delivery's job may still be active, its row still "queued", for a moment after the platform took
    // its send: wait for an active delivery to a room the notice has not reached.)
    const held = await waitFor(async () => {
      for (const job of await app.queues.outbox("wechat").getJobs(["active"])) {
        const row = await app.prisma.outboundMessage.findUniqueOrThrow({ where: { id: job.data.outboundId }, include: { group: true } });
        if (row.status === "queued" && !noticeCount(w, "周四停气").has(row.group.chatId)) return row;
      }
      return undefined;
    });
    expect(held.kind).toBe("broadcast");
    const group = await app.prisma.group.findFirstOrThrow({ where: { chatId: rooms[2].id } });
    const id = await createOutbound(app.prisma, { key: "lane-reply", platform: "wechat", groupId: group.id, kind: "reply", text: "【回复】您反映的问题已登记" });
    await app.queues.enqueueOutboundRows([{ id, platform: "wechat" }]);
    await waitFor(() => (noticeCount(w, "周四停气").size === 3 ? true : undefined), 20_000);
    const sent = w.sent().filter((s) => s.text?.includes("周四停气") || s.text?.includes("已登记"));
    expect(sent.map((s) => (s.text!.includes("已登记") ? "reply" : s.roomId === held.group.chatId ? "held" : "other"))).toEqual(["other", "reply", "held", "other"]);
    // Nothing doubled or lost, and the account's gap held between every two sends, the reply's included.
    expect([...noticeCount(w, "周四停气").values()]).toEqual([1, 1, 1]);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.timestamp - sent[i - 1]!.timestamp).toBeGreaterThanOrEqual(1450);
    expect((await app.prisma.outboundMessage.findUniqueOrThrow({ where: { id } })).status).toBe("sent");
  });

  it("an urgent notice's ETA is at the urgent pace, in the chat preview, the API preview and its status", async () => {
    const { w, admin, rooms, app, url } = await world(4, { WECHAT_MIN_GAP_MS: "30000", WECHAT_MAX_GAP_MS: "30000", WECHAT_URGENT_MS_PER_MESSAGE: "3000", WECHAT_SAME_ROOM_GAP_MS: "0" });
    const preview = async (urgent: boolean) => (await api(url, "/api/broadcasts/preview", { text: "停水通知", urgent })).body as unknown as { etaSeconds: number; etaByPlatform: Array<{ platform: string; seconds: number }> };
    expect((await preview(false)).etaByPlatform).toEqual([expect.objectContaining({ platform: "wechat", seconds: 120 })]); // 4 rooms × 30 s
    expect((await preview(true)).etaByPlatform).toEqual([expect.objectContaining({ platform: "wechat", seconds: 12 })]); // 4 rooms × 3 s
    // In chat (the account's first send, so no gap to wait): 12 s is 1 minute, where the ordinary pace says 2.
    w.emit(admin, rooms[0], T.Text, "#通知 --urgent 今晚燃气抢修");
    const said = await waitFor(() => lines(w, rooms[0].id).find((l) => l.includes("将发送到 4 个群")));
    expect(said).toContain("预计 1 分钟");
    const draft = await waitFor(() => app.prisma.broadcast.findFirst({ where: { status: "draft", priority: "urgent" } }));
    expect((await api(url, `/api/broadcasts/B${draft.id}`)).body.etaSeconds).toBe(12);
  });

  it("常急转换: an ordinary broadcast made urgent overtakes another ordinary one (audited)", async () => {
    const { w, url, app } = await world(8);
    const a = await api(url, "/api/broadcasts", { text: "普通甲：周末大扫除" });
    const b = await api(url, "/api/broadcasts", { text: "普通乙：转为紧急" });
    await waitFor(() => (noticeCount(w, "普通甲").size >= 1 ? true : undefined));
    const r = await api(url, `/api/broadcasts/${b.body.id}/urgent`, {});
    expect(r.status).toBe(200);
    await waitFor(() => (noticeCount(w, "普通甲").size === 8 && noticeCount(w, "普通乙").size === 8 ? true : undefined), 20_000);
    const order = w.sent().map((s) => (s.text?.includes("普通甲") ? "a" : s.text?.includes("普通乙") ? "b" : "-")).filter((x) => x !== "-");
    // Once escalated, every remaining 乙 went before the rest of 甲 (at most a send in flight in between).
    expect(order.lastIndexOf("b")).toBeLessThan(order.lastIndexOf("a"));
    expect(order.slice(0, order.lastIndexOf("b")).filter((x) => x === "a").length).toBeLessThanOrEqual(3);
    expect((await api(url, `/api/broadcasts/${a.body.id}`)).body.priority).toBe("normal");
    expect((await app.prisma.auditEvent.findFirst({ where: { action: "broadcast.priority" } }))?.subject).toBe(`broadcast:${b.body.id}`);
  });

  it("pause holds the rest, resume continues where it stopped, nothing is resent; cancel skips the rest", async () => {
    const { w, url, app } = await world(10);
    const sent = await api(url, "/api/broadcasts", { text: "停电通知：周三9点检修" });
    const id = sent.body.id as number;
    await waitFor(() => (noticeCount(w, "停电通知").size >= 3 ? true : undefined));
    const paused = await api(url, `/api/broadcasts/${id}/pause`, {});
    expect(paused.body.status).toBe("paused");
    const atPause = noticeCount(w, "停电通知").size;
    // Held jobs drain without sending (each completes as held); at most the one in flight still lands.
    await waitFor(async () => ((await app.queues.outbox("wechat").getJobCounts("wait", "prioritized", "active")).prioritized === 0 ? true : undefined));
    await waitFor(async () => ((await app.queues.outbox("wechat").getJobCounts("active")).active === 0 ? true : undefined));
    const held = noticeCount(w, "停电通知").size;
    expect(held).toBeLessThanOrEqual(atPause + 1);
    expect((await api(url, `/api/broadcasts/${id}`)).body.pending).toBe(10 - held);

    expect((await api(url, `/api/broadcasts/B${id}/resume`, {})).body.status).toBe("sending");
    await waitFor(async () => ((await api(url, `/api/broadcasts/${id}`)).body.status === "done" ? true : undefined), 20_000);
    expect([...noticeCount(w, "停电通知").values()]).toEqual(Array(10).fill(1));

    const second = await api(url, "/api/broadcasts", { text: "第二条：取消测试" });
    await waitFor(() => (noticeCount(w, "取消测试").size >= 2 ? true : undefined));
    const cancelled = await api(url, `/api/broadcasts/${second.body.id}/cancel`, {});
    expect(cancelled.body.status).toBe("cancelled");
    await waitFor(async () => ((await app.queues.outbox("wechat").getJobCounts("prioritized", "active")).prioritized === 0 ? true : undefined));
    const after = await api(url, `/api/broadcasts/${second.body.id}`);
    expect(after.body.status).toBe("cancelled");
    expect(noticeCount(w, "取消测试").size).toBeLessThanOrEqual(3);
    expect((after.body.deliveries as Array<{ status: string; error: string }>).filter((d) => d.status === "skipped").every((d) => d.error === "cancelled")).toBe(true);
    const actions = (await app.prisma.auditEvent.findMany({ where: { subject: `broadcast:${id}` }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["broadcast.create", "broadcast.start", "broadcast.pause", "broadcast.resume"]);
  });

  it("a scheduled broadcast waits as a delayed job and goes out at its time; a cancelled one never", async () => {
    const { w, url, app } = await world(3, { WECHAT_MIN_GAP_MS: "0", WECHAT_MAX_GAP_MS: "0", WECHAT_SAME_ROOM_GAP_MS: "0" });
    const at = new Date(Date.now() + 2500).toISOString();
    const a = await api(url, "/api/broadcasts", { text: "定时A：明早停水", at });
    const b = await api(url, "/api/broadcasts", { text: "定时B：取消我", at });
    expect([a.body.status, b.body.status]).toEqual(["scheduled", "scheduled"]);
    expect(await app.queues.broadcasts.getJob(`bcstart-${a.body.id}`)).toBeTruthy();
    expect((await api(url, `/api/broadcasts/${b.body.id}/cancel`, {})).body.status).toBe("cancelled");
    expect(await app.queues.broadcasts.getJob(`bcstart-${b.body.id}`)).toBeUndefined();
    expect(noticeCount(w, "定时A").size).toBe(0);
    await waitFor(() => (noticeCount(w, "定时A").size === 3 ? true : undefined), 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at));
    // The platform took the last send a moment before its delivery is recorded and the broadcast closed: wait for it.
    await waitFor(async () => ((await api(url, `/api/broadcasts/${a.body.id}`)).body.status === "done" ? true : undefined), 15_000);
    expect(noticeCount(w, "取消我").size).toBe(0);
    const bad = await api(url, "/api/broadcasts", { text: "x", at: "明天早上" });
    expect(bad.status).toBe(400);
  });

  it("the final report names a group that failed and why", async () => {
    const { w, admin, rooms, app } = await world(4);
    w.emit(admin, rooms[0], T.Text, "#通知 失败测试：明天停气");
    await waitFor(() => lines(w, rooms[0].id).find((l) => l.includes("将发送到 4 个群")));
    await app.prisma.group.updateMany({ where: { title: "莲花社区4号楼业主群" }, data: { active: false } });
    w.emit(admin, rooms[0], T.Text, "确认");
    const report = await waitFor(() => lines(w, rooms[0].id).find((l) => l.includes("发送完毕")), 20_000);
    expect(report).toMatch(/已送达 3\/4，失败 1：莲花社区4号楼业主群（group inactive/);
  });
});
