// Splitting by hand (/split A0012 2, POST /api/tickets/:number/split): one later reporter of a ticket was not
// the same incident after all. Their report leaves the ticket: a duplicate merged in comes back as its own
// ticket (merged → open); a report that joined by clustering becomes a new ticket of its own. Audited.

import { recordAudit } from "../audit/record-audit.js";
import type { TicketDetail, Tx } from "../infra/rows.js";
import { rt, type Lang } from "../locale.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { addReporter } from "./add-reporter.js";
import { findTicket } from "./find-tickets.js";
import { takeReporter } from "./move-reporters.js";
import { openTicket } from "./open-ticket.js";
import { transitionTicket } from "./transition-ticket.js";

/** Options of splitReporter. */
export interface SplitReporterOptions {
  tx: Tx;
  actor: Actor;
  ticket: TicketDetail;
  /** The reporter's position in the ticket's list (2 = the first neighbour who joined; 1 cannot leave). */
  position: number;
  ticketPrefix: string;
  lang: Lang;
}

/** Part the reporter off; returns the ticket their report is now (restored or new) and the confirmation. */
export async function splitReporter(opts: SplitReporterOptions): Promise<{ number: string; ticketId: number; reply: string; restored: boolean }> {
  const { tx, actor, ticket, lang } = opts;
  authorize(actor, "ticket.transition", { kind: "ticket", grid: ticket.group.grid, number: ticket.number }, lang);
  const row = await takeReporter({ tx, ticketId: ticket.id, number: ticket.number, position: opts.position, lang });
  // Their message opened a ticket that was merged into this one: un-merge it.
  const own = await tx.ticket.findUnique({ where: { sourceMessageId: row.sourceMessageId }, select: { number: true } });
  if (own) {
    const merged = (await findTicket({ db: tx, number: own.number }))!;
    if (merged.status === "merged") await transitionTicket({ tx, ticket: merged, to: "open", actor, note: `split from #${ticket.number}`, lang, data: { mergedIntoId: null }, auditAction: "ticket.split" });
    await addReporter({ tx, ticketId: merged.id, groupId: row.groupId, residentId: row.residentId, sourceMessageId: row.sourceMessageId, via: "open", first: true, lang: row.lang === "en" ? "en" : "zh" });
    return { number: merged.number, ticketId: merged.id, reply: rt(lang).splitDone({ number: ticket.number, into: merged.number }), restored: true };
  }
  const message = await tx.message.findUniqueOrThrow({ where: { id: row.sourceMessageId } });
  const opened = await openTicket({
    tx, prefix: opts.ticketPrefix, groupId: row.groupId, reporterId: row.residentId, sourceMessageId: row.sourceMessageId, text: message.text, category: ticket.category,
    severity: ticket.severity, keywords: [], origin: "report", actor: `staff:${actor.name}`, lang: row.lang === "en" ? "en" : "zh",
  });
  await recordAudit(tx, { actor, action: "ticket.split", subject: `ticket:${ticket.number}`, after: { into: opened.number, residentId: row.residentId } });
  return { number: opened.number, ticketId: opened.id, reply: rt(lang).splitDone({ number: ticket.number, into: opened.number }), restored: false };
}
