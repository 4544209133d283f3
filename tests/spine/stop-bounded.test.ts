// Stopping never hangs: with Redis gone (a BullMQ worker's blocking client then sits in "reconnecting" and its
// close() can wait forever — bullmq#4656), app.stop() still returns after bounded steps.

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createApp } from "../../core/app.js";
import { createLogger } from "../../core/infra/log.js";
import { ping } from "../../core/infra/redis.js";
import { testConfig, waitFor } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  return waitFor(() => ping(`redis://127.0.0.1:${port}`, 500), 10_000).then(() => child);
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

describe("stop with Redis gone", () => {
  it("returns within its bounded steps instead of waiting for a Redis that never answers", async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    cleanups.push(() => {
      redis.kill("SIGKILL");
    });
    const { config, dbDir } = testConfig({ REDIS_URL: `redis://127.0.0.1:${port}`, STOP_STEP_TIMEOUT_MS: "1000" });
    cleanups.push(() => fs.rmSync(dbDir, { recursive: true, force: true }));
    const app = await createApp({ config, gateways: [playgroundGateway], log: createLogger("silent") });
    await app.start();
    redis.kill("SIGKILL");
    await exited(redis);
    const outcome = await Promise.race([app.stop().then(() => "stopped"), new Promise((r) => setTimeout(r, 45_000, "still waiting after 45 s")).then(String)]);
    expect(outcome).toBe("stopped");
  }, 60_000);
});
