// The residents' side's timed work, one queue `resident-cycle`:
// - `ratedefault-<ticketId>-<closedAtMs>`: a delayed job per resolution, armed when the step that resolved the
//   ticket commits (from any door: chat, HTTP — like the SLA clocks, core/jobs/ticket-clocks.ts) and due
//   RATING_TIMEOUT_HOURS later; it closes the ticket as rated-by-default (core/tickets/close-unrated.ts) unless it was
//   rated, reopened or resolved again since. The step that leaves the resolution (a rating, a reopen, more work)
//   removes it; one that fires anyway finds the resolution gone and does nothing. Jobs live in Redis: a restart
//   loses none;
// - `rating-arm`: a sweeper (at start over every resolved, unrated ticket — those resolved before jobs were armed
//   at resolution, a Redis that lost its data — and then every 10 minutes over the recently resolved, for a crash
//   between commit and add; every 30th pass over all): same ids, so re-adding an existing job changes nothing;
// - `digest`: a repeatable job at DIGEST_HOUR China time that sends each grid's daily digest (keyed per day).

import { DelayedError, Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../infra/db.js";
import { throttle, type Logger } from "../infra/log.js";
import type { Queues } from "../infra/queues.js";
import { bounded } from "../infra/redis.js";
import type { TicketFollowUp } from "../tickets/actions.js";
import { awaitsRating, closeUnrated, unratedTickets } from "../tickets/close-unrated.js";
import { digestGrids, sendDigest } from "../tickets/send-digest.js";

/** The queue's name. */
export const RESIDENT_CYCLE_QUEUE = "resident-cycle";

type CycleJob = { kind: "arm" } | { kind: "ratedefault"; ticketId: number; closedAtMs: number } | { kind: "digest" };

/** The deterministic id of one resolution's rated-by-default job (no ":" and never an integer). */
export const ratingDefaultJobId = (ticketId: number, closedAtMs: number): string => `ratedefault-${ticketId}-${closedAtMs}`;

/** One periodic sweep in this many looks at every resolved, unrated ticket; the others at recently resolved ones. */
const FULL_SWEEP_EVERY = 30;

const JOB_OPTS = { removeOnComplete: 1000, removeOnFail: 1000, attempts: 5, backoff: { type: "exponential", delay: 1000 } } as const;

/** Add the delayed rated-by-default job of every resolved, unrated ticket (resolved since `since`, if given). */
export async function armRatingTimeouts(opts: { prisma: Db; queue: Queue; ratingTimeoutMs: number; now?: number; commandTimeoutMs?: number; since?: Date }): Promise<number> {
  const now = opts.now ?? Date.now();
  let armed = 0;
  for (let after = 0; ; ) {
    const page = await unratedTickets({ db: opts.prisma, afterId: after, since: opts.since, limit: 1000 });
    for (const t of page) await addRatingDefault(opts.queue, t.id, t.closedAt.getTime(), opts.ratingTimeoutMs, now, opts.commandTimeoutMs);
    armed += page.length;
    if (page.length < 1000) return armed;
    after = page[page.length - 1].id;
  }
}

/** Add one resolution's job (a no-op when it exists: the same id). Bounded: ioredis may never settle a command in flight at a Redis restart. */
async function addRatingDefault(queue: Queue, ticketId: number, closedAtMs: number, ratingTimeoutMs: number, now: number, commandTimeoutMs = 5000): Promise<void> {
  await bounded(
    queue.add("ratedefault", { kind: "ratedefault", ticketId, closedAtMs }, { ...JOB_OPTS, jobId: ratingDefaultJobId(ticketId, closedAtMs), delay: Math.max(0, closedAtMs + ratingTimeoutMs - now) }),
    commandTimeoutMs, "adding a rating timeout",
  );
}

/** Arm and disarm rated-by-default jobs (a producer in every process; the worker runs where workers run). */
export interface RatingTimeouts {
  queue: Queue<CycleJob>;
  /** After committed steps: arm the job of a ticket now resolved and unrated; remove the job of a resolution a step left. */
  afterSteps(followUps: TicketFollowUp[]): Promise<void>;
  close(): Promise<void>;
}

/** Options of createRatingTimeouts. */
export interface RatingTimeoutsOptions {
  prisma: Db;
  /** The producer connection (bounded commands). */
  connection: Redis;
  prefix: string;
  ratingTimeoutMs: number;
  /** @defaultValue 5000 */
  commandTimeoutMs?: number;
  /** The clock. @defaultValue Date.now */
  now?: () => number;
}

/** Create the producer side of the rated-by-default jobs. */
export function createRatingTimeouts(opts: RatingTimeoutsOptions): RatingTimeouts {
  const now = opts.now ?? Date.now;
  const ms = opts.commandTimeoutMs ?? 5000;
  const queue = new Queue<CycleJob>(RESIDENT_CYCLE_QUEUE, { connection: opts.connection, prefix: opts.prefix });
  queue.on("error", () => {}); // Redis trouble is reported by the worker and /healthz; an unheard error event would throw
  return {
    queue,
    async afterSteps(followUps) {
      for (const f of followUps) {
        // The resolution this step left (rated, reopened, worked on again): its job has nothing left to do.
        if (f.leftResolutionAtMs !== undefined) await bounded(queue.remove(ratingDefaultJobId(f.ticketId, f.leftResolutionAtMs)), ms, "removing a rating timeout").catch(() => 0);
        const row = await opts.prisma.ticket.findUnique({ where: { id: f.ticketId }, select: { status: true, rating: true, closedAt: true } });
        if (awaitsRating(row)) await addRatingDefault(queue as Queue, f.ticketId, row.closedAt.getTime(), opts.ratingTimeoutMs, now(), ms);
      }
    },
    async close() {
      await queue.close();
    },
  };
}

/** Options of the worker. */
export interface ResidentCycleOptions {
  prisma: Db;
  queues: Queues;
  /** The worker's connection. */
  connection: Redis;
  prefix: string;
  log: Logger;
  /** The producer (its queue schedules the repeatable jobs). */
  ratings: RatingTimeouts;
  ratingTimeoutMs: number;
  /** 0–23, China time. */
  digestHour: number;
  /** How often the sweeper runs. @defaultValue 10 minutes */
  armEveryMs?: number;
  /** The clock. @defaultValue Date.now */
  now?: () => number;
}

/** Start the worker, the repeatable jobs and the sweeper's first (full) pass. */
export async function startResidentCycle(opts: ResidentCycleOptions): Promise<{ worker: Worker<CycleJob>; firstPass: Promise<unknown> }> {
  const { prisma, log } = opts;
  const now = opts.now ?? Date.now;
  const quiet = throttle();
  const queue = opts.ratings.queue;
  const everyMs = opts.armEveryMs ?? 600_000;
  let passes = 1; // the first pass (below) is a full one
  const arm = (since?: Date) => armRatingTimeouts({ prisma, queue: queue as Queue, ratingTimeoutMs: opts.ratingTimeoutMs, now: now(), since });
  const worker = new Worker<CycleJob>(
    RESIDENT_CYCLE_QUEUE,
    async (job: Job<CycleJob>, token?: string) => {
      const d = job.data;
      if (d.kind === "arm") return { armed: await arm(passes++ % FULL_SWEEP_EVERY === 0 ? undefined : new Date(now() - 3 * everyMs)) };
      if (d.kind === "ratedefault") {
        // A resolution rated, reopened or worked on since: nothing to do. Still current but early (RATING_TIMEOUT_HOURS
        // was lengthened after it was armed): wait until its time is up.
        const row = await prisma.ticket.findUnique({ where: { id: d.ticketId }, select: { status: true, rating: true, closedAt: true } });
        if (!awaitsRating(row, d.closedAtMs)) return { closed: false };
        const due = d.closedAtMs + opts.ratingTimeoutMs;
        if (due > now() + 5) {
          await job.moveToDelayed(due, token);
          throw new DelayedError();
        }
        const closed = await closeUnrated({ db: prisma, ticketId: d.ticketId, closedAtMs: d.closedAtMs });
        if (closed) log.info({ ticketId: d.ticketId }, "unrated ticket closed as rated-by-default");
        return { closed };
      }
      let sent = 0;
      for (const grid of await digestGrids(prisma)) {
        const rows = await sendDigest({ db: prisma, grid });
        await opts.queues.enqueueOutboundRows(rows);
        sent += rows.length;
      }
      return { sent };
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: 2 },
  );
  worker.on("error", (err) => quiet("error", () => log.error({ err: err.message }, "resident-cycle worker error")));
  worker.on("failed", (_job, err) => quiet("failed", () => log.warn({ err: err.message }, "resident-cycle job failed; it retries")));
  const scheduled = Promise.all([
    bounded(queue.upsertJobScheduler("rating-arm", { every: everyMs }, { name: "arm", data: { kind: "arm" }, opts: { removeOnComplete: true, removeOnFail: 100 } }), 10_000, "the rating-arm schedule"),
    bounded(queue.upsertJobScheduler("digest", { pattern: `0 ${opts.digestHour} * * *`, tz: "Asia/Shanghai" }, { name: "digest", data: { kind: "digest" }, opts: { removeOnComplete: true, removeOnFail: 100 } }), 10_000, "the digest schedule"),
  ]);
  await scheduled.catch((err: Error) => log.warn({ err: err.message }, "could not schedule the rating timeouts or the digest; the next start does"));
  const firstPass = arm().catch((err: Error) => log.warn({ err: err.message }, "could not arm the rating timeouts; the next pass does"));
  return { worker, firstPass };
}
