// Bug 10: the first Telegram reply after start took ~6 s against the Bot API emulator, the next ones ~150 ms.
// Measures the first and second reply latency in one run (no timed bound: the first is compared to the second).

import { createRequire } from "node:module";
import type { TelegramServer as Emulator } from "telegram-test-api/lib/telegramServer.js";
import { afterEach, describe, expect, it } from "vitest";
import { telegramGateway } from "../../bots/telegram/index.js";
import { type TestApp, createTestApp, waitFor } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

const TelegramServer = createRequire(import.meta.url)("telegram-test-api") as typeof Emulator;
const TOKEN = "424243:emulated-token";
const CHAT = -1001234567891;

let server: Emulator | undefined;
let t: TestApp | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  await server?.stop();
  server = undefined;
});

describe("first Telegram reply after start", () => {
  it("comes about as fast as the second one", async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    t = await createTestApp({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, PLAYGROUND_ENABLED: "false" }, gateways: [telegramGateway] });
    const client = server.getClient(TOKEN, { type: "supergroup", chatId: CHAT, chatTitle: "莲花社区3号楼业主群", userId: 5101, firstName: "王阿姨", userName: "wang_ayi" });
    const replies = () => server!.storage.botMessages.filter((m) => String(m.message.chat_id) === String(CHAT)).length;
    const timeReply = async (text: string, n: number) => {
      const started = Date.now();
      await client.sendMessage(client.makeMessage(text));
      await waitFor(() => replies() >= n, 20_000, 5);
      return Date.now() - started;
    };
    const first = await timeReply("3栋又停电了，什么时候来电？", 1);
    const second = await timeReply("5栋电梯坏了好几天了，没人修", 2);
    console.log(`first reply ${first} ms, second ${second} ms`);
    expect(first).toBeLessThan(second * 4 + 1000);
  });
});
