// Tickets through the 六单 cycle as data: order (open) → dispatch → accept → handle (in_progress → resolved) → rate →
// publish, with the side exits dismissed, merged, escalated (the next tier owns it; the cycle goes on there) and
// reopened. Every move writes a TicketEvent and an audit event in the caller's transaction; a refusal names what
// IS possible from the current status.

import { recordAudit } from "../audit/record-audit.js";
import { AppError } from "../infra/errors.js";
import type { Prisma } from "../infra/db.js";
import { TICKET_STATUSES } from "../infra/rows.js";
import type { TicketDetail, TicketStatus, Tx } from "../infra/rows.js";
import { actionLabel, statusLabel, t, type Lang } from "../locale.js";
import { authorize, type Action, type Actor } from "../policy/authorize.js";

export { TICKET_STATUSES, type TicketStatus };

/** Where work goes on as at the start: a fresh ticket, one the next tier took over, one reopened after 不满意. */
const WORKABLE: readonly TicketStatus[] = ["dispatched", "accepted", "in_progress", "resolved", "dismissed", "merged", "escalated"];

/** Allowed moves (the state machine); anything else is refused with the possible actions named. */
export const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  open: WORKABLE,
  dispatched: WORKABLE,
  accepted: ["dispatched", "in_progress", "resolved", "dismissed", "merged", "escalated"],
  in_progress: ["in_progress", "resolved", "dismissed", "merged", "escalated"],
  resolved: ["in_progress", "rated", "published", "reopened"],
  rated: ["published", "reopened"],
  published: ["reopened"],
  dismissed: ["reopened"],
  // A merged duplicate comes back only by splitting it off again.
  merged: ["open"],
  escalated: WORKABLE,
  reopened: WORKABLE,
};

/** The action (a command and an HTTP route) that leads to each status; "split" undoes a merge. */
export const ACTION_OF: Record<TicketStatus, string> = {
  open: "split", dispatched: "dispatch", accepted: "accept", in_progress: "progress", resolved: "resolve", rated: "rate",
  published: "publish", dismissed: "dismiss", merged: "merge", escalated: "escalate", reopened: "reopen",
};

/** Statuses that end the work (closedAt is set). */
export const CLOSING: readonly TicketStatus[] = ["resolved", "dismissed", "merged"];

/** Whole seconds from a ticket's opening to a step (never negative: a clock set back cannot make it so). */
export const secondsSince = (openedAt: Date, at: Date): number => Math.max(0, Math.round((at.getTime() - openedAt.getTime()) / 1000));

/**
 * The stats columns a move writes, in the same update (GET /api/stats reads them, with no date arithmetic in SQL):
 * - secondsToResolve: opening → this resolution. Rating and publishing keep it; any other move clears it (a reopen,
 *   more progress, a dismissal), so after a reopen "time to resolve" is the whole time from the first report to the
 *   latest resolution — how long the resident really waited — and a ticket counts once, by its final resolution.
 * - escalationCount: one more per escalate step.
 * (secondsToAccept, the first acceptance only, is written by a conditional update after it.)
 */
export function statsColumns(to: TicketStatus, openedAt: Date, now: Date): Prisma.TicketUncheckedUpdateInput {
  return {
    secondsToResolve: to === "resolved" ? secondsSince(openedAt, now) : to === "rated" || to === "published" ? undefined : null,
    ...(to === "escalated" ? { escalationCount: { increment: 1 } } : {}),
  };
}

/** The actions possible from a status, in cycle order. */
export function possibleActions(from: TicketStatus): string[] {
  return [...new Set(TRANSITIONS[from].map((s) => ACTION_OF[s]))];
}

/** The refusal for an illegal move: what the ticket is, and what can be done with it now (both languages via lang). */
export function transitionRefusal(ticket: { number: string; status: TicketStatus }, to: TicketStatus, lang: Lang): AppError {
  const possible = possibleActions(ticket.status);
  return new AppError("conflict", {
    message: `ticket ${ticket.number} cannot go from ${ticket.status} to ${to} (possible: ${possible.join(", ") || "nothing"})`,
    userMessage: t(lang).badTransition({
      number: ticket.number,
      status: statusLabel(ticket.status, lang),
      action: actionLabel(ACTION_OF[to], lang),
      possible: possible.map((a) => (lang === "zh" ? `${actionLabel(a, lang)}（/${a}）` : `${actionLabel(a, lang)} (/${a})`)),
    }),
  });
}

/** Options of transitionTicket. */
export interface TransitionTicketOptions {
  tx: Tx;
  ticket: TicketDetail;
  to: TicketStatus;
  actor: Actor;
  note?: string;
  /** The policy action checked. @defaultValue "ticket.transition" */
  policy?: Action;
  /** More columns to set in the same update (tier, owner, assignee, merge target, rating, SLA deadlines). */
  data?: Prisma.TicketUncheckedUpdateInput;
  /** What the audit event is called. @defaultValue `ticket.<to>` */
  auditAction?: string;
  /** Extra facts for the audit event's after. */
  auditAfter?: Record<string, unknown>;
  /** The time of the move (injectable for SLA tests). @defaultValue new Date() */
  now?: Date;
  /** Language of refusals. @defaultValue "zh" */
  lang?: Lang;
}

/** What a move left behind: its event, and the clock sequence the ticket is at now. */
export interface TransitionResult {
  eventId: number;
  seq: number;
  from: TicketStatus;
  to: TicketStatus;
}

/**
 * Move a ticket to a new status: authorize (a leader acts on their grid's tickets), check the cycle
 * (AppError conflict naming the possible actions), write the event and the audit row, bump the clock
 * sequence (older SLA clocks become harmless), and keep keyword precision counters.
 */
export async function transitionTicket(opts: TransitionTicketOptions): Promise<TransitionResult> {
  const { tx, ticket, to, actor, note } = opts;
  const lang = opts.lang ?? "zh";
  const now = opts.now ?? new Date();
  authorize(actor, opts.policy ?? "ticket.transition", { kind: "ticket", grid: ticket.group.grid, number: ticket.number }, lang);
  const from = ticket.status;
  if (!TRANSITIONS[from].includes(to)) throw transitionRefusal(ticket, to, lang);
  const who = actor.channel === "system" ? `system:${actor.name}` : `staff:${actor.name}`;
  // Conditional on the status read: two moves racing on one ticket cannot both win.
  const updated = await tx.ticket.updateMany({
    where: { id: ticket.id, status: from, clockSeq: ticket.clockSeq },
    data: {
      status: to,
      clockSeq: { increment: 1 },
      ...(to === "accepted" ? { assignee: who, assigneeAccountId: actor.accountId ?? null, acceptedAt: now } : {}),
      ...(to === "dispatched" ? { dispatchedAt: now } : {}),
      closedAt: CLOSING.includes(to) ? now : ["in_progress", "open", "reopened", "escalated"].includes(to) ? null : undefined,
      ...statsColumns(to, ticket.createdAt, now),
      ...opts.data,
    },
  });
  if (updated.count !== 1) {
    throw new AppError("conflict", { message: `ticket ${ticket.number} changed meanwhile`, userMessage: t(lang).badTransition({ number: ticket.number, status: statusLabel(from, lang) }) });
  }
  // Time to accept is the first acceptance's: a later one (after a reopen or at the next tier) leaves it.
  if (to === "accepted") await tx.ticket.updateMany({ where: { id: ticket.id, secondsToAccept: null }, data: { secondsToAccept: secondsSince(ticket.createdAt, now) } });
  const event = await tx.ticketEvent.create({ data: { ticketId: ticket.id, fromStatus: from, toStatus: to, actor: who, note: note ?? null, createdAt: now } });
  await recordAudit(tx, { actor, action: opts.auditAction ?? `ticket.${to}`, subject: `ticket:${ticket.number}`, before: { status: from }, after: { status: to, note: note ?? null, ...opts.auditAfter } });
  // Keyword precision: a handled ticket confirms its keywords, a dismissed one counts against them; a merged
  // duplicate counts neither way (it was a true complaint, reported twice).
  if (ticket.keywords.length > 0 && ticket.origin === "detector") {
    if (to === "resolved" && from !== "resolved") await tx.lexiconTerm.updateMany({ where: { term: { in: ticket.keywords } }, data: { confirmed: { increment: 1 } } });
    if (to === "dismissed") await tx.lexiconTerm.updateMany({ where: { term: { in: ticket.keywords } }, data: { dismissed: { increment: 1 } } });
  }
  return { eventId: event.id, seq: ticket.clockSeq + 1, from, to };
}
