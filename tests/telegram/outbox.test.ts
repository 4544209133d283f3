// The real sender end to end: a Gridlink app whose Telegram gateway polls a fake Bot API; a resident's
// complaint becomes a ticket and a reply, and the reply's sendMessage meets 429, 403, migration or 5xx.
// Times come from the fake server's request log.

import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { telegramGateway, type TelegramGateway } from "../../bots/telegram/index.js";
import { jobId } from "../../core/infra/queues.js";
import { WORKER_REDIS_OPTIONS } from "../../core/infra/redis.js";
import { createOutbound, startOutboxWorker } from "../../core/outbox.js";
import type { OutgoingMessage, SendResult } from "../../core/ports/chat.js";
import { createTestApp, TEST_REDIS_URL, waitFor, type TestApp } from "../helpers/harness.js";
import { FakeBotApi, FAKE_BOT } from "./fake-bot-api.js";

const CHAT = -4128806631;
const NEW_CHAT = -1002468013579;
let api: FakeBotApi;
let t: TestApp | undefined;
let updateId = 100;

const complaint = (text = "3栋又停电了，什么时候来电？", chatId = CHAT): Update =>
  ({
    update_id: ++updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "group", title: "莲花社区1号楼业主群" }, from: { id: 5234401187, is_bot: false, first_name: "王阿姨" }, text },
  }) as Update;

async function start(): Promise<TestApp> {
  t = await createTestApp({
    env: { TELEGRAM_BOT_TOKEN: "123456:fake", TELEGRAM_API_ROOT: await api.start(), PLAYGROUND_ENABLED: "false" },
    gateways: [telegramGateway],
  });
  return t;
}

/** The reply row of the one ticket, once intake created it. */
const replyRow = (t: TestApp) => waitFor(() => t.app.prisma.outboundMessage.findFirst({ where: { kind: "reply" } }));
const jobState = async (t: TestApp, outboundId: number) => (await t.app.queues.outbox("telegram").getJob(jobId("out", outboundId)))?.getState();

beforeEach(() => {
  api = new FakeBotApi();
});

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  await api.stop();
});

describe("Telegram outbox against a fake Bot API", () => {
  it("429: the reply waits retry_after, then goes out", async () => {
    api.script = ({ method, index }) =>
      method === "sendMessage" && index === 0 ? { error_code: 429, description: "Too Many Requests: retry after 2", parameters: { retry_after: 2 } } : undefined;
    const t = await start();
    api.pushUpdate(complaint());
    const row = await replyRow(t);
    await waitFor(async () => (await t.app.prisma.outboundMessage.findUnique({ where: { id: row.id } }))?.status === "sent", 15_000);
    const [limited, sent, ...rest] = api.callsOf("sendMessage");
    expect(limited.status).toBe(429);
    expect(sent.status).toBe(200);
    expect(rest).toEqual([]);
    expect(sent.at).toBeGreaterThanOrEqual(limited.respondedAt + 2000);
    expect(sent.body).toMatchObject({ chat_id: CHAT, reply_parameters: { message_id: updateId, allow_sending_without_reply: true } });
  });

  it("403: the kicked group is inactive after one call, and nothing is retried", async () => {
    api.script = ({ method }) => (method === "sendMessage" ? { error_code: 403, description: "Forbidden: bot was kicked from the group chat" } : undefined);
    const t = await start();
    api.pushUpdate(complaint());
    const row = await replyRow(t);
    await waitFor(async () => (await jobState(t, row.id)) === "failed");
    expect(await t.app.prisma.group.findFirst({ where: { chatId: String(CHAT) } })).toMatchObject({ active: false });
    expect(await t.app.prisma.outboundMessage.findUnique({ where: { id: row.id } })).toMatchObject({ status: "failed" });
    expect(api.callsOf("sendMessage")).toHaveLength(1);
  });

  it("migration: the group moves to the supergroup id and the reply is resent there exactly once", async () => {
    api.script = ({ method, body }) =>
      method === "sendMessage" && body.chat_id === CHAT
        ? { error_code: 400, description: "Bad Request: group chat was upgraded to a supergroup chat", parameters: { migrate_to_chat_id: NEW_CHAT } }
        : undefined;
    const t = await start();
    api.pushUpdate(complaint());
    const row = await replyRow(t);
    await waitFor(async () => (await jobState(t, row.id)) === "completed");
    const calls = api.callsOf("sendMessage");
    expect(calls.map((c) => [c.body.chat_id, c.status])).toEqual([
      [CHAT, 400],
      [NEW_CHAT, 200],
    ]);
    const group = await t.app.prisma.group.findUniqueOrThrow({ where: { id: row.groupId }, include: { tickets: true } });
    expect(group).toMatchObject({ chatId: String(NEW_CHAT), active: true });
    expect(group.tickets).toHaveLength(1); // the ticket stays with the group
  });

  it("5xx: the reply is retried with backoff and delivered once", async () => {
    api.script = ({ method, index }) => (method === "sendMessage" && index === 0 ? { error_code: 502, description: "Bad Gateway" } : undefined);
    const t = await start();
    api.pushUpdate(complaint());
    const row = await replyRow(t);
    await waitFor(async () => (await jobState(t, row.id)) === "completed", 20_000);
    expect(api.callsOf("sendMessage").map((c) => c.status)).toEqual([502, 200]);
    expect(await t.app.prisma.outboundMessage.findUnique({ where: { id: row.id } })).toMatchObject({ status: "sent" });
  });

  it("a send Telegram accepted before its process died is recorded by the retried job, not sent twice", async () => {
    t = await createTestApp({
      env: { TELEGRAM_BOT_TOKEN: "123456:fake", TELEGRAM_API_ROOT: await api.start(), PLAYGROUND_ENABLED: "false", OUTBOX_LOCK_MS: "1000" },
      gateways: [telegramGateway],
    });
    const app = t.app;
    const gw = app.gateways.find((g) => g.platform === "telegram") as TelegramGateway;
    await app.host.groups.seen("telegram", String(CHAT), { title: "莲花社区1号楼业主群", active: true });
    const group = await waitFor(() => app.prisma.group.findFirst({ where: { chatId: String(CHAT) } }));
    // The first worker's process "dies" right after Telegram accepted the message: its send never returns.
    const realSend = gw.send.bind(gw);
    const accepted: SendResult[] = [];
    gw.send = async (msg: OutgoingMessage) => {
      accepted.push(await realSend(msg));
      return new Promise<SendResult>(() => {});
    };
    const id = await createOutbound(app.prisma, { key: "crash-reply", platform: "telegram", groupId: group.id, kind: "reply", text: "收到，您反映的停电问题已登记。" });
    await app.queues.enqueueOutboundRows([{ id, platform: "telegram" }]);
    await waitFor(() => accepted.length === 1);
    await app.workers.find((w) => w.name === "outbox-telegram")!.close(true);
    gw.send = realSend;
    // Another worker (the restarted process) takes the job over once its lock lapsed.
    const connection = new Redis(TEST_REDIS_URL, WORKER_REDIS_OPTIONS);
    const second = startOutboxWorker({ prisma: app.prisma, gateway: gw, groups: app.host.groups, connection, prefix: app.config.QUEUE_PREFIX, log: app.log, lockDurationMs: 1000 });
    try {
      const row = await waitFor(async () => {
        const r = await app.prisma.outboundMessage.findUnique({ where: { id } });
        return r?.status === "sent" ? r : undefined;
      }, 20_000);
      expect(row.platformMessageId).toBe(accepted[0]!.platformMessageId);
      expect(api.callsOf("sendMessage")).toHaveLength(1);
      expect(await gw.sentBefore({ outboundId: id, platform: "telegram", chatId: String(CHAT), text: "收到，您反映的停电问题已登记。" })).toEqual(accepted[0]);
    } finally {
      await second.close();
      await connection.quit();
    }
  });

  it("an edit updates the ticket instead of opening a second one; kick and re-add follow the bot", async () => {
    const t = await start();
    const first = complaint("3栋又停电了");
    api.pushUpdate(first);
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst());
    api.pushUpdate({ update_id: ++updateId, edited_message: { ...first.message!, edit_date: first.message!.date + 30, text: "3栋又停电了，已经两个小时了" } } as Update);
    await waitFor(async () => (await t.app.prisma.ticket.findUnique({ where: { id: ticket.id } }))?.text === "3栋又停电了，已经两个小时了");
    expect(await t.app.prisma.ticket.count()).toBe(1);

    const me = { id: FAKE_BOT.id, is_bot: true, first_name: FAKE_BOT.first_name, username: FAKE_BOT.username };
    const chat = { id: CHAT, type: "group", title: "莲花社区1号楼业主群" };
    const from = { id: 5234401187, is_bot: false, first_name: "王阿姨" };
    api.pushUpdate({ update_id: ++updateId, my_chat_member: { chat, from, date: 1, old_chat_member: { user: me, status: "member" }, new_chat_member: { user: me, status: "kicked", until_date: 0 } } } as unknown as Update);
    await waitFor(async () => (await t.app.prisma.group.findFirst({ where: { chatId: String(CHAT) } }))?.active === false);
    api.pushUpdate({ update_id: ++updateId, my_chat_member: { chat: { ...chat, title: "莲花社区1号楼业主交流群" }, from, date: 2, old_chat_member: { user: me, status: "left" }, new_chat_member: { user: me, status: "member" } } } as unknown as Update);
    await waitFor(async () => {
      const g = await t.app.prisma.group.findFirst({ where: { chatId: String(CHAT) } });
      return g?.active === true && g.title === "莲花社区1号楼业主交流群";
    });
  });
});
