// The lines in a playground group, end to end (real Redis, real SQLite, the intake and outbox
// workers): each gets the right answer from what Gridlink knows, or the right silence.
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { answerTo, answersTo, jobsDone, say } from "./helpers.js";
import { intakeJobId } from "../../core/infra/queues.js";
import type { ChatMessage } from "../../core/ports/chat.js";

let t: TestApp;
afterEach(async () => t?.cleanup());

const G = "lianhua-01";

async function withLeader() {
  // More questions per minute than the default 6: these tests ask many in one group (the limit has its own test).
  t = await createTestApp({ gateways: [playgroundGateway], env: { ASSISTANT_PER_GROUP_PER_MINUTE: "50" } });
  await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "admin", name: "李网格" } });
}

describe("assistant in a playground group: progress of a ticket, then feedback after it is resolved", () => {
  it("answers 进度呢 / 怎么还没来电 / A0001怎么样了 from the ticket, a neighbour's 什么时候来电 from the group's incident; 满意 rates, 还是没修好 reopens", async () => {
    await withLeader();
    const first = await say(t, G, "王阿姨", "3栋又停电了");
    expect((await answerTo(t, G, first)).text).toContain("#A0001");
    await say(t, G, "李网格", "/accept A0001");
    await say(t, G, "李网格", "/progress A0001 电工已到场，正在排查线路");
    await waitFor(async () => (await t.app.prisma.ticketEvent.count()) === 3);

    const q1 = await say(t, G, "王阿姨", "进度呢");
    const a1 = await answerTo(t, G, q1);
    expect(a1.text).toContain("#A0001");
    expect(a1.text).toContain("处理中");
    expect(a1.text).toContain("李网格");
    expect(a1.text).toContain("电工已到场，正在排查线路");

    const q2 = await say(t, G, "王阿姨", "怎么还没来电");
    expect((await answerTo(t, G, q2)).text).toMatch(/^您的工单 #A0001【水电气暖】目前处理中/);

    // The same line with a complaint's weight is an enquiry on the open ticket, not a second ticket.
    const q3 = await say(t, G, "王阿姨", "怎么还没来电，都三天了");
    expect((await answerTo(t, G, q3)).text).toContain("#A0001");

    const q4 = await say(t, G, "张叔", "什么时候来电");
    expect((await answerTo(t, G, q4)).text).toMatch(/^本群已登记此问题：工单 #A0001/);

    const q5 = await say(t, G, "张叔", "A0001怎么样了");
    expect((await answerTo(t, G, q5)).text).toContain("处理人：李网格");
    expect(await t.app.prisma.ticket.count()).toBe(1);
    // A neighbour's 「怎么还没来电，都三天了」 on the open incident: answered, and they become one of its reporters.
    const q7 = await say(t, G, "张叔", "怎么还没来电，都三天了");
    expect((await answerTo(t, G, q7)).text).toMatch(/#A0001[\s\S]*\n已把您记为工单 #A0001 的反映人，处理进展会在群里通知您。$/);
    expect((await t.app.prisma.ticketReporter.findMany({ orderBy: { id: "asc" } })).map((r) => r.via)).toEqual(["open", "enquiry"]);
    expect(await t.app.prisma.ticket.count()).toBe(1);

    await say(t, G, "李网格", "/resolve A0001 已恢复供电");
    await waitFor(async () => (await t.app.prisma.ticket.findFirst())?.status === "resolved");

    const q6 = await say(t, G, "王阿姨", "我上周报的停电修好了吗？");
    const a6 = await answerTo(t, G, q6);
    expect(a6.text).toMatch(/^您的工单 #A0001【水电气暖】已于今天\d{1,2}:\d\d办结：已恢复供电。/);

    // 评单: the reporter's bare 「满意」 rates the resolved ticket (5; ≥ 4 also publishes its outcome card).
    const r1 = await say(t, G, "王阿姨", "满意");
    expect((await answerTo(t, G, r1)).text).toBe("感谢评价！工单 #A0001：5 分。");
    expect(await t.app.prisma.ticket.findFirst()).toMatchObject({ status: "published", rating: 5 });
    // Thanks on a ticket already rated: acknowledged and noted on its history (status unchanged).
    const r2 = await say(t, G, "王阿姨", "谢谢，来电了");
    expect((await answerTo(t, G, r2)).text).toContain("#A0001");
    // 「还是没修好」 goes to the ticket cycle's rating service as 不满意: the ticket reopens with her words.
    const r3 = await say(t, G, "王阿姨", "还是没修好");
    expect((await answerTo(t, G, r3)).text).toBe("抱歉问题还没有解决。已为工单 #A0001 记录“仍未解决”，并提交重新处理申请。");
    const ticket = await t.app.prisma.ticket.findFirstOrThrow({ include: { events: { orderBy: { id: "asc" } } } });
    expect(ticket.status).toBe("reopened");
    expect(ticket.events.at(-1)!.note).toBe("不满意 1/5：还是没修好");
    const notes = ticket.events.filter((e) => e.actor === "resident:王阿姨" && e.note?.startsWith("feedback:"));
    expect(notes.map((e) => [e.fromStatus, e.toStatus, e.note?.split(" — ")[0]])).toEqual([["published", "published", "feedback:satisfied"]]);
    const feedback = await t.app.prisma.assistantReply.findMany({ where: { intent: "feedback" }, orderBy: { id: "asc" } });
    expect(feedback.map((f) => f.feedback)).toEqual(["satisfied", "not_fixed"]);

    // A neighbour's thanks is chatter: no ticket of theirs, no answer.
    const done = jobsDone(t);
    const chat1 = await say(t, G, "张叔", "谢谢王阿姨");
    const chat2 = await say(t, G, "张叔", "大家早上好");
    await waitFor(() => done() >= 2);
    expect(await answersTo(t, G, chat1)).toHaveLength(0);
    expect(await answersTo(t, G, chat2)).toHaveLength(0);
  });
});

describe("assistant in a playground group, walked as a new user would", () => {
  it("answers 我报的水管修了吗 from the asker's water ticket, stays silent to a neighbour's 满意 and to chatter, registers a lift as housing, and replies in English", async () => {
    await withLeader();
    const report = await say(t, G, "王阿姨", "3栋水管爆了，一直在漏水");
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst());
    expect((await answerTo(t, G, report)).text).toContain(`#${ticket.number}`);
    const q = await say(t, G, "王阿姨", "我报的水管修了吗");
    expect((await answerTo(t, G, q)).text).toMatch(new RegExp(`^您的工单 #${ticket.number}`));

    // Not the neighbour's ticket, and chatter: silence, and nothing stored for them.
    const done = jobsDone(t);
    const silent = [await say(t, G, "张叔", "满意"), await say(t, G, "张叔", "谢谢"), await say(t, G, "刘姐", "晚上一起吃饭吗"), await say(t, G, "刘姐", "今天天气真好")];
    await waitFor(() => done() >= silent.length);
    for (const id of silent) expect(await answersTo(t, G, id)).toHaveLength(0);
    expect(await t.app.prisma.assistantReply.count()).toBe(1); // only 我报的水管修了吗

    // A lift question with nothing known: the offer, and 登记 opens a housing ticket (the lexicon's category for lifts).
    const lift = await say(t, "lianhua-02", "吴阿姨", "电梯什么时候修好");
    expect((await answerTo(t, "lianhua-02", lift)).text).toContain("回复“登记”");
    const reg = await say(t, "lianhua-02", "吴阿姨", "登记");
    const r = await answerTo(t, "lianhua-02", reg);
    const registered = await waitFor(() => t.app.prisma.ticket.findFirst({ where: { text: "电梯什么时候修好" } }));
    expect(registered.category).toBe("housing");
    expect(r.text).toContain(`#${registered.number}`);

    // English: a progress question with nothing reported gets the offer in English; thanks after a fix is recorded.
    const en = await say(t, "lianhua-03", "Tom", "what's the progress of my report?");
    expect((await answerTo(t, "lianhua-03", en)).text).toMatch(/^I couldn't find a ticket or notice about this/);
    const tomReport = await say(t, "lianhua-03", "Tom", "3栋停电了");
    const tomTicket = await waitFor(() => t.app.prisma.ticket.findFirst({ where: { text: "3栋停电了" } }));
    await answerTo(t, "lianhua-03", tomReport);
    await say(t, "lianhua-03", "李网格", `/resolve ${tomTicket.number} 已恢复供电`);
    await waitFor(async () => (await t.app.prisma.ticket.findUnique({ where: { id: tomTicket.id } }))?.status === "resolved");
    const thanks = await say(t, "lianhua-03", "Tom", "thanks, the power is back");
    expect((await answerTo(t, "lianhua-03", thanks)).text).toBe(`Thank you! Your rating for ticket #${tomTicket.number} is recorded: satisfied.`);
  });
});

describe("assistant: notices, the FAQ, registering, and a complaint with nothing open", () => {
  it("answers 明天停水吗 / 几点恢复供电 / 电梯检修到几点 from the notices' own words, and says so when no notice answers", async () => {
    await withLeader();
    const none = await say(t, G, "王阿姨", "明天停水吗");
    expect((await answerTo(t, G, none)).text).toBe("暂时没有查到相关的工单或通知。需要登记为问题吗？回复“登记”即可。");

    for (const notice of ["停水通知：明天9:00至12:00 3栋二次供水设施检修，届时停水", "停电通知：今天14:00至17:00线路检修，17:00恢复供电", "电梯维保：2号电梯今天9:00-11:30保养"]) {
      const preview = await say(t, G, "李网格", `/broadcast ${notice}`);
      expect((await answerTo(t, G, preview)).text).toMatch(/将发送到/);
      await say(t, G, "李网格", "确认");
    }
    await waitFor(async () => (await t.app.prisma.outboundMessage.count({ where: { kind: "broadcast", status: "sent", group: { chatId: G } } })) === 3);

    const water = await say(t, G, "王阿姨", "明天停水吗");
    expect((await answerTo(t, G, water)).text).toMatch(/^根据今天\d{1,2}:\d\d的通知：“停水通知：明天9:00至12:00 3栋二次供水设施检修，届时停水”$/);
    const power = await say(t, G, "王阿姨", "几点恢复供电");
    expect((await answerTo(t, G, power)).text).toContain("17:00恢复供电");
    const lift = await say(t, G, "王阿姨", "电梯检修到几点");
    expect((await answerTo(t, G, lift)).text).toContain("2号电梯今天9:00-11:30保养");
    // Another building's question does not get 3栋's notice.
    const other = await say(t, G, "刘姐", "5栋明天停水吗");
    expect((await answerTo(t, G, other)).text).toContain("暂时没有查到");
    // "My report" with no ticket of hers: the no-ticket offer, not the water notice; the plain question keeps it.
    for (const q of ["我报的水管修了吗", "我反映的停水什么时候处理"]) {
      const mine = await say(t, G, "陈阿姨", q);
      expect([q, (await answerTo(t, G, mine)).text]).toEqual([q, "暂时没有查到相关的工单或通知。需要登记为问题吗？回复“登记”即可。"]);
    }
    const until = await say(t, G, "陈阿姨", "停水到几点？");
    expect((await answerTo(t, G, until)).text).toContain("停水通知：明天9:00至12:00");
    expect(await t.app.prisma.ticket.count()).toBe(0);
  });

  it("answers 失业了去哪里登记 / 居住证怎么办 / 高龄补贴怎么领 from the FAQ instead of opening tickets", async () => {
    await withLeader();
    const faq = await t.app.prisma.faq.findMany();
    const answerOf = (key: string) => faq.find((f) => f.key === key)!.answer;
    for (const [q, key] of [["失业了去哪里登记", "unemployment-registration"], ["居住证怎么办", "residence-permit"], ["高龄补贴怎么领", "elderly-allowance"]] as const) {
      const id = await say(t, G, "赵大哥", q);
      expect((await answerTo(t, G, id)).text).toBe(answerOf(key));
    }
    const en = await say(t, G, "Tom", "how do I get a residence permit?");
    expect((await answerTo(t, G, en)).text).toBe(faq.find((f) => f.key === "residence-permit")!.answerEn);
    expect(await t.app.prisma.ticket.count()).toBe(0);
  });

  it("「怎么还没来电，都三天了」 with nothing open is a complaint (a ticket); 3栋的水什么时候恢复 offers to register and 登记 registers it", async () => {
    await withLeader();
    const c = await say(t, "lianhua-02", "孙奶奶", "怎么还没来电，都三天了");
    const reply = await answerTo(t, "lianhua-02", c);
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst());
    expect(ticket.category).toBe("utilities");
    expect(reply.text).toContain(`#${ticket.number}`);
    expect(reply.text).toContain("停电");

    const q = await say(t, G, "王阿姨", "3栋的水什么时候恢复");
    expect((await answerTo(t, G, q)).text).toContain("回复“登记”");
    const reg = await say(t, G, "王阿姨", "登记");
    const r = await answerTo(t, G, reg);
    const registered = await waitFor(() => t.app.prisma.ticket.findFirst({ where: { text: "3栋的水什么时候恢复" } }));
    expect(registered.category).toBe("utilities");
    expect(r.text).toBe(`收到，已为您登记工单 #${registered.number}（水电气暖），网格员会尽快处理。`);
    // A second 登记 has nothing waiting: silence, no second ticket.
    const done = jobsDone(t);
    const again = await say(t, G, "王阿姨", "登记");
    await waitFor(() => done() >= 1);
    expect(await answersTo(t, G, again)).toHaveLength(0);
    expect(await t.app.prisma.ticket.count()).toBe(2);
  });

  it("answers English questions in English", async () => {
    await withLeader();
    const id = await say(t, G, "Tom", "when will the power be back?");
    expect((await answerTo(t, G, id)).text).toBe(`I couldn't find a ticket or notice about this. Shall I register it as a problem? Reply "register".`);
  });
});

describe("assistant: never twice, never a flood", () => {
  it("a replayed job re-queues the stored answer instead of answering again", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const done = jobsDone(t);
    const id = await say(t, G, "王阿姨", "明天停电吗");
    await answerTo(t, G, id);
    await waitFor(() => done() >= 1);
    // The same platform message delivered again after submit's deduplication marker is gone (it lives an hour):
    // the job runs a second time and must find the stored answer.
    await t.app.redis.del(t.app.queues.dedupKey(intakeJobId({ platform: "playground", chatId: G, messageId: id } as ChatMessage)));
    await say(t, G, "王阿姨", "明天停电吗", id);
    await waitFor(() => done() >= 2);
    expect(await answersTo(t, G, id)).toHaveLength(1);
    expect(await t.app.prisma.assistantReply.count()).toBe(1);
  });

  it("answers at most ASSISTANT_PER_GROUP_PER_MINUTE questions per group per minute", async () => {
    t = await createTestApp({ gateways: [playgroundGateway], env: { ASSISTANT_PER_GROUP_PER_MINUTE: "2" } });
    const done = jobsDone(t);
    const ids: string[] = [];
    for (const q of ["明天停电吗", "明天停水吗", "后天停电吗", "今晚停水吗"]) ids.push(await say(t, G, `居民${ids.length}`, q));
    const other = await say(t, "lianhua-02", "王阿姨", "明天停电吗");
    await waitFor(() => done() >= 5);
    await answerTo(t, "lianhua-02", other);
    await waitFor(async () => (await t.app.prisma.outboundMessage.count({ where: { status: "sent" } })) === 3);
    const answered = (await Promise.all(ids.map((id) => answersTo(t, G, id)))).filter((a) => a.length > 0);
    expect(answered).toHaveLength(2);
  });

  it("never silences a complaint: past the group's limit a complaint still becomes a ticket with its reply", async () => {
    t = await createTestApp({ gateways: [playgroundGateway], env: { ASSISTANT_PER_GROUP_PER_MINUTE: "1" } });
    const first = await say(t, G, "王阿姨", "3栋又停电了，什么时候来电？");
    await answerTo(t, G, first); // the detector's ticket
    const second = await say(t, G, "李大爷", "3栋又停电了，什么时候来电？");
    await answerTo(t, G, second); // an enquiry on the open incident: the group's one answer this minute
    const third = await say(t, G, "张阿姨", "3栋又停电了，什么时候来电？");
    // Over the limit, yet a complaint: not dropped — it joins the open ticket of the same outage as a reporter.
    expect((await answerTo(t, G, third)).text).toMatch(/^已有邻居反映此问题，工单 #A0001/);
    expect(await t.app.prisma.ticket.count()).toBe(1);
    const reporters = await t.app.prisma.ticketReporter.findMany({ orderBy: { id: "asc" } });
    const names = await Promise.all(reporters.map(async (r) => (await t.app.prisma.resident.findUniqueOrThrow({ where: { id: r.residentId } })).displayName));
    expect(names).toEqual(["王阿姨", "张阿姨"]);
  });

  it("stays off entirely with ASSISTANT_ENABLED=false", async () => {
    t = await createTestApp({ gateways: [playgroundGateway], env: { ASSISTANT_ENABLED: "false" } });
    const done = jobsDone(t);
    const id = await say(t, G, "王阿姨", "明天停电吗");
    await waitFor(() => done() >= 1);
    expect(await answersTo(t, G, id)).toHaveLength(0);
    expect(t.app.assistant).toBeUndefined();
  });
});
