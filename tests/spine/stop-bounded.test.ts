// Stopping never hangs: with Redis gone (a BullMQ worker's blocking client then sits in "reconnecting" and its
// close() can wait forever — bullmq#4656), app.stop() still returns after bounded steps; and a send that overruns
// its step is forced without leaving a loop that spins.

import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createApp } from "../../core/app.js";
import { createLogger } from "../../core/infra/log.js";
import { createOutbound } from "../../core/outbox.js";
import type { SendResult } from "../../core/ports/chat.js";
import { dropPrefix, testConfig, waitFor } from "../helpers/harness.js";
import { startOwnRedis } from "../support/redis-server.js";
import { recordingLogger, stopWithin } from "../support/stop-log.js";

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

describe("stop with a send that overruns its step", () => {
  it("a send that overruns its stop step is forced without spinning: the later steps still run and stop returns", async () => {
    const { config, dbDir } = testConfig({ STOP_STEP_TIMEOUT_MS: "1000" });
    cleanups.push(() => fs.rmSync(dbDir, { recursive: true, force: true }));
    cleanups.push(() => dropPrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const rec = recordingLogger();
    const app = await createApp({ config, gateways: [playgroundGateway], log: rec.log });
    await app.start();
    const gw = app.gateways.find((g) => g.platform === "playground")!;
    // A send that ignores stop and fails only after its stop step was forced (a platform call hanging).
    let failLater: (() => void) | undefined;
    gw.send = () => new Promise<SendResult>((_, reject) => (failLater = () => reject(new Error("socket hang up"))));
    await app.host.groups.seen("playground", "pg-room-1", { title: "莲花社区1号楼业主群", active: true });
    const group = await waitFor(() => app.prisma.group.findFirst({ where: { chatId: "pg-room-1" } }));
    const id = await createOutbound(app.prisma, { key: "hang-reply", platform: "playground", groupId: group.id, kind: "reply", text: "收到，已登记。" });
    await app.queues.enqueueOutboundRows([{ id, platform: "playground" }]);
    await waitFor(() => failLater);
    const stopping = stopWithin(app, 20_000);
    await waitFor(() => rec.forcedSteps().length > 0, { what: "the outbox close forced" });
    failLater!();
    // Before: the forced close disconnected the shared connection, and BullMQ retried the failed job's update on
    // it with no delay (the worker was closing) — a loop that starved every timer, stop's bounds included.
    expect(await stopping).toBe("stopped");
    expect(rec.forcedSteps()).toEqual(["worker outbox-playground"]);
  }, 60_000);
});
