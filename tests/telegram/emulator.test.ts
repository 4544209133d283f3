// End to end against telegram-test-api (the Bot API emulator): a real Gridlink app (Redis, SQLite, workers)
// with the Telegram gateway long-polling the emulator through grammY's client.apiRoot.

import { createRequire } from "node:module";
import type { TelegramServer as Emulator } from "telegram-test-api/lib/telegramServer.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { telegramGateway } from "../../bots/telegram/index.js";
import { type TestApp, countIntakeDone, createTestApp, waitFor } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

// The package is CommonJS with `module.exports = TelegramServer`; its typings describe an ES default export.
const TelegramServer = createRequire(import.meta.url)("telegram-test-api") as typeof Emulator;

const TOKEN = "424242:emulated-token";
const CHAT = -1001234567890;
const TITLE = "莲花社区1号楼业主群";
const RESIDENT = { userId: 5001, firstName: "王阿姨", userName: "wang_ayi" };
const LEADER = { userId: 6001, firstName: "李网格", userName: "li_grid" };
const OTHER = { userId: 5002, firstName: "张大爷", userName: "zhang_dy" };

let server: Emulator;
let t: TestApp | undefined;


const client = (who: { userId: number; firstName: string; userName: string }) =>
  server.getClient(TOKEN, { type: "supergroup", chatId: CHAT, chatTitle: TITLE, ...who });

/** What the bot sent into the group so far. */
const botMessages = () =>
  server.storage.botMessages.filter((m) => String(m.message.chat_id) === String(CHAT)).map((m) => m.message as unknown as { text: string; reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean }; entities?: Array<{ type: string; offset: number; length: number; user?: { id: number } }> });

beforeEach(async () => {
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  t = await createTestApp({
    env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, PLAYGROUND_ENABLED: "false" },
    gateways: [telegramGateway],
  });
});

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  await server.stop();
});

describe("Telegram against the Bot API emulator", () => {
  it("a resident's complaint in a group yields a ticket and a reply quoting it", async () => {
    const resident = client(RESIDENT);
    await resident.sendMessage(resident.makeMessage("3栋又停电了，什么时候来电？"));
    const ticket = await waitFor(() => t!.app.prisma.ticket.findFirst({ include: { sourceMessage: true, group: true, reporter: true } }));
    expect(ticket.group).toMatchObject({ platform: "telegram", chatId: String(CHAT), title: TITLE });
    expect(ticket.reporter.displayName).toBe("王阿姨");
    const reply = await waitFor(() => botMessages().find((m) => m.text.includes(ticket.number)));
    expect(reply.reply_parameters).toEqual({ message_id: Number(ticket.sourceMessage.messageId), allow_sending_without_reply: true });
    // Addressed by display name, as a real mention of the resident.
    expect(reply.text.startsWith("王阿姨，")).toBe(true);
    expect(reply.entities?.[0]).toMatchObject({ type: "text_mention", offset: 0, length: 3, user: { id: RESIDENT.userId } });
    expect(await t!.app.prisma.ticket.count()).toBe(1);
  });

  it("a grid leader's /resolve@Bot resolves the ticket and tells the group", async () => {
    await t!.app.prisma.staff.create({ data: { platform: "telegram", userId: String(LEADER.userId), role: "grid_leader", name: "李网格" } });
    const resident = client(RESIDENT);
    await resident.sendMessage(resident.makeMessage("3栋又停电了，什么时候来电？"));
    const ticket = await waitFor(() => t!.app.prisma.ticket.findFirst({ include: { sourceMessage: true } }));
    await waitFor(() => botMessages().find((m) => m.text.includes(ticket.number)));

    const leader = client(LEADER);
    await leader.sendCommand(leader.makeCommand(`/resolve@TestNameBot ${ticket.number} 已恢复供电`));
    await waitFor(async () => (await t!.app.prisma.ticket.findUnique({ where: { id: ticket.id } }))?.status === "resolved");
    const notice = await waitFor(() => botMessages().find((m) => m.text.includes(`${ticket.number} 已办结`)));
    expect(notice.text).toContain("已恢复供电");
    // The notice answers the resident's original message.
    expect(notice.reply_parameters?.message_id).toBe(Number(ticket.sourceMessage.messageId));
  });

  it("a resident's /broadcast is refused politely and sends nothing to other groups", async () => {
    const other = server.getClient(TOKEN, { type: "supergroup", chatId: -1009999999999, chatTitle: "莲花社区2号楼", ...OTHER });
    await other.sendMessage(other.makeMessage("/help"));
    await waitFor(() => t!.app.prisma.group.findFirst({ where: { chatId: "-1009999999999" } }));

    const resident = client(RESIDENT);
    await resident.sendCommand(resident.makeCommand("/broadcast 明天停水"));
    const refusal = await waitFor(() => botMessages().find((m) => m.text.includes("只有网格员或管理员")));
    expect(refusal.reply_parameters?.message_id).toEqual(expect.any(Number));
    expect(await t!.app.prisma.broadcast.count()).toBe(0);
    expect(server.storage.botMessages.some((m) => String(m.message.chat_id) === "-1009999999999" && String(m.message.text).includes("明天停水"))).toBe(false);
  });

  it("ignores a command addressed to another bot", async () => {
    const done = countIntakeDone(t!.app);
    const resident = client(RESIDENT);
    await resident.sendCommand(resident.makeCommand("/help@WeatherBot"));
    await resident.sendCommand(resident.makeCommand("/help@TestNameBot"));
    await waitFor(() => botMessages().length >= 1);
    // The gateway submits updates in order, so by the time ours was answered the other bot's was decided:
    // exactly one message ever reached the intake queue.
    const counts = await t!.app.queues.intake.getJobCounts("failed", "active", "waiting", "delayed", "prioritized");
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    expect(done()).toBe(1);
    expect(await t!.app.prisma.message.count({ where: { kind: "command" } })).toBe(1);
  });
});
