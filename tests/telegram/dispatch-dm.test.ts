// The assignee is told privately where they work: a complaint in a Telegram group is dispatched to the grid's
// leader, and the bot writes to the leader's private chat through the Bot API (telegram-test-api).

import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/harness.js";
import { startGridOnEmulator, type GridOnEmulator } from "./grid-emulator.js";

const TOKEN = "424242:emulated-token";
const CHAT = -1001234567891;
const LEADER_ID = 6001;

let world: GridOnEmulator | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe("dispatch over Telegram", () => {
  it("the grid leader gets the new ticket in a private message; the group only sees the resident's reply", async () => {
    world = await startGridOnEmulator({ token: TOKEN, groups: { [CHAT]: "莲花社区1号楼业主群" }, leaderId: LEADER_ID });
    const { server, sent } = world;
    const db = world.t.app.prisma;

    const resident = server.getClient(TOKEN, { type: "supergroup", chatId: CHAT, chatTitle: "莲花社区1号楼业主群", userId: 5001, firstName: "王阿姨", userName: "wang_ayi" });
    await resident.sendMessage(resident.makeMessage("3栋又停电了，我电话13812345678"));
    const ticket = await waitFor(() => db.ticket.findFirst({ where: { status: "dispatched" } }));
    const dm = await waitFor(() => sent(LEADER_ID).find((m) => m.text.includes(`新派单 #${ticket.number}`)));
    expect(dm.text).toContain("莲花社区1号楼业主群");
    expect(dm.text).toContain("138****5678"); // masked for staff too: only admins see numbers
    expect(dm.text).toContain(`/accept ${ticket.number}`);
    await waitFor(() => sent(CHAT).find((m) => m.text.includes(ticket.number)));
    expect(sent(CHAT).some((m) => m.text.includes("新派单"))).toBe(false);
  }, 60_000);
});
