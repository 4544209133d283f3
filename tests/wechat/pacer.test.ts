// The Redis pacer on the real Redis: gaps hold across processes (two connections), the sliding minute, the
// same-room gap, the daily cap with its one warning, and the exponential pause after "too frequent".

import { sendError } from "../helpers/send-error.js";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { dayOf, laneLimits, msPerMessage, paceKeys, validatePaceOptions, WechatPacer, type WechatPaceOptions } from "../../bots/wechat/pacer.js";
import { paceStatusKey } from "../../core/ports/chat.js";
import { REDIS_URL } from "./mock-world.js";
import { waitFor } from "../support/wait-for.js";

const base: WechatPaceOptions = {
  minGapMs: 0,
  maxGapMs: 0,
  perMinute: 1000,
  sameRoomGapMs: 0,
  dailyCap: 10_000,
  dailyWarnRatio: 0.8,
  maxWaitMs: 10_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 8000,
  utcOffsetMinutes: 480,
};

let prefix: string;
let conns: Redis[];
const conn = () => {
  const r = new Redis(REDIS_URL);
  conns.push(r);
  return r;
};

beforeEach(() => {
  prefix = `tw${randomBytes(5).toString("hex")}`;
  conns = [];
});
afterEach(async () => {
  const r = conn();
  const keys = await r.keys(`${prefix}:*`);
  if (keys.length) await r.del(...keys);
  for (const c of conns) c.disconnect();
});

describe("WechatPacer", () => {
  it("keeps the jittered gap between sends of one account across two processes", async () => {
    const opts = { ...base, minGapMs: 120, maxGapMs: 200 };
    const a = new WechatPacer(conn(), prefix, opts);
    const b = new WechatPacer(conn(), prefix, opts);
    const times: Array<{ at: number; gap: number }> = [];
    const run = async (p: WechatPacer, room: string) => {
      const slot = await p.acquire("acct", room);
      times.push({ at: slot.at, gap: slot.gapMs });
      await p.commit(slot, true);
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => run(i % 2 ? a : b, `room${i}`)));
    times.sort((x, y) => x.at - y.at);
    for (let i = 1; i < times.length; i++) {
      expect(times[i].at - times[i - 1].at).toBeGreaterThanOrEqual(times[i - 1].gap);
      expect(times[i - 1].gap).toBeGreaterThanOrEqual(120);
      expect(times[i - 1].gap).toBeLessThanOrEqual(200);
    }
    // The shared status hash shows the next slot and the pace for ETAs.
    const status = await conn().hgetall(paceStatusKey(prefix, "wechat"));
    expect(Number(status.nextSlotAt)).toBeGreaterThanOrEqual(times[times.length - 1].at);
    expect(Number(status.msPerMessage)).toBe(msPerMessage(opts));
    expect(status.sentToday).toBe("6");
  });

  it("separates two messages into the same room by sameRoomGapMs, even from different accounts", async () => {
    const p = new WechatPacer(conn(), prefix, { ...base, sameRoomGapMs: 150 });
    const s1 = await p.acquire("primary", "room");
    await p.commit(s1, true);
    const s2 = await p.acquire("standby", "room");
    await p.commit(s2, true);
    expect(s2.at - s1.at).toBeGreaterThanOrEqual(150);
  });

  it("caps sends per sliding minute and hands a long wait back as rate_limited", async () => {
    const p = new WechatPacer(conn(), prefix, { ...base, perMinute: 3, maxWaitMs: 1000 });
    for (let i = 0; i < 3; i++) await p.commit(await p.acquire("acct", `r${i}`), true);
    const err = await sendError(p.acquire("acct", "r3"));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("warns once as the daily cap nears and refuses beyond it until tomorrow", async () => {
    const p = new WechatPacer(conn(), prefix, { ...base, dailyCap: 5 });
    const warns: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const slot = await p.acquire("acct", `r${i}`);
      warns.push(slot.warnDailyCap);
      await p.commit(slot, true);
    }
    expect(warns).toEqual([false, false, false, true, false]); // ceil(5 × 0.8) = 4
    const { msLeft } = dayOf(Date.now(), 480);
    const err = await sendError(p.acquire("acct", "r5"));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBeGreaterThan(msLeft - 5000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(msLeft + 1000);
    // Another account has its own budget.
    await p.commit(await p.acquire("other", "r0"), true);
  });

  it("pauses after 'too frequent' with exponential backoff; one pause per episode; success resets", async () => {
    const p = new WechatPacer(conn(), prefix, { ...base, backoffBaseMs: 100, backoffMaxMs: 250 });
    const first = await p.pause("acct");
    expect([first.pauseMs, first.level, first.fresh]).toEqual([100, 1, true]);
    const again = await p.pause("acct"); // a send already in flight failed too
    expect([again.level, again.fresh]).toEqual([1, false]);
    const err = await sendError(p.acquire("acct", "r"));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(100);
    await new Promise((r) => setTimeout(r, 120));
    expect((await p.pause("acct")).pauseMs).toBe(200);
    await new Promise((r) => setTimeout(r, 220));
    expect((await p.pause("acct")).pauseMs).toBe(250); // capped
    await new Promise((r) => setTimeout(r, 270));
    await p.commit(await p.acquire("acct", "r"), true);
    expect(await conn().exists(paceKeys(prefix, "acct").backoff)).toBe(0);
    expect((await p.pause("acct")).level).toBe(1);
  });

  it("rejects bad options with a 'must be' message", () => {
    expect(() => validatePaceOptions({ ...base, minGapMs: 10, maxGapMs: 5 })).toThrow(/maxGapMs must be ≥ minGapMs/);
    expect(() => validatePaceOptions({ ...base, perMinute: 0 })).toThrow(/perMinute must be/);
  });

  it("estimates ~20 minutes for 300 rooms at the default pace", () => {
    const ms = msPerMessage({ minGapMs: 3000, maxGapMs: 5000, perMinute: 40 });
    expect(ms).toBe(4000);
    expect((300 * ms) / 60_000).toBe(20);
  });
});

describe("the urgent pace", () => {
  const human = { ...base, minGapMs: 3000, maxGapMs: 5000, perMinute: 40 };
  it("is used only for urgent sends, with the per-minute limit raised to match it", () => {
    expect(laneLimits({ ...human, urgentMsPerMessage: 1000 }, false)).toEqual({ minGapMs: 3000, maxGapMs: 5000, perMinute: 40 });
    expect(laneLimits({ ...human, urgentMsPerMessage: 1000 }, true)).toEqual({ minGapMs: 750, maxGapMs: 1250, perMinute: 60 });
  });
  it("is never slower than the ordinary pace", () => {
    expect(laneLimits({ ...human, urgentMsPerMessage: 9000 }, true)).toEqual({ minGapMs: 3000, maxGapMs: 5000, perMinute: 40 });
  });
  it("takes urgent slots at the urgent gap on the real Redis", async () => {
    const pacer = new WechatPacer(conn(), prefix, { ...human, urgentMsPerMessage: 40 });
    const slot = await pacer.acquire("acct", "r1", undefined, { urgent: true });
    expect(slot.urgent).toBe(true);
    expect(slot.gapMs).toBeGreaterThanOrEqual(30);
    expect(slot.gapMs).toBeLessThanOrEqual(50);
    const next = Number(await conn().get(paceKeys(prefix, "acct").next));
    expect(next - slot.at).toBe(slot.gapMs);
  });
});

describe("the lanes: replies before broadcast sends", () => {
  const paced = { ...base, minGapMs: 1000, maxGapMs: 1000 };

  it("a reply that starts waiting after a broadcast send gets the account's next slot first (two processes)", async () => {
    const broadcaster = new WechatPacer(conn(), prefix, paced);
    const replier = new WechatPacer(conn(), prefix, paced);
    await broadcaster.commit(await broadcaster.acquire("acct", "r0"), true); // the slot before: the next is a second away
    let asked = 0;
    const bulk = broadcaster.acquire("acct", "r1", undefined, { bulk: true, giveWay: async () => (asked++, false) });
    await waitFor(() => asked >= 2, { what: "the broadcast send waiting for its slot" });
    const reply = await replier.acquire("acct", "r2");
    await replier.commit(reply, true);
    const b = await bulk;
    await broadcaster.commit(b, true);
    expect(b.at).toBeGreaterThan(reply.at);
    expect(b.at - reply.at).toBeGreaterThanOrEqual(reply.gapMs); // the human pace holds between the two
    expect(await conn().zcard(paceKeys(prefix, "acct").replies)).toBe(0); // the claim went with the slot
  });

  it("while a reply waits for the account, a broadcast send does not take even a slot that is free", async () => {
    // The reply waits for its room (the same-room gap); the account itself could send into another room now.
    const pacer = new WechatPacer(conn(), prefix, { ...base, sameRoomGapMs: 800 });
    await pacer.commit(await pacer.acquire("acct", "roomA"), true);
    const reply = pacer.acquire("acct", "roomA");
    await waitFor(async () => (await conn().zcard(paceKeys(prefix, "acct").replies)) === 1, { what: "the reply's claim" });
    const b = await pacer.acquire("acct", "roomB", undefined, { bulk: true });
    const r = await reply;
    expect(b.at).toBeGreaterThanOrEqual(r.at);
  });

  it("a broadcast send steps aside when core says a reply waits, before taking any slot", async () => {
    const pacer = new WechatPacer(conn(), prefix, paced);
    await pacer.commit(await pacer.acquire("acct", "r0"), true);
    const before = await conn().get(paceKeys(prefix, "acct").next);
    let replyWaiting = false;
    let asked = 0;
    const bulk = pacer.acquire("acct", "r1", undefined, { bulk: true, giveWay: async () => (asked++, replyWaiting) });
    await waitFor(() => asked >= 2, { what: "the broadcast send waiting for its slot" });
    replyWaiting = true;
    expect((await sendError(bulk)).kind).toBe("yielded");
    expect(await conn().get(paceKeys(prefix, "acct").next)).toBe(before); // no slot taken
    expect(await conn().zcard(paceKeys(prefix, "acct").window)).toBe(1);
  });

  it("a claim whose reply gave up or died no longer holds broadcasts back", async () => {
    const pacer = new WechatPacer(conn(), prefix, { ...paced, maxWaitMs: 100 });
    await pacer.commit(await pacer.acquire("acct", "r0"), true);
    expect((await sendError(pacer.acquire("acct", "r1"))).kind).toBe("rate_limited"); // a second > maxWaitMs: back to the queue
    expect(await conn().zcard(paceKeys(prefix, "acct").replies)).toBe(0);
    // A waiter whose process died: its claim lapses at its score and the broadcast send then goes.
    const r = conn();
    const [s] = await r.time();
    await r.zadd(paceKeys(prefix, "acct").replies, Number(s) * 1000 + 1500, "dead-waiter");
    const patient = new WechatPacer(conn(), prefix, { ...paced, maxWaitMs: 10_000 });
    const slot = await patient.acquire("acct", "r2", undefined, { bulk: true });
    expect(slot.at).toBeGreaterThanOrEqual(Number(s) * 1000 + 1500);
  });
});
