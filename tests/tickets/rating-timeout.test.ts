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
import { createLogger } from "../../core/infra/log.js";
import { ratingDefaultJobId, RESIDENT_CYCLE_QUEUE } from "../../core/jobs/resident-cycle.js";
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
    async start() {
      w.app = await createApp({ config, gateways: [playgroundGateway], log: createLogger(config.LOG_LEVEL) });
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
    async resolvedTicket() {
      const db = w.app.prisma;
      const node = await db.orgNode.findUniqueOrThrow({ where: { kind_name: { kind: "grid", name: "莲花社区第一网格" } } });
      if (!(await db.staffAccount.findUnique({ where: { username: "li" } }))) {
        const account = await db.staffAccount.create({ data: { username: "li", role: "grid_leader", scopeNodeId: node.id, name: "李网格" } });
        await db.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "莲花社区第一网格", name: "李网格", accountId: account.id } });
      }
      await w.say("lianhua-01", "王阿姨", "停电了，整栋楼都黑了");
      const { number } = await waitFor(() => db.ticket.findFirst({ where: { status: "dispatched" } }), { timeoutMs: 30_000 });
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
});
