// The live detector: two "processes" (two live detectors on one database and Redis channel) — a change
// made through one is seen by the other within a second, with no restart.
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import type { Db } from "../../core/infra/db.js";
import { createLiveDetector, type LiveDetector } from "../../core/lexicon/live.js";
import { addTerm, disableTerm, removeTerm } from "../../core/lexicon/store.js";
import { testDb, testRedis, tinyLexiconDir } from "./helpers.js";

let prisma: Db;
let cleanup: () => Promise<void>;
let redis: Redis;
let channel: string;
let dir: string;
const opened: LiveDetector[] = [];

beforeEach(async () => {
  ({ prisma, cleanup } = await testDb());
  ({ redis, channel } = testRedis());
  dir = tinyLexiconDir();
});
afterEach(async () => {
  for (const l of opened.splice(0)) await l.close();
  redis.disconnect();
  await cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function live(): Promise<LiveDetector> {
  const l = await createLiveDetector({ prisma, redis, channel, lexiconDir: dir, pollMs: 0 });
  opened.push(l);
  return l;
}

/** Poll until `check` holds, failing after `ms`. */
async function within(ms: number, check: () => boolean): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

describe("live detector", () => {
  it("seeds an empty table and detects with the database's keywords and the file guards", async () => {
    const a = await live();
    expect(await prisma.lexiconTerm.count()).toBe(3);
    expect(a.detect("3栋又停电了").category).toBe("utilities");
    expect(a.detect("今天没停电吧").complaint).toBe(false); // guards from guards.txt
    expect(a.detect("楼上漏水了").complaint).toBe(false); // not in this lexicon
  });

  it("a change published in one process reaches another within a second", async () => {
    const a = await live();
    const b = await live();
    expect(b.detect("楼上漏水了").complaint).toBe(false);
    await addTerm(prisma, { term: "漏水", category: "housing", severity: 2 }, "admin:test", { shadow: false });
    await a.publishChange();
    expect(a.detect("楼上漏水了").category).toBe("housing"); // the publisher rebuilt before returning
    const ms = await within(1000, () => b.detect("楼上漏水了").complaint);
    expect(ms).toBeLessThan(1000);

    await disableTerm(prisma, "停电", "admin:test");
    await a.publishChange();
    await within(1000, () => !b.detect("3栋又停电了").complaint);
    await removeTerm(prisma, "漏水", "admin:test");
    await b.publishChange(); // either side can publish
    await within(1000, () => !a.detect("楼上漏水了").complaint);
  });

  it("falls back to polling the table when a pub/sub message was missed", async () => {
    const a = await createLiveDetector({ prisma, redis, channel, lexiconDir: dir, pollMs: 100 });
    opened.push(a);
    await addTerm(prisma, { term: "漏水", category: "housing", severity: 2 }, "admin:test", { shadow: false }); // no publish
    await within(2000, () => a.detect("楼上漏水了").complaint);
  });

  it("ignores other channels and stops listening after close", async () => {
    const a = await live();
    await addTerm(prisma, { term: "漏水", category: "housing" }, "admin:test", { shadow: false });
    await redis.publish(`${channel}:other`, "x");
    await new Promise((r) => setTimeout(r, 200));
    expect(a.detect("楼上漏水了").complaint).toBe(false);
    await a.close();
    opened.splice(opened.indexOf(a), 1);
    await redis.publish(channel, "someone:1");
    await new Promise((r) => setTimeout(r, 200));
    expect(a.detect("楼上漏水了").complaint).toBe(false);
  });
});
