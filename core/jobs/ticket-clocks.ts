// The ticket clocks: one BullMQ queue ("ticket-clocks") of delayed jobs with deterministic ids
// (`sla-<ticketId>-<seq>-warn|breach`), armed after every committed step for the ticket's clock sequence (a job
// armed for an older seq does nothing when it fires), and a repeatable sweep (also run at start) that re-arms any
// clock whose job is missing — a Redis that lost its data, a crash between commit and add. The hotline bridge's
// filing and polling jobs run on the same queue (core/tickets/hotline-bridge.ts).

import { DelayedError, Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../infra/db.js";
import { throttle, type Logger } from "../infra/log.js";
import type { Queues } from "../infra/queues.js";
import { bounded } from "../infra/redis.js";
import type { TicketFollowUp } from "../tickets/actions.js";
import type { HotlineHooks } from "../tickets/hotline-bridge.js";
import { ACCEPT_PHASE, clearDeadlines, clockJobId, fireClock, planClock, recordDeadline, RESOLVE_PHASE, type ClockJob } from "../tickets/sla-clock.js";

/** The queue of SLA clocks and hotline jobs. */
export const TICKET_CLOCKS_QUEUE = "ticket-clocks";

/** A job of the queue. */
export type TicketClockJob = ClockJob | { kind: "sweep" } | { kind: "hotline-file"; ticketId: number } | { kind: "hotline-poll" };

/** Options of createTicketClocks. */
export interface TicketClocksOptions {
  prisma: Db;
  queues: Queues;
  /** The producer connection (bounded commands). */
  connection: Redis;
  prefix: string;
  log: Logger;
  /** One SLA minute in ms (config SLA_MINUTE_MS). */
  unitMs: number;
  /** @defaultValue 5000 */
  commandTimeoutMs?: number;
  /** The clock (tests may inject one). @defaultValue Date.now */
  now?: () => number;
  hotline?: HotlineHooks;
}

/** Arm, re-arm and run ticket clocks. */
export interface TicketClocks {
  queue: Queue<TicketClockJob>;
  /** Arm the ticket's clock for its current seq (idempotent: same ids). */
  arm(ticketId: number): Promise<void>;
  /** After a committed step: re-arm, and file to the hotline when the step reached it. */
  afterSteps(followUps: TicketFollowUp[]): Promise<void>;
  /**
   * Re-arm running clocks and file unfiled hotline tickets; returns how many tickets it looked at. `since`: only
   * tickets changed since then (a crash between commit and arm is recent); without it, every one.
   */
  sweep(opts?: { since?: Date }): Promise<number>;
  /** Run the worker here (and schedule the sweep and the hotline poll). */
  startWorker(opts: { connection: Redis; sweepEveryMs: number }): Promise<{ worker: Worker<TicketClockJob>; firstPass: Promise<unknown> }>;
  close(): Promise<void>;
}

/** One periodic sweep in this many looks at every open ticket; the others at recently changed ones. */
const FULL_SWEEP_EVERY = 30;

const JOB_OPTS = { attempts: 10, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

/** Create the clocks (a producer everywhere; the worker where workers run). */
export function createTicketClocks(opts: TicketClocksOptions): TicketClocks {
  const { prisma, log } = opts;
  const now = opts.now ?? Date.now;
  const ms = opts.commandTimeoutMs ?? 5000;
  const queue = new Queue<TicketClockJob>(TICKET_CLOCKS_QUEUE, { connection: opts.connection, prefix: opts.prefix });
  queue.on("error", () => {});
  const add = (name: string, data: TicketClockJob, jobId: string, delay: number) => bounded(queue.add(name, data, { ...JOB_OPTS, jobId, delay: Math.max(0, Math.round(delay)) }), ms, "the ticket clock");

  const queueRows = async (ids: number[]) => {
    if (!ids.length) return;
    await opts.queues.enqueueOutboundRows(await prisma.outboundMessage.findMany({ where: { id: { in: ids } }, select: { id: true, platform: true } }));
  };

  const arm = async (ticketId: number) => {
    const plan = await planClock(prisma, ticketId, opts.unitMs);
    if (!plan) return clearDeadlines(prisma, ticketId);
    await recordDeadline(prisma, plan);
    const base = { ticketId, seq: plan.seq, phase: plan.phase };
    if (!plan.warned) await add("warn", { kind: "warn", ...base }, clockJobId({ kind: "warn", ...base }), plan.warnAt.getTime() - now());
    await add("breach", { kind: "breach", ...base }, clockJobId({ kind: "breach", ...base }), plan.dueAt.getTime() - now());
    // The previous seq's clocks would do nothing when they fire; removing them just keeps Redis tidy.
    if (plan.seq > 0) {
      for (const kind of ["warn", "breach"] as const) await bounded(queue.remove(clockJobId({ kind, ticketId, seq: plan.seq - 1 })), ms, "the old clock").catch(() => 0);
    }
  };

  const fileLater = (ticketId: number) => add("hotline-file", { kind: "hotline-file", ticketId }, `hotline-file-${ticketId}`, 0);

  const clocks: TicketClocks = {
    queue,
    arm,
    async afterSteps(followUps) {
      for (const f of followUps) {
        await arm(f.ticketId);
        if (f.fileHotline && opts.hotline) await fileLater(f.ticketId);
      }
    },
    async sweep(o = {}) {
      const rows = await prisma.ticket.findMany({ where: { status: { in: [...ACCEPT_PHASE, ...RESOLVE_PHASE] }, tier: { not: "hotline" }, ...(o.since ? { updatedAt: { gte: o.since } } : {}) }, select: { id: true }, orderBy: { id: "asc" } });
      for (const r of rows) await arm(r.id);
      const unfiled = opts.hotline ? await opts.hotline.unfiled() : [];
      for (const id of unfiled) await fileLater(id);
      return rows.length + unfiled.length;
    },
    async startWorker(w) {
      const quiet = throttle();
      let passes = 1; // the first pass (below) is a full one
      const worker = new Worker<TicketClockJob>(
        TICKET_CLOCKS_QUEUE,
        async (job: Job<TicketClockJob>, token?: string) => {
          const data = job.data;
          // The periodic pass looks at recently changed tickets; every FULL_SWEEP_EVERY-th pass (and the first, at
          // start) at all of them, for a Redis that lost its data while Gridlink ran.
          if (data.kind === "sweep") return { swept: await clocks.sweep(passes++ % FULL_SWEEP_EVERY === 0 ? {} : { since: new Date(now() - 3 * w.sweepEveryMs) }) };
          if (data.kind === "hotline-poll") return { outbounds: await queueRows(await opts.hotline!.poll()).then(() => "polled") };
          if (data.kind === "hotline-file") {
            const rows = opts.hotline ? await opts.hotline.file(data.ticketId) : [];
            await queueRows(rows);
            await arm(data.ticketId);
            return { filed: data.ticketId };
          }
          // Early (the SLA was lengthened after arming, or the clock fired before its time): wait until it is due.
          const plan = await planClock(prisma, data.ticketId, opts.unitMs);
          const target = plan && plan.seq === data.seq && plan.phase === data.phase ? (data.kind === "warn" ? plan.warnAt : plan.dueAt).getTime() : 0;
          if (target > now() + 5) {
            await job.moveToDelayed(target, token);
            throw new DelayedError();
          }
          const fired = await fireClock({ db: prisma, job: data, unitMs: opts.unitMs, now: new Date(now()) });
          if (fired.result !== "stale") log.info({ ticketId: data.ticketId, seq: data.seq, kind: data.kind, result: fired.result }, "SLA clock fired");
          await queueRows(fired.outbounds);
          await clocks.afterSteps(fired.followUps);
          return { result: fired.result };
        },
        { connection: w.connection, prefix: opts.prefix, concurrency: 4 },
      );
      worker.on("error", (err) => quiet("error", () => log.error({ err: err.message }, "ticket clock worker error")));
      worker.on("failed", (job, err) => log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, "ticket clock job failed"));
      const schedule = async () => {
        await bounded(queue.upsertJobScheduler("ticket-sweep", { every: w.sweepEveryMs }, { name: "sweep", data: { kind: "sweep" }, opts: { removeOnComplete: true, removeOnFail: 100 } }), 10_000, "the clock sweep schedule");
        if (opts.hotline) await bounded(queue.upsertJobScheduler("hotline-poll", { every: opts.hotline.pollEveryMs }, { name: "hotline-poll", data: { kind: "hotline-poll" }, opts: { removeOnComplete: true, removeOnFail: 100 } }), 10_000, "the hotline poll schedule");
      };
      const firstPass = schedule()
        .then(() => clocks.sweep())
        .catch((err: Error) => log.warn({ err: err.message }, "could not re-arm ticket clocks; the next sweep does"));
      return { worker, firstPass };
    },
    async close() {
      await queue.close();
    },
  };
  return clocks;
}
