// 评单: a rating (1–5) recorded on a resolved ticket (status rated). The residents' side decides who may rate
// (its reporters) and what 「不满意」 does (reopen-ticket.ts); this file is the state change.

import { AppError } from "../infra/errors.js";
import type { TicketDetail, Tx } from "../infra/rows.js";
import { t, type Lang } from "../locale.js";
import type { Actor } from "../policy/authorize.js";
import { transitionTicket, type TransitionResult } from "./transition-ticket.js";

/** Options of rateTicket. */
export interface RateTicketOptions {
  tx: Tx;
  actor: Actor;
  ticket: TicketDetail;
  /** 1 (very unhappy) … 5 (very satisfied). */
  rating: number;
  note?: string;
  now?: Date;
  lang?: Lang;
}

/** Record a rating and move the ticket to rated. */
export async function rateTicket(opts: RateTicketOptions): Promise<TransitionResult & { rating: number }> {
  const lang = opts.lang ?? "zh";
  if (!Number.isInteger(opts.rating) || opts.rating < 1 || opts.rating > 5) {
    throw new AppError("bad_request", { message: "rating: must be a whole number from 1 to 5", userMessage: t(lang).needRating({ usage: `/rate ${opts.ticket.number} 4` }) });
  }
  const result = await transitionTicket({
    tx: opts.tx, ticket: opts.ticket, actor: opts.actor, to: "rated", note: opts.note ?? String(opts.rating), policy: "ticket.rate", now: opts.now, lang,
    data: { rating: opts.rating }, auditAction: "ticket.rate", auditAfter: { rating: opts.rating },
  });
  return { ...result, rating: opts.rating };
}
