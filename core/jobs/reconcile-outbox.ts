// The outbox reconciler: a repeatable job (and one run at start) that re-queues every OutboundMessage row still
// "queued" with no job behind it — a reply whose enqueue was lost to a Redis restart or a crash between the
// database commit and the add. It re-adds by the row's deterministic job id, so it can never double a send.

import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Platform } from "../ports/chat.js";
import type { Db } from "../infra/db.js";
import { throttle, type Logger } from "../infra/log.js";
import { definedOnly } from "../infra/options.js";
import { jobId, lanePriority, type Queues } from "../infra/queues.js";
import { bounded } from "../infra/redis.js";

/** The queue that carries the repeatable reconcile job. */
export const RECONCILE_QUEUE = "reconcile-outbox";

/** What one reconcile pass needs. */
export interface ReconcileOptions {
  prisma: Db;
  queues: Queues;
  /** Rows younger than this may still be on their way into the queue. @defaultValue 30000 */
  minAgeMs?: number;
  /** Rows looked at per pass, oldest first. @defaultValue 1000 */
  batch?: number;
  /** Bound of each Redis read. @defaultValue 5000 */
  commandTimeoutMs?: number;
}

/** One pass: returns how many rows were re-queued. */
export async function reconcileOutbox(options: ReconcileOptions): Promise<{ checked: number; requeued: number }> {
  const { prisma, queues } = options;
  const { minAgeMs, batch, commandTimeoutMs } = { minAgeMs: 30_000, batch: 1000, commandTimeoutMs: 5000, ...definedOnly(options) };
  // A broadcast's deliveries are queued only while it is sending (a draft, scheduled or paused one waits).
  const rows = await prisma.outboundMessage.findMany({
    where: { status: "queued", createdAt: { lte: new Date(Date.now() - minAgeMs) }, OR: [{ broadcastId: null }, { broadcast: { status: "sending" } }] },
    select: { id: true, platform: true, kind: true, broadcast: { select: { priority: true } } },
    orderBy: { id: "asc" },
    take: batch,
  });
  const missing: Array<{ id: number; platform: string; priority?: number }> = [];
  for (const row of rows) {
    const job = await bounded(queues.outbox(row.platform as Platform).getJob(jobId("out", row.id)), commandTimeoutMs, "the outbox job lookup");
    // A job that completed while its row is still pending was held by a pause: it must run again.
    const stale = job ? await bounded(job.isCompleted(), commandTimeoutMs, "the outbox job state") : false;
    if (stale) await bounded(job!.remove(), commandTimeoutMs, "the stale job removal").catch(() => undefined);
    if (!job || stale) missing.push({ id: row.id, platform: row.platform, priority: lanePriority({ kind: row.kind, priority: row.broadcast?.priority }) });
  }
  if (missing.length) await queues.enqueueOutboundRows(missing);
  return { checked: rows.length, requeued: missing.length };
}

/** Options of the repeatable reconcile worker. */
export interface ReconcileWorkerOptions extends ReconcileOptions {
  /** A connection with maxRetriesPerRequest: null (BullMQ workers block on it). */
  connection: Redis;
  prefix: string;
  log: Logger;
  /** @defaultValue 60000 */
  everyMs?: number;
}

/**
 * Schedule the pass every `everyMs` (one scheduler id, so any number of processes share one schedule) and run
 * its worker; also run one pass now, so replies lost before a restart go out right after it.
 */
export async function startReconcileOutbox(options: ReconcileWorkerOptions): Promise<{ worker: Worker; queue: Queue; firstPass: Promise<unknown> }> {
  const { connection, prefix, log, everyMs = 60_000 } = options;
  const quiet = throttle();
  const queue = new Queue(RECONCILE_QUEUE, { connection, prefix });
  queue.on("error", () => {});
  const pass = async () => {
    const result = await reconcileOutbox(options);
    if (result.requeued) log.warn(result, "re-queued replies that had no job");
    return result;
  };
  const worker = new Worker(RECONCILE_QUEUE, pass, { connection, prefix, concurrency: 1 });
  worker.on("error", (err) => quiet("error", () => log.error({ err: err.message }, "reconcile worker error")));
  worker.on("failed", (_job, err) => quiet("failed", () => log.warn({ err: err.message }, "reconcile pass failed; the next one retries")));
  await bounded(queue.upsertJobScheduler("reconcile-outbox", { every: everyMs }, { name: "reconcile", opts: { removeOnComplete: true, removeOnFail: 100 } }), 10_000, "the reconcile schedule").catch((err: Error) =>
    log.warn({ err: err.message }, "could not schedule the outbox reconciler; it runs at the next start"),
  );
  const firstPass = pass().catch((err: Error) => log.warn({ err: err.message }, "first reconcile pass failed; the schedule retries"));
  return { worker, queue, firstPass };
}
