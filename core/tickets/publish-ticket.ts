// 晒单: a resolved (or rated) ticket's outcome is shown (status published). The residents' side builds and posts
// the outcome card; this file is the state change.

import type { TicketDetail, Tx } from "../infra/rows.js";
import type { Lang } from "../locale.js";
import type { Actor } from "../policy/authorize.js";
import { transitionTicket, type TransitionResult } from "./transition-ticket.js";

/** Options of publishTicket. */
export interface PublishTicketOptions {
  tx: Tx;
  actor: Actor;
  ticket: TicketDetail;
  note?: string;
  now?: Date;
  lang?: Lang;
}

/** Move the ticket to published. */
export async function publishTicket(opts: PublishTicketOptions): Promise<TransitionResult> {
  return transitionTicket({ tx: opts.tx, ticket: opts.ticket, actor: opts.actor, to: "published", note: opts.note, now: opts.now, lang: opts.lang, auditAction: "ticket.publish" });
}
