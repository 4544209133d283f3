// End to end through core: the real Wechaty SDK on wechaty-puppet-mock → intake → tickets and commands →
// outbox-wechat → the paced gateway → the mock room. Fresh SQLite file and queue prefix per test.

import { afterEach, describe, expect, it } from "vitest";
import { intakeJobId } from "../../core/infra/queues.js";
import { wechatGatewayWith, type WechatGateway } from "../../bots/wechat/index.js";
import { createTestApp, intakeDoneIds, waitFor, type TestApp } from "../helpers/harness.js";
import { mockWorld, WECHAT_MESSAGE_TYPE as T, type MockWorld } from "./mock-world.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const FAST = { WECHAT_MIN_GAP_MS: "0", WECHAT_MAX_GAP_MS: "0", WECHAT_SAME_ROOM_GAP_MS: "0" };

/** An app with only the WeChat gateway on a mock world, logged in, with the given rooms registered. */
async function start(world: MockWorld, env: Record<string, string> = FAST) {
  t = await createTestApp({ env, gateways: [wechatGatewayWith({ puppet: world.puppet })] });
  const gw = t.app.gateways.find((g) => g.platform === "wechat") as WechatGateway;
  const done = intakeDoneIds(t.app);
  world.login();
  await waitFor(() => gw.primary.health.status === "logged_in");
  return { app: t.app, gw, done };
}

/** Wait until intake has finished with one mock message. */
async function processed(done: Set<string>, chatId: string, messageId: string) {
  const id = intakeJobId({ platform: "wechat", chatId, messageId, sender: { id: "", name: "" }, text: "", sentAt: 0 });
  await waitFor(() => done.has(id));
}

const botLines = (world: MockWorld, roomId: string) => world.sent().filter((s) => s.roomId === roomId).map((s) => s.text ?? "");

describe("WeChat rooms through core", () => {
  it("a complaint in an enabled room yields a ticket and an @-mention reply; in a room not enabled, nothing", async () => {
    const world = mockWorld();
    const wang = world.resident("王阿姨", "wxid_wang");
    const li = world.resident("李网格员", "wxid_li");
    const enabled = world.room("莲花社区1号楼业主群", [wang, li]);
    const quiet = world.room("莲花社区2号楼业主群", [wang, li]);
    const mentions: string[][] = [];
    const send = world.puppet.messageSendText.bind(world.puppet);
    world.puppet.messageSendText = async (id: string, text: string, mentionIds?: string[]) => {
      mentions.push(mentionIds ?? []);
      return send(id, text);
    };
    const { app, done } = await start(world);

    // Rooms are registered at login, disabled: the bot listens silently.
    const groups = await waitFor(async () => {
      const g = await app.prisma.group.findMany({ where: { platform: "wechat" }, orderBy: { title: "asc" } });
      return g.length === 2 ? g : undefined;
    });
    expect(groups.map((g) => [g.title, g.enabled, g.active])).toEqual([
      ["莲花社区1号楼业主群", false, true],
      ["莲花社区2号楼业主群", false, true],
    ]);

    // A resident cannot enable a room; a grid leader can.
    await app.prisma.staff.create({ data: { platform: "wechat", userId: li.id, role: "grid_leader", name: "李网格员" } });
    await processed(done, enabled.id, world.emit(wang, enabled, T.Text, "#启用"));
    expect((await app.prisma.group.findFirst({ where: { chatId: enabled.id } }))?.enabled).toBe(false);
    world.emit(li, enabled, T.Text, "#启用");
    await waitFor(() => botLines(world, enabled.id).some((l) => l.includes("已启用")));

    // The same complaint in both rooms.
    const complaint = "3栋又停电了，什么时候来电？";
    const quietId = world.emit(wang, quiet, T.Text, complaint);
    world.emit(wang, enabled, T.Text, complaint);
    const ticket = await waitFor(() => app.prisma.ticket.findFirst({ include: { group: true } }));
    expect(ticket.group.chatId).toBe(enabled.id);
    const reply = await waitFor(() => botLines(world, enabled.id).find((l) => l.includes(ticket.number)));
    expect(reply).toContain("「王阿姨：3栋又停电了，什么时候来电？」");
    expect(reply).toContain(`@王阿姨 收到`);
    expect(mentions.at(-1)).toEqual(["wxid_wang"]);

    await processed(done, quiet.id, quietId);
    expect(await app.prisma.ticket.count()).toBe(1);
    expect(botLines(world, quiet.id)).toEqual([]);
    expect(await app.prisma.outboundMessage.count({ where: { group: { chatId: quiet.id } } })).toBe(0);
  });

  it("a leader's #办结 notifies the room; a resident's #通知 is refused", async () => {
    const world = mockWorld();
    const wang = world.resident("王阿姨", "wxid_wang");
    const zhang = world.resident("张三", "wxid_zhang");
    const li = world.resident("李网格员", "wxid_li");
    const room = world.room("莲花社区1号楼业主群", [wang, zhang, li]);
    const { app } = await start(world);
    await app.prisma.staff.create({ data: { platform: "wechat", userId: li.id, role: "grid_leader", name: "李网格员" } });
    world.emit(li, room, T.Text, "#启用");
    await waitFor(() => botLines(world, room.id).some((l) => l.includes("已启用")));

    world.emit(wang, room, T.Text, "楼道灯坏了好几天了，晚上黑漆漆的");
    const ticket = await waitFor(() => app.prisma.ticket.findFirst());
    await waitFor(() => botLines(world, room.id).some((l) => l.includes(ticket.number)));

    // With the bot @-mentioned in front, as leaders often type it.
    world.emit(li, room, T.Text, `@网格助手\u2005#办结 ${ticket.number} 已更换灯泡`);
    const notice = await waitFor(() => botLines(world, room.id).find((l) => l.includes("已办结")));
    expect(notice).toContain(ticket.number);
    expect(notice).toContain("已更换灯泡");
    expect(notice).toContain("@王阿姨");
    expect((await app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("resolved");

    world.emit(zhang, room, T.Text, "#通知 明天全小区停水");
    const refusal = await waitFor(() => botLines(world, room.id).find((l) => l.includes("只有网格员或管理员")));
    expect(refusal).toContain("@张三");
    expect(await app.prisma.broadcast.count()).toBe(0);
  });

  it("a broadcast to 10 rooms goes out at the configured pace (gaps from the mock's timestamps)", async () => {
    const world = mockWorld();
    const admin = world.resident("王主任", "wxid_admin");
    const rooms = Array.from({ length: 10 }, (_, i) => world.room(`莲花社区${i + 1}号楼业主群`, [admin, world.resident(`居民${i}`)]));
    const minGap = 150;
    const { app } = await start(world, { WECHAT_MIN_GAP_MS: String(minGap), WECHAT_MAX_GAP_MS: "250", WECHAT_SAME_ROOM_GAP_MS: "300" });
    await waitFor(async () => (await app.prisma.group.count({ where: { platform: "wechat" } })) === 10);
    await app.prisma.group.updateMany({ where: { platform: "wechat" }, data: { enabled: true } });
    await app.prisma.staff.create({ data: { platform: "wechat", userId: admin.id, role: "admin", name: "王主任" } });

    world.emit(admin, rooms[0], T.Text, "#通知 明天9点到17点全小区停水，请提前储水。");
    await waitFor(() => botLines(world, rooms[0].id).some((l) => l.includes("将发送到 10 个群")));
    world.emit(admin, rooms[0], T.Text, "确认");
    await waitFor(() => new Set(world.sent().filter((s) => s.text?.includes("停水")).map((s) => s.roomId)).size === 10, 20_000);
    await waitFor(() => world.sent().length === 11, 5000); // + the "已提交" reply to the admin
    const sent = world.sent();
    const gaps = sent.slice(1).map((s, i) => s.timestamp - sent[i].timestamp);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(minGap);
    // The room the admin typed in gets two messages; they are at least the same-room gap apart.
    const inFirst = sent.filter((s) => s.roomId === rooms[0].id);
    expect(inFirst).toHaveLength(2);
    expect(Math.abs(inFirst[1].timestamp - inFirst[0].timestamp)).toBeGreaterThanOrEqual(300);
    console.log(`[wechat e2e pacing] 11 sends, gap 150–250 ms: min ${Math.min(...gaps)} ms, max ${Math.max(...gaps)} ms, total ${sent.at(-1)!.timestamp - sent[0].timestamp} ms`);
  });
});
