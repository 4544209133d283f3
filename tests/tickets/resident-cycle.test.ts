// The residents' half of the 六单 cycle end to end through the playground: three residents in two groups report
// one outage (one ticket); every step (dispatched, accepted, progress, resolved) reaches each of them once,
// quoting their own message in their own group; 「5」 rates it, publishes the outcome card and points follow —
// once, whatever is replayed; 「不满意」 reopens and the assignee hears it; /merge moves reporters; /split parts one.
import { afterEach, describe, expect, it, vi } from "vitest";
import { PlaygroundGateway, playgroundGateway } from "../../bots/playground/index.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { handleMessage } from "../../core/intake.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

let t: TestApp;
afterEach(async () => t?.cleanup());
vi.setConfig({ testTimeout: 120_000 });

const pg = () => t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
let seq = 0;
/** Submit a line as `sender` (playground id pg-<name>); returns the message id. `messageId` replays one. */
async function say(chatId: string, sender: string, text: string, messageId = `c${Date.now().toString(36)}-${++seq}`): Promise<string> {
  const msg: ChatMessage = { platform: "playground", chatId, messageId, sender: { id: `pg-${sender}`, name: sender }, text, sentAt: Date.now() };
  await t.app.queues.submit(msg);
  return messageId;
}
const botLines = async (chatId: string) => (await pg().transcript(chatId)).filter((l) => l.from === "bot");
const replyTo = (chatId: string, id: string) => waitFor(async () => (await botLines(chatId)).find((l) => l.replyTo === id));

/** A grid leader of 莲花社区第一网格 with a staff account (dispatch names accounts) and a playground identity. */
async function leader() {
  const node = await t.app.prisma.orgNode.findUniqueOrThrow({ where: { kind_name: { kind: "grid", name: "莲花社区第一网格" } } });
  const account = await t.app.prisma.staffAccount.create({ data: { username: "li", role: "grid_leader", scopeNodeId: node.id, name: "李网格" } });
  await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "莲花社区第一网格", name: "李网格", accountId: account.id } });
}

/** Open one outage ticket with three reporters in two groups; returns its number and their message ids. */
async function outage() {
  const a = await say("lianhua-01", "王阿姨", "停电了，整栋楼都黑了");
  const first = await replyTo("lianhua-01", a);
  const number = /#(A\d{4})/.exec(first.text)![1];
  const b = await say("lianhua-01", "李叔", "我家也停电了");
  await replyTo("lianhua-01", b);
  const c = await say("lianhua-02", "Tom", "The power is out here too");
  await replyTo("lianhua-02", c);
  return { number, ids: { 王阿姨: a, 李叔: b, Tom: c } };
}

/** The notices of one step: the bot lines (in both groups) containing `words`, by the message they quote. */
async function stepNotices(words: RegExp, count: number) {
  return waitFor(async () => {
    const lines = [...(await botLines("lianhua-01")), ...(await botLines("lianhua-02"))].filter((l) => words.test(l.text));
    return lines.length >= count ? lines : undefined;
  });
}

describe("the residents' side of the ticket cycle", () => {
  it("complaint → ticket → dispatched → accepted → progress → resolved → rated → published: three reporters told at each step, once", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await leader();
    const { number, ids } = await outage();
    const quoted = (lines: Array<{ replyTo?: string; mention?: string }>) => lines.map((l) => l.replyTo).sort();
    const all = Object.values(ids).sort();

    await say("lianhua-01", "李网格", `/dispatch ${number} 李网格`);
    expect(quoted(await stepNotices(/已派给|dispatched to/, 3))).toEqual(all);
    await say("lianhua-01", "李网格", `/accept ${number}`);
    expect(quoted(await stepNotices(/已受理，处理人|accepted by/, 3))).toEqual(all);
    await say("lianhua-01", "李网格", `/progress ${number} 电工已到场`);
    const progress = await stepNotices(/电工已到场/, 3);
    expect(quoted(progress)).toEqual(all);
    const resolveId = await say("lianhua-01", "李网格", `/resolve ${number} 已恢复供电`);
    const resolved = await stepNotices(/已恢复供电/, 3);
    expect(quoted(resolved)).toEqual(all);
    // Each in their language, addressed to them, and the resolution asks for the rating in the same message.
    const tom = resolved.find((l) => l.replyTo === ids.Tom)!;
    expect(tom.text).toMatch(/^Ticket #A\d{4} is resolved: 已恢复供电\. .*\nHow was ticket/);
    expect(tom.mention).toBe("Tom");
    expect(resolved.find((l) => l.replyTo === ids.王阿姨)!.text).toContain("请为工单");

    // Points only after resolution: the first reporter full points, later ones fewer (severity weights apply).
    const awards = await t.app.prisma.pointsAward.findMany({ orderBy: { points: "desc" } });
    expect(awards.map((a) => a.reason)).toEqual(["first", "later", "later"]);
    expect(awards[0].points).toBeGreaterThan(awards[1].points);
    // A replayed resolve (the same chat message through intake again) changes nothing and awards nothing twice.
    const replay: ChatMessage = { platform: "playground", chatId: "lianhua-01", messageId: resolveId, sender: { id: "pg-李网格", name: "李网格" }, text: `/resolve ${number} 已恢复供电`, sentAt: Date.now() };
    expect(await handleMessage(t.app.intake, replay)).toMatchObject({ action: "duplicate" });
    expect(await t.app.prisma.pointsAward.count()).toBe(3);
    expect(await t.app.prisma.outboundMessage.count({ where: { text: { contains: "已恢复供电" } } })).toBe(3);

    // 评单: a bare 「5」 from a reporter rates it; ≥ 4 publishes the outcome card in both groups (晒单).
    const rate = await say("lianhua-01", "王阿姨", "5");
    expect((await replyTo("lianhua-01", rate)).text).toBe(`感谢评价！工单 #${number}：5 分。`);
    const cards = await stepNotices(/【晒单】|\[Outcome\]/, 2);
    expect(cards.find((c) => c.text.startsWith("【晒单】"))!.text).toMatch(/反映：停电了，整栋楼都黑了\n处理：李网格\n用时：\d+ 分钟\n评价：5\/5/);
    expect(cards.some((c) => c.text.startsWith("[Outcome]"))).toBe(true);
    const ticket = await t.app.prisma.ticket.findUniqueOrThrow({ where: { number } });
    expect([ticket.status, ticket.rating]).toEqual(["published", 5]);

    // /points (#积分): balance and rank in the grid; the leaderboard over HTTP.
    const p = await say("lianhua-01", "王阿姨", "#积分");
    expect((await replyTo("lianhua-01", p)).text).toBe(`您的积分：${awards[0].points} 分，在莲花社区第一网格排第 1/3 名。`);
    const board = (await (await fetch(`${t.url}/api/points?grid=${encodeURIComponent("莲花社区第一网格")}`, { headers: t.auth })).json()) as { items: Array<{ rank: number; resident: string; points: number }> };
    expect(board.items.map((i) => i.rank)).toEqual([1, 2, 2]);
    expect(board.items[0]).toMatchObject({ resident: "王阿姨", points: awards[0].points });

    // The stats see it: one ticket, resolved (published) within 24 h, accepted and resolved in seconds, rated 5.
    const stats = (await (await fetch(`${t.url}/api/stats?grid=${encodeURIComponent("莲花社区第一网格")}`, { headers: t.auth })).json()) as Record<string, unknown> & { status: { resolved: number; open: number }; resolvedWithin24h: { share: number }; meanRating: number; meanSecondsToAccept: number };
    expect(stats.status).toMatchObject({ resolved: 1, open: 0 });
    expect(stats.resolvedWithin24h.share).toBe(1);
    expect(stats.meanRating).toBe(5);
    expect(stats.meanSecondsToAccept).toBeGreaterThanOrEqual(0);
  });

  it("「不满意」 from a reporter reopens the ticket with their words; every reporter is told, and a non-reporter cannot rate", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await leader();
    const { number } = await outage();
    await say("lianhua-01", "李网格", `/accept ${number}`);
    await stepNotices(/已受理，处理人|accepted by/, 3);
    await say("lianhua-01", "李网格", `/resolve ${number} 已恢复供电`);
    await stepNotices(/已恢复供电/, 3);

    const stranger = await say("lianhua-01", "路人", `/rate ${number} 1`);
    expect((await replyTo("lianhua-01", stranger)).text).toBe(`您不是工单 #${number} 的反映人，不能评价。`);
    const unhappy = await say("lianhua-02", "Tom", "不满意");
    expect((await replyTo("lianhua-02", unhappy)).text).toBe(`抱歉没有解决好，工单 #${number} 已重新打开，网格员会继续处理。`);
    expect(await stepNotices(/重新打开|reopened/, 4)).toHaveLength(4); // Tom's reply + 3 reporters' notices
    const ticket = await t.app.prisma.ticket.findUniqueOrThrow({ where: { number }, include: { events: { orderBy: { id: "asc" } } } });
    expect(ticket.status).toBe("reopened");
    expect(ticket.events.at(-1)!.note).toBe("不满意 1/5：不满意");
  });

  it("/merge moves the duplicate's reporters onto the ticket it joins (told once each), merged does not count against keywords; /split parts one off", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await leader();
    const a = await say("lianhua-01", "王阿姨", "3栋停电了");
    const first = /#(A\d{4})/.exec((await replyTo("lianhua-01", a)).text)![1];
    const b = await say("lianhua-01", "李叔", "3栋电梯坏了，困在家里"); // another service: its own ticket
    const dup = /#(A\d{4})/.exec((await replyTo("lianhua-01", b)).text)![1];
    expect(dup).not.toBe(first);
    const keywordsBefore = await t.app.prisma.lexiconTerm.aggregate({ _sum: { dismissed: true } });

    await say("lianhua-01", "李网格", `/merge ${dup} ${first}`);
    const told = await waitFor(async () => (await botLines("lianhua-01")).find((l) => l.replyTo === b && l.text.includes(`#${first}`)));
    expect(told.text).toBe(`已有邻居反映此问题，工单 #${first} 正在处理，处理进展会在群里通知您。`);
    expect((await t.app.prisma.ticket.findUniqueOrThrow({ where: { number: dup } })).status).toBe("merged");
    expect((await t.app.prisma.lexiconTerm.aggregate({ _sum: { dismissed: true } }))._sum.dismissed).toBe(keywordsBefore._sum.dismissed);
    const reporters = async (n: string) => ((await (await fetch(`${t.url}/api/tickets/${n}`, { headers: t.auth })).json()) as { reporters: Array<{ resident: string; via: string }> }).reporters;
    expect((await reporters(first)).map((r) => [r.resident, r.via])).toEqual([["王阿姨", "open"], ["李叔", "merge"]]);

    const split = await say("lianhua-01", "李网格", `/split ${first} 2`);
    const answer = await replyTo("lianhua-01", split);
    const parted = /另立工单 #(A\d{4})/.exec(answer.text)![1];
    expect((await reporters(first)).map((r) => r.resident)).toEqual(["王阿姨"]);
    expect((await reporters(parted)).map((r) => [r.resident, r.via])).toEqual([["李叔", "open"]]);
  });
});
