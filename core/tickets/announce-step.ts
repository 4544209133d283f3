// Residents hear back without asking: every step they care about (dispatched, accepted, progress, escalated,
// resolved, reopened) becomes one notice in the ticket's group that quotes the reporter's message and mentions
// them. Runs inside the step's transaction (the outbox rows commit with the step); the door queues the returned
// rows after commit. Today it tells the ticket's reporter; the residents' side extends it to every reporter.

import { createOutbound } from "../outbox.js";
import type { TicketDetail, Tx } from "../infra/rows.js";
import { langOf, t, tierLabel } from "../locale.js";
import { maskPersonal } from "../privacy.js";

/** The steps residents are told about. */
export const ANNOUNCED_STEPS = ["dispatched", "accepted", "progress", "escalated", "resolved", "reopened"] as const;
/** One of them. */
export type AnnouncedStep = (typeof ANNOUNCED_STEPS)[number];

/** Options of announceStep. */
export interface AnnounceStepOptions {
  tx: Tx;
  /** The ticket as it was read before the step (group, reporter, source message). */
  ticket: TicketDetail;
  step: AnnouncedStep;
  /** The step's TicketEvent id: it keys the notice, so a replay creates nothing twice. */
  eventId: number;
  /** A progress or resolution note, an escalation's tier. */
  note?: string;
  /** Who did it, as residents see it (the assignee, the accepting leader). */
  by?: string;
  /** The tier it went to (escalated). */
  tier?: string;
}

/** Queue the step's notice(s) to the reporter(s); returns the outbound row ids to queue after commit. */
export async function announceStep(opts: AnnounceStepOptions): Promise<number[]> {
  const { tx, ticket, step } = opts;
  const m = t(langOf(ticket.text));
  const number = ticket.number;
  const text =
    step === "dispatched" ? m.dispatchedGroup({ number, assignee: opts.by ?? "" })
    : step === "accepted" ? m.accepted({ number, actor: opts.by ?? "" })
    : step === "progress" ? m.progress({ number, note: opts.note ?? "" })
    : step === "escalated" ? m.escalatedGroup({ number, tier: tierLabel(opts.tier ?? "", langOf(ticket.text)) })
    : step === "resolved" ? m.resolved({ number, note: (opts.note ?? "").replace(/[。.]$/, "") })
    : m.reopenedGroup({ number });
  const id = await createOutbound(tx, {
    key: `step-${opts.eventId}-r${ticket.reporter.id}`,
    platform: ticket.group.platform,
    groupId: ticket.groupId,
    kind: "notify",
    text: maskPersonal(text),
    ticketId: ticket.id,
    replyTo: ticket.sourceMessage ? { messageId: ticket.sourceMessage.messageId, senderName: maskPersonal(ticket.reporter.displayName), excerpt: maskPersonal(ticket.text.slice(0, 30)) } : undefined,
    mention: { userId: ticket.reporter.userId, name: ticket.reporter.displayName },
  });
  return [id];
}
