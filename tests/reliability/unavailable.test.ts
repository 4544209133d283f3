// Finding 6: while Redis is down, the Telegram webhook and the playground transcript answer 503 within 2 s
// (Telegram then re-sends the update; the same update_id is deduplicated) instead of hanging.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { telegramGateway } from "../../bots/telegram/index.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { startOwnRedis, type OwnRedis } from "../support/redis-server.js";
import { FakeBotApi } from "../telegram/fake-bot-api.js";

const SECRET = "gridlink-test-secret_0123456789";
let api: FakeBotApi | undefined;
let t: TestApp | undefined;
let redis: OwnRedis | undefined;
afterEach(async () => {
  await redis?.start().catch(() => undefined); // let the app stop cleanly
  await t?.cleanup();
  await api?.stop();
  await redis?.cleanup();
  t = undefined;
  api = undefined;
  redis = undefined;
});

const update = (update_id: number) => ({
  update_id,
  message: { message_id: update_id, date: Math.floor(Date.now() / 1000), chat: { id: -4128806631, type: "group", title: "莲花社区1号楼业主群" }, from: { id: 5234401187, is_bot: false, first_name: "王阿姨" }, text: "3栋又停电了，什么时候来电？" },
});

const timed = async (fn: () => Promise<Response>) => {
  const started = Date.now();
  const res = await fn();
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
};

describe("Redis down: answers, not hangs", () => {
  it("the webhook answers 503 within 2 s and the re-sent update becomes one ticket after Redis returns; the transcript GET answers 503 within 2 s", async () => {
    redis = await startOwnRedis();
    api = new FakeBotApi();
    t = await createTestApp({
      env: { REDIS_URL: redis.url, TELEGRAM_BOT_TOKEN: "123456:fake", TELEGRAM_API_ROOT: await api.start(), TELEGRAM_WEBHOOK_URL: "https://gridlink.example.org/telegram/webhook", TELEGRAM_WEBHOOK_SECRET: SECRET },
      gateways: [telegramGateway, playgroundGateway],
    });
    const hook = () => fetch(`${t!.url}/telegram/webhook`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body: JSON.stringify(update(7001)), signal: AbortSignal.timeout(15_000) });
    const transcript = () => fetch(`${t!.url}/api/playground/groups/lianhua-01/messages`, { signal: AbortSignal.timeout(15_000) });

    await redis.kill();
    for (const answer of [await timed(hook), await timed(transcript), await timed(hook)]) {
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(2000);
    }
    // Frozen rather than gone (commands are written but never answered): still 503 within 2 s.
    await redis.start();
    redis.freeze();
    for (const answer of [await timed(hook), await timed(transcript)]) {
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(2000);
    }
    redis.thaw();

    const ok = await waitFor(async () => ((await hook()).status === 200 ? true : undefined), 20_000, 200);
    expect(ok).toBe(true);
    expect((await timed(transcript)).status).toBe(200);
    await waitFor(() => api!.callsOf("sendMessage").length === 1, 20_000);
    expect(await t.app.prisma.ticket.count()).toBe(1);
  });
});
