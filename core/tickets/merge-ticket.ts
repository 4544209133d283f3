// 合并: a duplicate joins the ticket it repeats (status merged, closed; it does NOT count against its keywords).
// The residents' side moves its reporters onto the target and tells them; this file is the state change.

import { AppError } from "../infra/errors.js";
import type { TicketDetail, Tx } from "../infra/rows.js";
import { t, type Lang } from "../locale.js";
import type { Actor } from "../policy/authorize.js";
import { authorize } from "../policy/authorize.js";
import { transitionTicket, type TransitionResult } from "./transition-ticket.js";

/** Options of mergeTicket. */
export interface MergeTicketOptions {
  tx: Tx;
  actor: Actor;
  /** The duplicate. */
  ticket: TicketDetail;
  /** The ticket it joins (must still be live: not merged or dismissed itself). */
  into: TicketDetail;
  note?: string;
  now?: Date;
  lang?: Lang;
}

/** Merge `ticket` into `into`; the actor must be allowed to change both. */
export async function mergeTicket(opts: MergeTicketOptions): Promise<TransitionResult & { into: TicketDetail }> {
  const { tx, actor, ticket, into } = opts;
  const lang = opts.lang ?? "zh";
  const m = t(lang);
  if (into.id === ticket.id) throw new AppError("bad_request", { message: "a ticket cannot be merged into itself", userMessage: m.mergeIntoSelf });
  authorize(actor, "ticket.transition", { kind: "ticket", grid: into.group.grid, number: into.number }, lang);
  if (into.status === "merged" || into.status === "dismissed") {
    throw new AppError("conflict", { message: `ticket ${into.number} is ${into.status}`, userMessage: m.badTransition({ number: into.number, status: into.status }) });
  }
  const result = await transitionTicket({
    tx, ticket, actor, to: "merged", note: opts.note ?? `→ #${into.number}`, now: opts.now, lang,
    data: { mergedIntoId: into.id }, auditAction: "ticket.merge", auditAfter: { into: into.number },
  });
  return { ...result, into };
}
