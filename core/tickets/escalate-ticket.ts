// 上报: a ticket moves one tier up the organisation (grid → community → street → district → the 12345 hotline),
// by hand or on an SLA breach. The next tier owns it (status escalated, nobody assigned yet); the cycle goes on there.

import { AppError } from "../infra/errors.js";
import type { TicketDetail, TicketTier, Tx } from "../infra/rows.js";
import { t, type Lang } from "../locale.js";
import type { Actor } from "../policy/authorize.js";
import { gridNodeOf, nextTier, staffOfNode, type TicketStaff } from "./ticket-owners.js";
import { transitionTicket, type TransitionResult } from "./transition-ticket.js";

/** Options of escalateTicket. */
export interface EscalateTicketOptions {
  tx: Tx;
  actor: Actor;
  ticket: TicketDetail;
  /** Why (shown to the next tier and written on the event). */
  reason?: string;
  /** Set when an SLA breach escalates (recorded on the ticket). */
  breach?: { phase: "accept" | "resolve" };
  now?: Date;
  lang?: Lang;
}

/** What an escalation did: the move, the tier and node it went to, and that tier's staff (to be told). */
export interface EscalateResult extends TransitionResult {
  tier: TicketTier;
  nodeId: number | null;
  staff: TicketStaff[];
}

/** Move the ticket one tier up; at the hotline already it refuses (AppError conflict). */
export async function escalateTicket(opts: EscalateTicketOptions): Promise<EscalateResult> {
  const { tx, actor, ticket } = opts;
  const lang = opts.lang ?? "zh";
  if (ticket.tier === "hotline") throw new AppError("conflict", { message: `ticket ${ticket.number} is with the hotline already`, userMessage: t(lang).escalateTop({ number: ticket.number }) });
  const from = ticket.ownerNodeId ?? (await gridNodeOf(tx, ticket.group));
  const up = await nextTier(tx, from);
  const now = opts.now ?? new Date();
  const result = await transitionTicket({
    tx, ticket, actor, to: "escalated", note: opts.reason, policy: "ticket.escalate", now, lang,
    data: {
      tier: up.tier, ownerNodeId: up.nodeId, assignee: null, assigneeAccountId: null,
      ...(opts.breach ? { breachedAt: now, breachCount: { increment: 1 } } : {}),
    },
    auditAction: "ticket.escalate",
    auditAfter: { tier: up.tier, nodeId: up.nodeId, fromTier: ticket.tier, breach: opts.breach?.phase ?? null },
  });
  const staff = up.nodeId === null ? [] : await staffOfNode(tx, up.nodeId);
  return { ...result, tier: up.tier, nodeId: up.nodeId, staff };
}
