// The webhook route: only Telegram (who knows the secret) gets in; 200 means the update is queued.

import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramGateway, type TelegramGateway } from "../../bots/telegram/index.js";
import { secretMatches, webhookSecret } from "../../bots/telegram/webhook.js";
import { FakeBotApi } from "./fake-bot-api.js";
import { waitFor } from "../support/wait-for.js";
import { createTestHost, scanKeys, telegramConfig, type TestHost } from "./helpers.js";

const until = async (fn: () => Promise<boolean>, ms = 5000): Promise<void> => {
  await waitFor(fn, { timeoutMs: ms, intervalMs: 10 });
};

const SECRET = "s3cret_Token-for-gridlink";
let api: FakeBotApi;
let t: TestHost;
let gw: TelegramGateway;
let http: FastifyInstance;

const groupMessage = (update_id: number, text = "3栋又停电了，什么时候来电？"): Update =>
  ({
    update_id,
    message: { message_id: update_id, date: 1732170000, chat: { id: -4128806631, type: "group", title: "莲花社区1号楼业主群" }, from: { id: 5234401187, is_bot: false, first_name: "王阿姨" }, text },
  }) as Update;

const post = (update: unknown, secret?: string) =>
  http.inject({ method: "POST", url: "/telegram/webhook", headers: secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret }, payload: update as object });

beforeEach(async () => {
  api = new FakeBotApi();
  const apiRoot = await api.start();
  t = createTestHost();
  gw = createTelegramGateway(t.host, telegramConfig(apiRoot, { TELEGRAM_WEBHOOK_URL: "https://gridlink.example.org/telegram/webhook", TELEGRAM_WEBHOOK_SECRET: SECRET }))!;
  expect(gw.mode).toBe("webhook");
  http = Fastify();
  await http.register(gw.routes!);
  await http.ready();
});

afterEach(async () => {
  await gw.stop();
  await http.close();
  await api.stop();
  await t.cleanup();
});

describe("webhook", () => {
  it("registers itself with Telegram: url, secret and the update types it needs", async () => {
    await gw.start();
    const [call] = api.callsOf("setWebhook");
    expect(call.body).toMatchObject({ url: "https://gridlink.example.org/telegram/webhook", secret_token: SECRET, allowed_updates: ["message", "edited_message", "my_chat_member"] });
    expect(api.callsOf("getUpdates")).toHaveLength(0); // no polling in webhook mode
  });

  it("fails start() loudly when Telegram refuses the webhook URL", async () => {
    api.script = ({ method }) => (method === "setWebhook" ? { error_code: 400, description: "Bad Request: bad webhook: HTTPS url must be provided for webhook" } : undefined);
    await expect(gw.start()).rejects.toThrow(/Telegram refused TELEGRAM_WEBHOOK_URL=.*HTTPS url must be provided/);
  });

  it("refuses 1,000 requests with a missing or wrong secret and queues nothing", async () => {
    await gw.start();
    const wrong = [
      undefined,
      "",
      SECRET.toUpperCase(),
      SECRET.slice(0, -1),
      `${SECRET}x`,
      SECRET.slice(0, -1) + "X",
      ` ${SECRET}`,
      webhookSecret("123456:TEST-token", undefined), // the derived secret is not the configured one
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const secret = i < wrong.length ? wrong[i] : i % 2 === 0 ? undefined : randomBytes(1 + (i % 40)).toString("base64url");
      const res = await post(groupMessage(10_000 + i), secret);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 1000 });
    expect(t.submitted).toHaveLength(0);
    expect(t.groupCalls).toHaveLength(0);
    expect(await scanKeys(t.redis, `${t.prefix}:*update*`)).toEqual([]);

    // The same route takes the real secret: the refusals above were about the secret, nothing else.
    const ok = await post(groupMessage(20_000), SECRET);
    expect(ok.statusCode).toBe(200);
    expect(t.submitted).toHaveLength(1);
  });

  it("answers 200 only once the message is queued, and each update_id once", async () => {
    await gw.start();
    const res = await post(groupMessage(501), SECRET);
    expect(res.statusCode).toBe(200);
    expect(t.submitted).toEqual([expect.objectContaining({ platform: "telegram", chatId: "-4128806631", messageId: "501", text: "3栋又停电了，什么时候来电？" })]);
    const again = await post(groupMessage(501), SECRET);
    expect(again.statusCode).toBe(200);
    expect(t.submitted).toHaveLength(1);
  });

  it("answers 503 when the update cannot be queued, and takes Telegram's re-send afterwards", async () => {
    await gw.start();
    t.failSubmits(1);
    const first = await post(groupMessage(601), SECRET);
    expect(first.statusCode).toBe(503);
    expect(t.submitted).toHaveLength(0);
    const resend = await post(groupMessage(601), SECRET);
    expect(resend.statusCode).toBe(200);
    expect(t.submitted).toHaveLength(1);
  });

  it("a re-send that arrives while the first request is still queueing gets 503, and is taken once afterwards", async () => {
    await gw.start();
    const submit = t.host.submit;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    t.host.submit = async (msg) => {
      await held;
      return submit(msg);
    };
    const first = post(groupMessage(651), SECRET);
    await new Promise((r) => setImmediate(r));
    await until(async () => (await scanKeys(t.redis, `${t.prefix}:*update*`)).length === 1);
    const during = await post(groupMessage(651), SECRET);
    expect(during.statusCode).toBe(503); // not swallowed: Telegram will send it again
    release();
    expect((await first).statusCode).toBe(200);
    t.host.submit = submit;
    const after = await post(groupMessage(651), SECRET);
    expect(after.statusCode).toBe(200);
    expect(t.submitted).toHaveLength(1);
  });

  it("answers 503 before the bot knows who it is, 400 for a body that is not an update", async () => {
    const early = await post(groupMessage(701), SECRET);
    expect(early.statusCode).toBe(503);
    expect(t.submitted).toHaveLength(0);
    await gw.start();
    expect((await post({ hello: "world" }, SECRET)).statusCode).toBe(400);
    expect((await post(groupMessage(701), SECRET)).statusCode).toBe(200);
    expect(t.submitted).toHaveLength(1);
  });

  it("feeds the group registry: kicked, title change, supergroup migration", async () => {
    await gw.start();
    const bot = { id: 7912345678, is_bot: true, first_name: "Gridlink", username: "GridlinkBot" };
    const chat = { id: -4128806631, type: "group", title: "莲花社区1号楼业主群" };
    const from = { id: 5234401187, is_bot: false, first_name: "王" };
    const updates = [
      { update_id: 801, my_chat_member: { chat, from, date: 1, old_chat_member: { user: bot, status: "left" }, new_chat_member: { user: bot, status: "member" } } },
      { update_id: 802, message: { message_id: 9, date: 2, chat, from, new_chat_title: "莲花社区1号楼业主交流群" } },
      { update_id: 803, message: { message_id: 10, date: 3, chat, from, migrate_to_chat_id: -1002468013579 } },
      { update_id: 804, my_chat_member: { chat: { id: -1002468013579, type: "supergroup", title: "x" }, from, date: 4, old_chat_member: { user: bot, status: "member" }, new_chat_member: { user: bot, status: "kicked", until_date: 0 } } },
    ];
    for (const u of updates) expect((await post(u, SECRET)).statusCode).toBe(200);
    expect(t.groupCalls).toEqual([
      { op: "seen", platform: "telegram", chatId: "-4128806631", info: { title: "莲花社区1号楼业主群", active: true } },
      { op: "setActive", platform: "telegram", chatId: "-4128806631", active: true, reason: "added (member)" },
      { op: "seen", platform: "telegram", chatId: "-4128806631", info: { title: "莲花社区1号楼业主交流群" } },
      { op: "migrate", platform: "telegram", oldChatId: "-4128806631", newChatId: "-1002468013579" },
      { op: "setActive", platform: "telegram", chatId: "-1002468013579", active: false, reason: "kicked" },
    ]);
    expect(t.submitted).toHaveLength(0); // service messages are not intake
  });
});

describe("webhook secret", () => {
  it("is derived from the token when not configured, stable and Telegram-shaped", () => {
    const a = webhookSecret("123:abc", undefined);
    expect(a).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(webhookSecret("123:abc", undefined)).toBe(a);
    expect(webhookSecret("123:abd", undefined)).not.toBe(a);
    expect(() => webhookSecret("123:abc", "has space")).toThrow(/TELEGRAM_WEBHOOK_SECRET must be/);
  });

  it("compares exactly", () => {
    expect(secretMatches("abc", "abc")).toBe(true);
    for (const bad of [undefined, "", "abd", "ab", "abcd", ["abc"]]) expect(secretMatches(bad, "abc")).toBe(false);
  });
});
