// Opening a ticket (status open) from a detected complaint or a resident's /report.

import type { Tx } from "../infra/rows.js";
import { toTicket, type Ticket } from "../infra/rows.js";
import type { Actor } from "../policy/authorize.js";
import { dispatchTicket } from "./dispatch-ticket.js";
import { findTicket } from "./find-tickets.js";
import { notifyStaff } from "./notify-staff.js";
import { slaRuleFor } from "./sla.js";
import { langOf, type Lang } from "../locale.js";
import { addReporter } from "./add-reporter.js";
import { nextTicketNumber } from "./ticket-number.js";
import { chinaDay } from "../broadcasts/china-time.js";

/** Who dispatches a new ticket by its grid's rule. */
export const DISPATCH_ACTOR: Actor = { role: "admin", name: "auto-dispatch", channel: "system" };

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
  /** Dispatch at once by the grid's rule (auto / first who accepts / manual). @defaultValue true */
  dispatch?: boolean;
  /** The reporter's language (their updates follow it). @defaultValue "zh" */
  lang?: Lang;
}

/** A new ticket, and the staff notices its dispatch queued (outbound rows to queue after commit). */
export type OpenedTicket = Ticket & { staffOutbounds: number[] };

/**
 * Open a ticket with its first event, count the keyword hits for lexicon precision, and dispatch it by its grid's
 * rule: the assignee (or every grid leader, for "first who accepts") hears of it privately. Its residents were
 * just told the ticket exists, so the dispatch itself is not announced to them again.
 */
export async function openTicket(opts: OpenTicketOptions): Promise<OpenedTicket> {
  const { tx } = opts;
  const number = await nextTicketNumber(tx, opts.prefix);
  const now = new Date();
  const row = await tx.ticket.create({
    data: {
      number,
      createdAt: now,
      openedDay: chinaDay(now),
      category: opts.category,
      severity: opts.severity,
      groupId: opts.groupId,
      reporterId: opts.reporterId,
      sourceMessageId: opts.sourceMessageId,
      text: opts.text,
      keywords: JSON.stringify(opts.keywords),
      origin: opts.origin,
      events: { create: { toStatus: "open", actor: opts.actor, createdAt: now, note: opts.origin === "report" ? "resident report" : "detected" } },
    },
  });
  // The reporter is the ticket's first reporter; neighbours reporting the same incident join as later ones.
  await addReporter({ tx, ticketId: row.id, groupId: opts.groupId, residentId: opts.reporterId, sourceMessageId: opts.sourceMessageId, via: "open", lang: opts.lang ?? langOf(opts.text) });
  if (opts.keywords.length > 0) {
    await tx.lexiconTerm.updateMany({ where: { term: { in: opts.keywords } }, data: { hits: { increment: 1 } } });
  }
  const staffOutbounds: number[] = [];
  if (opts.dispatch !== false) {
    const detail = (await findTicket({ db: tx, number }))!;
    const dispatched = await dispatchTicket({ tx, actor: DISPATCH_ACTOR, ticket: detail, onOpen: true });
    if (dispatched) {
      const rule = await slaRuleFor(tx, { category: opts.category, severity: opts.severity });
      const kind = dispatched.mode === "assigned" ? ("assigned" as const) : ("offered" as const);
      staffOutbounds.push(...(await notifyStaff({ tx, ticket: detail, eventId: dispatched.eventId, notices: dispatched.assignees.map((staff) => ({ staff, kind, minutes: rule.acceptMinutes })) })));
      return { ...toTicket((await tx.ticket.findUnique({ where: { id: row.id } }))!), staffOutbounds };
    }
  }
  return { ...toTicket(row), staffOutbounds };
}
