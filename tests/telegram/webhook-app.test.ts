// The webhook mounted on core's HTTP server in a real app: wrong secrets are refused before anything reaches
// the intake queue; the right one gets a complaint all the way to a ticket.

import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { telegramGateway } from "../../bots/telegram/index.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { FakeBotApi } from "./fake-bot-api.js";

const SECRET = "gridlink-test-secret_0123456789";
let api: FakeBotApi | undefined;
let t: TestApp | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  await api?.stop();
});

const update = (update_id: number) => ({
  update_id,
  message: { message_id: update_id, date: Math.floor(Date.now() / 1000), chat: { id: -4128806631, type: "group", title: "莲花社区1号楼业主群" }, from: { id: 5234401187, is_bot: false, first_name: "王阿姨" }, text: "3栋又停电了，什么时候来电？" },
});

describe("Telegram webhook in a running Gridlink", () => {
  it("refuses 1,000 requests with missing or wrong secrets over HTTP and queues nothing; the right secret gets a ticket", async () => {
    api = new FakeBotApi();
    t = await createTestApp({
      env: {
        TELEGRAM_BOT_TOKEN: "123456:fake",
        TELEGRAM_API_ROOT: await api.start(),
        TELEGRAM_WEBHOOK_URL: "https://gridlink.example.org/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        PLAYGROUND_ENABLED: "false",
      },
      gateways: [telegramGateway],
    });
    expect(api.callsOf("setWebhook")[0].body).toMatchObject({ secret_token: SECRET });
    const endpoint = `${t.url}/telegram/webhook`;
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (i % 3 === 1) headers["x-telegram-bot-api-secret-token"] = randomBytes(1 + (i % 48)).toString("base64url");
      // One character off (A–Z; the secret ends in 9).
      if (i % 3 === 2) headers["x-telegram-bot-api-secret-token"] = SECRET.slice(0, -1) + String.fromCharCode(65 + (i % 26));
      const res = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify(update(1 + i)) });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s !== 401)).toEqual([]);
    const counts = await t.app.queues.intake.getJobCounts("completed", "failed", "active", "waiting", "delayed", "prioritized");
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    expect(await t.app.prisma.group.count()).toBe(0);

    const ok = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body: JSON.stringify(update(5000)) });
    expect(ok.status).toBe(200);
    const ticket = await waitFor(() => t!.app.prisma.ticket.findFirst({ include: { sourceMessage: true } }));
    expect(ticket.sourceMessage.messageId).toBe("5000");
    await waitFor(() => api!.callsOf("sendMessage").length === 1);
    expect(api.callsOf("sendMessage")[0].body).toMatchObject({ chat_id: -4128806631, reply_parameters: { message_id: 5000, allow_sending_without_reply: true } });
  });
});
