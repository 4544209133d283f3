// The broadcast control worker: runs a scheduled broadcast's delayed start job (`bcstart-<id>`) and, at every
// start, re-adds the start of each scheduled broadcast (same ids), so a Redis that lost them loses nothing.

import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { rescheduleAll, startScheduledBroadcast } from "../broadcasts/control-broadcast.js";
import type { Db } from "../infra/db.js";
import { throttle, type Logger } from "../infra/log.js";
import { BROADCASTS_QUEUE, type BroadcastJob, type Queues } from "../infra/queues.js";

/** Start the worker; returns it with the first reschedule pass. */
export async function startBroadcastWorker(opts: { prisma: Db; queues: Queues; connection: Redis; prefix: string; log: Logger }): Promise<{ worker: Worker<BroadcastJob>; firstPass: Promise<unknown> }> {
  const quiet = throttle();
  const worker = new Worker<BroadcastJob>(
    BROADCASTS_QUEUE,
    async (job: Job<BroadcastJob>) => {
      const started = await startScheduledBroadcast({ db: opts.prisma, queues: opts.queues, id: job.data.broadcastId });
      if (started) opts.log.info({ broadcastId: job.data.broadcastId }, "scheduled broadcast started");
      return { started };
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: 2 },
  );
  worker.on("error", (err) => quiet("error", () => opts.log.error({ err: err.message }, "broadcast worker error")));
  const firstPass = rescheduleAll({ db: opts.prisma, queues: opts.queues }).catch((err: Error) => opts.log.warn({ err: err.message }, "could not re-add scheduled broadcasts; the next start does"));
  return { worker, firstPass };
}
