// The poll worker: runs each poll's delayed close at its deadline (`pollclose-<id>`: results to every group) and,
// at every start, re-arms the close of each open poll (same ids), so a Redis that lost them loses nothing.

import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../infra/db.js";
import { throttle, type Logger } from "../infra/log.js";
import { POLLS_QUEUE, type PollJob, type Queues } from "../infra/queues.js";
import { closePoll, rearmPollCloses } from "../polls/close-poll.js";

/** Start the worker; returns it with the first re-arm pass. */
export async function startPollWorker(opts: { prisma: Db; queues: Queues; connection: Redis; prefix: string; log: Logger }): Promise<{ worker: Worker<PollJob>; firstPass: Promise<unknown> }> {
  const quiet = throttle();
  const worker = new Worker<PollJob>(
    POLLS_QUEUE,
    async (job: Job<PollJob>) => {
      const r = await closePoll({ db: opts.prisma, queues: opts.queues, id: job.data.pollId });
      if (r.closed) opts.log.info({ pollId: r.id, votes: r.total, groups: r.posted }, "poll closed; results posted");
      return r;
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: 2 },
  );
  worker.on("error", (err) => quiet("error", () => opts.log.error({ err: err.message }, "poll worker error")));
  const firstPass = rearmPollCloses({ db: opts.prisma, queues: opts.queues }).catch((err: Error) => opts.log.warn({ err: err.message }, "could not re-arm open polls; the next start does"));
  return { worker, firstPass };
}
