// The assignee is told privately where they work: a complaint in a Telegram group is dispatched to the grid's
// leader, and the bot writes to the leader's private chat through the Bot API (telegram-test-api).

import { createRequire } from "node:module";
import type { TelegramServer as Emulator } from "telegram-test-api/lib/telegramServer.js";
import { afterEach, describe, expect, it } from "vitest";
import { telegramGateway } from "../../bots/telegram/index.js";
import { cliActor } from "../../core/policy/authorize.js";
import { addAccount } from "../../core/staff/accounts.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

const TelegramServer = createRequire(import.meta.url)("telegram-test-api") as typeof Emulator;
const TOKEN = "424242:emulated-token";
const CHAT = -1001234567891;
const LEADER_ID = 6001;

let server: Emulator | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  await server?.stop();
  t = undefined;
  server = undefined;
});

describe("dispatch over Telegram", () => {
  it("the grid leader gets the new ticket in a private message; the group only sees the resident's reply", async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    t = await createTestApp({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, PLAYGROUND_ENABLED: "false" }, gateways: [telegramGateway] });
    const db = t.app.prisma;
    const grid = await db.orgNode.create({ data: { kind: "grid", name: "莲花社区第一网格" } });
    await db.group.create({ data: { platform: "telegram", chatId: String(CHAT), title: "莲花社区1号楼业主群", grid: grid.name, gridNodeId: grid.id } });
    await addAccount({ db, actor: cliActor("setup"), username: "li", role: "grid_leader", scope: grid.name, name: "李网格", identities: [{ platform: "telegram", userId: String(LEADER_ID) }] });

    const resident = server.getClient(TOKEN, { type: "supergroup", chatId: CHAT, chatTitle: "莲花社区1号楼业主群", userId: 5001, firstName: "王阿姨", userName: "wang_ayi" });
    await resident.sendMessage(resident.makeMessage("3栋又停电了，我电话13812345678"));
    const ticket = await waitFor(() => db.ticket.findFirst({ where: { status: "dispatched" } }));
    const sent = (chatId: number) => server!.storage.botMessages.filter((m) => String(m.message.chat_id) === String(chatId)).map((m) => m.message as unknown as { text: string });
    const dm = await waitFor(() => sent(LEADER_ID).find((m) => m.text.includes(`新派单 #${ticket.number}`)));
    expect(dm.text).toContain("莲花社区1号楼业主群");
    expect(dm.text).toContain("138****5678"); // masked for staff too: only admins see numbers
    expect(dm.text).toContain(`/accept ${ticket.number}`);
    await waitFor(() => sent(CHAT).find((m) => m.text.includes(ticket.number)));
    expect(sent(CHAT).some((m) => m.text.includes("新派单"))).toBe(false);
  }, 60_000);
});
