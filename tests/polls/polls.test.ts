// Polls end to end on the playground (20 groups, two grids) with real Redis and SQLite: the notice with numbered
// options, votes by number / text / full-width digit (the latest counts), 「1」 without an open poll stays chatter,
// results per group and in total over the API (counts only), the close posting results to every group exactly
// once (also when replayed, and after a restart that lost the delayed job), and a leader's poll only in their grid.

import fs from "node:fs";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway, type PlaygroundGateway } from "../../bots/playground/index.js";
import { createApp, type App } from "../../core/app.js";
import { createLogger } from "../../core/infra/log.js";
import { intakeJobId, jobId } from "../../core/infra/queues.js";
import type { IntakeOutcome } from "../../core/intake.js";
import { castVote } from "../../core/polls/cast-vote.js";
import { closePoll } from "../../core/polls/close-poll.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { login, PASSWORD } from "../access/helpers.js";
import { cliActor } from "../../core/policy/authorize.js";
import { addAccount } from "../../core/staff/accounts.js";
import { adminAuth, createTestApp, dropPrefix, testConfig, waitFor, type TestApp } from "../helpers/harness.js";

const GRID_1 = "莲花社区第一网格";
const LIANHUA = Array.from({ length: 10 }, (_, i) => `lianhua-${String(i + 1).padStart(2, "0")}`);
const TAOYUAN = Array.from({ length: 10 }, (_, i) => `taoyuan-${String(i + 1).padStart(2, "0")}`);

let t: TestApp | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  for (const c of cleanups.splice(0)) await c();
});

/** What intake decided for each job, by job id. */
function outcomes(app: App): Map<string, IntakeOutcome> {
  const seen = new Map<string, IntakeOutcome>();
  app.workers.find((w) => w.name === "intake")!.on("completed", (job, result) => seen.set(String(job.id), result as IntakeOutcome));
  return seen;
}

/** A playground world: the app, its transcripts, a way to speak and see what intake made of it. */
function world(app: App, auth: Record<string, string>, url: string) {
  const seen = outcomes(app);
  const pg = () => app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
  let seq = 0;
  let clock = Date.now();
  const say = async (chatId: string, sender: string, text: string): Promise<IntakeOutcome> => {
    // Strictly increasing send times: "the latest vote" is the one sent last.
    clock = Math.max(clock + 1, Date.now());
    const msg: ChatMessage = { platform: "playground", chatId, messageId: `pm-${++seq}`, sender: { id: sender, name: sender }, text, sentAt: clock };
    await app.queues.submit(msg);
    return waitFor(() => seen.get(intakeJobId(msg)), { what: `intake of "${text}"` });
  };
  /** Speak and wait for the bot's answer to that message. */
  const ask = async (chatId: string, sender: string, text: string): Promise<string> => {
    await say(chatId, sender, text);
    const messageId = `pm-${seq}`;
    return (await waitFor(async () => (await pg().transcript(chatId)).find((l) => l.from === "bot" && l.replyTo === messageId), { what: `the answer to "${text}"` })).text;
  };
  const bot = async (chatId: string) => (await pg().transcript(chatId)).filter((l) => l.from === "bot").map((l) => l.text);
  const api = async (path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, body === undefined ? { headers: auth } : { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  /** Every group's count of bot lines containing `marker`. */
  const posted = async (chats: string[], marker: string) => Promise.all(chats.map(async (c) => (await bot(c)).filter((l) => l.includes(marker)).length));
  /** Nothing left to run: no poll job waiting or delayed, no outbox job waiting. */
  const settled = async () => {
    const p = await app.queues.polls.getJobCounts("delayed", "wait", "active", "prioritized");
    const o = await app.queues.outbox("playground").getJobCounts("wait", "active", "prioritized", "delayed");
    return Object.values(p).every((n) => n === 0) && Object.values(o).every((n) => n === 0) ? true : undefined;
  };
  return { say, ask, bot, api, posted, settled, pg };
}

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

describe("polls", () => {
  it("「1」 from a resident whose ticket awaits their rating is a vote while a poll is open there — never a rating of 1 (which would reopen it)", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const w = world(t.app, t.auth, t.url);
    expect(await w.say("lianhua-04", "r-wu", "4栋楼道灯坏了好几天了，晚上看不见路")).toMatchObject({ action: "ticket" });
    const ticket = await waitFor(() => t!.app.prisma.ticket.findFirst());
    expect((await w.api(`/api/tickets/${ticket.number}/resolve`, { note: "已更换灯泡" })).status).toBe(200);
    const sent = await w.api("/api/polls", { text: "是否同意加装电梯？| 同意 | 不同意", until: inAnHour(), scope: `grid:${GRID_1}` });
    expect(sent.status).toBe(202);
    await waitFor(async () => ((await w.posted(["lianhua-04"], "【投票】")).every((n) => n === 1) ? true : undefined), { what: "the notice in lianhua-04" });
    expect(await w.say("lianhua-04", "r-wu", "1")).toMatchObject({ action: "vote", pollId: sent.body.pollId, counted: true });
    expect(await t.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ status: "resolved", rating: null });
  });

  it("the notice shows numbered options; residents vote by number, text or full-width digit; the latest vote counts; 「1」 without a poll is chatter", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const w = world(t.app, t.auth, t.url);
    const sent = await w.api("/api/polls", { text: "是否同意加装电梯？| 同意 | 不同意 | 弃权", until: inAnHour(), scope: `grid:${GRID_1}` });
    expect(sent.status).toBe(202);
    const pollId = sent.body.pollId as number;
    await waitFor(async () => ((await w.posted(LIANHUA, "【投票】是否同意加装电梯？")).every((n) => n === 1) ? true : undefined), { what: "the notice in every lianhua group" });
    const notice = (await w.bot("lianhua-01")).find((l) => l.includes("【投票】"))!;
    expect(notice).toContain("1. 同意\n2. 不同意\n3. 弃权");
    expect(notice).toMatch(/回复选项编号.*投票.*以最后一次为准.*截止/);
    expect(await w.posted(TAOYUAN, "【投票】")).toEqual(Array(10).fill(0));

    expect(await w.say("lianhua-01", "r-wang", "1")).toMatchObject({ action: "vote", pollId, counted: true });
    expect(await w.say("lianhua-01", "r-li", "不同意")).toMatchObject({ action: "vote" });
    expect(await w.say("lianhua-02", "r-zhao", "３")).toMatchObject({ action: "vote" });
    expect(await w.say("lianhua-02", "r-qian", "2")).toMatchObject({ action: "vote" });
    // Changed mind: the latest counts (one vote per resident per poll).
    expect(await w.say("lianhua-02", "r-qian", "我选1")).toMatchObject({ action: "vote" });
    // Out of range, or a sentence: not a vote (and not a complaint either).
    expect(await w.say("lianhua-01", "r-sun", "5")).toMatchObject({ action: "ignored" });
    expect(await w.say("lianhua-01", "r-sun", "同意是同意，钱谁出？")).toMatchObject({ action: "ignored" });
    // No open poll in this group: 「1」 is chatter — no vote, nothing stored, nothing answered.
    expect(await w.say("taoyuan-01", "r-zhou", "1")).toEqual({ action: "ignored", reason: "not a complaint" });
    // A complaint in a poll group is still a complaint.
    expect(await w.say("lianhua-03", "r-wu", "3栋电梯又坏了，困人了")).toMatchObject({ action: "ticket" });

    expect(await t.app.prisma.pollVote.count()).toBe(4);
    // A replayed older vote (sent before the change of mind) never overrides the newer one.
    const qian = await t.app.prisma.resident.findFirstOrThrow({ where: { userId: "r-qian" } });
    const g2 = await t.app.prisma.group.findFirstOrThrow({ where: { chatId: "lianhua-02" } });
    expect(await castVote({ db: t.app.prisma, pollId, residentId: qian.id, groupId: g2.id, option: 1, votedAt: new Date(Date.now() - 60_000) })).toBe("stale");
    const r = await w.api(`/api/polls/P${pollId}/results`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: pollId, status: "open", options: ["同意", "不同意", "弃权"], total: { votes: 4, counts: [2, 1, 1] } });
    const byChat = new Map((r.body.groups as Array<{ group: string; votes: number; counts: number[] }>).map((g) => [g.group, g]));
    expect(byChat.size).toBe(10);
    expect(byChat.get("莲花社区1号楼业主群")).toMatchObject({ votes: 2, counts: [1, 1, 0] });
    expect(byChat.get("莲花社区2号楼业主群")).toMatchObject({ votes: 2, counts: [1, 0, 1] });
    expect(byChat.get("莲花社区3号楼业主群")).toMatchObject({ votes: 0, counts: [0, 0, 0] });
    // Counts only: no resident, no per-person choice leaves the database.
    const raw = JSON.stringify(r.body);
    for (const who of ["r-wang", "r-li", "r-zhao", "r-qian", "residentId", "voter"]) expect(raw).not.toContain(who);
    // Nobody was answered for voting (no flood in the group): the only bot lines are the notice and the ticket reply.
    expect(await t.app.prisma.outboundMessage.count({ where: { kind: { not: "broadcast" } } })).toBe(1);
    expect((await w.bot("lianhua-01")).length).toBe(1);
    expect((await w.bot("lianhua-02")).length).toBe(1);
    expect((await w.bot("taoyuan-01")).length).toBe(0);
    const audit = await t.app.prisma.auditEvent.findMany({ where: { subject: `poll:${pollId}` } });
    expect(audit.map((a) => a.action)).toEqual(["poll.create"]);
  }, 60_000);

  it("at the deadline the results go to every group of the audience exactly once, also when the close is replayed", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const w = world(t.app, t.auth, t.url);
    const sent = await w.api("/api/polls", { question: "周六上午的议事会改在哪里开？", options: ["活动室", "广场"], until: inAnHour(), scope: `grid:${GRID_1}` });
    const pollId = sent.body.pollId as number;
    await waitFor(async () => ((await w.posted(LIANHUA, "议事会")).every((n) => n === 1) ? true : undefined));
    await w.say("lianhua-01", "r-a", "1");
    await w.say("lianhua-01", "r-b", "广场");
    await w.say("lianhua-05", "r-c", "活动室");
    // The deadline arrives (the fake clock: the poll's time and its delayed job move to now).
    const job = await waitFor(() => t!.app.queues.polls.getJob(jobId("pollclose", pollId)));
    await t.app.prisma.poll.update({ where: { id: pollId }, data: { closesAt: new Date() } });
    await job.changeDelay(0);
    await waitFor(async () => ((await w.posted(LIANHUA, "【投票结果】")).every((n) => n === 1) ? true : undefined), { what: "results in every group" });
    const here = (await w.bot("lianhua-01")).find((l) => l.includes("【投票结果】"))!;
    expect(here).toContain("（共 3 票）");
    expect(here).toContain("1. 活动室：2 票（67%）");
    expect(here).toContain("2. 广场：1 票（33%）");
    expect(here).toContain("本群：活动室 1，广场 1");
    expect((await w.bot("lianhua-05")).find((l) => l.includes("【投票结果】"))).toContain("本群：活动室 1，广场 0");
    expect(await w.posted(TAOYUAN, "【投票结果】")).toEqual(Array(10).fill(0));

    // Replays: the job again, and a direct close — nothing is posted twice.
    await t.app.queues.schedulePollClose(pollId, new Date());
    expect((await closePoll({ db: t.app.prisma, queues: t.app.queues, id: pollId })).closed).toBe(false);
    await waitFor(w.settled, { what: "poll and outbox queues drained" });
    expect(await w.posted(LIANHUA, "【投票结果】")).toEqual(Array(10).fill(1));
    // After the close, 「1」 is chatter again; the counts stay.
    expect(await w.say("lianhua-01", "r-d", "1")).toMatchObject({ action: "ignored" });
    const r = await w.api(`/api/polls/${pollId}/results`);
    expect(r.body).toMatchObject({ status: "closed", total: { votes: 3, counts: [2, 1] } });
    expect((await t.app.prisma.auditEvent.findMany({ where: { action: "poll.close" } })).map((a) => a.actor)).toEqual(["system:scheduler"]);
  }, 60_000);

  it("a restart before the deadline (with the delayed job lost) still posts the results once", async () => {
    const { config, dbDir } = testConfig();
    cleanups.push(async () => {
      await dropPrefix(config.REDIS_URL, config.QUEUE_PREFIX);
      fs.rmSync(dbDir, { recursive: true, force: true });
    });
    const first = await createApp({ config, gateways: [playgroundGateway], log: createLogger("silent") });
    await first.start();
    let w = world(first, await adminAuth(first), first.url!);
    const sent = await w.api("/api/polls", { text: "小区门口是否增设快递柜？| 是 | 否", until: inAnHour(), scope: "groups:1,2,3" });
    const pollId = sent.body.pollId as number;
    const chats = ["lianhua-01", "lianhua-02", "lianhua-03"];
    await waitFor(async () => ((await w.posted(chats, "快递柜")).every((n) => n === 1) ? true : undefined));
    await w.say("lianhua-02", "r-a", "是");
    await w.say("lianhua-03", "r-b", "2");
    await first.stop();

    // While nothing runs, Redis loses the delayed close (no persistence).
    await removePollJob(config, pollId);
    const second = await createApp({ config, gateways: [playgroundGateway], log: createLogger("silent") });
    cleanups.unshift(() => second.stop());
    await second.start();
    w = world(second, await adminAuth(second), second.url!);
    // Armed again at start (and arming it once more is the same job); then the deadline arrives (fake clock).
    const job = await waitFor(() => second.queues.polls.getJob(jobId("pollclose", pollId)), { what: "the close re-armed at start" });
    await second.queues.schedulePollClose(pollId, new Date(Date.now() + 3600_000));
    expect(await second.queues.polls.getJobCounts("delayed")).toEqual({ delayed: 1 });
    await second.prisma.poll.update({ where: { id: pollId }, data: { closesAt: new Date() } });
    await job.changeDelay(0);
    await waitFor(async () => ((await w.posted(chats, "【投票结果】")).every((n) => n === 1) ? true : undefined), { what: "results after the restart" });
    await waitFor(w.settled);
    expect(await w.posted(chats, "【投票结果】")).toEqual([1, 1, 1]);
    expect((await w.bot("lianhua-01")).find((l) => l.includes("【投票结果】"))).toContain("（共 2 票）");
  }, 60_000);

  it("a grid leader's poll (chat, preview and 确认) reaches only their grid; another grid is refused", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-leader", role: "grid_leader", grid: GRID_1, name: "李网格" } });
    const w = world(t.app, t.auth, t.url);
    const preview = await w.ask("lianhua-01", "pg-leader", '/poll 是否同意加装电梯？| 同意 | 不同意 | 弃权 --until "12-05 18:00"');
    expect(preview).toMatch(/^投票 #P1：通知 #B1：将发送到 10 个群.*回复"确认"发送/);
    expect(await w.posted([...LIANHUA, ...TAOYUAN], "【投票】")).toEqual(Array(20).fill(0)); // nothing before 确认
    await w.say("lianhua-01", "pg-leader", "确认");
    await waitFor(async () => ((await w.posted(LIANHUA, "【投票】是否同意加装电梯？")).every((n) => n === 1) ? true : undefined));
    expect(await w.posted(TAOYUAN, "【投票】")).toEqual(Array(10).fill(0));
    expect((await t.app.prisma.poll.findUniqueOrThrow({ where: { id: 1 } })).closesAt.toISOString()).toMatch(/-12-05T10:00:00/);
    // The close is armed from the chat too.
    expect(await t.app.queues.polls.getJob(jobId("pollclose", 1))).toBeTruthy();
    // A poll whose deadline passes before its preview is confirmed: the close cancels the draft; 确认 sends nothing.
    expect(await w.ask("lianhua-05", "pg-leader", '/poll 试一下？| 是 | 否 --until "12-06 18:00"')).toMatch(/^投票 #P2：通知 #B2/);
    await closePoll({ db: t.app.prisma, queues: t.app.queues, id: 2, actor: { role: "admin", name: "test", channel: "cli" } });
    expect((await t.app.prisma.broadcast.findUniqueOrThrow({ where: { id: 2 } })).status).toBe("cancelled");
    expect(await w.say("lianhua-05", "pg-leader", "确认")).toMatchObject({ action: "ignored" }); // no draft waits any more
    expect(await w.posted([...LIANHUA, ...TAOYUAN], "试一下")).toEqual(Array(20).fill(0));
    expect(await w.posted([...LIANHUA, ...TAOYUAN], "【投票结果】")).toEqual(Array(20).fill(0));

    expect(await w.ask("lianhua-01", "pg-leader", '#投票 网格:桃源社区第二网格 开会时间？| 上午 | 下午 --until "12-06 18:00"')).toMatch(/只能向自己负责的网格/);
    expect(await t.app.prisma.poll.count()).toBe(2);
    // A resident cannot start one; /poll results shows the counts; an English poll talks English.
    expect(await w.ask("lianhua-02", "r-x", '/poll 问题？| 是 | 否 --until "12-06 18:00"')).toMatch(/只有网格员或管理员/);
    await w.say("lianhua-04", "r-y", "2");
    expect(await w.ask("lianhua-01", "pg-leader", "#投票 结果 P1")).toMatch(/^投票 #P1（进行中，\d{4}-12-05 18:00 截止）共 1 票：同意 0，不同意 1，弃权 0$/);
    // "results P1" is a keyword and an id, not English text: the reply stays Chinese.
    expect(await w.ask("lianhua-01", "pg-leader", "/poll results P1")).toMatch(/^投票 #P1（进行中，\d{4}-12-05 18:00 截止）共 1 票：同意 0，不同意 1，弃权 0$/);
    const en = await w.api("/api/polls/preview", { text: "Paint the fence green? | yes | no", until: inAnHour(), scope: `grid:${GRID_1}` });
    expect(en.body.text).toMatch(/^\[POLL\] Paint the fence green\?\n1\. yes\n2\. no\nVote by replying/);
  }, 60_000);
  it("over HTTP a leader's poll stays in their grid, and another grid's results are refused", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await addAccount({ db: t.app.prisma, actor: cliActor("setup"), username: "leader", role: "grid_leader", scope: GRID_1, password: PASSWORD });
    const leader = await login(t.url, "leader");
    const asLeader = async (path: string, body?: unknown) => {
      const res = await fetch(`${t!.url}${path}`, body === undefined ? { headers: leader } : { method: "POST", headers: { ...leader, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const w = world(t.app, t.auth, t.url);
    const mine = await asLeader("/api/polls", { text: "周末大扫除几点开始？| 8点 | 9点", until: inAnHour() });
    expect(mine.status).toBe(202);
    expect(mine.body.scope).toBe(`grid:${GRID_1}`);
    expect((mine.body.groups as Array<{ title: string }>).map((g) => g.title).every((x) => x.startsWith("莲花社区"))).toBe(true);
    expect(mine.body.groups).toHaveLength(10);
    expect((await asLeader("/api/polls", { text: "问题？| 是 | 否", until: inAnHour(), scope: "grid:桃源社区第二网格" })).status).toBe(403);
    const theirs = await w.api("/api/polls", { text: "桃源议事？| 是 | 否", until: inAnHour(), scope: "grid:桃源社区第二网格" });
    expect((await asLeader(`/api/polls/${theirs.body.pollId}/results`)).status).toBe(403);
    expect((await asLeader(`/api/polls/${theirs.body.pollId}/close`, {})).status).toBe(403);
    expect((await asLeader(`/api/polls/${mine.body.pollId}/results`)).status).toBe(200);
    expect((await asLeader("/api/polls", { text: "只有一个选项？| 是", until: inAnHour() })).status).toBe(400);
    expect((await asLeader("/api/polls", { text: "过期？| 是 | 否", until: "2020-01-01 08:00" })).status).toBe(400);
    expect(await t.app.prisma.poll.count()).toBe(2);
  }, 60_000);
});

/** Remove a poll's delayed close from Redis (as a Redis without persistence would lose it). */
async function removePollJob(config: { REDIS_URL: string; QUEUE_PREFIX: string }, pollId: number): Promise<void> {
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const q = new Queue("polls", { connection, prefix: config.QUEUE_PREFIX });
  try {
    expect(await q.remove(jobId("pollclose", pollId))).toBe(1);
  } finally {
    await q.close();
    connection.disconnect();
  }
}
