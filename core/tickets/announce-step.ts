// Residents hear back without asking: every step they care about (dispatched, accepted, progress, escalated,
// resolved, reopened) becomes one notice per reporter — in the group where each reported it, quoting their own
// message and mentioning them (Telegram: a reply to it; WeChat: quote + @), in the language they wrote in.
// Runs inside the step's transaction (the outbox rows commit with it); the door queues the returned rows after
// commit. Keys `step-<eventId>-r<residentId>`: a replayed step creates nothing twice.

import { createOutbound } from "../outbox.js";
import type { TicketDetail, Tx } from "../infra/rows.js";
import { rt, t, tierLabel, type Lang } from "../locale.js";
import { maskPersonal } from "../privacy.js";
import { findReporters } from "./find-reporters.js";

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

/** The step's words in one language (a resolution also asks for the rating: one message, not two). */
function stepText(opts: AnnounceStepOptions, lang: Lang): string {
  const m = t(lang);
  const number = opts.ticket.number;
  switch (opts.step) {
    case "dispatched": return m.dispatchedGroup({ number, assignee: opts.by ?? "" });
    case "accepted": return m.accepted({ number, actor: opts.by ?? "" });
    case "progress": return m.progress({ number, note: opts.note ?? "" });
    case "escalated": return m.escalatedGroup({ number, tier: tierLabel(opts.tier ?? "", lang) });
    case "resolved": return `${m.resolved({ number, note: (opts.note ?? "").replace(/[。.]$/, "") })}\n${rt(lang).askRating({ number })}`;
    case "reopened": return m.reopenedGroup({ number });
  }
}

/** Queue the step's notice to every reporter (one each, in their group); returns the outbound row ids to queue after commit. */
export async function announceStep(opts: AnnounceStepOptions): Promise<number[]> {
  const { tx, ticket } = opts;
  const reporters = await findReporters({ db: tx, ticketIds: [ticket.id] });
  const ids: number[] = [];
  for (const r of reporters) {
    if (!r.group.active) continue; // the bot left that group: nobody there to tell
    const id = await createOutbound(tx, {
      key: `step-${opts.eventId}-r${r.resident.id}`,
      platform: r.group.platform,
      groupId: r.group.id,
      kind: "notify",
      text: maskPersonal(stepText(opts, r.lang)),
      ticketId: ticket.id,
      replyTo: r.message ? { messageId: r.message.messageId, senderName: maskPersonal(r.resident.displayName), excerpt: maskPersonal(r.message.text.slice(0, 30)) } : undefined,
      mention: { userId: r.resident.userId, name: r.resident.displayName },
    });
    ids.push(id);
  }
  return ids;
}
