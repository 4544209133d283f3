// 评单 from a reporter (or staff on their behalf): a rating of 3–5 rates the resolved ticket (and, at or above
// AUTO_PUBLISH_MIN_RATING, publishes its outcome card); 1–2 (「不满意」) reopens it with the resident's words and
// tells the assignee. A second reporter's rating of an already rated ticket is recorded on its history.

import { AppError } from "../infra/errors.js";
import type { TicketDetail, Tx } from "../infra/rows.js";
import { rt, type Lang } from "../locale.js";
import type { Actor } from "../policy/authorize.js";
import { authorize } from "../policy/authorize.js";
import { maskPersonal } from "../privacy.js";
import { announceStep } from "./announce-step.js";
import { DEFAULT_CYCLE_SETTINGS, type CycleSettings } from "./cycle-settings.js";
import { findTicket } from "./find-tickets.js";
import { notifyStaff } from "./notify-staff.js";
import { postOutcomeCard } from "./outcome-card.js";
import { publishTicket } from "./publish-ticket.js";
import { rateTicket } from "./rate-ticket.js";
import { reopenTicket } from "./reopen-ticket.js";
import type { TransitionResult } from "./transition-ticket.js";

/** A rating at or below this reopens the ticket (「不满意」 is 1). */
export const REOPEN_AT_OR_BELOW = 2;

/** The words residents rate with, as numbers: 满意 5, 基本满意 4, 不满意 1 (and 1–5 / 1–5分 / 5星). */
export function ratingFromText(text: string): number | undefined {
  const s = text.trim().replace(/[。.!！~，,\s]+$/g, "").replace(/^\s+/, "");
  if (/^(非常|很|十分)?满意$|^satisfied$|^very satisfied$/i.test(s)) return 5;
  if (/^(基本|比较|还算|还)满意$|^mostly satisfied$|^fairly satisfied$/i.test(s)) return 4;
  if (/^(很|非常)?不满意$|^(not|un|dis)\s?satisfied$/i.test(s)) return 1;
  const n = /^([1-5])\s*(分|星|stars?|\/5)?$/i.exec(s);
  return n ? Number(n[1]) : undefined;
}

/** Options of recordRating. */
export interface RecordRatingOptions {
  tx: Tx;
  actor: Actor;
  ticket: TicketDetail;
  rating: number;
  note?: string;
  /** The resident rating (chat); required when the actor is a resident: only a reporter may rate. */
  residentId?: number;
  settings?: CycleSettings;
  now?: Date;
  lang: Lang;
}

/** What the rating did. */
export interface RecordRatingResult extends TransitionResult {
  outbounds: number[];
  reply: string;
  reopened: boolean;
}

/** Rate, reopen or record — see the file comment. */
export async function recordRating(opts: RecordRatingOptions): Promise<RecordRatingResult> {
  const { tx, actor, ticket, rating, lang } = opts;
  const m = rt(lang);
  const settings = opts.settings ?? DEFAULT_CYCLE_SETTINGS;
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
    throw new AppError("bad_request", { message: "rating: must be a whole number from 1 to 5", userMessage: m.ratingUnknown({ usage: `/rate ${ticket.number} 4` }) });
  }
  authorize(actor, "ticket.rate", { kind: "ticket", grid: ticket.group.grid, number: ticket.number }, lang);
  if (actor.role === "resident") {
    const reporter = opts.residentId === undefined ? null : await tx.ticketReporter.findUnique({ where: { ticketId_residentId: { ticketId: ticket.id, residentId: opts.residentId } } });
    if (!reporter) throw new AppError("forbidden", { message: `not a reporter of ${ticket.number}`, userMessage: m.notYourTicket({ number: ticket.number }) });
  }
  if (!["resolved", "rated", "published"].includes(ticket.status)) {
    throw new AppError("conflict", { message: `ticket ${ticket.number} is ${ticket.status}, not resolved`, userMessage: m.notResolved({ number: ticket.number }) });
  }
  const who = actor.role === "resident" ? `resident:${actor.name}` : `staff:${actor.name}`;
  const words = opts.note ? maskPersonal(opts.note.slice(0, 200)) : "";

  if (rating <= REOPEN_AT_OR_BELOW) {
    const note = `不满意 ${rating}/5${words ? `：${words}` : ""}`;
    const r = await reopenTicket({ tx, actor, ticket, note, now: opts.now, lang, policy: "ticket.rate" });
    const outbounds = await announceStep({ tx, ticket, step: "reopened", eventId: r.eventId, note });
    if (ticket.assigneeAccountId) {
      const account = await tx.staffAccount.findUnique({ where: { id: ticket.assigneeAccountId }, select: { id: true, username: true, name: true, role: true } });
      if (account) outbounds.push(...(await notifyStaff({ tx, ticket, eventId: r.eventId, notices: [{ staff: { accountId: account.id, username: account.username, name: account.name || account.username, role: account.role }, kind: "reopened", reason: note }] })));
    }
    return { ...r, outbounds, reply: m.ratedReopened({ number: ticket.number }), reopened: true };
  }

  if (ticket.status !== "resolved") {
    // Rated already (by a neighbour): this reporter's rating goes on the history; the ticket keeps the first.
    const e = await tx.ticketEvent.create({ data: { ticketId: ticket.id, fromStatus: ticket.status, toStatus: ticket.status, actor: who, note: `rating ${rating}/5${words ? ` — ${words}` : ""}` } });
    return { eventId: e.id, seq: ticket.clockSeq, from: ticket.status, to: ticket.status, outbounds: [], reply: m.rated({ number: ticket.number, rating }), reopened: false };
  }
  const rated = await rateTicket({ tx, actor, ticket, rating, note: `${rating}/5${words ? ` — ${words}` : ""}`, now: opts.now, lang });
  if (settings.autoPublishMinRating > 0 && rating >= settings.autoPublishMinRating) {
    const fresh = (await findTicket({ db: tx, number: ticket.number }))!;
    const system: Actor = { role: "admin", name: "auto-publish", channel: "system" };
    const published = await publishTicket({ tx, actor: system, ticket: fresh, note: `rated ${rating}/5`, now: opts.now, lang });
    const outbounds = await postOutcomeCard({ tx, ticketId: ticket.id, eventId: published.eventId });
    return { ...published, from: rated.from, outbounds, reply: m.rated({ number: ticket.number, rating }), reopened: false };
  }
  return { ...rated, outbounds: [], reply: m.rated({ number: ticket.number, rating }), reopened: false };
}
