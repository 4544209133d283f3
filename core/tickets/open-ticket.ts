// Opening a ticket (status open) from a detected complaint or a resident's /report.

import type { Tx } from "../infra/rows.js";
import { toTicket, type Ticket } from "../infra/rows.js";
import { langOf, type Lang } from "../locale.js";
import { addReporter } from "./add-reporter.js";
import { nextTicketNumber } from "./ticket-number.js";

/** Options of openTicket; runs inside the caller's transaction (intake stores the message in the same one). */
export interface OpenTicketOptions {
  tx: Tx;
  prefix: string;
  groupId: number;
  reporterId: number;
  sourceMessageId: number;
  text: string;
  category: string;
  severity: number;
  keywords: string[];
  origin: "detector" | "report";
  /** Written on the first event, e.g. "resident:王阿姨". */
  actor: string;
  /** The reporter's language (their updates follow it). @defaultValue "zh" */
  lang?: Lang;
}

/** Open a ticket with its first event, and count the keyword hits for lexicon precision. */
export async function openTicket(opts: OpenTicketOptions): Promise<Ticket> {
  const { tx } = opts;
  const number = await nextTicketNumber(tx, opts.prefix);
  const row = await tx.ticket.create({
    data: {
      number,
      category: opts.category,
      severity: opts.severity,
      groupId: opts.groupId,
      reporterId: opts.reporterId,
      sourceMessageId: opts.sourceMessageId,
      text: opts.text,
      keywords: JSON.stringify(opts.keywords),
      origin: opts.origin,
      events: { create: { toStatus: "open", actor: opts.actor, note: opts.origin === "report" ? "resident report" : "detected" } },
    },
  });
  // The reporter is the ticket's first reporter; neighbours reporting the same incident join as later ones.
  await addReporter({ tx, ticketId: row.id, groupId: opts.groupId, residentId: opts.reporterId, sourceMessageId: opts.sourceMessageId, via: "open", lang: opts.lang ?? langOf(opts.text) });
  if (opts.keywords.length > 0) {
    await tx.lexiconTerm.updateMany({ where: { term: { in: opts.keywords } }, data: { hits: { increment: 1 } } });
  }
  return toTicket(row);
}
