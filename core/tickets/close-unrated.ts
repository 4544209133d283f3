// 评单 left unanswered: a resolved ticket nobody rated within RATING_TIMEOUT_HOURS closes as rated-by-default —
// status rated with no rating (never counted as satisfied), the note and audit say so.

import type { Db } from "../infra/db.js";
import type { Actor } from "../policy/authorize.js";
import { findTicket } from "./find-tickets.js";
import { transitionTicket } from "./transition-ticket.js";

/** The note on a ticket closed this way. */
export const RATED_BY_DEFAULT = "rated-by-default (no rating within the time allowed)";

/**
 * Whether a ticket row still waits for its rating: resolved, unrated — and, given `closedAtMs`, still that
 * resolution (not reopened and resolved again since). The one decision of the delayed job, its arming and closeUnrated.
 */
export function awaitsRating(row: { status: string; rating: number | null; closedAt: Date | null } | null | undefined, closedAtMs?: number): row is { status: string; rating: null; closedAt: Date } {
  return !!row && row.status === "resolved" && row.rating === null && row.closedAt !== null && (closedAtMs === undefined || row.closedAt.getTime() === closedAtMs);
}

const SYSTEM: Actor = { role: "admin", name: "rating-timeout", channel: "system" };

/**
 * Close one ticket as rated-by-default if it is still the resolution the job was armed for (`closedAtMs`): a
 * ticket rated, reopened or resolved again since is left alone. Returns whether it closed it.
 */
export async function closeUnrated(opts: { db: Db; ticketId: number; closedAtMs: number; now?: Date }): Promise<boolean> {
  return opts.db.$transaction(async (tx) => {
    const row = await tx.ticket.findUnique({ where: { id: opts.ticketId }, select: { number: true, status: true, rating: true, closedAt: true } });
    if (!awaitsRating(row, opts.closedAtMs)) return false;
    const ticket = (await findTicket({ db: tx, number: row.number }))!;
    await transitionTicket({ tx, ticket, to: "rated", actor: SYSTEM, note: RATED_BY_DEFAULT, policy: "ticket.transition", now: opts.now, auditAction: "ticket.rated_by_default" });
    return true;
  });
}

/** Resolved, unrated tickets and when they were resolved (for arming the delayed jobs): by id after `afterId`, resolved since `since`. */
export async function unratedTickets(opts: { db: Db; limit?: number; afterId?: number; since?: Date }): Promise<Array<{ id: number; closedAt: Date }>> {
  const rows = await opts.db.ticket.findMany({
    where: { status: "resolved", rating: null, closedAt: opts.since ? { gte: opts.since } : { not: null }, ...(opts.afterId ? { id: { gt: opts.afterId } } : {}) },
    select: { id: true, closedAt: true }, orderBy: { id: "asc" }, take: opts.limit ?? 5000,
  });
  return rows.map((r) => ({ id: r.id, closedAt: r.closedAt! }));
}
