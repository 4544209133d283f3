// Standing guarantee: three Redis kills (kill -9, down 3–8 s) during 45 s of steady load on a real
// `gridlink start` process. Every message answered 202 becomes exactly one ticket (or one chatter drop),
// every reply is sent, and intake is processing again within 5 s of each restart.

import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { intakeProgressKey } from "../../core/infra/queues.js";
import { waitFor } from "../helpers/harness.js";
import { startGridlink } from "../support/fault-process.js";
import { expectNothingLostOrDoubled, settleLoad, steadyLoad } from "../support/load.js";
import { startOwnRedis } from "../support/redis-server.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("Redis killed three times under steady load", () => {
  it("loses nothing accepted, doubles nothing, sends every reply, and resumes within 5 s of each restart", async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.cleanup());
    const app = await startGridlink(redis.url, { RECONCILE_EVERY_MS: "3000", RECONCILE_MIN_AGE_MS: "3000", HEALTH_STALL_MS: "10000" });
    cleanups.push(() => app.cleanup());
    await app.start();

    const probe = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100, lazyConnect: true });
    probe.on("error", () => {});
    cleanups.push(() => probe.disconnect());
    const lastProgress = async () => Number((await probe.get(intakeProgressKey(app.prefix)).catch(() => null)) ?? 0);

    const load = steadyLoad(() => app.url, { durationMs: 45_000, perSecond: 8, tag: "rk" });
    const outages = [4000, 6500, 3000]; // ms down: within 3–8 s
    const resumedAfterMs: number[] = [];
    for (const down of outages) {
      await new Promise((r) => setTimeout(r, 7000));
      await redis.kill();
      await new Promise((r) => setTimeout(r, down));
      await redis.start();
      const back = Date.now();
      // Processing again: a job finished after the restart (the load keeps jobs waiting).
      await waitFor(async () => (await lastProgress()) > back, 20_000, 100);
      resumedAfterMs.push(Date.now() - back);
    }
    const sent = await load;

    // Every accepted complaint becomes a ticket and a sent reply (retries and the reconciler included).
    const settled = await settleLoad(app, sent, { label: `redis kills ${outages.join("/")} ms`, repliesWithinMs: 120_000, detail: `resumed after ${resumedAfterMs.join("/")} ms` });
    expectNothingLostOrDoubled(sent, settled);
    for (const ms of resumedAfterMs) expect(ms).toBeLessThanOrEqual(5000);
  });
});
