// The whole 六单 cycle through the Bot API emulator (telegram-test-api) and the real grammY gateway: two residents
// in two groups of one grid report one outage (one ticket); it is dispatched to the grid's leader, who is told in a
// private chat and works it from there by command (/accept, /progress, /resolve); each resident hears every step
// once, as a reply to their own message; a reporter's 「4」 rates it and the outcome card (晒单) reaches both groups.
// What is asserted is what the emulator received from the bot: the chat, the text, the message replied to.

import { afterEach, describe, expect, it } from "vitest";
import { countIntakeDone, waitFor } from "../helpers/harness.js";
import { startGridOnEmulator, type GridOnEmulator } from "./grid-emulator.js";

const TOKEN = "424244:emulated-token";
const GROUP_A = -1001234560001;
const GROUP_B = -1001234560002;
const LEADER_ID = 6101;

let world: GridOnEmulator | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe("the ticket cycle over Telegram", () => {
  it("complaint → one ticket for two groups → leader told privately, works it by command → each resident told once per step → 「4」 → 晒单", async () => {
    const titles = { [GROUP_A]: "莲花社区1号楼业主群", [GROUP_B]: "莲花社区2号楼业主群" } as Record<number, string>;
    world = await startGridOnEmulator({ token: TOKEN, groups: titles, leaderId: LEADER_ID });
    const { t, sent } = world;
    const db = t.app.prisma;
    const emu = world.server;
    const client = (chatId: number, userId: number, firstName: string, type: "supergroup" | "private" = "supergroup") =>
      emu.getClient(TOKEN, { type, chatId, chatTitle: titles[chatId], userId, firstName, userName: `u${userId}` });
    const wang = client(GROUP_A, 5101, "王阿姨");
    const tom = client(GROUP_B, 5102, "Tom");
    const leader = client(LEADER_ID, LEADER_ID, "李网格", "private");
    /** Send as a user; returns the emulator's id of the message (what the bot replies to). */
    const say = async (who: ReturnType<typeof client>, text: string) => {
      const before = new Set(emu.storage.userMessages.map((m) => m.updateId));
      await who.sendMessage(who.makeMessage(text));
      return emu.storage.userMessages.find((m) => !before.has(m.updateId) && (m as { message?: { text?: string } }).message?.text === text)!.messageId;
    };
    /** Wait until the chat got `n` bot messages matching `re`; then they are exactly those (at most one per step). */
    const got = (chatId: number, re: RegExp, n = 1) =>
      waitFor(() => {
        const hits = sent(chatId).filter((m) => re.test(m.text));
        return hits.length >= n ? hits : undefined;
      }, { timeoutMs: 30_000, what: `${n} × ${re} in ${chatId}` });

    // 订单: 王阿姨's complaint opens the ticket; the reply quotes her message.
    const wangMsg = await say(wang, "停电了，整栋楼都黑了");
    const ticket = await waitFor(() => db.ticket.findFirst({ where: { status: "dispatched" } }), { timeoutMs: 30_000 });
    const n = ticket.number;
    const [opened] = await got(GROUP_A, new RegExp(`登记为工单 #${n}`));
    expect(opened.reply_parameters?.message_id).toBe(wangMsg);
    expect(opened.text.startsWith("王阿姨，")).toBe(true);

    // 派单: dispatched automatically to the grid's leader, who is told in a private chat — never in the groups.
    const [dm] = await got(LEADER_ID, new RegExp(`新派单 #${n}`));
    expect(dm.text).toContain("莲花社区1号楼业主群");
    expect(dm.text).toContain(`/accept ${n}`);

    // The same outage from the other group of the grid joins the ticket; Tom is told so, in his group.
    const tomMsg = await say(tom, "The power is out here too");
    const [joined] = await got(GROUP_B, new RegExp(`ticket #${n} is being handled`));
    expect(joined.reply_parameters?.message_id).toBe(tomMsg);
    expect(await db.ticket.count()).toBe(1);

    // Each step from the leader's private chat reaches both residents once, as a reply to their own message.
    const step = async (command: string, zh: RegExp, en: RegExp) => {
      await say(leader, command);
      const [a] = await got(GROUP_A, zh);
      const [b] = await got(GROUP_B, en);
      expect([a.reply_parameters?.message_id, b.reply_parameters?.message_id]).toEqual([wangMsg, tomMsg]);
      return { a, b };
    };
    await step(`/accept ${n}`, new RegExp(`工单 #${n} 已受理，处理人：李网格`), new RegExp(`#${n} has been accepted by 李网格`));
    await got(LEADER_ID, new RegExp(`#${n}.*已受理`)); // the leader's confirmation, in the private chat
    await step(`/progress ${n} 电工已到场`, /有新进展：电工已到场/, /Update on ticket .*: 电工已到场/);
    const resolved = await step(`/resolve ${n} 已恢复供电`, /已办结：已恢复供电/, /is resolved: 已恢复供电/);
    // The resolution asks for the rating in the same message.
    expect(resolved.a.text).toContain(`请为工单 #${n} 的处理评价`);
    expect(resolved.b.text).toContain(`How was ticket #${n} handled?`);

    // 评单: 「4」 from a reporter rates it; ≥ 4 publishes the outcome card to both groups (晒单).
    const rateMsg = await say(wang, "4");
    const [thanks] = await got(GROUP_A, new RegExp(`感谢评价！工单 #${n}：4 分`));
    expect(thanks.reply_parameters?.message_id).toBe(rateMsg);
    const [cardA] = await got(GROUP_A, /【晒单】/);
    expect(cardA.text).toMatch(new RegExp(`^【晒单】工单 #${n}\\n反映：停电了，整栋楼都黑了\\n处理：李网格\\n用时：.+\\n评价：4/5$`));
    await got(GROUP_B, /^\[Outcome\]/);
    expect(await db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ status: "published", rating: 4 });

    // At most one message per step: once everything is delivered, each chat got exactly one message per step
    // (the steps were awaited one after another above; the rating's thanks and the card may arrive either way).
    await waitFor(async () => (await db.outboundMessage.count({ where: { status: { not: "sent" } } })) === 0);
    const texts = (chatId: number) => sent(chatId).map((m) => m.text);
    const onePerStep = (chatId: number, res: RegExp[]) => {
      const got = texts(chatId);
      expect(got, got.join("\n---\n")).toHaveLength(res.length);
      for (const re of res) expect(got.filter((x) => re.test(x)), `${re} in ${chatId}`).toHaveLength(1);
    };
    // Opening and the automatic dispatch are one moment: one reply, no separate "dispatched" notice.
    onePerStep(GROUP_A, [/登记为工单/, /已受理/, /有新进展/, /已办结/, /感谢评价/, /【晒单】/]);
    onePerStep(GROUP_B, [/being handled/, /accepted by/, /Update on ticket/, /is resolved/, /\[Outcome\]/]);
    onePerStep(LEADER_ID, [new RegExp(`^新派单 #${n}`), new RegExp(`^李网格，已更新：工单 #${n} → 已受理。$`), /→ 处理中。$/, /→ 已办结。$/]);

    // A resident's command in a private chat with the bot is not read (only staff work from there).
    const done = countIntakeDone(t.app);
    const stranger = client(5103, 5103, "路人", "private");
    await say(stranger, `/reopen ${n}`);
    await waitFor(() => done() === 1);
    expect(sent(5103)).toEqual([]);
    expect(await db.group.findUnique({ where: { platform_chatId: { platform: "telegram", chatId: "5103" } } })).toBeNull();
    expect((await db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("published");
  }, 120_000);
});
