// The whole 六单 cycle through the real Wechaty SDK on wechaty-puppet-mock: two residents in two rooms of one grid
// report one outage (one ticket); it is dispatched to the grid's leader, who is told in the grid's staff room (a
// room marked as one) with an @-mention and works it there by command (#受理, #进展, #办结); each resident hears
// every step once, quoting their own words and @-mentioning them; 「满意」 rates it and the outcome card (晒单)
// reaches both rooms. What is asserted is what the mock puppet was asked to send: the room, the text, the mentions.

import { afterEach, describe, expect, it } from "vitest";
import { waitFor, type TestApp } from "../helpers/harness.js";
import { startGridRooms } from "./grid-rooms.js";
import { mockWorld, WECHAT_MESSAGE_TYPE as T } from "./mock-world.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe("the ticket cycle over WeChat", () => {
  it("complaint → one ticket for two rooms → leader told in the staff room, works it there → each resident told once per step → 「满意」 → 晒单", async () => {
    const world = mockWorld();
    const wang = world.resident("王阿姨", "wxid_wang");
    const zhang = world.resident("张叔", "wxid_zhang");
    const li = world.resident("李网格员", "wxid_li");
    const roomA = world.room("莲花社区1号楼业主群", [wang]);
    const roomB = world.room("莲花社区2号楼业主群", [zhang]);
    const staffRoom = world.room("莲花社区第一网格工作群", [li]);
    // The rooms are the grid's (set by staff), enabled; the workers' room is its staff room.
    const started = await startGridRooms(world, { rooms: 3, leader: li, leaderName: "李网格员" });
    const { asked } = started;
    t = started.t;
    const app = t.app;
    const db = app.prisma;
    await db.group.update({ where: { platform_chatId: { platform: "wechat", chatId: staffRoom.id } }, data: { staffRoom: true } });

    const inRoom = (roomId: string) => asked.filter((a) => a.roomId === roomId);
    /** Wait until the room got `n` bot messages matching `re`. */
    const got = (roomId: string, re: RegExp, n = 1) =>
      waitFor(() => {
        const hits = inRoom(roomId).filter((m) => re.test(m.text));
        return hits.length >= n ? hits : undefined;
      }, { timeoutMs: 30_000, what: `${n} × ${re} in ${roomId}` });

    // 订单: 王阿姨's complaint opens the ticket; the reply quotes her words and @-mentions her.
    world.emit(wang, roomA, T.Text, "3栋停电了，整栋楼都黑了");
    const ticket = await waitFor(() => db.ticket.findFirst({ where: { status: "dispatched" } }), { timeoutMs: 30_000 });
    const n = ticket.number;
    const [opened] = await got(roomA.id, new RegExp(`登记为工单 #${n}`));
    expect(opened.text.startsWith("「王阿姨：3栋停电了，整栋楼都黑了」\n")).toBe(true);
    expect(opened.mentions).toEqual([wang.id]);

    // 派单: to the grid's leader, in the staff room, @-mentioning them.
    const [dispatched] = await got(staffRoom.id, new RegExp(`新派单 #${n}`));
    expect(dispatched.text).toContain("莲花社区1号楼业主群");
    expect(dispatched.mentions).toEqual([li.id]);

    // The same outage from the grid's other room joins the ticket; 张叔 is told so, in his room.
    world.emit(zhang, roomB, T.Text, "3栋也停电了，什么时候来电");
    const [joined] = await got(roomB.id, new RegExp(`已有邻居反映此问题，工单 #${n} 正在处理`));
    expect(joined.text.startsWith("「张叔：3栋也停电了，什么时候来电」\n")).toBe(true);
    expect(joined.mentions).toEqual([zhang.id]);
    expect(await db.ticket.count()).toBe(1);

    // Each step typed in the staff room reaches both residents once, quoting each one's own words.
    const step = async (command: string, re: RegExp) => {
      world.emit(li, staffRoom, T.Text, command);
      const [a] = await got(roomA.id, re);
      const [b] = await got(roomB.id, re);
      expect([a.mentions, b.mentions]).toEqual([[wang.id], [zhang.id]]);
      expect(a.text.startsWith("「王阿姨：3栋停电了")).toBe(true);
      expect(b.text.startsWith("「张叔：3栋也停电了")).toBe(true);
      return { a, b };
    };
    await step(`#受理 ${n}`, new RegExp(`工单 #${n} 已受理，处理人：李网格员`));
    await step(`#进展 ${n} 电工已到场`, /有新进展：电工已到场/);
    const resolved = await step(`#办结 ${n} 已恢复供电`, /已办结：已恢复供电/);
    expect(resolved.a.text).toContain(`请为工单 #${n} 的处理评价`); // the rating is asked in the same message

    // 评单: 「满意」 from a reporter rates it 5; ≥ 4 publishes the outcome card to both rooms (晒单).
    world.emit(wang, roomA, T.Text, "满意");
    const [thanks] = await got(roomA.id, new RegExp(`感谢评价！工单 #${n}：5 分`));
    expect(thanks.mentions).toEqual([wang.id]);
    const [cardA] = await got(roomA.id, /【晒单】/);
    expect(cardA.text).toMatch(new RegExp(`^【晒单】工单 #${n}\\n反映：3栋停电了，整栋楼都黑了\\n处理：李网格员\\n用时：.+\\n评价：5/5$`));
    await got(roomB.id, /【晒单】/);
    const row = await db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, include: { events: { orderBy: { id: "asc" } } } });
    expect([row.status, row.rating]).toEqual(["published", 5]);
    expect(row.events.filter((e) => e.fromStatus !== e.toStatus).map((e) => e.toStatus)).toEqual(["open", "dispatched", "accepted", "in_progress", "resolved", "rated", "published"]);

    // At most one message per step: once everything is delivered, each room got exactly one per step.
    await waitFor(async () => (await db.outboundMessage.count({ where: { status: { not: "sent" } } })) === 0);
    const onePerStep = (roomId: string, res: RegExp[]) => {
      const texts = inRoom(roomId).map((m) => m.text);
      expect(texts, texts.join("\n---\n")).toHaveLength(res.length);
      for (const re of res) expect(texts.filter((x) => re.test(x)), `${re} in ${roomId}`).toHaveLength(1);
    };
    onePerStep(roomA.id, [/登记为工单/, /已受理/, /有新进展/, /已办结/, /感谢评价/, /【晒单】/]);
    onePerStep(roomB.id, [/已有邻居反映/, /已受理/, /有新进展/, /已办结/, /【晒单】/]);
    onePerStep(staffRoom.id, [/新派单/, /→ 已受理。$/, /→ 处理中。$/, /→ 已办结。$/]);
    // The mock puppet's own log holds the same messages: nothing else went out.
    await waitFor(() => world.sent().length === asked.length);
    expect(world.sent().map((s) => s.text)).toEqual(asked.map((a) => a.text));
  }, 120_000);
});
