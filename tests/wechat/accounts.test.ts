// Several WeChat accounts on wechaty-puppet-mock through core: every room is registered and heard once, a
// broadcast reaches every room exactly once from an account that is in it, an account that logs out hands its
// rooms to the other accounts in them, and only urgent notices use the faster urgent pace.

import { afterEach, describe, expect, it } from "vitest";
import { wechatGatewayWith, type WechatGateway } from "../../bots/wechat/index.js";
import type { PaceSlot } from "../../bots/wechat/pacer.js";
import { paceStatusKey } from "../../core/ports/chat.js";
import { readSendingPaces, sendingSeconds } from "../../core/broadcasts/sending-pace.js";
import { Redis } from "ioredis";
import { TEST_REDIS_URL } from "../support/redis.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { mockWorld, WECHAT_MESSAGE_TYPE as T, type MockWorld } from "./mock-world.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const PACE = { WECHAT_MIN_GAP_MS: "60", WECHAT_MAX_GAP_MS: "90", WECHAT_SAME_ROOM_GAP_MS: "0" };

/**
 * n accounts (one mock world each) and rooms given as the indices of the accounts in them; a room has the same
 * id in every world it is in (puppet-service style stable ids), with the same admin and resident.
 */
async function accounts(n: number, rooms: number[][], env: Record<string, string> = PACE) {
  const worlds = Array.from({ length: n }, (_, i) => mockWorld(`网格助手${i + 1}号`, `wxid_bot_${i + 1}`));
  const roomIds = rooms.map((_, k) => `room${k + 1}@chatroom`);
  const people = worlds.map((w) => ({ admin: w.resident("王主任", "wxid_admin"), wang: w.resident("王阿姨", "wxid_wang") }));
  const mockRooms = worlds.map(() => new Map<string, ReturnType<MockWorld["room"]>>());
  rooms.forEach((members, k) => {
    for (const i of members) {
      const w = worlds[i]!;
      const { admin, wang } = people[i]!;
      const room = w.mocker.createRoom({ id: roomIds[k], topic: `莲花社区${k + 1}号楼业主群`, memberIdList: [w.me.id, admin.id, wang.id] });
      mockRooms[i]!.set(roomIds[k]!, room);
    }
  });
  t = await createTestApp({ env, gateways: [wechatGatewayWith({ puppet: worlds[0]!.puppet, extraPuppets: worlds.slice(1).map((w) => w.puppet) })] });
  const gw = t.app.gateways.find((g) => g.platform === "wechat") as WechatGateway;
  expect(gw.senders).toHaveLength(n);
  for (const w of worlds) w.login();
  await waitFor(() => gw.senders.every((a) => a.health.status === "logged_in"));
  // Every room is registered, also those only an extra account is in.
  await waitFor(async () => (await t!.app.prisma.group.count({ where: { platform: "wechat" } })) === rooms.length);
  await t.app.prisma.group.updateMany({ where: { platform: "wechat" }, data: { enabled: true } });
  return { worlds, roomIds, people, mockRooms, gw, app: t.app, url: t.url, auth: t.auth };
}

/** Which worlds sent a line containing `marker` into each room. */
const senders = (worlds: MockWorld[], marker: string) => {
  const per = new Map<string, number[]>();
  worlds.forEach((w, i) => {
    for (const s of w.sent()) if (s.text?.includes(marker)) per.set(s.roomId!, [...(per.get(s.roomId!) ?? []), i]);
  });
  return per;
};

const post = async (url: string, auth: Record<string, string>, path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as { id: number };
};

describe("several WeChat accounts", () => {
  it("three accounts in overlapping rooms: each room gets the notice once, from an account in it, and all three send", async () => {
    // Rooms 1–2 only account 0, 3 only 1, 4 only 2; 5–6 accounts 0+1, 7 1+2, 8–9 all three.
    const rooms = [[0], [0], [1], [2], [0, 1], [0, 1], [1, 2], [0, 1, 2], [0, 1, 2]];
    const { worlds, roomIds, app, url, auth } = await accounts(3, rooms);
    // Every logged-in account's pace is on the port, so a broadcast's ETA counts all three.
    const pace = await app.queues.connection.hgetall(paceStatusKey(app.config.QUEUE_PREFIX, "wechat"));
    expect(Object.keys(pace).filter((f) => f.startsWith("account:"))).toHaveLength(3);

    const b = await post(url, auth, "/api/broadcasts", { text: "明天8:00-12:00 3栋检修停水，请提前储水", scope: "platform:wechat" });
    await waitFor(async () => (await app.prisma.broadcast.findUniqueOrThrow({ where: { id: b.id } })).status === "done", 30_000);
    const per = senders(worlds, "检修停水");
    expect([...per.keys()].sort()).toEqual([...roomIds].sort());
    roomIds.forEach((id, k) => {
      const from = per.get(id)!;
      expect(from).toHaveLength(1); // exactly one delivery per room
      expect(rooms[k]).toContain(from[0]); // from an account that is in the room
    });
    expect(new Set([...per.values()].flat())).toEqual(new Set([0, 1, 2]));
    const rows = await app.prisma.outboundMessage.findMany({ where: { broadcastId: b.id } });
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => "sent"));
  });

  it("a resident's message in a room two accounts share is heard once", async () => {
    const { worlds, roomIds, people, mockRooms, app } = await accounts(2, [[0, 1]]);
    // The same line reaches both accounts (each puppet reports it under its own message id).
    worlds.forEach((w, i) => w.emit(people[i]!.wang, mockRooms[i]!.get(roomIds[0]!), T.Text, "3栋楼道灯坏了，晚上很黑"));
    await waitFor(async () => (await app.prisma.message.count({ where: { kind: { not: "bot" } } })) >= 1);
    await waitFor(async () => (await app.queues.intake.getJobCounts("waiting", "active")).waiting + (await app.queues.intake.getJobCounts("waiting", "active")).active === 0);
    expect(await app.prisma.message.count({ where: { kind: { not: "bot" } } })).toBe(1);
  });

  it("an account that logs out hands its rooms to the other accounts in them (failover)", async () => {
    // Room 1: accounts 0+1; room 2: 0+2; room 3: 0+1+2; room 4: only 1.
    const rooms = [[0, 1], [0, 2], [0, 1, 2], [1]];
    const { worlds, roomIds, gw, app, url, auth } = await accounts(3, rooms);
    await worlds[0]!.puppet.logout("掉线");
    await waitFor(() => !gw.senders[0]!.serving);
    const sentBefore = worlds[0]!.sent().length;

    const b = await post(url, auth, "/api/broadcasts", { text: "今晚22点起小区停电检修", scope: "platform:wechat" });
    await waitFor(async () => (await app.prisma.broadcast.findUniqueOrThrow({ where: { id: b.id } })).status === "done", 30_000);
    const per = senders(worlds, "停电检修");
    roomIds.forEach((id, k) => {
      const from = per.get(id) ?? [];
      expect(from).toHaveLength(1);
      expect(from[0]).not.toBe(0);
      expect(rooms[k]).toContain(from[0]);
    });
    expect(worlds[0]!.sent().length).toBe(sentBefore);
    // The logged-out account no longer counts in the pace core reads.
    const pace = await app.queues.connection.hgetall(paceStatusKey(app.config.QUEUE_PREFIX, "wechat"));
    expect(Object.keys(pace).filter((f) => f.startsWith("account:")).sort()).toEqual(["account:wxid_bot_2", "account:wxid_bot_3"]);
  });
});

describe("the urgent pace", () => {
  it("only urgent broadcasts are paced at WECHAT_URGENT_MS_PER_MESSAGE; ordinary ones and replies keep the human pace", async () => {
    const env = { WECHAT_MIN_GAP_MS: "400", WECHAT_MAX_GAP_MS: "500", WECHAT_SAME_ROOM_GAP_MS: "0", WECHAT_URGENT_MS_PER_MESSAGE: "40" };
    const { gw, app, url, auth, roomIds } = await accounts(1, [[0], [0], [0]], env);
    const slots: Array<{ text: string; slot: PaceSlot }> = [];
    const acquire = gw.pacer.acquire.bind(gw.pacer);
    let text = "";
    const say = gw.send.bind(gw);
    gw.send = async (msg) => {
      text = msg.text;
      return say(msg);
    };
    gw.pacer.acquire = async (...args) => {
      const slot = await acquire(...args);
      slots.push({ text, slot });
      return slot;
    };

    const ordinary = await post(url, auth, "/api/broadcasts", { text: "周六上午小区消杀，请关好门窗", scope: "platform:wechat" });
    await waitFor(async () => (await app.prisma.broadcast.findUniqueOrThrow({ where: { id: ordinary.id } })).status === "done", 30_000);
    const urgent = await post(url, auth, "/api/broadcasts", { text: "台风橙色预警，请勿外出", scope: "platform:wechat", urgent: true });
    await waitFor(async () => (await app.prisma.broadcast.findUniqueOrThrow({ where: { id: urgent.id } })).status === "done", 30_000);

    const of = (marker: string) => slots.filter((s) => s.text.includes(marker)).map((s) => s.slot);
    expect(of("消杀")).toHaveLength(roomIds.length);
    expect(of("台风")).toHaveLength(roomIds.length);
    for (const s of of("消杀")) {
      expect(s.urgent).toBe(false);
      expect(s.gapMs).toBeGreaterThanOrEqual(400);
    }
    for (const s of of("台风")) {
      expect(s.urgent).toBe(true);
      expect(s.gapMs).toBeGreaterThanOrEqual(30);
      expect(s.gapMs).toBeLessThanOrEqual(50);
    }
    // Measured on the mock's clock: consecutive urgent sends are never closer than the urgent gap allows.
    const urgentSends = slots.filter((s) => s.text.includes("台风")).map((s) => s.slot.at);
    urgentSends.slice(1).forEach((at, i) => expect(at - urgentSends[i]!).toBeGreaterThanOrEqual(30));
  });
});

describe("the pace core reads for several accounts", () => {
  it("adds up the rates of the accounts that are not held; all held → held until the first is back", async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const prefix = `tp${Math.random().toString(36).slice(2, 10)}`;
    const key = paceStatusKey(prefix, "wechat");
    const now = Date.now();
    try {
      await redis.hset(key, {
        "account:a": JSON.stringify({ msPerMessage: 4000, pausedUntil: 0, sentToday: 1, dailyCap: 3000 }),
        "account:b": JSON.stringify({ msPerMessage: 4000, pausedUntil: 0, sentToday: 1, dailyCap: 3000 }),
        "account:c": JSON.stringify({ msPerMessage: 4000, pausedUntil: now + 600_000, sentToday: 1, dailyCap: 3000 }),
      });
      const free = (await readSendingPaces({ redis, prefix, now })).wechat;
      expect(free).toEqual({ msPerMessage: 2000 });
      expect(sendingSeconds(free, 300, now)).toBe(600); // 300 rooms on two free accounts: 10 minutes, not 20

      await redis.hset(key, "account:a", JSON.stringify({ msPerMessage: 4000, pausedUntil: now + 60_000 }), "account:b", JSON.stringify({ msPerMessage: 4000, pausedUntil: now + 120_000 }));
      const held = (await readSendingPaces({ redis, prefix, now })).wechat;
      expect(held.hold?.until).toBe(now + 60_000);
      expect(held.msPerMessage).toBe(4000);

      // The urgent pace adds up the same way, and an urgent notice's ETA uses it (never slower than the ordinary).
      await redis.hset(key, "account:a", JSON.stringify({ msPerMessage: 4000, urgentMsPerMessage: 1500, pausedUntil: 0 }), "account:b", JSON.stringify({ msPerMessage: 4000, urgentMsPerMessage: 1500, pausedUntil: 0 }));
      const both = (await readSendingPaces({ redis, prefix, now })).wechat;
      expect(both).toEqual({ msPerMessage: 2000, urgentMsPerMessage: 750 });
      expect(sendingSeconds(both, 300, now, { urgent: true })).toBe(225);
      expect(sendingSeconds(both, 300, now)).toBe(600);
      expect(sendingSeconds({ msPerMessage: 1000, urgentMsPerMessage: 5000 }, 10, now, { urgent: true })).toBe(10);
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });
});
