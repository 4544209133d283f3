// Stopping never hangs: with Redis gone (a BullMQ worker's blocking client then sits in "reconnecting" and its
// close() can wait forever — bullmq#4656), app.stop() still returns after bounded steps.

import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createApp } from "../../core/app.js";
import { createLogger } from "../../core/infra/log.js";
import { testConfig } from "../helpers/harness.js";
import { startOwnRedis } from "../support/redis-server.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("stop with Redis gone", () => {
  it("returns within its bounded steps instead of waiting for a Redis that never answers", async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.cleanup());
    const { config, dbDir } = testConfig({ REDIS_URL: redis.url, STOP_STEP_TIMEOUT_MS: "1000" });
    cleanups.push(() => fs.rmSync(dbDir, { recursive: true, force: true }));
    const app = await createApp({ config, gateways: [playgroundGateway], log: createLogger("silent") });
    await app.start();
    await redis.kill();
    const outcome = await Promise.race([app.stop().then(() => "stopped"), new Promise((r) => setTimeout(r, 45_000, "still waiting after 45 s")).then(String)]);
    expect(outcome).toBe("stopped");
  }, 60_000);
});
