// A staff room is not a residents' group. Through the real Wechaty SDK on wechaty-puppet-mock: the grid's staff
// room (marked with #工作群) takes commands and 「确认」 — a poll drafted there is confirmed there, tickets are worked
// there — and nothing else: a leader's 「3栋停电了，谁去看看」 opens no ticket and joins none, 「居住证怎么办」 gets
// no assistant answer, 「1」 is no vote in the open poll, 「满意」 is no rating, #报事 is refused, and none of that
// chatter is stored. The residents' room next to it does each of those things, so the difference is the room.

import { afterEach, describe, expect, it } from "vitest";
import { formatChinaTime } from "../../core/broadcasts/china-time.js";
import type { IntakeOutcome } from "../../core/intake.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { waitFor, type TestApp } from "../helpers/harness.js";
import { startGridRooms } from "./grid-rooms.js";
import { mockWorld, WECHAT_MESSAGE_TYPE as T } from "./mock-world.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe("a staff room over WeChat", () => {
  it("takes commands and 「确认」 only: no ticket, answer, vote or rating from its chatter, nothing of it stored", async () => {
    const world = mockWorld();
    const wang = world.resident("王阿姨", "wxid_wang");
    const li = world.resident("李网格员", "wxid_li");
    const roomA = world.room("莲花社区1号楼业主群", [wang]);
    const staff = world.room("莲花社区第一网格工作群", [li]);
    const started = await startGridRooms(world, { rooms: 2, leader: li, leaderName: "李网格员" });
    const { asked } = started;
    t = started.t;
    const db = t.app.prisma;
    // Every intake job's outcome, by the message id the mock puppet gave the line.
    const outcomes = new Map<string, IntakeOutcome>();
    t.app.workers.find((w) => w.name === "intake")!.on("completed", (job, result) => outcomes.set((job.data as ChatMessage).messageId, result as IntakeOutcome));
    /** Say a line in a room and wait until intake has handled it; returns what intake did. */
    const say = async (who: typeof li, room: typeof staff, text: string) => {
      const id = world.emit(who, room, T.Text, text);
      return waitFor(() => outcomes.get(id), { timeoutMs: 30_000, what: `intake of 「${text}」` });
    };
    const inRoom = (roomId: string) => asked.filter((a) => a.roomId === roomId).map((a) => a.text);
    const got = (roomId: string, re: RegExp) => waitFor(() => inRoom(roomId).find((x) => re.test(x)), { timeoutMs: 30_000, what: `${re} in ${roomId}` });

    const staffRow = () => db.group.findUniqueOrThrow({ where: { platform_chatId: { platform: "wechat", chatId: staff.id } } });

    // The room was an ordinary group first: the leader reported a broken light there (they are its reporter).
    expect(await say(li, staff, "3栋楼道灯坏了，晚上很黑")).toMatchObject({ action: "ticket" });
    const light = await db.ticket.findFirstOrThrow();
    // Now it becomes the grid's staff room, by command; the light is resolved from there.
    expect(await say(li, staff, "#工作群")).toMatchObject({ action: "command", command: "staffroom" });
    await got(staff.id, /本群已设为工作群/);
    const spokenBefore = inRoom(staff.id).length; // the light's registration and this reply: from before
    expect((await staffRow()).staffRoom).toBe(true);
    expect(await say(li, staff, `#办结 ${light.number} 已换灯泡`)).toMatchObject({ action: "command", command: "resolve" });
    expect((await db.ticket.findUniqueOrThrow({ where: { id: light.id } })).status).toBe("resolved");
    const storedBefore = await db.message.count({ where: { chatId: staff.id, kind: { not: "bot" } } });

    // 订单 from the residents' room: a ticket, dispatched to the leader in the staff room.
    expect(await say(wang, roomA, "3栋停电了，整栋楼都黑了")).toMatchObject({ action: "ticket" });
    const outage = await db.ticket.findFirstOrThrow({ where: { id: { not: light.id } } });
    await got(staff.id, new RegExp(`新派单 #${outage.number}`));

    // Staff talk about it in their room: no second ticket, no joining the outage as its reporter, no reply.
    expect(await say(li, staff, "3栋停电了，谁去看看")).toEqual({ action: "ignored", reason: "staff room: commands only" });
    expect(await db.ticket.count()).toBe(2);
    expect(await db.ticketReporter.count({ where: { ticketId: outage.id } })).toBe(1);
    // A question the assistant answers in the residents' room goes unanswered in the staff room.
    const faq = await db.faq.findFirstOrThrow({ where: { key: "residence-permit" } });
    expect(await say(wang, roomA, "居住证怎么办")).toMatchObject({ action: "answered" });
    await got(roomA.id, new RegExp(faq.answer.slice(0, 12).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    expect((await say(li, staff, "居住证怎么办")).action).toBe("ignored");
    // 「满意」 from the light's reporter, typed in what is now the staff room, does not rate it.
    expect((await say(li, staff, "满意")).action).toBe("ignored");
    expect(await db.ticket.findUniqueOrThrow({ where: { id: light.id } })).toMatchObject({ status: "resolved", rating: null });
    // #报事 is refused there with where to send it; no ticket.
    expect(await say(li, staff, "#报事 5栋电梯坏了")).toMatchObject({ action: "command", command: "report", refused: "bad_request" });
    await got(staff.id, /工作群里不登记报事：#报事 请在居民群里发送/);
    expect(await db.ticket.count()).toBe(2);

    // Commands work: the outage is accepted from the staff room; a poll drafted there is confirmed with 「确认」.
    expect(await say(li, staff, `#受理 ${outage.number}`)).toMatchObject({ action: "command", command: "accept" });
    expect((await db.ticket.findUniqueOrThrow({ where: { id: outage.id } })).status).toBe("accepted");
    const until = formatChinaTime(new Date(Date.now() + 24 * 3600_000));
    expect(await say(li, staff, `#投票 充电桩装在哪里？| 东门 | 西门 --until "${until}"`)).toMatchObject({ action: "command", command: "poll" });
    expect(await say(li, staff, "确认")).toMatchObject({ action: "command", command: "broadcast" });
    // The notice reaches both rooms (the staff room is one of the grid's groups).
    await got(roomA.id, /充电桩装在哪里/);
    await got(staff.id, /充电桩装在哪里.*\n/);
    const poll = await db.poll.findFirstOrThrow();
    await waitFor(async () => (await db.outboundMessage.count({ where: { broadcastId: poll.broadcastId, status: "sent" } })) === 2);
    expect(await say(wang, roomA, "1")).toMatchObject({ action: "vote", pollId: poll.id, counted: true });
    expect((await say(li, staff, "2")).action).toBe("ignored");
    expect(await db.pollVote.findMany({ select: { option: true } })).toEqual([{ option: 0 }]);

    // Nothing of the staff room's chatter is stored: only its commands (and 「确认」, run as one) are rows (besides
    // the bot's own messages, which every room keeps).
    const stored = await db.message.findMany({ where: { chatId: staff.id, kind: { not: "bot" } }, orderBy: { id: "asc" }, skip: storedBefore });
    expect(stored.map((m) => [m.kind, m.text])).toEqual([
      ["command", "#报事 5栋电梯坏了"],
      ["command", `#受理 ${outage.number}`],
      ["command", `#投票 充电桩装在哪里？| 东门 | 西门 --until "${until}"`],
      ["command", "确认"],
    ]);
    // And the bot said nothing in the staff room about the ignored lines.
    await waitFor(async () => (await db.outboundMessage.count({ where: { status: { not: "sent" } } })) === 0);
    const staffTexts = inRoom(staff.id).slice(spokenBefore);
    expect(staffTexts.filter((x) => /登记为工单|已有邻居反映|感谢评价|已记录|投票已/.test(x) || x.includes(faq.answer.slice(0, 12)))).toEqual([]);
  }, 120_000);
});
