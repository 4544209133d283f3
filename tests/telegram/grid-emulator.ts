// One grid on the Bot API emulator (telegram-test-api) with the real grammY gateway: the app, the grid's groups
// and its leader (a grid_leader account with a Telegram identity), and what the bot sent to each chat.

import { createRequire } from "node:module";
import type { TelegramServer as Emulator } from "telegram-test-api/lib/telegramServer.js";
import { telegramGateway } from "../../bots/telegram/index.js";
import { cliActor } from "../../core/policy/authorize.js";
import { addAccount } from "../../core/staff/accounts.js";
import { createTestApp, type TestApp } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

const TelegramServer = createRequire(import.meta.url)("telegram-test-api") as typeof Emulator;

const GRID = "莲花社区第一网格";

/** A bot message as the emulator stored the Bot API request. */
export interface BotMessage {
  chat_id: number | string;
  text: string;
  reply_parameters?: { message_id: number };
}

export interface GridOnEmulator {
  server: Emulator;
  t: TestApp;
  /** What the bot sent to one chat, in order. */
  sent(chatId: number): BotMessage[];
  stop(): Promise<void>;
}

/** Start the emulator and an app on it; the groups belong to one grid whose leader is `leaderId` (李网格). */
export async function startGridOnEmulator(opts: { token: string; groups: Record<number, string>; leaderId: number }): Promise<GridOnEmulator> {
  const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  let t: TestApp;
  try {
    t = await createTestApp({ env: { TELEGRAM_BOT_TOKEN: opts.token, TELEGRAM_API_ROOT: server.config.apiURL, PLAYGROUND_ENABLED: "false" }, gateways: [telegramGateway] });
  } catch (err) {
    await server.stop();
    throw err;
  }
  const db = t.app.prisma;
  const grid = await db.orgNode.create({ data: { kind: "grid", name: GRID } });
  for (const [chatId, title] of Object.entries(opts.groups)) {
    await db.group.create({ data: { platform: "telegram", chatId: String(chatId), title, grid: grid.name, gridNodeId: grid.id } });
  }
  await addAccount({ db, actor: cliActor("setup"), username: "li", role: "grid_leader", scope: grid.name, name: "李网格", identities: [{ platform: "telegram", userId: String(opts.leaderId) }] });
  return {
    server,
    t,
    sent: (chatId) => server.storage.botMessages.filter((m) => String(m.message.chat_id) === String(chatId)).map((m) => m.message as unknown as BotMessage),
    async stop() {
      await t.cleanup();
      await server.stop();
    },
  };
}
