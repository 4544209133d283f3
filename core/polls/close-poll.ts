// A poll's close: at its deadline (the delayed job `pollclose-<id>`, re-armed at every start) or by hand. The
// close is one conditional update (open → closed) in the transaction that creates one results message per group
// (deterministic keys), so a replayed job, a second worker or a restart posts nothing twice.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { lanePriority, type Queues } from "../infra/queues.js";
import { t, type Lang } from "../locale.js";
import { createOutbound } from "../outbox.js";
import { authorize, type Actor } from "../policy/authorize.js";
import type { Platform } from "../ports/chat.js";
import { countVotes, loadPoll, pollGrid } from "./poll-results.js";

/** A close job that runs this much before the deadline (clock skew between machines) still closes. */
const EARLY_MS = 1000;

/** The key of a poll's results message in one group. */
const resultKey = (pollId: number, groupId: number) => `poll-${pollId}-result-${groupId}`;

/** Options of closePoll. */
export interface ClosePollOptions {
  db: Db;
  queues: Queues;
  /** 3 or "P3". */
  id: number | string;
  /** Who closes it by hand (audited; needs poll.create on its grid); absent = the deadline job. */
  actor?: Actor;
  lang?: Lang;
  now?: Date;
}

/**
 * Close a poll and post its results (total, and each group's own counts) to every group its notice reached.
 * Closing a closed poll posts nothing new; it only re-queues results not yet handed to the outbox (a crash
 * between the commit and the queueing). The deadline job before the deadline throws, so BullMQ retries it.
 */
export async function closePoll(opts: ClosePollOptions): Promise<{ id: number; closed: boolean; posted: number; total: number }> {
  const now = opts.now ?? new Date();
  const poll = await loadPoll(opts.db, opts.id, opts.lang);
  if (opts.actor) authorize(opts.actor, "poll.create", { kind: "broadcast", grid: pollGrid(poll.broadcast.scope) }, opts.lang);
  else if (poll.status === "open" && poll.closesAt.getTime() > now.getTime() + EARLY_MS) throw new Error(`poll ${poll.id} closes at ${poll.closesAt.toISOString()}, not yet`);

  const closed = await opts.db.$transaction(async (tx) => {
    const r = await tx.poll.updateMany({ where: { id: poll.id, status: "open" }, data: { status: "closed", closedAt: now } });
    if (!r.count) return undefined;
    // A notice not sent yet (a draft never confirmed, or still scheduled) never goes out after its poll closed.
    const unsent = await tx.broadcast.updateMany({ where: { id: poll.broadcastId, status: { in: ["draft", "scheduled"] } }, data: { status: "cancelled", finishedAt: now } });
    if (unsent.count) await tx.outboundMessage.updateMany({ where: { broadcastId: poll.broadcastId, status: "queued" }, data: { status: "skipped", error: "cancelled: the poll closed before the notice was sent" } });
    const { total, groups, byGroup } = await countVotes(tx, poll);
    const m = t(poll.lang === "en" ? "en" : "zh");
    const reached = groups.filter((g) => g.noticeSent);
    for (const g of reached) {
      const text = m.pollResults({ question: poll.question, options: poll.options, counts: total.counts, total: total.votes, here: byGroup.get(g.groupId)!.counts });
      await createOutbound(tx, { key: resultKey(poll.id, g.groupId), platform: g.platform as Platform, groupId: g.groupId, kind: "broadcast", text });
    }
    await recordAudit(tx, { actor: opts.actor ?? { name: "scheduler", channel: "system" }, action: "poll.close", subject: `poll:${poll.id}`, before: { status: "open" }, after: { status: "closed", votes: total.votes, counts: total.counts, groups: reached.length } });
    return { total: total.votes, posted: reached.length, unscheduled: unsent.count > 0 };
  });
  if (closed?.unscheduled) await opts.queues.unscheduleBroadcast(poll.broadcastId);
  // Queue whatever results are still pending (all of them now; on a replay, those a crash left behind).
  const pending = await opts.db.outboundMessage.findMany({ where: { key: { startsWith: `poll-${poll.id}-result-` }, status: "queued" }, select: { id: true, platform: true }, orderBy: { id: "asc" } });
  await opts.queues.enqueueOutboundRows(pending.map((p) => ({ ...p, priority: lanePriority({ kind: "broadcast", priority: "normal" }) })));
  if (!closed) {
    const total = await opts.db.pollVote.count({ where: { pollId: poll.id } });
    return { id: poll.id, closed: false, posted: 0, total };
  }
  return { id: poll.id, closed: true, total: closed.total, posted: closed.posted };
}

/** Re-arm the close of every open poll (deterministic ids): a Redis that lost the delayed jobs loses no close. */
export async function rearmPollCloses(opts: { db: Db; queues: Queues }): Promise<number> {
  const open = await opts.db.poll.findMany({ where: { status: "open" }, select: { id: true, closesAt: true } });
  for (const p of open) await opts.queues.schedulePollClose(p.id, p.closesAt);
  return open.length;
}

