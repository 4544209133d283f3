// Finding 4: replies stuck "queued" with no job (the enqueue was lost to a Redis restart or a crash) are
// re-queued by the reconciler — once at start and then on its schedule — by their deterministic job id, so a
// reply that still has its job is never sent twice.

import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway, type TranscriptLine } from "../../bots/playground/index.js";
import { createApp, type App } from "../../core/app.js";
import { loadConfig } from "../../core/infra/config.js";
import { createLogger } from "../../core/infra/log.js";
import { dropPrefix, testConfig, waitFor } from "../helpers/harness.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startApp(env: Record<string, string>): Promise<App> {
  const app = await createApp({ config: loadConfig(env), gateways: [playgroundGateway], log: createLogger("silent") });
  await app.start();
  return app;
}

const botLines = async (app: App, group: string, text: string) => {
  const pg = app.gateways.find((g) => g.platform === "playground") as unknown as { transcript(id: string): Promise<TranscriptLine[]> };
  return (await pg.transcript(group)).filter((l) => l.from === "bot" && l.text === text).length;
};

/** A reply row as intake leaves it when its enqueue was lost: queued, no job. */
async function strandedReply(app: App, group: string, text: string): Promise<number> {
  const g = await app.prisma.group.findUniqueOrThrow({ where: { platform_chatId: { platform: "playground", chatId: group } } });
  const row = await app.prisma.outboundMessage.create({ data: { key: `test-${text}`, platform: "playground", groupId: g.id, kind: "reply", text, createdAt: new Date(Date.now() - 60_000) } });
  return row.id;
}

describe("outbox reconciler", () => {
  it("sends a stranded reply at the next start and another on its schedule, each exactly once; a reply with a live job is not doubled", async () => {
    const { config, dbDir } = testConfig();
    cleanups.push(() => fs.rmSync(dbDir, { recursive: true, force: true }));
    cleanups.push(() => dropPrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const env = { DATABASE_URL: config.DATABASE_URL, REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX, PORT: "0", LOG_LEVEL: "silent", REDIS_AUTOSTART: "false", RECONCILE_MIN_AGE_MS: "1000" };

    // First run: the schedule is an hour away, so only the pass at start can send what was stranded.
    let app = await startApp({ ...env, RECONCILE_EVERY_MS: "3600000" });
    const first = await strandedReply(app, "taoyuan-01", "【测试】停电回复一");
    await app.stop();
    app = await startApp({ ...env, RECONCILE_EVERY_MS: "3600000" });
    await waitFor(async () => (await app.prisma.outboundMessage.findUnique({ where: { id: first } }))?.status === "sent", 15_000);
    await app.stop();

    // Second run: a short schedule picks up a reply stranded while running.
    app = await startApp({ ...env, RECONCILE_EVERY_MS: "500" });
    cleanups.push(() => app.stop());
    const second = await strandedReply(app, "taoyuan-02", "【测试】停电回复二");
    await waitFor(async () => (await app.prisma.outboundMessage.findUnique({ where: { id: second } }))?.status === "sent", 15_000);

    // A queued reply whose job exists (paused outbox: it waits) is left alone however many passes run.
    const outbox = app.queues.outbox("playground");
    await outbox.pause();
    const third = await strandedReply(app, "taoyuan-03", "【测试】停电回复三");
    await app.queues.enqueueOutbound("playground", third);
    const before = await outbox.getJobCounts("wait", "paused");
    await new Promise((r) => setTimeout(r, 1500)); // three reconcile passes (a condition cannot show "nothing happened")
    expect(await outbox.getJobCounts("wait", "paused")).toEqual(before);
    await outbox.resume();
    await waitFor(async () => (await app.prisma.outboundMessage.findUnique({ where: { id: third } }))?.status === "sent", 15_000);

    expect(await botLines(app, "taoyuan-01", "【测试】停电回复一")).toBe(1);
    expect(await botLines(app, "taoyuan-02", "【测试】停电回复二")).toBe(1);
    expect(await botLines(app, "taoyuan-03", "【测试】停电回复三")).toBe(1);
  });
});
