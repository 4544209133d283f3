// Standing guarantee: Gridlink SIGKILLed in the middle of steady load and started again (same database and
// Redis): nothing accepted is lost, nothing is doubled, every reply is sent.

import { afterEach, describe, it } from "vitest";
import { startGridlink } from "../support/fault-process.js";
import { expectNothingLostOrDoubled, settleLoad, steadyLoad } from "../support/load.js";
import { startOwnRedis } from "../support/redis-server.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("Gridlink killed mid-load", () => {
  it("after kill -9 and a restart, every accepted complaint is stored once with one sent reply, never a doubled ticket", async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.cleanup());
    // Short lock so the killed process's active jobs are taken over soon after the restart.
    const app = await startGridlink(redis.url, { INTAKE_LOCK_MS: "3000", INTAKE_STALLED_CHECK_MS: "1000", RECONCILE_EVERY_MS: "3000", RECONCILE_MIN_AGE_MS: "3000" });
    cleanups.push(() => app.cleanup());
    await app.start();

    const load = steadyLoad(() => app.url, { durationMs: 20_000, perSecond: 8, tag: "ck" });
    await new Promise((r) => setTimeout(r, 8000));
    await app.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await app.start();
    const sent = await load;

    const settled = await settleLoad(app, sent, { label: "gridlink kill -9 mid-load", repliesWithinMs: 90_000 });
    expectNothingLostOrDoubled(sent, settled);
  });
});
