// Stopping while a reply waits in the Telegram limiter (the bot is paused after a 429): stop() wakes the waiting
// send, every stop step finishes in time (none forced), the reply stays queued, and the next start sends it once.

import fs from "node:fs";
import type { Update } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { telegramGateway, type TelegramGateway } from "../../bots/telegram/index.js";
import { createApp, type App } from "../../core/app.js";
import { dropPrefix, testConfig, waitFor } from "../helpers/harness.js";
import { recordingLogger, stopWithin } from "../support/stop-log.js";
import { FakeBotApi } from "./fake-bot-api.js";

const CHAT = -4128806631;
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const complaint: Update = {
  update_id: 501,
  message: { message_id: 501, date: Math.floor(Date.now() / 1000), chat: { id: CHAT, type: "group", title: "莲花社区1号楼业主群" }, from: { id: 5234401187, is_bot: false, first_name: "王阿姨" }, text: "3栋又停电了，什么时候来电？" },
} as Update;

describe("stop while a reply waits for a Telegram rate-limit slot", () => {
  it("wakes the waiting send, forces no step, and the next start sends the reply exactly once", async () => {
    const api = new FakeBotApi();
    cleanups.push(() => api.stop());
    const { config, dbDir } = testConfig({ TELEGRAM_BOT_TOKEN: "123456:fake", TELEGRAM_API_ROOT: await api.start(), PLAYGROUND_ENABLED: "false" });
    cleanups.push(() => fs.rmSync(dbDir, { recursive: true, force: true }));
    cleanups.push(() => dropPrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const startApp = async () => {
      const rec = recordingLogger();
      const app: App = await createApp({ config, gateways: [telegramGateway], log: rec.log });
      let stopped = false;
      cleanups.push(() => (stopped ? undefined : app.stop()));
      await app.start();
      const gw = app.gateways.find((g) => g.platform === "telegram") as TelegramGateway;
      return { app, gw, rec, stop: async () => ((stopped = true), stopWithin(app, 20_000)) };
    };

    const first = await startApp();
    // The bot is paused (as after a 429 with retry_after 15 s): a send waits in the limiter, in-process, longer
    // than a stop step may take.
    await first.gw.limiter.pause(15_000);
    api.pushUpdate(complaint);
    const reply = await waitFor(() => first.app.prisma.outboundMessage.findFirst({ where: { kind: "reply" } }), { what: "the reply row", timeoutMs: 20_000 });
    const queue = first.app.queues.outbox("telegram");
    await waitFor(() => queue.getJobCounts("active"), { what: "the reply's send waiting", accept: (c) => c.active === 1 });

    expect(await first.stop()).toBe("stopped");
    expect(first.rec.forcedSteps()).toEqual([]);
    expect(api.callsOf("sendMessage")).toEqual([]);

    const second = await startApp();
    // It waits out the rest of the pause, then goes out.
    await waitFor(() => second.app.prisma.outboundMessage.findUnique({ where: { id: reply.id } }), { what: "the reply sent after the restart", timeoutMs: 40_000, accept: (r) => r?.status === "sent" });
    const queue2 = second.app.queues.outbox("telegram");
    await waitFor(() => queue2.getJobCounts("wait", "active", "delayed", "prioritized"), { what: "the outbox drained", accept: (c) => Object.values(c).every((n) => n === 0) });
    expect(api.callsOf("sendMessage").filter((c) => c.body.chat_id === CHAT)).toHaveLength(1);

    expect(await second.stop()).toBe("stopped");
    expect(second.rec.forcedSteps()).toEqual([]);
  }, 120_000);
});
