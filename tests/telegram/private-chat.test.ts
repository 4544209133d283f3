// A grid leader's private chat with the bot, through the Bot API emulator (telegram-test-api) and the real grammY
// gateway: commands that act on "this group" (/enable, /disable, /staffroom, /tag, /tickets, /points, /report) are
// refused there with a reply saying to send them in the group and listing what works in the private chat — and
// they change nothing (the private chat's own row stays a disabled, untagged, non-staff direct chat; no ticket).
// /help lists only what works there; a notice drafted there is sent with 「确认」 there.

import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/harness.js";
import { startGridOnEmulator, type GridOnEmulator } from "./grid-emulator.js";

const TOKEN = "424245:emulated-token";
const GROUP = -1001234560011;
const LEADER_ID = 6111;

let world: GridOnEmulator | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe("a grid leader's private chat with the bot", () => {
  it("refuses the group's commands with where to send them and what works here; /help lists that; 「确认」 sends a notice drafted here", async () => {
    world = await startGridOnEmulator({ token: TOKEN, groups: { [GROUP]: "莲花社区1号楼业主群" }, leaderId: LEADER_ID });
    const emu = world.server;
    const db = world.t.app.prisma;
    const leader = emu.getClient(TOKEN, { type: "private", chatId: LEADER_ID, userId: LEADER_ID, firstName: "李网格", userName: `u${LEADER_ID}` });
    const sent = (chatId: number) => world!.sent(chatId).map((m) => m.text);
    /** Send a line in the private chat and return the bot's next message there. */
    const ask = async (text: string) => {
      const before = sent(LEADER_ID).length;
      await leader.sendMessage(leader.makeMessage(text));
      return waitFor(() => sent(LEADER_ID)[before], { timeoutMs: 30_000, what: `the reply to ${text}` });
    };

    for (const command of ["/enable", "/disable", "/staffroom", "/tag 老旧小区", "/tickets", "/points", "/report 3栋楼道灯坏了"]) {
      const reply = await ask(command);
      const [head, ...list] = reply.split("\n");
      expect(head).toBe(`李网格，${command.split(" ")[0]} 要在群里发送：它作用于发送它的那个群，私聊里不能用。`);
      // What works here is listed: the ticket commands the 派单 message invites, not the group's own.
      expect(list).toContain("/accept A0012 — 受理工单");
      expect(list).toContain("/broadcast [grid:网格|community:社区|street:街道|tag:标签|platform:微信] [--urgent] [--at \"12-02 08:00\"] 内容 | /broadcast pause|resume|cancel|status B12 — 向各群发送通知");
      expect(list.some((l) => /^\/(enable|disable|staffroom|tag|tickets|points|report)\b/.test(l))).toBe(false);
    }
    // Nothing changed: the private chat is still a disabled, untagged direct chat, not a staff room; no ticket.
    expect(await db.group.findUniqueOrThrow({ where: { platform_chatId: { platform: "telegram", chatId: String(LEADER_ID) } } })).toMatchObject({ direct: true, enabled: false, staffRoom: false, tags: "" });
    expect(await db.ticket.count()).toBe(0);
    // Each refusal was a stored command with one reply: a replayed update stays harmless.
    expect(await db.message.count({ where: { chatId: String(LEADER_ID), kind: "command" } })).toBe(7);

    // /help says the same: what works in this private chat.
    const help = (await ask("/help")).split("\n");
    expect(help).toContain("/resolve A0012 已恢复供电 — 办结工单并通知群");
    expect(help.some((l) => /^\/(enable|disable|staffroom|tag|tickets|points|report)\b/.test(l))).toBe(false);

    // A notice drafted here is confirmed here with 「确认」 (as the preview asks), and reaches the grid's group.
    const preview = await ask("/broadcast 明天9点到12点停水");
    expect(preview).toMatch(/回复"确认"发送/);
    const before = sent(LEADER_ID).length;
    await leader.sendMessage(leader.makeMessage("确认"));
    await waitFor(() => sent(GROUP).find((x) => x.includes("明天9点到12点停水")), { timeoutMs: 30_000, what: "the notice in the group" });
    // The leader hears it started and, once delivered, the report — in the private chat it was drafted in.
    const told = await waitFor(() => (sent(LEADER_ID).length >= before + 2 ? sent(LEADER_ID).slice(before) : undefined), { timeoutMs: 30_000, what: "start and report" });
    expect(told.some((x) => /通知 #B\d+ 开始发送/.test(x))).toBe(true);
    expect(told.some((x) => /通知 #B\d+ 发送完毕：已送达 1\/1/.test(x))).toBe(true);
  }, 120_000);
});
