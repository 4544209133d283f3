// The one action table of the ticket cycle: action name → the service it calls, the status it leads to, the
// policy it needs and what input it needs. Chat commands (/dispatch A0012 李网格, #派单 …) and the HTTP route
// `POST /api/tickets/:number/<action>` both run an action through runTicketAction, so they cannot drift apart.

import { AppError } from "../infra/errors.js";
import type { TicketDetail, TicketStatus, Tx } from "../infra/rows.js";
import { rt, statusLabel, t, tierLabel, type Lang } from "../locale.js";
import { createOutbound } from "../outbox.js";
import { maskPersonal } from "../privacy.js";
import { findReporters } from "./find-reporters.js";
import { authorize, type Action, type Actor } from "../policy/authorize.js";
import { awardPoints } from "../points/award-points.js";
import { announceStep } from "./announce-step.js";
import type { CycleSettings } from "./cycle-settings.js";
import { moveReporters } from "./move-reporters.js";
import { postOutcomeCard } from "./outcome-card.js";
import { recordRating } from "./record-rating.js";
import { dispatchTicket } from "./dispatch-ticket.js";
import { escalateTicket } from "./escalate-ticket.js";
import { findTicket } from "./find-tickets.js";
import { mergeTicket } from "./merge-ticket.js";
import { notifyStaff, type StaffNotice } from "./notify-staff.js";
import { publishTicket } from "./publish-ticket.js";
import { reopenTicket } from "./reopen-ticket.js";
import { slaRuleFor } from "./sla.js";
import { parseTicketNumber } from "./ticket-number.js";
import { transitionTicket, type TransitionResult } from "./transition-ticket.js";

/** Every action of the cycle. */
export const TICKET_ACTION_NAMES = ["dispatch", "accept", "progress", "resolve", "dismiss", "merge", "escalate", "rate", "publish", "reopen"] as const;
/** One of them. */
export type TicketActionName = (typeof TICKET_ACTION_NAMES)[number];

/** What an action may be given (chat arguments or the HTTP JSON body). */
export interface TicketActionInput {
  note?: string;
  /** dispatch: a staff username or name (absent: the grid's rule). */
  assignee?: string;
  /** merge: the number of the ticket this one joins. */
  into?: string;
  /** rate: 1–5. */
  rating?: number;
}

/** What every action runs with. */
export interface TicketActionContext {
  tx: Tx;
  actor: Actor;
  lang: Lang;
  ticketPrefix: string;
  /** The time of the move (SLA tests inject it). @defaultValue new Date() */
  now?: Date;
  /** The residents' side settings (points table, auto-publish). @defaultValue DEFAULT_CYCLE_SETTINGS */
  settings?: CycleSettings;
  /** The resident acting (chat): a rating must come from one of the ticket's reporters. */
  residentId?: number;
}

/** Work to do once the action's transaction committed: re-arm the ticket's SLA clock, file to the hotline, arm or drop its rated-by-default job. */
export interface TicketFollowUp {
  ticketId: number;
  /** The clock sequence after the move (older clocks do nothing). */
  seq: number;
  /** The ticket reached the hotline tier: file it there. */
  fileHotline?: boolean;
  /** The step left a resolution (closedAt in ms): that resolution's rated-by-default job has nothing left to do. */
  leftResolutionAtMs?: number;
}

/** What an action did: the move, its notices (outbound rows to queue after commit), a reply for the actor. */
export interface TicketActionOutcome extends TransitionResult {
  number: string;
  /** Outbound rows created (residents' notices, staff notices). */
  outbounds: number[];
  /** The group a resident notice went to, if any (a command typed there needs no extra reply). */
  announcedIn?: number;
  /** A short confirmation for the person who acted. */
  reply: string;
  followUp: TicketFollowUp;
}

/** One row of the table. */
export interface TicketActionSpec {
  name: TicketActionName;
  /** The status it leads to. */
  to: TicketStatus;
  /** The policy action checked (with the ticket's grid as scope). */
  policy: Action;
  /** The action the HTTP route declares (staff only over HTTP). @defaultValue policy */
  http?: Action;
  /** The input it cannot do without. */
  needs?: keyof TicketActionInput;
  /** Call the service; announce and notify; say what happened. */
  perform(ctx: TicketActionContext, ticket: TicketDetail, input: TicketActionInput): Promise<Omit<TicketActionOutcome, "number" | "followUp"> & { fileHotline?: boolean }>;
}

const done = (ctx: TicketActionContext, ticket: TicketDetail, to: TicketStatus) => t(ctx.lang).done({ number: ticket.number, status: statusLabel(to, ctx.lang) });

/** A plain move plus (for the steps residents care about) a notice to them. */
function simple(name: "accept" | "progress" | "resolve" | "dismiss", to: TicketStatus, needs?: "note"): TicketActionSpec {
  return {
    name, to, policy: "ticket.transition", needs,
    async perform(ctx, ticket, input) {
      const r = await transitionTicket({ tx: ctx.tx, ticket, to, actor: ctx.actor, note: input.note, now: ctx.now, lang: ctx.lang, auditAction: `ticket.${to}` });
      const step = name === "accept" ? "accepted" : name === "progress" ? "progress" : name === "resolve" ? "resolved" : undefined;
      const outbounds = step ? await announceStep({ tx: ctx.tx, ticket, step, eventId: r.eventId, note: input.note, by: ctx.actor.name }) : [];
      // 积分: a complaint that ends resolved earns its reporters points (once per ticket and resident).
      if (name === "resolve") await awardPoints({ tx: ctx.tx, ticketId: ticket.id, table: ctx.settings?.points });
      const reply = name === "dismiss" ? t(ctx.lang).dismissed({ number: ticket.number }) : done(ctx, ticket, to);
      return { ...r, outbounds, announcedIn: step ? ticket.groupId : undefined, reply };
    },
  };
}

/** The action table. */
export const TICKET_ACTIONS: Record<TicketActionName, TicketActionSpec> = {
  dispatch: {
    name: "dispatch", to: "dispatched", policy: "ticket.dispatch",
    async perform(ctx, ticket, input) {
      const r = (await dispatchTicket({ tx: ctx.tx, actor: ctx.actor, ticket, assignee: input.assignee, note: input.note, now: ctx.now, lang: ctx.lang }))!;
      const names = r.assignees.map((a) => a.name).join("、");
      const outbounds = await announceStep({ tx: ctx.tx, ticket, step: "dispatched", eventId: r.eventId, by: names });
      const rule = await slaRuleFor(ctx.tx, ticket);
      outbounds.push(...(await notifyStaff({ tx: ctx.tx, ticket, eventId: r.eventId, notices: dispatchNotices(r.assignees, r.mode, rule.acceptMinutes) })));
      return { ...r, outbounds, announcedIn: ticket.groupId, reply: t(ctx.lang).dispatchedTo({ number: ticket.number, assignee: names }) };
    },
  },
  accept: simple("accept", "accepted"),
  progress: simple("progress", "in_progress", "note"),
  resolve: simple("resolve", "resolved", "note"),
  dismiss: simple("dismiss", "dismissed"),
  merge: {
    name: "merge", to: "merged", policy: "ticket.transition", needs: "into",
    async perform(ctx, ticket, input) {
      const number = parseTicketNumber(input.into, ctx.ticketPrefix);
      const into = number ? await findTicket({ db: ctx.tx, number }) : null;
      if (!into) throw new AppError("not_found", { message: `ticket ${input.into} not found`, userMessage: t(ctx.lang).ticketNotFound({ number: number ?? String(input.into) }) });
      const r = await mergeTicket({ tx: ctx.tx, actor: ctx.actor, ticket, into, note: input.note, now: ctx.now, lang: ctx.lang });
      // The duplicate's reporters now follow the ticket it joined, and each is told so once.
      const moved = await moveReporters({ tx: ctx.tx, fromId: ticket.id, intoId: into.id });
      const outbounds = await announceMerge(ctx.tx, moved.map((m) => m.residentId), into, r.eventId);
      return { ...r, outbounds, reply: t(ctx.lang).mergedInto({ number: ticket.number, into: into.number }) };
    },
  },
  escalate: {
    name: "escalate", to: "escalated", policy: "ticket.escalate",
    async perform(ctx, ticket, input) {
      const r = await escalateTicket({ tx: ctx.tx, actor: ctx.actor, ticket, reason: input.note, now: ctx.now, lang: ctx.lang });
      const outbounds = await announceStep({ tx: ctx.tx, ticket, step: "escalated", eventId: r.eventId, tier: r.tier });
      const rule = await slaRuleFor(ctx.tx, ticket);
      outbounds.push(...(await notifyStaff({ tx: ctx.tx, ticket, eventId: r.eventId, notices: r.staff.map((s) => ({ staff: s, kind: "escalated" as const, tier: r.tier, reason: input.note, minutes: rule.acceptMinutes })) })));
      return { ...r, outbounds, announcedIn: ticket.groupId, reply: t(ctx.lang).escalatedTo({ number: ticket.number, tier: tierLabel(r.tier, ctx.lang) }), fileHotline: r.tier === "hotline" };
    },
  },
  rate: {
    name: "rate", to: "rated", policy: "ticket.rate", http: "ticket.transition", needs: "rating",
    async perform(ctx, ticket, input) {
      const r = await recordRating({ tx: ctx.tx, actor: ctx.actor, ticket, rating: input.rating!, note: input.note, residentId: ctx.residentId, settings: ctx.settings, now: ctx.now, lang: ctx.lang });
      return { eventId: r.eventId, seq: r.seq, from: r.from, to: r.to, outbounds: r.outbounds, reply: r.reply };
    },
  },
  publish: {
    name: "publish", to: "published", policy: "ticket.transition",
    async perform(ctx, ticket, input) {
      const r = await publishTicket({ tx: ctx.tx, actor: ctx.actor, ticket, note: input.note, now: ctx.now, lang: ctx.lang });
      const outbounds = await postOutcomeCard({ tx: ctx.tx, ticketId: ticket.id, eventId: r.eventId });
      return { ...r, outbounds, reply: done(ctx, ticket, "published") };
    },
  },
  reopen: {
    name: "reopen", to: "reopened", policy: "ticket.transition",
    async perform(ctx, ticket, input) {
      const r = await reopenTicket({ tx: ctx.tx, actor: ctx.actor, ticket, note: input.note, now: ctx.now, lang: ctx.lang });
      const outbounds = await announceStep({ tx: ctx.tx, ticket, step: "reopened", eventId: r.eventId, note: input.note });
      return { ...r, outbounds, announcedIn: ticket.groupId, reply: done(ctx, ticket, "reopened") };
    },
  },
};

/** Tell the reporters a merge moved (now reporters of `into`) where their report went, once each. */
async function announceMerge(tx: Tx, residentIds: number[], into: TicketDetail, eventId: number): Promise<number[]> {
  const reporters = (await findReporters({ db: tx, ticketIds: [into.id] })).filter((r) => residentIds.includes(r.resident.id));
  const ids: number[] = [];
  for (const r of reporters) {
    if (!r.group.active) continue;
    ids.push(await createOutbound(tx, {
      key: `merge-${eventId}-r${r.resident.id}`, platform: r.group.platform, groupId: r.group.id, kind: "notify", text: rt(r.lang).clusterJoined({ number: into.number }), ticketId: into.id,
      replyTo: r.message ? { messageId: r.message.messageId, senderName: maskPersonal(r.resident.displayName), excerpt: maskPersonal(r.message.text.slice(0, 30)) } : undefined,
      mention: { userId: r.resident.userId, name: r.resident.displayName },
    }));
  }
  return ids;
}

/** The staff notices of a dispatch: the assignee is told it is theirs, or every leader that it is on offer. */
function dispatchNotices(assignees: StaffNotice["staff"][], mode: "assigned" | "offered", minutes: number): StaffNotice[] {
  return assignees.map((staff) => ({ staff, kind: mode === "assigned" ? ("assigned" as const) : ("offered" as const), minutes }));
}

/** Options of runTicketAction. */
export interface RunTicketActionOptions extends TicketActionContext {
  action: TicketActionName;
  /** The ticket, read in this transaction. */
  ticket: TicketDetail;
  input: TicketActionInput;
  /** The usage line the refusal for missing input shows. */
  usage?: string;
}

/**
 * Run one action: scope first (a leader outside the grid hears that, not what the command is missing), then
 * the input it needs, then the service. The caller commits, queues `outbounds` and runs `followUp`.
 */
export async function runTicketAction(opts: RunTicketActionOptions): Promise<TicketActionOutcome> {
  const spec = TICKET_ACTIONS[opts.action];
  const { ticket, input, lang } = opts;
  authorize(opts.actor, spec.policy, { kind: "ticket", grid: ticket.group.grid, number: ticket.number }, lang);
  const usage = opts.usage ?? `/${spec.name} ${ticket.number} …`;
  const m = t(lang);
  if (spec.needs === "note" && !input.note) throw new AppError("bad_request", { message: "note missing", userMessage: m.needText({ usage }) });
  if (spec.needs === "into" && !input.into) throw new AppError("bad_request", { message: "into missing", userMessage: m.needMergeTarget({ usage }) });
  if (spec.needs === "rating" && input.rating === undefined) throw new AppError("bad_request", { message: "rating missing", userMessage: m.needRating({ usage }) });
  const { fileHotline, ...done } = await spec.perform(opts, ticket, input);
  const left = ticket.status === "resolved" && done.to !== "resolved" && ticket.closedAt ? { leftResolutionAtMs: ticket.closedAt.getTime() } : {};
  return { ...done, number: ticket.number, followUp: { ticketId: ticket.id, seq: done.seq, ...(fileHotline ? { fileHotline } : {}), ...left } };
}
