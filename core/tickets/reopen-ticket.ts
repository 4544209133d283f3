// 重新打开: after 「不满意」 (or a dismissal found wrong) the work starts again (status reopened, a fresh SLA).
// The assignee keeps it; the residents' side calls this from its rating flow.

import type { TicketDetail, Tx } from "../infra/rows.js";
import type { Lang } from "../locale.js";
import type { Action, Actor } from "../policy/authorize.js";
import { transitionTicket, type TransitionResult } from "./transition-ticket.js";

/** Options of reopenTicket. */
export interface ReopenTicketOptions {
  tx: Tx;
  actor: Actor;
  ticket: TicketDetail;
  /** Why (the resident's words after 不满意). */
  note?: string;
  now?: Date;
  lang?: Lang;
  /** The policy checked: a reporter's 「不满意」 reopens under ticket.rate. @defaultValue "ticket.transition" */
  policy?: Action;
}

/** Move the ticket to reopened. */
export async function reopenTicket(opts: ReopenTicketOptions): Promise<TransitionResult> {
  return transitionTicket({ tx: opts.tx, ticket: opts.ticket, actor: opts.actor, to: "reopened", note: opts.note, policy: opts.policy, now: opts.now, lang: opts.lang, data: { rating: null }, auditAction: "ticket.reopen" });
}
