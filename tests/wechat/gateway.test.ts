// The gateway on the real Wechaty SDK with wechaty-puppet-mock, a recording host and the real Redis:
// intake, the room registry, sending (mention, quote, pacing, failures), account health and the login route.

import { sendError } from "../helpers/send-error.js";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Fastify from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScanStatus } from "wechaty";
import type { OutgoingMessage } from "../../core/ports/chat.js";
import type { PuppetMock } from "wechaty-puppet-mock";
import { createWechatGateway, type WechatGateway, type WechatGatewayOptions } from "../../bots/wechat/gateway.js";
import { wechatGateway, wechatGatewayWith } from "../../bots/wechat/index.js";
import { isWechatyFault } from "../../bots/wechat/guard.js";
import { laneLimits, msPerMessage } from "../../bots/wechat/pacer.js";
import { readSendingPaces, sendingSeconds } from "../../core/broadcasts/sending-pace.js";
import { fakeHost, mockWorld, until, wechatConfig, WECHAT_MESSAGE_TYPE as T, type HostRecord, type MockWorld } from "./mock-world.js";

let world: MockWorld;
let gw: WechatGateway | undefined;
let record: HostRecord;
let closeHost: () => Promise<void>;
let prefix: string;
let crashes: unknown[];
const onCrash = (e: unknown) => crashes.push(e);

async function startGateway(opts: Partial<WechatGatewayOptions> = {}, env: Record<string, string> = {}, hostOpts: { failSubmits?: number } = {}) {
  const h = fakeHost(prefix, hostOpts);
  record = h.record;
  closeHost = h.close;
  gw = createWechatGateway(h.host, wechatConfig(env), { puppet: world.puppet, submitRetryDelaysMs: [20, 20, 20], ...opts });
  await gw.start();
  return gw;
}
async function login(g: WechatGateway = gw!) {
  world.login();
  await until(() => g.primary.health.status === "logged_in", 5000, "login");
}
const out = (chatId: string, text: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  outboundId: Math.floor(Math.random() * 1e6),
  platform: "wechat",
  chatId,
  text,
  ...extra,
});

beforeEach(() => {
  prefix = `tw${randomBytes(5).toString("hex")}`;
  world = mockWorld();
  crashes = [];
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
});
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await closeHost?.();
  process.off("uncaughtException", onCrash);
  process.off("unhandledRejection", onCrash);
  expect(crashes).toEqual([]);
});

describe("factory", () => {
  it("is off (undefined) when WECHATY_PUPPET is unset", () => {
    const h = fakeHost(prefix);
    closeHost = h.close;
    expect(wechatGateway(h.host, wechatConfig({ WECHATY_PUPPET: "" }))).toBeUndefined();
  });

  it("loads the configured puppet module by name and keeps the session in the memory card directory", async () => {
    const h = fakeHost(prefix);
    record = h.record;
    closeHost = h.close;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-wechat-"));
    try {
      gw = wechatGatewayWith({ memoryDir: dir, printQr: false })(h.host, wechatConfig({ WECHATY_NAME: "gl-test" })) as WechatGateway;
      await gw.start();
      const puppet = gw.primary.bot.puppet as unknown as PuppetMock;
      expect(gw.primary.puppetName).toBe("wechaty-puppet-mock");
      puppet.mocker.login(puppet.mocker.createContact({ name: "网格助手" }));
      await until(() => gw!.primary.health.status === "logged_in", 5000, "login");
      // What a real puppet does with its session (wechat4u stores its cookies here): it lands in our directory.
      const memory = (gw.primary.bot as unknown as { memory: { set(k: string, v: unknown): Promise<void>; save(): Promise<void> } }).memory;
      await memory.set("session", "s1");
      await memory.save();
      await gw.stop();
      gw = undefined;
      expect(fs.existsSync(path.join(dir, "gl-test.memory-card.json"))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("intake", () => {
  it("submits room text only: non-text, direct and own messages are skipped without error", async () => {
    await startGateway();
    await login();
    const wang = world.resident("王阿姨", "wxid_wang");
    const room = world.room("莲花社区1号楼业主群", [wang]);
    world.emit(wang, room, T.Image);
    world.emit(wang, room, T.Audio);
    world.emit(wang, room, T.Emoticon, "[表情]");
    world.emit(wang, room, T.MiniProgram, "社区团购");
    world.emit(wang, room, T.Recalled, "<sysmsg>");
    world.emit(wang, undefined, T.Text, "私聊：停电了");
    world.emit(world.me, room, T.Text, "机器人自己说的话");
    wang.say("@网格助手\u2005#进度 A0001").to(room);
    wang.say("3栋又停电了，什么时候来电？").to(room);
    await until(() => record.submitted.length === 2, 5000, "two submits");
    await new Promise((r) => setTimeout(r, 50));
    expect(record.submitted.map((m) => m.text)).toEqual(["#进度 A0001", "3栋又停电了，什么时候来电？"]);
    const m = record.submitted[1];
    expect(m).toMatchObject({ platform: "wechat", chatId: room.id, chatTitle: "莲花社区1号楼业主群", sender: { id: "wxid_wang", name: "王阿姨" } });
    expect(typeof m.messageId).toBe("string");
  });

  it("retries a refused submit (Redis away) and then queues the message", async () => {
    await startGateway({}, {}, { failSubmits: 2 });
    await login();
    const wang = world.resident("王阿姨");
    const room = world.room("2号楼", [wang]);
    wang.say("楼道灯坏了").to(room);
    await until(() => record.submitted.length === 1, 5000, "submit after retries");
    expect(record.alerts).toEqual([expect.objectContaining({ message: expect.stringContaining("已登录") })]);
  });
});

describe("intake while Redis stays away", () => {
  it("keeps retrying past the quick retries (WeChat never re-sends), alerts once, and queues the message when Redis is back", async () => {
    await startGateway({}, {}, { failSubmits: 8 });
    await login();
    const wang = world.resident("王阿姨");
    const room = world.room("3号楼", [wang]);
    wang.say("3栋又停电了").to(room);
    await until(() => record.submitted.length === 1, 5000, "submit after a long outage");
    expect(record.submitted[0].text).toBe("3栋又停电了");
    expect(record.alerts.filter((a) => a.message.includes("持续重试"))).toHaveLength(1);
  });
});

describe("room registry", () => {
  it("registers the bot's rooms at login and follows topic changes, joins and the bot's removal", async () => {
    const wang = world.resident("王阿姨");
    const mine = world.room("莲花社区1号楼业主群", [wang]);
    const notMine = world.room("别人的群", [wang], { withBot: false });
    await startGateway();
    await login();
    await until(() => record.registry.some((r) => r.chatId === mine.id), 5000, "registration");
    expect(record.registry.find((r) => r.chatId === mine.id)).toMatchObject({ op: "seen", info: { title: "莲花社区1号楼业主群", active: true } });
    expect(record.registry.some((r) => r.chatId === notMine.id)).toBe(false);

    mine.topic("莲花社区1号楼（新）").by(wang);
    await until(() => record.registry.some((r) => (r.info as { title?: string })?.title === "莲花社区1号楼（新）"), 5000, "topic");

    notMine.add(world.me).by(wang);
    await until(() => record.registry.some((r) => r.chatId === notMine.id && (r.info as { active?: boolean }).active === true), 5000, "join");
    expect(record.alerts.some((a) => a.message.includes("已加入群"))).toBe(true);

    mine.remove(world.me).by(wang);
    await until(() => record.registry.some((r) => r.op === "setActive" && r.chatId === mine.id), 5000, "removal");
    expect(record.registry.find((r) => r.op === "setActive")).toMatchObject({ chatId: mine.id, info: { active: false } });
    // Sending there is now chat_gone without asking WeChat.
    const err = await sendError(gw!.send(out(mine.id, "你好")));
    expect(err.kind).toBe("chat_gone");
  });
});

describe("pace for a broadcast's ETA", () => {
  it("is published when the account logs in, before the first send, so an ETA is remaining × msPerMessage, not 0", async () => {
    const g = await startGateway({}, { WECHAT_MIN_GAP_MS: "3000", WECHAT_MAX_GAP_MS: "5000", WECHAT_PER_MINUTE: "40" });
    await login();
    const h = fakeHost(prefix); // a second reader: what core reads from Redis, not the gateway's memory
    try {
      const paces = await readSendingPaces({ redis: h.redis, prefix });
      expect(paces.wechat.msPerMessage).toBe(msPerMessage(g.pacer.options));
      expect(paces.wechat.msPerMessage).toBeGreaterThanOrEqual(3000);
      expect(sendingSeconds(paces.wechat, 300)).toBe((300 * paces.wechat.msPerMessage) / 1000);
      expect(paces.wechat.hold).toBeUndefined();
      // Urgent notices have their own faster pace (WECHAT_URGENT_MS_PER_MESSAGE, 1500 by default): their ETA uses it.
      expect(paces.wechat.urgentMsPerMessage).toBe(msPerMessage(laneLimits(g.pacer.options, true)));
      expect(paces.wechat.urgentMsPerMessage).toBeLessThan(paces.wechat.msPerMessage);
      expect(sendingSeconds(paces.wechat, 300, Date.now(), { urgent: true })).toBe((300 * paces.wechat.urgentMsPerMessage!) / 1000);
    } finally {
      await h.close();
    }
  });
});

describe("send", () => {
  it("records what WeChat accepted: sentBefore finds it and a retried send of the same row says nothing", async () => {
    const g = await startGateway();
    await login();
    const wang = world.resident("王阿姨");
    const room = world.room("5号楼", [wang]);
    const msg = out(room.id, "【回复】已登记");
    expect(await g.sentBefore(msg)).toBeUndefined();
    const first = await g.send(msg);
    expect(await g.sentBefore(msg)).toEqual(first);
    expect(await g.send(msg)).toEqual(first); // the job retried after its first run succeeded
    expect(world.sent().filter((s) => s.roomId === room.id)).toHaveLength(1);
    // Another text under the same row id (a database reset sharing the prefix) is not taken for it.
    expect(await g.sentBefore({ ...msg, text: "别的内容" })).toBeUndefined();
  });

  it("@-mentions the resident for real and quotes their words above the reply", async () => {
    await startGateway();
    await login();
    const wang = world.resident("王阿姨", "wxid_wang");
    const room = world.room("莲花社区1号楼业主群", [wang]);
    const calls: Array<{ id: string; text: string; mentions?: string[] }> = [];
    const original = world.puppet.messageSendText.bind(world.puppet);
    world.puppet.messageSendText = async (id: string, text: string, mentions?: string[]) => {
      calls.push({ id, text, mentions });
      return original(id, text);
    };
    const res = await gw!.send(
      out(room.id, "收到，已登记为工单 #A0012。", {
        replyTo: { messageId: "m1", senderName: "王阿姨", excerpt: "3栋又停电了" },
        mention: { userId: "wxid_wang", name: "王阿姨" },
      }),
    );
    expect(res.platformMessageId).toMatch(/\S/);
    expect(calls).toEqual([{ id: room.id, text: "「王阿姨：3栋又停电了」\n- - - - - - - - - - - - - - -\n@王阿姨 收到，已登记为工单 #A0012。", mentions: ["wxid_wang"] }]);
    expect(world.sent().map((s) => s.roomId)).toEqual([room.id]);
  });

  it("answers chat_gone for an unknown room and for a room the bot is not in", async () => {
    await startGateway();
    await login();
    const wang = world.resident("王阿姨");
    const notMine = world.room("别人的群", [wang], { withBot: false });
    expect((await sendError(gw!.send(out("nope@chatroom", "x")))).kind).toBe("chat_gone");
    expect((await sendError(gw!.send(out(notMine.id, "x")))).kind).toBe("chat_gone");
    expect(world.sent()).toEqual([]);
  });

  it("answers rate_limited (nothing dropped) while no account is logged in", async () => {
    await startGateway({ loggedOutRetryMs: 12_345 });
    const err = await sendError(gw!.send(out("r@chatroom", "x")));
    expect([err.kind, err.retryAfterMs]).toEqual(["rate_limited", 12_345]);
  });

  it("pauses the account with exponential backoff when WeChat says 发送消息过于频繁, and alerts admins", async () => {
    await startGateway({ pace: { backoffBaseMs: 40_000, backoffMaxMs: 600_000 } });
    await login();
    const room = world.room("3号楼", [world.resident("张三")]);
    world.puppet.messageSendText = async () => {
      throw new Error("发送消息过于频繁，请稍后再试");
    };
    const err = await sendError(gw!.send(out(room.id, "通知")));
    expect([err.kind, err.retryAfterMs]).toEqual(["rate_limited", 40_000]);
    expect(record.alerts.some((a) => a.message.includes("过于频繁") && a.message.includes("不会丢失"))).toBe(true);
    // While paused, the next send is handed back to the queue without touching WeChat.
    const next = await sendError(gw!.send(out(room.id, "第二条")));
    expect(next.kind).toBe("rate_limited");
    expect(next.retryAfterMs).toBeGreaterThan(30_000);
    const health = gw!.health() as { pace: { pausedUntil?: number; backoffLevel?: number }; primary: { events: Array<{ kind: string }> } };
    expect(health.pace.backoffLevel).toBe(1);
    expect(health.pace.pausedUntil).toBeGreaterThan(Date.now());
    expect(health.primary.events.some((e) => e.kind === "rate_limited")).toBe(true);
  });

  it("sends to 10 rooms at the configured pace (gaps measured from the mock's message timestamps)", async () => {
    const minGap = 150;
    const sameRoomGap = 400;
    await startGateway({}, { WECHAT_MIN_GAP_MS: String(minGap), WECHAT_MAX_GAP_MS: "250", WECHAT_SAME_ROOM_GAP_MS: String(sameRoomGap) });
    await login();
    const residents = [world.resident("甲"), world.resident("乙")];
    const rooms = Array.from({ length: 10 }, (_, i) => world.room(`${i + 1}号楼业主群`, residents));
    // All ten at once, as a broadcast fan-out with outbox concurrency would.
    await Promise.all(rooms.map((r, i) => gw!.send(out(r.id, `停水通知 ${i + 1}`))));
    const sent = world.sent();
    expect(sent).toHaveLength(10);
    expect(new Set(sent.map((s) => s.roomId)).size).toBe(10);
    const gaps = sent.slice(1).map((s, i) => s.timestamp - sent[i].timestamp);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(minGap);
    // Two messages into one room, with no account gap: the same-room gap holds.
    await gw!.stop();
    const w2 = mockWorld();
    world = w2;
    await closeHost();
    await startGateway({}, { WECHAT_MIN_GAP_MS: "0", WECHAT_MAX_GAP_MS: "0", WECHAT_SAME_ROOM_GAP_MS: String(sameRoomGap) });
    await login();
    const one = world.room("1号楼", residents.map(() => world.resident("丙")));
    await Promise.all([gw!.send(out(one.id, "第一条")), gw!.send(out(one.id, "第二条"))]);
    const [a, b] = world.sent();
    expect(b.timestamp - a.timestamp).toBeGreaterThanOrEqual(sameRoomGap);
    console.log(`[wechat pacing] 10 rooms, gap ${minGap}–250 ms: measured gaps ${gaps.join(", ")} ms; same room: ${b.timestamp - a.timestamp} ms`);
  });
});

describe("account health", () => {
  it("logout and error events: the process stays up, health shows the gap, alerts are produced", async () => {
    await startGateway();
    await login();
    const wang = world.resident("王阿姨");
    const room = world.room("1号楼", [wang]);

    await world.puppet.logout("微信在手机上退出了网页版");
    await until(() => gw!.primary.health.status === "logged_out", 5000, "logout");
    await new Promise((r) => setTimeout(r, 60));
    let h = gw!.health() as { sending: string; primary: { status: string; gap: { down: boolean; currentMs: number; totalMs: number; count: number } } };
    expect(h.sending).toBe("none");
    expect(h.primary.status).toBe("logged_out");
    expect(h.primary.gap.down).toBe(true);
    expect(h.primary.gap.currentMs).toBeGreaterThanOrEqual(50);
    expect(record.alerts.some((a) => a.source === "wechat" && a.message.includes("退出登录"))).toBe(true);

    world.puppet.emit("error", { gerror: "GError: puppet connection reset" } as never);
    await until(() => (gw!.health() as { primary: { errors: number } }).primary.errors >= 1, 5000, "error recorded");
    expect(record.alerts.some((a) => a.message.includes("出错"))).toBe(true);

    // Reconnect (the puppet's own means: here the mock logs in again); the gap closes and is kept in the total.
    world.login();
    await until(() => gw!.primary.health.status === "logged_in", 5000, "re-login");
    h = gw!.health() as typeof h;
    expect(h.sending).toBe("primary");
    expect(h.primary.gap.down).toBe(false);
    expect(h.primary.gap.currentMs).toBe(0);
    expect(h.primary.gap.totalMs).toBeGreaterThanOrEqual(50);
    expect(h.primary.gap.count).toBe(2); // before the first login, and the logout
    // Still serving afterwards.
    wang.say("停电了").to(room);
    await until(() => record.submitted.length === 1, 5000, "intake after re-login");
  });

  it("heartbeat loss (the puppet's watchdog, or silence) counts as down and alerts; a heartbeat ends it", async () => {
    await startGateway({ heartbeatTimeoutMs: 400 });
    await login();
    const primary = () => (gw!.health() as { sending: string; primary: { heartbeatLost: boolean; gap: { down: boolean } } });

    // The puppet's own watchdog missed heartbeats and resets the puppet.
    world.puppet.emit("error", { data: 'WatchdogAgent reset: lastFood: "{}"' } as never);
    await until(() => record.alerts.some((a) => a.message.includes("心跳中断")), 5000, "watchdog alert");
    expect(primary()).toMatchObject({ sending: "none", primary: { heartbeatLost: true, gap: { down: true } } });
    world.puppet.emit("heartbeat", { data: "back" });
    await until(() => record.alerts.some((a) => a.message.includes("心跳恢复")), 2000, "heartbeat back");
    expect(primary()).toMatchObject({ sending: "primary", primary: { heartbeatLost: false, gap: { down: false } } });

    // Then silence longer than heartbeatTimeoutMs.
    await until(() => record.alerts.some((a) => a.message.includes("没有心跳")), 5000, "heartbeat-lost alert");
    expect(primary()).toMatchObject({ sending: "none", primary: { heartbeatLost: true, gap: { down: true } } });
  });

  it("alerts when an account stays logged out (nobody scanned the QR code)", async () => {
    await startGateway({ loginAlertMs: 100 });
    world.mocker.scan("https://login.weixin.qq.com/l/unscanned", ScanStatus.Waiting);
    await until(() => record.alerts.some((a) => a.message.includes("未登录") && a.message.includes("扫码")), 5000, "login-wait alert");
    await new Promise((r) => setTimeout(r, 250));
    expect(record.alerts.filter((a) => a.message.includes("未登录"))).toHaveLength(1); // once per outage
  });

  it("contains a rejection leaked by the Wechaty stack (wechaty-token on a newer grpc-js): an account error, no crash", async () => {
    await startGateway();
    await login();
    const leak = new TypeError("this.listener.onError is not a function");
    leak.stack = `TypeError: this.listener.onError is not a function\n    at WechatyResolver.reportResolutionError (/app/node_modules/wechaty-token/dist/esm/src/resolver-wechaty.js:26:23)`;
    expect(isWechatyFault(leak)).toBe(true);
    expect(isWechatyFault(new Error("ours"))).toBe(false);
    void Promise.reject(leak);
    await until(() => record.alerts.some((a) => a.message.includes("已拦截")), 5000, "contained alert");
    expect(gw!.primary.health.snapshot().lastError?.message).toContain("listener.onError");
    // The test's own crash detector saw it too (it listens to every rejection); that one was ours to make.
    crashes = crashes.filter((c) => c !== leak);
  });

  it("posts alerts to the admin room when one is configured", async () => {
    const admins = () => world.sent().filter((s) => s.text?.startsWith("【Gridlink 告警】"));
    await startGateway({}, { WECHAT_ADMIN_ROOM: "网格管理群" });
    world.room("网格管理群", [world.resident("李网格员")]);
    await login();
    world.puppet.emit("error", { data: "something odd" } as never);
    await until(() => admins().some((s) => s.text!.includes("something odd")), 5000, "admin room post");
    // A second, different error within the interval is kept for /healthz but does not spend a send.
    world.puppet.emit("error", { data: "something else" } as never);
    await until(() => record.alerts.some((a) => a.message.includes("something else")), 5000, "second alert");
    await world.puppet.logout("掉线");
    await until(() => record.alerts.some((a) => a.message.includes("退出登录")), 5000, "logout alert");
    expect(admins().map((s) => s.text)).toEqual([expect.stringContaining("已登录"), expect.stringContaining("something odd")]);
  });

  it("GET /api/wechat/login shows the QR code while waiting and the user after login", async () => {
    await startGateway();
    const app = Fastify();
    await app.register(gw!.routes);
    world.mocker.scan("https://login.weixin.qq.com/l/test-qr", ScanStatus.Waiting);
    await until(() => gw!.primary.health.status === "waiting_scan", 2000, "scan");
    let res = await app.inject({ method: "GET", url: "/api/wechat/login" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "waiting_scan", qrcode: "https://login.weixin.qq.com/l/test-qr" });
    expect(res.json().qrcodeText).toContain("█");
    await login();
    res = await app.inject({ method: "GET", url: "/api/wechat/login" });
    expect(res.json()).toMatchObject({ status: "logged_in", user: { id: world.me.id, name: "网格助手" } });
    expect(res.json().qrcode).toBeUndefined();
    await app.close();
  });

  it("a standby account takes over sending while the primary is logged out", async () => {
    const standby = mockWorld("网格助手2号", "wxid_gridlink_standby");
    const wang = world.resident("王阿姨", "wxid_wang");
    const room = world.room("1号楼", [wang]);
    // The same room as the standby account sees it (puppet-service style stable room ids).
    standby.mocker.createRoom({ id: room.id, topic: "1号楼", memberIdList: [standby.me.id, standby.resident("王阿姨", "wxid_wang").id] });
    await startGateway({ standbyPuppet: standby.puppet });
    await login();
    standby.login();
    await until(() => gw!.standby!.health.status === "logged_in", 5000, "standby login");

    await gw!.send(out(room.id, "第一条"));
    expect(world.sent()).toHaveLength(1);
    await world.puppet.logout("掉线");
    await until(() => (gw!.health() as { sending: string }).sending === "standby", 5000, "standby takes over");
    expect(record.alerts.some((a) => a.message.includes("备用账号接管"))).toBe(true);
    await gw!.send(out(room.id, "第二条"));
    expect(standby.sent().map((s) => s.text)).toEqual(["第二条"]);
    expect(world.sent()).toHaveLength(1);
  });
});
