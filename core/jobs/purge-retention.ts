// Retention as a repeatable BullMQ job: once a day (one scheduler id, so any number of worker processes share one
// schedule) it purges residents' words and names on tickets closed more than RETENTION_DAYS ago
// (core/residents/purge-retention.ts). Idempotent by construction: a purged ticket is marked in the database,
// so a replayed or doubled run changes nothing.

import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../infra/db.js";
import { throttle, type Logger } from "../infra/log.js";
import { bounded } from "../infra/redis.js";
import type { Actor } from "../policy/authorize.js";
import { purgeRetention, type PurgeReport } from "../residents/purge-retention.js";

/** The queue that carries the repeatable retention job. */
export const RETENTION_QUEUE = "privacy-retention";

/** Who the audit trail names for a scheduled purge. */
export const RETENTION_ACTOR: Actor = { role: "admin", name: "retention", channel: "system" };

/** Options of the retention worker. */
export interface RetentionWorkerOptions {
  prisma: Db;
  /** A connection with maxRetriesPerRequest: null (BullMQ workers block on it). */
  connection: Redis;
  prefix: string;
  log: Logger;
  retentionDays: number;
  /** @defaultValue one day */
  everyMs?: number;
}

/** Schedule the purge and run its worker. */
export async function startRetentionJob(options: RetentionWorkerOptions): Promise<{ worker: Worker; queue: Queue }> {
  const { connection, prefix, log, everyMs = 86_400_000 } = options;
  const quiet = throttle();
  const queue = new Queue(RETENTION_QUEUE, { connection, prefix });
  queue.on("error", () => {});
  const pass = async (): Promise<Omit<PurgeReport, "tickets"> & { tickets: number }> => {
    const report = await purgeRetention({ db: options.prisma, actor: RETENTION_ACTOR, retentionDays: options.retentionDays });
    if (report.tickets.length) log.info({ tickets: report.tickets.length, residents: report.residents, cutoff: report.cutoff }, "retention: purged residents' words and names on old closed tickets");
    return { ...report, tickets: report.tickets.length };
  };
  const worker = new Worker(RETENTION_QUEUE, pass, { connection, prefix, concurrency: 1 });
  worker.on("error", (err) => quiet("error", () => log.error({ err: err.message }, "retention worker error")));
  worker.on("failed", (_job, err) => quiet("failed", () => log.warn({ err: err.message }, "retention pass failed; the next one retries")));
  await bounded(queue.upsertJobScheduler("privacy-retention", { every: everyMs }, { name: "purge", opts: { removeOnComplete: 10, removeOnFail: 100 } }), 10_000, "the retention schedule").catch((err: Error) =>
    log.warn({ err: err.message }, "could not schedule the retention purge; it is scheduled at the next start"),
  );
  return { worker, queue };
}
