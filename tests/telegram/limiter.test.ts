// The Telegram limiter on the real Redis, two limiters standing for two processes of one bot: the global rate
// is a schedule of evenly spaced slots, so no second — wherever it starts — holds more than globalPerSecond
// sends (fixed one-second windows let up to twice that through at a window edge).

import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { TelegramLimiter } from "../../bots/telegram/limiter.js";
import { TEST_REDIS_URL } from "../support/redis.js";

const conns: Redis[] = [];
const prefix = `tl${randomBytes(5).toString("hex")}`;
afterEach(async () => {
  const r = conns[0];
  if (r) {
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
  }
  for (const c of conns.splice(0)) c.disconnect();
});

describe("TelegramLimiter", () => {
  it("spaces global slots evenly across processes: never more than globalPerSecond in any second", async () => {
    const make = () => {
      const redis = new Redis(TEST_REDIS_URL);
      conns.push(redis);
      return new TelegramLimiter({ redis, keyPrefix: `${prefix}:bot`, globalPerSecond: 20 });
    };
    const [a, b] = [make(), make()];
    // 50 sends to 50 different chats (no per-chat limit in the way), all at once, half through each process.
    const slots = (await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).acquire(`chat-${i}`)))).sort((x, y) => x - y);
    for (let i = 20; i < slots.length; i++) expect(slots[i]! - slots[i - 20]!).toBeGreaterThanOrEqual(999);
    // Every slot was a distinct instant at least one interval (50 ms) after the one before.
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(49);
  });

  it("a 429 pause holds every process's sends until it ends", async () => {
    const redis = new Redis(TEST_REDIS_URL);
    conns.push(redis);
    const l = new TelegramLimiter({ redis, keyPrefix: `${prefix}:bot2` });
    await l.pause(300);
    const before = Date.now();
    await l.acquire("chat");
    expect(Date.now() - before).toBeGreaterThanOrEqual(250);
  });
});
