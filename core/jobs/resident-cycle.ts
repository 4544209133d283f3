// The residents' side's timed work, one queue `resident-cycle`:
// - `ratedefault-<ticketId>-<closedAtMs>`: a delayed job per resolved ticket, due RATING_TIMEOUT_HOURS after its
//   resolution, that closes it as rated-by-default (core/tickets/close-unrated.ts) unless it was rated since;
// - `rating-arm`: a repeatable pass (and one at start) that (re-)adds those delayed jobs for every resolved,
//   unrated ticket — same ids, so a Redis that lost them, a crash between commit and add, or a replay changes
//   nothing: the database is the source of truth, the ids make re-adding harmless;
// - `digest`: a repeatable job at DIGEST_HOUR China time that sends each grid's daily digest (keyed per day).

import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../infra/db.js";
import { throttle, type Logger } from "../infra/log.js";
import type { Queues } from "../infra/queues.js";
import { bounded } from "../infra/redis.js";
import { closeUnrated, unratedTickets } from "../tickets/close-unrated.js";
import { digestGrids, sendDigest } from "../tickets/send-digest.js";

/** The queue's name. */
export const RESIDENT_CYCLE_QUEUE = "resident-cycle";

type CycleJob = { kind: "arm" } | { kind: "ratedefault"; ticketId: number; closedAtMs: number } | { kind: "digest" };

/** Options of the worker. */
export interface ResidentCycleOptions {
  prisma: Db;
  queues: Queues;
  connection: Redis;
  prefix: string;
  log: Logger;
  ratingTimeoutMs: number;
  /** 0–23, China time. */
  digestHour: number;
  /** How often the arming pass runs. @defaultValue 10 minutes */
  armEveryMs?: number;
}

/** Add the delayed rated-by-default job of every resolved, unrated ticket (deterministic ids). */
export async function armRatingTimeouts(opts: { prisma: Db; queue: Queue; ratingTimeoutMs: number; now?: number; commandTimeoutMs?: number }): Promise<number> {
  const now = opts.now ?? Date.now();
  const due = await unratedTickets({ db: opts.prisma });
  for (const t of due) {
    const closedAtMs = t.closedAt.getTime();
    // Bounded: a command in flight at a Redis restart may never settle (ioredis); the next pass re-adds it.
    await bounded(opts.queue.add("ratedefault", { kind: "ratedefault", ticketId: t.id, closedAtMs }, {
      jobId: `ratedefault-${t.id}-${closedAtMs}`, delay: Math.max(0, closedAtMs + opts.ratingTimeoutMs - now), removeOnComplete: 1000, removeOnFail: 1000, attempts: 5, backoff: { type: "exponential", delay: 1000 },
    }), opts.commandTimeoutMs ?? 5000, "adding a rating timeout");
  }
  return due.length;
}

/** Start the worker, the repeatable jobs and the first arming pass. */
export async function startResidentCycle(opts: ResidentCycleOptions): Promise<{ worker: Worker<CycleJob>; queue: Queue<CycleJob>; firstPass: Promise<unknown> }> {
  const { prisma, log } = opts;
  const quiet = throttle();
  const queue = new Queue<CycleJob>(RESIDENT_CYCLE_QUEUE, { connection: opts.connection, prefix: opts.prefix });
  queue.on("error", () => {}); // Redis trouble is reported by the worker and /healthz; an unheard error event would throw
  const arm = () => armRatingTimeouts({ prisma, queue: queue as Queue, ratingTimeoutMs: opts.ratingTimeoutMs });
  const worker = new Worker<CycleJob>(
    RESIDENT_CYCLE_QUEUE,
    async (job: Job<CycleJob>) => {
      const d = job.data;
      if (d.kind === "arm") return { armed: await arm() };
      if (d.kind === "ratedefault") {
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
    bounded(queue.upsertJobScheduler("rating-arm", { every: opts.armEveryMs ?? 600_000 }, { name: "arm", data: { kind: "arm" }, opts: { removeOnComplete: true, removeOnFail: 100 } }), 10_000, "the rating-arm schedule"),
    bounded(queue.upsertJobScheduler("digest", { pattern: `0 ${opts.digestHour} * * *`, tz: "Asia/Shanghai" }, { name: "digest", data: { kind: "digest" }, opts: { removeOnComplete: true, removeOnFail: 100 } }), 10_000, "the digest schedule"),
  ]);
  await scheduled.catch((err: Error) => log.warn({ err: err.message }, "could not schedule the rating timeouts or the digest; the next start does"));
  const firstPass = arm().catch((err: Error) => log.warn({ err: err.message }, "could not arm the rating timeouts; the next pass does"));
  return { worker, queue, firstPass };
}
