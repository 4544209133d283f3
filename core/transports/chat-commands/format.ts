// How tickets read in a group chat (personal numbers masked: a group is not an admin view).

import { categoryLabel, langOf, statusLabel, t, type Lang } from "../../locale.js";
import { maskPersonal } from "../../privacy.js";
import { formatChinaTime } from "../../broadcasts/china-time.js";
import type { TicketDetail } from "../../infra/rows.js";

/** The language a ticket's group is addressed in (the reporter's own language). */
export const ticketLang = (ticket: { text: string }): Lang => langOf(ticket.text);

/** One line per ticket for lists. */
export function ticketLine(ticket: { number: string; category: string; status: string; text: string }, lang: Lang): string {
  const text = maskPersonal(ticket.text.length > 40 ? ticket.text.slice(0, 40) + "…" : ticket.text);
  return t(lang).ticketLine({ number: ticket.number, category: categoryLabel(ticket.category, lang), status: statusLabel(ticket.status, lang), text });
}

/** A ticket's details and history, for /ticket and /status with a number. */
export function ticketDetail(ticket: TicketDetail, lang: Lang): string {
  const m = t(lang);
  const fmt = (d: Date) => formatChinaTime(d).slice(5); // "12-02 08:00", China time like every time residents read
  const head = m.ticketDetail({
    number: ticket.number,
    category: categoryLabel(ticket.category, lang),
    status: statusLabel(ticket.status, lang),
    text: maskPersonal(ticket.text.slice(0, 200)),
    reporter: maskPersonal(ticket.reporter.displayName),
    created: fmt(ticket.createdAt),
  });
  const events = ticket.events.map((e) => m.eventLine({ at: fmt(e.at), status: statusLabel(e.to, lang), note: e.note && e.note !== "detected" && e.note !== "resident report" ? maskPersonal(e.note) : "" }));
  return [head, ...events].join("\n");
}
