// The SLA clock of a ticket, from data: while nobody at the current tier has accepted it (open, dispatched,
// escalated, reopened) the accept clock runs; once accepted (accepted, in_progress) the resolve clock. Both count
// from the moment the current tier got it (opening, escalation, reopening). A warning at 80% goes to whoever holds
// it; a breach is recorded on the ticket and escalates it one tier up. Every clock is armed for one clockSeq: a
// job that fires after the ticket moved on does nothing.

import { serializeOn, type Db } from "../infra/db.js";
import type { TicketStatus, Tx } from "../infra/rows.js";
import type { Actor } from "../policy/authorize.js";
import { t } from "../locale.js";
import type { TicketFollowUp } from "./actions.js";
import { announceStep } from "./announce-step.js";
import { escalateTicket } from "./escalate-ticket.js";
import { findTicket } from "./find-tickets.js";
import { notifyStaff, type StaffNotice } from "./notify-staff.js";
import { slaRuleFor } from "./sla.js";
import { gridLeaders, staffOfNode, type TicketStaff } from "./ticket-owners.js";

/** Statuses in which the accept clock runs. */
export const ACCEPT_PHASE: readonly TicketStatus[] = ["open", "dispatched", "escalated", "reopened"];
/** Statuses in which the resolve clock runs. */
export const RESOLVE_PHASE: readonly TicketStatus[] = ["accepted", "in_progress"];
/** Moves that hand the ticket to a tier afresh (the clock starts again). */
const PHASE_STARTS: TicketStatus[] = ["open", "escalated", "reopened"];

/** The clock a ticket has now. */
export interface ClockPlan {
  ticketId: number;
  seq: number;
  phase: "accept" | "resolve";
  startAt: Date;
  dueAt: Date;
  /** 80% of the way from start to due. */
  warnAt: Date;
  /** The 80% warning of this seq went out already. */
  warned: boolean;
}

/** One clock job: a warning or a breach of one phase, armed for one clock sequence. */
export interface ClockJob {
  kind: "warn" | "breach";
  ticketId: number;
  seq: number;
  phase: "accept" | "resolve";
}

/** The deterministic job id (no ":" and never an integer). */
export const clockJobId = (j: Pick<ClockJob, "kind" | "ticketId" | "seq">): string => `sla-${j.ticketId}-${j.seq}-${j.kind}`;

/** Who SLA escalations act as (written on the events and the audit). */
export const SLA_ACTOR: Actor = { role: "admin", name: "SLA", channel: "system" };

/** The ticket's clock, or null (closed, or with the hotline — whose own SLA we cannot run). `unitMs` = one SLA minute. */
export async function planClock(db: Db | Tx, ticketId: number, unitMs: number): Promise<ClockPlan | null> {
  const ticket = await db.ticket.findUnique({ where: { id: ticketId } });
  if (!ticket || ticket.tier === "hotline") return null;
  const status = ticket.status as TicketStatus;
  const phase = ACCEPT_PHASE.includes(status) ? "accept" : RESOLVE_PHASE.includes(status) ? "resolve" : null;
  if (!phase) return null;
  const start = await db.ticketEvent.findFirst({ where: { ticketId, toStatus: { in: PHASE_STARTS } }, orderBy: { id: "desc" }, select: { createdAt: true } });
  const startAt = start?.createdAt ?? ticket.createdAt;
  const rule = await slaRuleFor(db, ticket);
  const span = (phase === "accept" ? rule.acceptMinutes : rule.resolveMinutes) * unitMs;
  return {
    ticketId, seq: ticket.clockSeq, phase, startAt,
    dueAt: new Date(startAt.getTime() + span),
    warnAt: new Date(startAt.getTime() + Math.floor(span * 0.8)),
    warned: ticket.warnedSeq === ticket.clockSeq,
  };
}

/** Write the plan's deadline on the ticket (what the API shows), unless the ticket moved on meanwhile. */
export async function recordDeadline(db: Db | Tx, plan: ClockPlan): Promise<void> {
  await db.ticket.updateMany({
    where: { id: plan.ticketId, clockSeq: plan.seq },
    data: plan.phase === "accept" ? { acceptDueAt: plan.dueAt, resolveDueAt: null } : { acceptDueAt: null, resolveDueAt: plan.dueAt },
  });
}

/** Clear the deadlines of a ticket without a clock (closed, or with the hotline). */
export async function clearDeadlines(db: Db | Tx, ticketId: number): Promise<void> {
  await db.ticket.updateMany({ where: { id: ticketId, OR: [{ acceptDueAt: { not: null } }, { resolveDueAt: { not: null } }] }, data: { acceptDueAt: null, resolveDueAt: null } });
}

/** Who holds a ticket now: its assignee, else the grid's leaders (grid tier) or the tier's staff. */
async function holders(tx: Tx, ticket: { assigneeAccountId: number | null; tier: string; ownerNodeId: number | null; group: { grid: string | null } }): Promise<TicketStaff[]> {
  if (ticket.assigneeAccountId) {
    const a = await tx.staffAccount.findUnique({ where: { id: ticket.assigneeAccountId } });
    if (a && !a.disabled) return [{ accountId: a.id, username: a.username, name: a.name || a.username, role: a.role }];
  }
  if (ticket.tier === "grid" || ticket.ownerNodeId === null) return gridLeaders(tx, ticket.group.grid);
  return staffOfNode(tx, ticket.ownerNodeId);
}

/** What firing a clock did. */
export interface FiredClock {
  result: "stale" | "warned" | "escalated";
  outbounds: number[];
  followUps: TicketFollowUp[];
}

/**
 * Fire one clock job in one transaction. Stale (the ticket moved since it was armed, or warned already) → nothing.
 * warn → the holder is told the deadline; breach → recorded, escalated one tier up, residents and the new tier
 * told, the previous holder told it was missed. A replay after commit finds the seq moved on: nothing twice.
 */
export async function fireClock(opts: { db: Db; job: ClockJob; unitMs: number; now?: Date }): Promise<FiredClock> {
  const { db, job } = opts;
  const now = opts.now ?? new Date();
  return db.$transaction(async (tx) => {
    // PostgreSQL: a clock replayed on two workers at once — the second reads the ticket after the first commits
    // and finds the sequence moved on (stale), rather than failing on the conditional move.
    await serializeOn(tx, `ticket-clock:${job.ticketId}`);
    const row = await tx.ticket.findUnique({ where: { id: job.ticketId }, select: { number: true } });
    const ticket = row ? await findTicket({ db: tx, number: row.number }) : null;
    const stale: FiredClock = { result: "stale", outbounds: [], followUps: [] };
    if (!ticket || ticket.clockSeq !== job.seq) return stale;
    const plan = await planClock(tx, ticket.id, opts.unitMs);
    if (!plan || plan.phase !== job.phase) return stale;
    if (job.kind === "warn") {
      if (plan.warned) return stale;
      const notices: StaffNotice[] = (await holders(tx, ticket)).map((staff) => ({ staff, kind: "warning", phase: job.phase, due: plan.dueAt }));
      const outbounds = await notifyStaff({ tx, ticket, eventId: `w${job.seq}`, notices });
      await tx.ticket.updateMany({ where: { id: ticket.id, clockSeq: job.seq }, data: { warnedSeq: job.seq } });
      return { result: "warned", outbounds, followUps: [] };
    }
    const before = await holders(tx, ticket);
    const m = t("zh");
    const reason = `${job.phase === "accept" ? m.phaseAccept : m.phaseResolve}超时（SLA）`;
    const r = await escalateTicket({ tx, actor: SLA_ACTOR, ticket, reason, breach: { phase: job.phase }, now });
    const outbounds = await announceStep({ tx, ticket, step: "escalated", eventId: r.eventId, tier: r.tier });
    const rule = await slaRuleFor(tx, ticket);
    outbounds.push(
      ...(await notifyStaff({
        tx, ticket, eventId: r.eventId,
        notices: [
          ...before.map((staff) => ({ staff, kind: "breach" as const, phase: job.phase, tier: r.tier })),
          ...r.staff.filter((s) => !before.some((b) => b.accountId === s.accountId)).map((staff) => ({ staff, kind: "escalated" as const, tier: r.tier, reason, minutes: rule.acceptMinutes })),
        ],
      })),
    );
    return { result: "escalated", outbounds, followUps: [{ ticketId: ticket.id, seq: r.seq, ...(r.tier === "hotline" ? { fileHotline: true } : {}) }] };
  });
}
