// A poll's results: counts per option, per group of its audience and in total. Only counts ever leave the
// database — never who voted, nor what any one resident chose.

import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import type { Tx } from "../infra/rows.js";
import { t, type Lang } from "../locale.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { maskPersonal } from "../privacy.js";

/** Parse "P3", "#P3" or 3 into a poll id, or a clear error. */
export function parsePollId(raw: number | string | undefined, lang: Lang = "zh"): number {
  const id = typeof raw === "number" ? raw : Number(String(raw ?? "").trim().replace(/^#?P/i, ""));
  if (!Number.isInteger(id) || id <= 0) throw new AppError("bad_request", { message: "poll id must be a positive integer (e.g. 3 or P3)", userMessage: t(lang).pollNotFound({ id: String(raw ?? "") }) });
  return id;
}

/** The grid a poll belongs to (its broadcast's scope), for authorize. */
export const pollGrid = (scope: string): string | undefined => (scope.startsWith("grid:") ? scope.slice(5) : undefined);

/** Load a poll with its broadcast, or a not-found error in the caller's language. */
export async function loadPoll(db: Db | Tx, raw: number | string, lang: Lang = "zh") {
  const id = parsePollId(raw, lang);
  const poll = await db.poll.findUnique({ where: { id }, include: { broadcast: { select: { id: true, scope: true, status: true } } } });
  if (!poll) throw new AppError("not_found", { message: `poll ${id} not found`, userMessage: t(lang).pollNotFound({ id: `P${id}` }) });
  return { ...poll, options: JSON.parse(poll.options) as string[] };
}

/** One group's (or the total) counts: votes in all, and per option in the poll's order. */
export interface PollCounts {
  votes: number;
  counts: number[];
}

/** The counts of a poll, per group (every group that received its notice) and in total; no voter is named. */
export async function countVotes(db: Db | Tx, poll: { id: number; broadcastId: number; options: string[] }) {
  const rows = await db.pollVote.groupBy({ by: ["groupId", "option"], where: { pollId: poll.id }, _count: { _all: true } });
  const audience = await db.outboundMessage.findMany({ where: { broadcastId: poll.broadcastId, status: { not: "skipped" } }, select: { status: true, group: { select: { id: true, title: true, platform: true } } }, orderBy: { id: "asc" } });
  const empty = (): PollCounts => ({ votes: 0, counts: poll.options.map(() => 0) });
  const total = empty();
  const byGroup = new Map<number, PollCounts>(audience.map((d) => [d.group.id, empty()]));
  for (const r of rows) {
    const c = byGroup.get(r.groupId) ?? byGroup.set(r.groupId, empty()).get(r.groupId)!;
    const n = r._count._all;
    c.votes += n;
    c.counts[r.option] = (c.counts[r.option] ?? 0) + n;
    total.votes += n;
    total.counts[r.option] = (total.counts[r.option] ?? 0) + n;
  }
  const groups = audience.map((d) => ({ groupId: d.group.id, group: maskPersonal(d.group.title), platform: d.group.platform, noticeSent: d.status === "sent", ...byGroup.get(d.group.id)! }));
  return { total, groups, byGroup };
}

/** Options of pollResults. */
export interface PollResultsOptions {
  db: Db | Tx;
  actor: Actor;
  /** 3 or "P3". */
  id: number | string;
  lang?: Lang;
}

/** The results of a poll for the API, the CLI and chat: question, options, status, per-group and total counts. */
export async function pollResults(opts: PollResultsOptions) {
  const poll = await loadPoll(opts.db, opts.id, opts.lang);
  authorize(opts.actor, "poll.read", { kind: "broadcast", grid: pollGrid(poll.broadcast.scope) }, opts.lang);
  const { total, groups } = await countVotes(opts.db, poll);
  return {
    id: poll.id,
    broadcastId: poll.broadcastId,
    question: poll.question,
    options: poll.options,
    lang: poll.lang,
    /** open | closed */
    status: poll.status,
    broadcastStatus: poll.broadcast.status,
    closesAt: poll.closesAt,
    closedAt: poll.closedAt,
    total,
    groups: groups.map(({ groupId, group, platform, noticeSent, votes, counts }) => ({ groupId, group, platform, noticeSent, votes, counts })),
  };
}
