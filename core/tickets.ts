// Tickets through the 六单 cycle: order (open) → dispatch → accept → handle (in_progress → resolved) → rate → publish.
// Every change writes a TicketEvent and, where residents should know, queues a notice to the ticket's group.

import type { Prisma } from "./infra/db.js";
import { AppError } from "./infra/errors.js";
import { categoryLabel, langOf, statusLabel, t, type Lang } from "./locale.js";
import { maskPersonal } from "./privacy.js";

/** A Prisma client or an interactive-transaction client. */
export type Tx = Prisma.TransactionClient;

/** The statuses a ticket can have. */
export const TICKET_STATUSES = ["open", "dispatched", "accepted", "in_progress", "resolved", "rated", "published", "dismissed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

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

/** Statuses that still need work. */
export const OPEN_STATUSES: TicketStatus[] = ["open", "dispatched", "accepted", "in_progress"];

/** Normalise what a person typed as a ticket number ("a12", "#A0012") to the stored form, or undefined. */
export function parseTicketNumber(raw: string | undefined, prefix = "A"): string | undefined {
  const m = /^#?([A-Za-z]{1,3})?0*(\d{1,9})$/.exec((raw ?? "").trim());
  if (!m) return undefined;
  return formatTicketNumber((m[1] ?? prefix).toUpperCase(), Number(m[2]));
}

/** A0012: prefix + at least four digits. */
export const formatTicketNumber = (prefix: string, n: number): string => `${prefix}${String(n).padStart(4, "0")}`;

/** Take the next ticket number inside the caller's transaction. */
export async function nextTicketNumber(tx: Tx, prefix: string): Promise<string> {
  const c = await tx.counter.upsert({ where: { name: `ticket-${prefix}` }, create: { name: `ticket-${prefix}`, value: 1 }, update: { value: { increment: 1 } } });
  return formatTicketNumber(prefix, c.value);
}

/** What opening a ticket needs. */
export interface OpenTicketInput {
  prefix: string;
  groupId: number;
  reporterId: number;
  sourceMessageId: number;
  text: string;
  category: string;
  severity: number;
  keywords: string[];
  origin: "detector" | "report";
  actor: string;
}

/** Open a ticket (status open) with its first event, and count the keyword hits for lexicon precision. */
export async function openTicket(tx: Tx, input: OpenTicketInput) {
  const number = await nextTicketNumber(tx, input.prefix);
  const ticket = await tx.ticket.create({
    data: {
      number,
      category: input.category,
      severity: input.severity,
      groupId: input.groupId,
      reporterId: input.reporterId,
      sourceMessageId: input.sourceMessageId,
      text: input.text,
      keywords: JSON.stringify(input.keywords),
      origin: input.origin,
      events: { create: { toStatus: "open", actor: input.actor, note: input.origin === "report" ? "resident report" : "detected" } },
    },
  });
  if (input.keywords.length > 0) {
    await tx.lexiconTerm.updateMany({ where: { term: { in: input.keywords } }, data: { hits: { increment: 1 } } });
  }
  return ticket;
}

/** Load a ticket with what commands and the API show. */
export function findTicket(tx: Tx, number: string) {
  return tx.ticket.findUnique({
    where: { number },
    include: { group: true, reporter: true, sourceMessage: true, events: { orderBy: { id: "asc" } } },
  });
}

/** A ticket as loaded by findTicket. */
export type LoadedTicket = NonNullable<Awaited<ReturnType<typeof findTicket>>>;

/** Move a ticket to a new status with an event; throws AppError(conflict) for a move the cycle forbids. */
export async function transitionTicket(tx: Tx, ticket: LoadedTicket, to: TicketStatus, actor: string, note?: string, lang: Lang = "zh") {
  const from = ticket.status as TicketStatus;
  if (!TRANSITIONS[from]?.includes(to)) {
    throw new AppError("conflict", {
      message: `ticket ${ticket.number} cannot go from ${from} to ${to}`,
      userMessage: t(lang).badTransition({ number: ticket.number, status: statusLabel(from, lang) }),
    });
  }
  const closing = to === "resolved" || to === "dismissed";
  const updated = await tx.ticket.update({
    where: { id: ticket.id },
    data: {
      status: to,
      assignee: to === "accepted" ? actor : undefined,
      closedAt: closing ? new Date() : to === "in_progress" || to === "open" ? null : undefined,
      events: { create: { fromStatus: from, toStatus: to, actor, note: note ?? null } },
    },
  });
  // Keyword precision: a handled ticket confirms its keywords, a dismissed one counts against them.
  const keywords = JSON.parse(ticket.keywords) as string[];
  if (keywords.length > 0 && ticket.origin === "detector") {
    if (to === "resolved" && from !== "resolved") await tx.lexiconTerm.updateMany({ where: { term: { in: keywords } }, data: { confirmed: { increment: 1 } } });
    if (to === "dismissed") await tx.lexiconTerm.updateMany({ where: { term: { in: keywords } }, data: { dismissed: { increment: 1 } } });
  }
  return updated;
}

/** The language a ticket's group is addressed in (the reporter's own language). */
export const ticketLang = (ticket: { text: string }): Lang => langOf(ticket.text);

/** One line per ticket for lists in a group (personal numbers masked: a group is not an admin view). */
export function ticketLine(ticket: { number: string; category: string; status: string; text: string }, lang: Lang): string {
  const text = maskPersonal(ticket.text.length > 40 ? ticket.text.slice(0, 40) + "…" : ticket.text);
  return t(lang).ticketLine({ number: ticket.number, category: categoryLabel(ticket.category, lang), status: statusLabel(ticket.status, lang), text });
}

/** A ticket's details and history, for /ticket and /status with a number. */
export function ticketDetail(ticket: LoadedTicket, lang: Lang): string {
  const m = t(lang);
  const fmt = (d: Date) => d.toISOString().slice(5, 16).replace("T", " ");
  const head = m.ticketDetail({
    number: ticket.number,
    category: categoryLabel(ticket.category, lang),
    status: statusLabel(ticket.status, lang),
    text: maskPersonal(ticket.text.slice(0, 200)),
    reporter: ticket.reporter.displayName,
    created: fmt(ticket.createdAt),
  });
  const events = ticket.events.map((e) => m.eventLine({ at: fmt(e.createdAt), status: statusLabel(e.toStatus, lang), note: e.note && e.note !== "detected" && e.note !== "resident report" ? maskPersonal(e.note) : "" }));
  return [head, ...events].join("\n");
}
