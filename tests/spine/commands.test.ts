// Commands shared by every platform: parsing (slash and Chinese forms) and what residents and leaders see.

import { afterEach, describe, expect, it } from "vitest";
import { PlaygroundGateway, playgroundGateway } from "../../bots/playground/index.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { commandLang } from "../../core/transports/chat-commands/reply-lang.js";
import { parseCommand } from "../../core/transports/chat-commands/table.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

describe("parseCommand", () => {
  it("reads slash and Chinese forms to the same command, with arguments", () => {
    const a = parseCommand("/resolve@GridlinkBot A0012 已恢复供电");
    const b = parseCommand("#办结 A0012 已恢复供电");
    const c = parseCommand("＃办结A0012 已恢复供电");
    for (const p of [a, b, c]) {
      expect(p?.kind).toBe("command");
      if (p?.kind === "command") {
        expect(p.name).toBe("resolve");
        expect(p.args).toBe("A0012 已恢复供电");
      }
    }
    expect(parseCommand("#工单详情 A0012")).toMatchObject({ name: "ticket", args: "A0012" });
    expect(parseCommand("#工单")).toMatchObject({ name: "tickets", args: "" });
    expect(parseCommand("#报事楼道灯坏了")).toMatchObject({ name: "report", args: "楼道灯坏了" });
  });

  it("picks the reply language from a command's free text only; ids and keywords alone mean Chinese", () => {
    const lang = (text: string) => [text, commandLang(parseCommand(text)!)];
    for (const text of ["/broadcast status B9", "/broadcast pause B12", "/tickets open", "/tickets all", "/staffroom off", "/poll results P3", "/status A0012", "/accept A0012", "/merge A0013 A0012", "/rate A0012 4", "/dispatch A0012 LiWei", "/help", "/broadcast 明天停水", "/progress A0012 电工已到场", "/broadcast grid:lianhua --urgent 明天停水"]) {
      expect(lang(text)).toEqual([text, "zh"]);
    }
    for (const text of ["/progress A0001 electrician on site", "/broadcast --urgent No water tomorrow 9-12", '/poll Paint the fence green? | yes | no --until "12-05 18:00"', "/report the lift is broken", "/resolve A0012 power is back", '/broadcast --at "12-02 08:00" Lift maintenance'])
      expect(lang(text)).toEqual([text, "en"]);
  });

  it("treats unknown slash commands as unknown, and #words that are not commands as ordinary text", () => {
    expect(parseCommand("/frobnicate now")).toEqual({ kind: "unknown", command: "/frobnicate", style: "slash" });
    expect(parseCommand("#进度呢")).toBeUndefined();
    expect(parseCommand("#3栋停电了")).toBeUndefined();
    expect(parseCommand("3栋停电了 /help")).toBeUndefined();
  });
});

let t: TestApp;
afterEach(async () => t?.cleanup());

function playground(t: TestApp) {
  return t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
}

let seq = 0;
async function say(t: TestApp, chatId: string, sender: string, text: string) {
  const messageId = `c-${++seq}`;
  const msg: ChatMessage = { platform: "playground", chatId, messageId, sender: { id: `pg-${sender}`, name: sender }, text, sentAt: Date.now() };
  await t.app.queues.submit(msg);
  return messageId;
}

/** The bot's line answering a given message id. */
const answer = (t: TestApp, chatId: string, messageId: string) =>
  waitFor(async () => (await playground(t).transcript(chatId)).find((l) => l.from === "bot" && l.replyTo === messageId));

describe("commands in a group", () => {
  it("a grid leader accepts and resolves a ticket; the group is told, with the resident addressed", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "莲花社区第一网格", name: "李网格" } });
    await say(t, "lianhua-01", "王阿姨", "3栋又停电了");
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst());

    await say(t, "lianhua-01", "李网格", `/accept ${ticket.number}`);
    await waitFor(async () => (await playground(t).transcript("lianhua-01")).some((l) => l.text.includes("已受理")));
    await say(t, "lianhua-01", "李网格", `#办结 ${ticket.number} 已恢复供电`);
    const resolved = await waitFor(async () => (await playground(t).transcript("lianhua-01")).find((l) => l.text.includes("已办结")));
    expect(resolved.text).toContain(ticket.number);
    expect(resolved.text).toContain("已恢复供电");
    expect(resolved.mention).toBe("王阿姨");

    const events = await t.app.prisma.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.toStatus)).toEqual(["open", "accepted", "resolved"]);
    expect(events[2].actor).toBe("staff:李网格");
  });

  it("refuses a resident's /broadcast politely and logs nothing to other groups", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const id = await say(t, "lianhua-01", "张三", "/broadcast 明天停水");
    const reply = await answer(t, "lianhua-01", id);
    expect(reply.text).toMatch(/只有网格员或管理员/);
    expect(await t.app.prisma.broadcast.count()).toBe(0);
    expect(await t.app.prisma.outboundMessage.count()).toBe(1);
  });

  it("a leader's broadcast reaches every active group of their grid, with per-group delivery status", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "桃源社区第二网格", name: "李网格" } });
    const id = await say(t, "taoyuan-01", "李网格", "#通知 明早8点至12点停水检修，请提前储水。");
    const ack = await answer(t, "taoyuan-01", id);
    expect(ack.text).toMatch(/将发送到 10 个群/);
    await say(t, "taoyuan-01", "李网格", "确认");
    const b = await waitFor(async () => {
      const s = (await (await fetch(`${t.url}/api/broadcasts/1`, { headers: t.auth })).json()) as { total: number; sent: number; done: boolean; deliveries: Array<{ group: string; status: string }> };
      return s.done ? s : undefined;
    });
    expect(b.total).toBe(10);
    expect(b.sent).toBe(10);
    expect(b.deliveries.every((d) => d.group.startsWith("桃源小区"))).toBe(true);
    expect((await playground(t).transcript("lianhua-01")).some((l) => l.text.includes("停水检修"))).toBe(false);
    expect((await playground(t).transcript("taoyuan-09")).some((l) => l.text.includes("停水检修"))).toBe(true);
  });

  it("recognises staff registered under an alias (a WeChat remark or WeChat ID) rather than the contact id", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "li-wangge", role: "grid_leader", name: "李网格" } });
    const msg = (messageId: string, aliases?: string[]): ChatMessage => ({ platform: "playground", chatId: "lianhua-06", messageId, sender: { id: "contact-7f3a", name: "李网格", aliases }, text: "/tickets", sentAt: Date.now() });
    await t.app.queues.submit(msg("al-1"));
    expect((await answer(t, "lianhua-06", "al-1")).text).toMatch(/只有网格员或管理员/);
    await t.app.queues.submit(msg("al-2", ["li-wangge"]));
    expect((await answer(t, "lianhua-06", "al-2")).text).toMatch(/本群没有未办结工单/);
  });

  it("a leader's tag: broadcast stays inside their grid; a leader cannot tag a group of another grid", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "桃源社区第二网格", name: "李网格" } });
    await t.app.prisma.group.updateMany({ where: { chatId: { in: ["lianhua-01", "taoyuan-01", "taoyuan-02"] } }, data: { tags: "elderly" } });
    const id = await say(t, "taoyuan-05", "李网格", "/broadcast tag:elderly 今晚社区医生上门测血压");
    expect((await answer(t, "taoyuan-05", id)).text).toMatch(/将发送到 2 个群/);
    const deliveries = await t.app.prisma.outboundMessage.findMany({ where: { kind: "broadcast" }, include: { group: true } });
    expect(deliveries.map((d) => d.group.chatId).sort()).toEqual(["taoyuan-01", "taoyuan-02"]);

    const tag = await say(t, "lianhua-02", "李网格", "/tag 老旧小区");
    expect((await answer(t, "lianhua-02", tag)).text).toBe("本群不在您负责的网格内。");
    expect((await t.app.prisma.group.findFirst({ where: { chatId: "lianhua-02" } }))?.tags).toBe("");
  });

  it("a broadcast's status shows a paused WeChat account instead of looking stuck", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-主任", role: "admin", name: "王主任" } });
    await t.app.prisma.group.createMany({ data: [1, 2, 3].map((i) => ({ platform: "wechat", chatId: `room${i}@chatroom`, title: `微信${i}群`, enabled: true })) });
    const pausedUntil = Date.now() + 10 * 60_000;
    await t.app.redis.hset(`${t.config.QUEUE_PREFIX}:wechat:pace`, { pausedUntil: String(pausedUntil), sentToday: "10", dailyCap: "3000" });
    const id = await say(t, "lianhua-01", "主任", "/broadcast 明天上午停水");
    await answer(t, "lianhua-01", id);
    await say(t, "lianhua-01", "主任", "确认");
    const s = await waitFor(async () => {
      const b = (await (await fetch(`${t.url}/api/broadcasts/1`, { headers: t.auth })).json()) as { total: number; sent: number; queued: number; etaSeconds: number; held: Array<{ platform: string; reason: string }> };
      return b.sent === 20 ? b : undefined; // the playground groups are delivered; WeChat's wait
    });
    expect(s.total).toBe(23);
    expect(s.queued).toBe(3);
    expect(s.held).toEqual([expect.objectContaining({ platform: "wechat", reason: expect.stringContaining("过于频繁") })]);
    expect(s.etaSeconds).toBeGreaterThanOrEqual(9 * 60); // the pause, then ~4 s a room
  });

  it("a command's reply follows its free text only: ids and keywords (/broadcast status B1, /tickets open) answer in Chinese", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-主任", role: "admin", name: "王主任" } });
    await say(t, "lianhua-01", "王阿姨", "3栋又停电了");
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst());
    await answer(t, "lianhua-01", await say(t, "lianhua-01", "主任", "/broadcast 明天上午停水"));
    await say(t, "lianhua-01", "主任", "确认");
    await waitFor(async () => ((await t.app.prisma.broadcast.findFirst())?.status === "done" ? true : undefined));

    const status = await answer(t, "lianhua-02", await say(t, "lianhua-02", "主任", "/broadcast status B1"));
    expect(status.text).toMatch(/^通知 #B1（.+）：已送达 20\/20，失败 0，待发送 0$/);
    const open = await answer(t, "lianhua-02", await say(t, "lianhua-02", "主任", "/tickets open"));
    expect(open.text).not.toMatch(/[A-Za-z]{3,}/); // no English words: ids only
    // The free text decides: an English progress note gets an English reply, a Chinese one a Chinese reply.
    const en = await answer(t, "lianhua-02", await say(t, "lianhua-02", "主任", `/progress ${ticket.number} electrician on site`));
    expect(en.text).toBe(`Updated: ticket #${ticket.number} → in progress.`);
    const zh = await answer(t, "lianhua-02", await say(t, "lianhua-02", "主任", `/progress ${ticket.number} 电工已到场`));
    expect(zh.text).toMatch(/[\u3400-\u9fff]/);
    expect(zh.text).not.toMatch(/[A-Za-z]{3,}/);
  });

  it("an unknown command lists what exists; /status shows the resident's open tickets", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const unknown = await say(t, "lianhua-04", "王阿姨", "/foo");
    const list = await answer(t, "lianhua-04", unknown);
    expect(list.text).toContain("没有 /foo 这个命令");
    expect(list.text).toContain("/status");
    expect(list.text).not.toContain("/resolve"); // residents see their own commands

    await say(t, "lianhua-04", "王阿姨", "我家厨房漏水了，楼上渗下来的");
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst());
    const status = await say(t, "lianhua-04", "王阿姨", "#进度");
    const mine = await answer(t, "lianhua-04", status);
    expect(mine.text).toContain(ticket.number);
  });
});
