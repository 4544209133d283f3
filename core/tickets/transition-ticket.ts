// Tickets through the 六单 cycle: order (open) → dispatch → accept → handle (in_progress → resolved) → rate → publish.
// Every move writes a TicketEvent and an audit event in the caller's transaction; refusals name the current status.

import { recordAudit } from "../audit/record-audit.js";
import { AppError } from "../infra/errors.js";
import { TICKET_STATUSES, type TicketDetail, type TicketStatus, type Tx } from "../infra/rows.js";
import { statusLabel, t, type Lang } from "../locale.js";
import { authorize, type Actor } from "../policy/authorize.js";

export { TICKET_STATUSES, type TicketStatus };

/** Allowed moves; anything else is refused with a message naming the current status. */
export const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ["dispatched", "accepted", "in_progress", "resolved", "dismissed"],
  dispatched: ["accepted", "in_progress", "resolved", "dismissed"],
  accepted: ["in_progress", "resolved", "dismissed"],
  in_progress: ["in_progress", "resolved", "dismissed"],
  resolved: ["in_progress", "rated", "published"],
  rated: ["published"],
  published: [],
  dismissed: ["open"],
};

/** Options of transitionTicket. */
export interface TransitionTicketOptions {
  tx: Tx;
  ticket: TicketDetail;
  to: TicketStatus;
  actor: Actor;
  note?: string;
  /** Language of refusals. @defaultValue "zh" */
  lang?: Lang;
}

/**
 * Move a ticket to a new status: authorize (a leader acts on their grid's tickets), check the cycle
 * (AppError conflict), write the event and the audit row, and keep keyword precision counters.
 */
export async function transitionTicket(opts: TransitionTicketOptions): Promise<void> {
  const { tx, ticket, to, actor, note } = opts;
  const lang = opts.lang ?? "zh";
  authorize(actor, "ticket.transition", { kind: "ticket", grid: ticket.group.grid, number: ticket.number }, lang);
  const from = ticket.status;
  if (!TRANSITIONS[from].includes(to)) {
    throw new AppError("conflict", {
      message: `ticket ${ticket.number} cannot go from ${from} to ${to}`,
      userMessage: t(lang).badTransition({ number: ticket.number, status: statusLabel(from, lang) }),
    });
  }
  const who = `staff:${actor.name}`;
  const closing = to === "resolved" || to === "dismissed";
  await tx.ticket.update({
    where: { id: ticket.id },
    data: {
      status: to,
      assignee: to === "accepted" ? who : undefined,
      closedAt: closing ? new Date() : to === "in_progress" || to === "open" ? null : undefined,
      events: { create: { fromStatus: from, toStatus: to, actor: who, note: note ?? null } },
    },
  });
  await recordAudit(tx, { actor, action: `ticket.${to}`, subject: `ticket:${ticket.number}`, before: { status: from }, after: { status: to, note: note ?? null } });
  // Keyword precision: a handled ticket confirms its keywords, a dismissed one counts against them.
  if (ticket.keywords.length > 0 && ticket.origin === "detector") {
    if (to === "resolved" && from !== "resolved") await tx.lexiconTerm.updateMany({ where: { term: { in: ticket.keywords } }, data: { confirmed: { increment: 1 } } });
    if (to === "dismissed") await tx.lexiconTerm.updateMany({ where: { term: { in: ticket.keywords } }, data: { dismissed: { increment: 1 } } });
  }
}
