// Operations on the queues: see what waits, and run failed jobs again once what made them fail is fixed (audited).

import type { Queue } from "bullmq";
import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { deadLetterAckKey, type Queues } from "../infra/queues.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { PLATFORMS } from "../ports/chat.js";

/** The intake queue and every platform's outbox. */
const allQueues = (queues: Queues): Queue[] => [queues.intake, ...PLATFORMS.map((p) => queues.outbox(p))];

/** Jobs per state in every queue. */
export async function queueStatus(opts: { queues: Queues }): Promise<Array<{ queue: string; waiting: number; active: number; delayed: number; failed: number }>> {
  const out = [];
  for (const q of allQueues(opts.queues)) {
    const c = await q.getJobCounts("waiting", "active", "delayed", "failed");
    out.push({ queue: q.name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 });
  }
  return out;
}

/** Queue every failed job again; one audit event per queue that had any. Returns what was retried. */
export async function retryFailedJobs(opts: { queues: Queues; db: Db; actor: Actor }): Promise<Array<{ queue: string; count: number }>> {
  authorize(opts.actor, "queue.retry");
  const done: Array<{ queue: string; count: number }> = [];
  for (const q of allQueues(opts.queues)) {
    const count = await q.getFailedCount();
    if (count === 0) continue;
    await q.retryJobs({ state: "failed" });
    if (q === opts.queues.intake) await opts.queues.connection.set(deadLetterAckKey(opts.queues.prefix), "0");
    await opts.db.$transaction((tx) => recordAudit(tx, { actor: opts.actor, action: "queue.retry", subject: `queue:${q.name}`, before: { failed: count }, after: { failed: 0 } }));
    done.push({ queue: q.name, count });
  }
  return done;
}

/** The newest dead letters of intake (failed for good; their text is masked): id, when, why. */
export async function deadLetters(opts: { queues: Queues; limit?: number }): Promise<Array<{ id: string; at: Date; reason: string }>> {
  const jobs = await opts.queues.intake.getFailed(0, (opts.limit ?? 10) - 1);
  return jobs.map((j) => ({ id: String(j.id), at: new Date(j.finishedOn ?? j.timestamp), reason: j.failedReason }));
}

/** Acknowledge the current dead letters so /healthz is ok again (they stay retryable); audited. */
export async function acknowledgeDeadLetters(opts: { queues: Queues; db: Db; actor: Actor }): Promise<number> {
  authorize(opts.actor, "queue.retry");
  const failed = await opts.queues.intake.getFailedCount();
  await opts.queues.connection.set(deadLetterAckKey(opts.queues.prefix), String(failed));
  await opts.db.$transaction((tx) => recordAudit(tx, { actor: opts.actor, action: "queue.ack", subject: `queue:${opts.queues.intake.name}`, after: { acknowledged: failed } }));
  return failed;
}
