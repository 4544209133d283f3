// 评单 left unanswered, armed at resolution: the step that resolves a ticket adds its rated-by-default job
// (`ratedefault-<ticket>-<closedAt ms>`, due RATING_TIMEOUT_HOURS later — here seconds) to Redis, where it outlives
// a restart and closes the ticket as rated-by-default (no rating: never counted as satisfied). A rating before the
// deadline wins: the job is removed, and one that fires anyway does nothing; 「不满意」 removes it too, and the next
// resolution arms its own. Real Redis and SQLite, the playground; waits are on conditions.

import { Queue, type Job } from "bullmq";
import fs from "node:fs";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { playgroundGateway, type PlaygroundGateway } from "../../bots/playground/index.js";
import { createApp, type App } from "../../core/app.js";
import type { Config } from "../../core/infra/config.js";
import { openDatabase } from "../../core/infra/db.js";
import { createLogger } from "../../core/infra/log.js";
import { Queues } from "../../core/infra/queues.js";
import { createRatingTimeouts, ratingDefaultJobId, RESIDENT_CYCLE_QUEUE, startResidentCycle } from "../../core/jobs/resident-cycle.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { RATED_BY_DEFAULT } from "../../core/tickets/close-unrated.js";
import { dropPrefix, testConfig, waitFor, TEST_REDIS_URL } from "../helpers/harness.js";

vi.setConfig({ testTimeout: 120_000 });
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One database and queue prefix; apps on it can be started, stopped and started again (a restart). */
function world(ratingTimeoutHours: number) {
  const { config, dbDir } = testConfig({ RATING_TIMEOUT_HOURS: String(ratingTimeoutHours) });
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(RESIDENT_CYCLE_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
  const running = new Set<App>();
  cleanups.push(async () => {
    for (const a of running) await a.stop();
    await queue.close();
    connection.disconnect();
    await dropPrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    fs.rmSync(dbDir, { recursive: true, force: true });
  });
  let seq = 0;
  const w = {
    config,
    queue,
    app: undefined as unknown as App,
    /** Start an app; `changed` settings apply from this start on (a restart with an edited .env). */
    async start(changed: Partial<Config> = {}) {
      w.app = await createApp({ config: { ...config, ...changed }, gateways: [playgroundGateway], log: createLogger(config.LOG_LEVEL) });
      running.add(w.app);
      await w.app.start();
      return w.app;
    },
    async stop() {
      await w.app.stop();
      running.delete(w.app);
    },
    /** A line in a playground group from `sender` (id pg-<name>). */
    say: (chatId: string, sender: string, text: string) =>
      w.app.queues.submit({ platform: "playground", chatId, messageId: `rt${Date.now().toString(36)}-${++seq}`, sender: { id: `pg-${sender}`, name: sender }, text, sentAt: Date.now() } satisfies ChatMessage),
    ticket: (number: string) => w.app.prisma.ticket.findUniqueOrThrow({ where: { number } }),
    /** Wait for the ticket to reach a status. */
    reach: (number: string, status: string) => waitFor(async () => ((await w.ticket(number)).status === status ? w.ticket(number) : undefined), { timeoutMs: 30_000, what: `${number} ${status}` }),
    /** A grid leader of 莲花社区第一网格 (an account with a playground identity), then an outage ticket resolved by them. */
    async resolvedTicket(complaint = "停电了，整栋楼都黑了") {
      const db = w.app.prisma;
      const node = await db.orgNode.findUniqueOrThrow({ where: { kind_name: { kind: "grid", name: "莲花社区第一网格" } } });
      if (!(await db.staffAccount.findUnique({ where: { username: "li" } }))) {
        const account = await db.staffAccount.create({ data: { username: "li", role: "grid_leader", scopeNodeId: node.id, name: "李网格" } });
        await db.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "莲花社区第一网格", name: "李网格", accountId: account.id } });
      }
      await w.say("lianhua-01", "王阿姨", complaint);
      const { number } = await waitFor(() => db.ticket.findFirst({ where: { status: "dispatched", text: complaint } }), { timeoutMs: 30_000 });
      await w.say("lianhua-01", "李网格", `/resolve ${number} 已恢复供电`);
      return w.reach(number, "resolved");
    },
    /** The job of one resolution once it is in Redis. */
    job: (ticketId: number, closedAt: Date) => waitFor(() => queue.getJob(ratingDefaultJobId(ticketId, closedAt.getTime())), { timeoutMs: 30_000, what: "the rated-by-default job" }) as Promise<Job>,
  };
  return w;
}

const pg = (app: App) => app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;

describe("rated-by-default, armed at resolution", () => {
  it("the resolution arms a delayed job that outlives a restart and closes the ticket as rated-by-default, not satisfied", async () => {
    const hours = 15 / 3600; // 15 s
    const w = world(hours);
    await w.start();
    const resolved = await w.resolvedTicket();
    // Armed by the resolving step (the sweeper ran at start, before the ticket existed, and next runs in 10 min).
    const job = await w.job(resolved.id, resolved.closedAt!);
    expect(await job.isDelayed()).toBe(true);
    expect(job.data).toEqual({ kind: "ratedefault", ticketId: resolved.id, closedAtMs: resolved.closedAt!.getTime() });
    expect(job.timestamp + job.delay).toBeGreaterThanOrEqual(resolved.closedAt!.getTime() + hours * 3600_000 - 50);

    // The process goes away before the deadline; the job stays in Redis and a new process runs it.
    await w.stop();
    expect(await (await w.queue.getJob(job.id!))?.isDelayed()).toBe(true);
    await w.start();
    const closed = await w.reach(resolved.number, "rated");
    expect(closed.rating).toBeNull(); // rated-by-default, never recorded as satisfied
    expect(Date.now()).toBeGreaterThanOrEqual(resolved.closedAt!.getTime() + hours * 3600_000);
    const events = await w.app.prisma.ticketEvent.findMany({ where: { ticketId: resolved.id }, orderBy: { id: "desc" } });
    expect([events[0].toStatus, events[0].actor, events[0].note]).toEqual(["rated", "system:rating-timeout", RATED_BY_DEFAULT]);
    expect(await w.app.prisma.auditEvent.count({ where: { action: "ticket.rated_by_default", subject: `ticket:${resolved.number}` } })).toBe(1);
    const done = await waitFor(async () => ((await w.queue.getJob(job.id!))?.returnvalue ? w.queue.getJob(job.id!) : undefined));
    expect(done!.returnvalue).toEqual({ closed: true });
    // No auto-publishing and no outcome card for a ticket nobody rated.
    expect((await pg(w.app).transcript("lianhua-01")).some((l) => l.text.includes("【晒单】"))).toBe(false);
  });

  it("a rating before the deadline wins: the job is removed, and one that fires anyway does nothing", async () => {
    const w = world(0.01); // 36 s: far longer than the rating takes
    await w.start();
    const resolved = await w.resolvedTicket();
    const id = (await w.job(resolved.id, resolved.closedAt!)).id!;

    await w.say("lianhua-01", "王阿姨", "4");
    const rated = await w.reach(resolved.number, "published"); // 4 publishes automatically
    expect(rated.rating).toBe(4);
    await waitFor(async () => (await w.queue.getJob(id)) === undefined, { what: "the job removed" });

    // Suppose the removal had failed (Redis away at that moment): the job fires, finds the resolution gone, does nothing.
    await w.queue.add("ratedefault", { kind: "ratedefault", ticketId: resolved.id, closedAtMs: resolved.closedAt!.getTime() }, { jobId: id, delay: 0 });
    const fired = await waitFor(async () => ((await w.queue.getJob(id))?.finishedOn ? w.queue.getJob(id) : undefined));
    expect(fired!.returnvalue).toEqual({ closed: false });
    expect(await w.ticket(resolved.number)).toMatchObject({ status: "published", rating: 4 });
    expect(await w.app.prisma.ticketEvent.count({ where: { ticketId: resolved.id, note: RATED_BY_DEFAULT } })).toBe(0);
  });

  it("「不满意」 reopens and removes the job; the next resolution arms its own", async () => {
    const w = world(0.01);
    await w.start();
    const first = await w.resolvedTicket();
    const firstId = (await w.job(first.id, first.closedAt!)).id!;
    await w.say("lianhua-01", "王阿姨", "不满意");
    await w.reach(first.number, "reopened");
    await waitFor(async () => (await w.queue.getJob(firstId)) === undefined, { what: "the job removed" });

    await w.say("lianhua-01", "李网格", `/resolve ${first.number} 已更换电缆`);
    const again = await w.reach(first.number, "resolved");
    expect(again.closedAt!.getTime()).not.toBe(first.closedAt!.getTime());
    expect(await (await w.job(again.id, again.closedAt!)).isDelayed()).toBe(true);
  });

  it("a job armed under a shorter RATING_TIMEOUT_HOURS fires early once it was lengthened: it waits for the new deadline instead of closing", async () => {
    const armedHours = 10 / 3600; // 10 s when the ticket is resolved…
    const w = world(armedHours);
    await w.start();
    const resolved = await w.resolvedTicket();
    const job = await w.job(resolved.id, resolved.closedAt!);
    await w.stop();
    // (Stopped before its 10 s were up: the ticket is still waiting for its rating.)
    expect((await w.ticket(resolved.number)).status).toBe("resolved");

    // …then RATING_TIMEOUT_HOURS is lengthened to 25 s and Gridlink restarted. The start's sweep re-adds the same
    // id, which leaves the existing job as it was: it still comes due at the old time, 10 s after the resolution.
    const hours = 25 / 3600;
    await w.start({ RATING_TIMEOUT_HOURS: hours });
    const early = await waitFor(async () => {
      const j = await w.queue.getJob(job.id!);
      return j?.processedOn !== undefined && (await j.isDelayed()) ? j : undefined;
    }, { timeoutMs: 30_000, what: "the job run at its old time and delayed again" });
    expect(early.processedOn!).toBeGreaterThanOrEqual(resolved.closedAt!.getTime() + armedHours * 3600_000 - 50);
    expect((await w.ticket(resolved.number)).status).toBe("resolved"); // it ran early and did not close the ticket

    // At the new deadline it closes the ticket as rated-by-default — not a moment before.
    const closed = await w.reach(resolved.number, "rated");
    expect(closed.rating).toBeNull();
    const event = await w.app.prisma.ticketEvent.findFirstOrThrow({ where: { ticketId: resolved.id, toStatus: "rated" } });
    expect(event.note).toBe(RATED_BY_DEFAULT);
    expect(event.createdAt.getTime()).toBeGreaterThanOrEqual(resolved.closedAt!.getTime() + hours * 3600_000);
    expect(await w.app.prisma.ticketEvent.count({ where: { ticketId: resolved.id, note: RATED_BY_DEFAULT } })).toBe(1);
  });

  it("the sweeper re-arms a resolved, unrated ticket that has no job: a recent resolution at the next pass, an older one at the full pass", async () => {
    const w = world(24);
    await w.start();
    const recent = await w.resolvedTicket();
    const older = await w.resolvedTicket("楼道里的垃圾好几天没人清理了，臭死了");
    expect(older.id).not.toBe(recent.id);
    await w.stop();

    // The sweeper of one worker process on the same database and Redis, its passes every 200 ms (10 min in
    // production), on a clock that stands just after the recent resolution.
    const prisma = await openDatabase(w.config.DATABASE_URL);
    const clock = recent.closedAt!.getTime() + 100;
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queues = new Queues(connection, w.config.QUEUE_PREFIX);
    const ratingTimeoutMs = 24 * 3600_000;
    const ratings = createRatingTimeouts({ prisma, connection, prefix: w.config.QUEUE_PREFIX, ratingTimeoutMs, now: () => clock });
    const cycle = await startResidentCycle({ prisma, queues, connection, prefix: w.config.QUEUE_PREFIX, log: createLogger("silent"), ratings, ratingTimeoutMs, digestHour: 8, armEveryMs: 200, now: () => clock });
    cleanups.push(async () => {
      await cycle.worker.close();
      await ratings.close();
      await queues.close();
      connection.disconnect();
      await prisma.$disconnect();
    });
    await cycle.firstPass;
    let passes = 0;
    cycle.worker.on("completed", (j) => void (j.name === "arm" && passes++));

    // Later, neither has a job (the state the 12345 hotline's resolution leaves, or a Redis that lost its data), and
    // the older one was resolved two days ago.
    const twoDaysAgo = new Date(recent.closedAt!.getTime() - 2 * 86_400_000);
    await prisma.ticket.update({ where: { id: older.id }, data: { closedAt: twoDaysAgo } });
    const recentId = ratingDefaultJobId(recent.id, recent.closedAt!.getTime());
    const olderId = ratingDefaultJobId(older.id, twoDaysAgo.getTime());
    for (const id of [recentId, olderId, ratingDefaultJobId(older.id, older.closedAt!.getTime())]) await w.queue.remove(id);
    const from = passes;
    await waitFor(() => passes >= from + 2, { timeoutMs: 30_000, what: "two periodic passes" });
    // A recent pass re-armed the recent resolution, due a day after it was resolved; it did not look at the older one.
    const rearmed = await w.queue.getJob(recentId);
    expect(rearmed?.data).toEqual({ kind: "ratedefault", ticketId: recent.id, closedAtMs: recent.closedAt!.getTime() });
    expect(await rearmed!.isDelayed()).toBe(true);
    expect(rearmed!.delay).toBe(ratingTimeoutMs - 100);
    expect(await w.queue.getJob(olderId)).toBeUndefined();
    expect((await prisma.ticket.findUniqueOrThrow({ where: { id: older.id } })).status).toBe("resolved");

    // The full pass (one in 30) finds the older one; its day is long over, so it closes as rated-by-default at once.
    const closed = await waitFor(async () => {
      const row = await prisma.ticket.findUniqueOrThrow({ where: { id: older.id } });
      return row.status === "rated" ? row : undefined;
    }, { timeoutMs: 60_000, what: "the older ticket closed by the full pass" });
    expect(passes).toBeGreaterThanOrEqual(from + 2);
    expect(closed.rating).toBeNull();
    expect((await prisma.ticketEvent.findFirstOrThrow({ where: { ticketId: older.id, toStatus: "rated" } })).note).toBe(RATED_BY_DEFAULT);
    expect((await prisma.ticket.findUniqueOrThrow({ where: { id: recent.id } })).status).toBe("resolved");
  });
});
