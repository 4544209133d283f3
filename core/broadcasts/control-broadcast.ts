// A broadcast's life after its preview: confirm (start now or schedule), pause, resume, cancel, and what each
// delivery's outcome triggers (progress to the author at most once a minute, the final report). Every state
// change is a conditional update (from the states it may leave), so a replay or a race changes nothing twice.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { lanePriority, type Queues } from "../infra/queues.js";
import type { Tx } from "../infra/rows.js";
import { t, type Lang } from "../locale.js";
import { createOutbound } from "../outbox.js";
import { authorize, scopeOf, type Actor } from "../policy/authorize.js";
import type { Platform } from "../ports/chat.js";
import { maskPersonal } from "../privacy.js";

/** Broadcast states. */
export const BROADCAST_STATUSES = ["draft", "scheduled", "sending", "paused", "done", "cancelled"] as const;
/** One broadcast state. */
export type BroadcastState = (typeof BROADCAST_STATUSES)[number];

/** What every control call takes: `tx` for the state change (a chat command's transaction, or its own). */
export interface ControlOptions {
  tx: Tx;
  actor: Actor;
  /** 12 or "B12". */
  id: number | string;
  lang?: Lang;
  now?: Date;
}

/** The queue work a state change needs once its transaction committed (see runFollowUp). */
export type FollowUp =
  | { kind: "none" }
  | { kind: "enqueue"; id: number; priority: string; fresh?: boolean }
  | { kind: "schedule"; id: number; at: Date }
  | { kind: "unschedule"; id: number }
  /** Arm a poll's close at its deadline (core/polls). */
  | { kind: "pollClose"; pollId: number; at: Date };

/** A control call's outcome: the broadcast's new state, its counts and the queue work to do after commit. */
export interface ControlResult {
  id: number;
  status: BroadcastState;
  scheduledAt?: Date;
  counts: Awaited<ReturnType<typeof deliveryCounts>>;
  followUp: FollowUp;
}

/** Parse "B12", "#B12" or 12 into a broadcast id, or a clear error. */
export function parseBroadcastId(raw: number | string | undefined, lang: Lang = "zh"): number {
  const id = typeof raw === "number" ? raw : Number(String(raw ?? "").trim().replace(/^#?B/i, ""));
  if (!Number.isInteger(id) || id <= 0) throw new AppError("bad_request", { message: "broadcast id must be a positive integer (e.g. 12 or B12)", userMessage: t(lang).broadcastNotFound({ id: String(raw ?? "") }) });
  return id;
}

async function load(opts: ControlOptions) {
  const id = parseBroadcastId(opts.id, opts.lang);
  const b = await opts.tx.broadcast.findUnique({ where: { id } });
  if (!b) throw new AppError("not_found", { message: `broadcast ${id} not found`, userMessage: t(opts.lang ?? "zh").broadcastNotFound({ id: `B${id}` }) });
  // Leaders act on their own grid's broadcasts only; the scope's grid is what authorize checks.
  authorize(opts.actor, "broadcast.create", { kind: "broadcast", grid: b.scope.startsWith("grid:") ? b.scope.slice(5) : undefined }, opts.lang);
  // A scoped account (leader, street) controls only a broadcast that stays inside its grids: pausing an admin's
  // "all" notice would stop it for every other grid too.
  const grids = scopeOf(opts.actor);
  if (grids) {
    const outside = await opts.tx.outboundMessage.findFirst({ where: { broadcastId: id, OR: [{ group: { grid: null } }, { group: { grid: { notIn: grids } } }] }, select: { group: { select: { grid: true } } } });
    if (outside) authorize(opts.actor, "broadcast.create", { kind: "broadcast", grid: outside.group.grid }, opts.lang);
  }
  return b;
}

function badState(b: { id: number; status: string }, action: string, lang: Lang = "zh"): AppError {
  return new AppError("conflict", { message: `broadcast ${b.id} is ${b.status}; cannot ${action} it`, userMessage: t(lang).broadcastBadState({ id: b.id, status: b.status, action }) });
}

/** Delivery counts of a broadcast (skipped rows are not part of the total). */
export async function deliveryCounts(db: Db | Tx, id: number, grids?: readonly string[] | null): Promise<{ total: number; sent: number; failed: number; pending: number; skipped: number }> {
  // A scoped reader (grids given) counts only its grids' deliveries, as broadcastStatus shows them over HTTP.
  const rows = await db.outboundMessage.groupBy({ by: ["status"], where: { broadcastId: id, ...(grids ? { group: { grid: { in: [...grids] } } } : {}) }, _count: { _all: true } });
  const n = (s: string) => rows.find((r) => r.status === s)?._count._all ?? 0;
  const [sent, failed, pending, skipped] = [n("sent"), n("failed"), n("queued"), n("skipped")];
  return { total: sent + failed + pending, sent, failed, pending, skipped };
}

/** Queue every pending delivery in the broadcast's lane (deterministic job ids: a repeat queues nothing twice). */
export async function enqueuePending(db: Db, queues: Queues, id: number, priority: string, opts: { fresh?: boolean } = {}): Promise<number> {
  const rows = await db.outboundMessage.findMany({ where: { broadcastId: id, status: "queued" }, select: { id: true, platform: true }, orderBy: { id: "asc" } });
  if (opts.fresh) await queues.removeOutboxJobs(rows);
  await queues.enqueueOutboundRows(rows.map((r) => ({ ...r, priority: lanePriority({ kind: "broadcast", priority }) })));
  return rows.length;
}

/** Do a control call's queue work after its transaction committed. */
export async function runFollowUp(db: Db, queues: Queues, f: FollowUp): Promise<void> {
  if (f.kind === "enqueue") await enqueuePending(db, queues, f.id, f.priority, { fresh: f.fresh });
  else if (f.kind === "schedule") await queues.scheduleBroadcast(f.id, f.at);
  else if (f.kind === "unschedule") await queues.unscheduleBroadcast(f.id);
  else if (f.kind === "pollClose") await queues.schedulePollClose(f.pollId, f.at);
}

/** The control actions, by name. */
export const CONTROL_ACTIONS = {
  confirm: confirmBroadcast,
  pause: pauseBroadcast,
  resume: resumeBroadcast,
  cancel: cancelBroadcast,
  urgent: (o: ControlOptions) => setBroadcastPriority(o, "urgent"),
  normal: (o: ControlOptions) => setBroadcastPriority(o, "normal"),
} as const;

/** One control action in its own transaction, then its queue work (the CLI's and the API's door). */
export async function controlBroadcast(opts: Omit<ControlOptions, "tx"> & { db: Db; queues: Queues; action: keyof typeof CONTROL_ACTIONS }): Promise<ControlResult> {
  const { db, queues, action, ...rest } = opts;
  const result = await db.$transaction((tx) => CONTROL_ACTIONS[action]({ ...rest, tx }));
  await runFollowUp(db, queues, result.followUp);
  return result;
}

// === Confirm, start, schedule

/**
 * Confirm a draft: a future schedule becomes a delayed job (`bcstart-<id>`), otherwise sending starts now.
 * An expired draft is refused. Confirming twice is harmless (the second call queues nothing new).
 */
export async function confirmBroadcast(opts: ControlOptions): Promise<ControlResult> {
  const now = opts.now ?? new Date();
  const b = await load(opts);
  const counts = await deliveryCounts(opts.tx, b.id);
  if (b.status === "sending") return { id: b.id, status: "sending", counts, followUp: { kind: "enqueue", id: b.id, priority: b.priority } };
  if (b.status === "scheduled") return { id: b.id, status: "scheduled", scheduledAt: b.scheduledAt!, counts, followUp: { kind: "schedule", id: b.id, at: b.scheduledAt! } };
  if (b.status !== "draft") throw badState(b, opts.lang === "en" ? "confirm" : "确认", opts.lang);
  if (b.expiresAt && b.expiresAt < now) throw new AppError("conflict", { message: `broadcast ${b.id}'s confirmation expired`, userMessage: t(opts.lang ?? "zh").broadcastExpired({ id: b.id }) });
  const scheduled = !!b.scheduledAt && b.scheduledAt > now;
  const status: BroadcastState = scheduled ? "scheduled" : "sending";
  await opts.tx.broadcast.update({ where: { id: b.id }, data: { status, ...(scheduled ? {} : { startedAt: now }) } });
  await recordAudit(opts.tx, { actor: opts.actor, action: scheduled ? "broadcast.schedule" : "broadcast.start", subject: `broadcast:${b.id}`, before: { status: "draft" }, after: { status, at: b.scheduledAt?.toISOString() } });
  return scheduled
    ? { id: b.id, status, scheduledAt: b.scheduledAt!, counts, followUp: { kind: "schedule", id: b.id, at: b.scheduledAt! } }
    : { id: b.id, status, counts, followUp: { kind: "enqueue", id: b.id, priority: b.priority } };
}

/** The delayed job's handler: a scheduled broadcast starts (once; a cancelled one stays cancelled). */
export async function startScheduledBroadcast(opts: { db: Db; queues: Queues; id: number; now?: Date }): Promise<boolean> {
  const now = opts.now ?? new Date();
  const b = await opts.db.broadcast.findUnique({ where: { id: opts.id } });
  if (!b) return false;
  if (b.status === "scheduled") {
    await opts.db.$transaction(async (tx) => {
      const r = await tx.broadcast.updateMany({ where: { id: b.id, status: "scheduled" }, data: { status: "sending", startedAt: now } });
      if (r.count) await recordAudit(tx, { actor: { name: "scheduler", channel: "system" }, action: "broadcast.start", subject: `broadcast:${b.id}`, before: { status: "scheduled" }, after: { status: "sending" } });
    });
  } else if (b.status !== "sending") return false;
  // Also after a crash between the update and the adds: the job retries and queues what is still pending.
  await enqueuePending(opts.db, opts.queues, b.id, b.priority);
  return true;
}

/** Re-add the delayed start of every scheduled broadcast (deterministic ids): a Redis that lost them loses nothing. */
export async function rescheduleAll(opts: { db: Db; queues: Queues }): Promise<number> {
  const list = await opts.db.broadcast.findMany({ where: { status: "scheduled" }, select: { id: true, scheduledAt: true } });
  for (const b of list) await opts.queues.scheduleBroadcast(b.id, b.scheduledAt ?? new Date());
  return list.length;
}

// === Pause, resume, cancel

/** Pause: deliveries not yet handed to the platform wait (the outbox holds them); nothing sent is undone. */
export async function pauseBroadcast(opts: ControlOptions): Promise<ControlResult> {
  const b = await load(opts);
  if (b.status !== "sending" && b.status !== "paused") throw badState(b, opts.lang === "en" ? "pause" : "暂停", opts.lang);
  if (b.status === "sending") {
    await opts.tx.broadcast.update({ where: { id: b.id }, data: { status: "paused" } });
    await recordAudit(opts.tx, { actor: opts.actor, action: "broadcast.pause", subject: `broadcast:${b.id}`, before: { status: "sending" }, after: { status: "paused" } });
  }
  return { id: b.id, status: "paused", counts: await deliveryCounts(opts.tx, b.id), followUp: { kind: "none" } };
}

/** Resume: the pending deliveries are queued afresh (sent ones are never resent: the outbox checks each row). */
export async function resumeBroadcast(opts: ControlOptions): Promise<ControlResult> {
  const b = await load(opts);
  if (b.status !== "paused" && b.status !== "sending") throw badState(b, opts.lang === "en" ? "resume" : "继续", opts.lang);
  if (b.status === "paused") {
    await opts.tx.broadcast.update({ where: { id: b.id }, data: { status: "sending" } });
    await recordAudit(opts.tx, { actor: opts.actor, action: "broadcast.resume", subject: `broadcast:${b.id}`, before: { status: "paused" }, after: { status: "sending" } });
  }
  return { id: b.id, status: "sending", counts: await deliveryCounts(opts.tx, b.id), followUp: { kind: "enqueue", id: b.id, priority: b.priority, fresh: true } };
}

/** Cancel a draft, a scheduled or a sending/paused broadcast: pending deliveries become skipped ("cancelled"). */
export async function cancelBroadcast(opts: ControlOptions): Promise<ControlResult> {
  const now = opts.now ?? new Date();
  const b = await load(opts);
  if (b.status === "done") throw badState(b, opts.lang === "en" ? "cancel" : "取消", opts.lang);
  if (b.status !== "cancelled") {
    await opts.tx.broadcast.update({ where: { id: b.id }, data: { status: "cancelled", finishedAt: now } });
    await opts.tx.outboundMessage.updateMany({ where: { broadcastId: b.id, status: "queued" }, data: { status: "skipped", error: "cancelled" } });
    await recordAudit(opts.tx, { actor: opts.actor, action: "broadcast.cancel", subject: `broadcast:${b.id}`, before: { status: b.status }, after: { status: "cancelled" } });
  }
  return { id: b.id, status: "cancelled", counts: await deliveryCounts(opts.tx, b.id), followUp: b.status === "scheduled" ? { kind: "unschedule", id: b.id } : { kind: "none" } };
}

/** 常急转换: make a broadcast urgent (or ordinary again); its pending deliveries move to that lane. */
export async function setBroadcastPriority(opts: ControlOptions, priority: "urgent" | "normal"): Promise<ControlResult> {
  const b = await load(opts);
  if (b.status === "done" || b.status === "cancelled") throw badState(b, opts.lang === "en" ? "change the priority of" : "转换", opts.lang);
  if (b.priority !== priority) {
    await opts.tx.broadcast.update({ where: { id: b.id }, data: { priority } });
    await recordAudit(opts.tx, { actor: opts.actor, action: "broadcast.priority", subject: `broadcast:${b.id}`, before: { priority: b.priority }, after: { priority } });
  }
  return { id: b.id, status: b.status as BroadcastState, counts: await deliveryCounts(opts.tx, b.id), followUp: b.status === "sending" ? { kind: "enqueue", id: b.id, priority, fresh: true } : { kind: "none" } };
}

// === Progress and the final report

/** Options of afterDelivery. */
export interface AfterDeliveryOptions {
  db: Db;
  queues: Queues;
  broadcastId: number;
  /** Progress lines to the author no more often than this. @defaultValue 60000 */
  progressEveryMs?: number;
  now?: Date;
}

/**
 * Called after each delivery ends (sent or failed for good): when none is pending the broadcast is done and the
 * author gets the final report naming failed groups and why; otherwise at most one progress line a minute.
 * Both are outbound rows with deterministic keys, so a replay posts nothing twice.
 */
export async function afterDelivery(opts: AfterDeliveryOptions): Promise<void> {
  const now = opts.now ?? new Date();
  const b = await opts.db.broadcast.findUnique({ where: { id: opts.broadcastId }, select: { id: true, status: true, originGroupId: true, progressAt: true, startedAt: true } });
  if (!b || b.status !== "sending") return;
  const counts = await deliveryCounts(opts.db, b.id);
  const origin = b.originGroupId ? await opts.db.group.findUnique({ where: { id: b.originGroupId }, select: { id: true, platform: true } }) : null;
  const post = async (key: string, text: string) => {
    if (!origin) return;
    const id = await createOutbound(opts.db, { key, platform: origin.platform as Platform, groupId: origin.id, kind: "command", text });
    await opts.queues.enqueueOutboundRows([{ id, platform: origin.platform }]);
  };
  const m = t("zh");
  if (counts.pending === 0) {
    const r = await opts.db.broadcast.updateMany({ where: { id: b.id, status: "sending" }, data: { status: "done", finishedAt: now } });
    if (!r.count) return;
    const failed = await opts.db.outboundMessage.findMany({ where: { broadcastId: b.id, status: "failed" }, include: { group: { select: { title: true } } }, orderBy: { id: "asc" }, take: 20 });
    const named = failed.map((f) => `${maskPersonal(f.group.title)}（${maskPersonal(f.error ?? "unknown")}）`);
    if (counts.failed > failed.length) named.push(`…${counts.failed - failed.length}`);
    await post(`bc-report-${b.id}`, m.broadcastReport({ id: b.id, sent: counts.sent, total: counts.total, failed: named }));
    return;
  }
  const every = opts.progressEveryMs ?? 60_000;
  const last = b.progressAt ?? b.startedAt ?? now;
  if (now.getTime() - last.getTime() < every) return;
  // Only the caller that moves progressAt posts the line.
  const r = await opts.db.broadcast.updateMany({ where: { id: b.id, progressAt: b.progressAt }, data: { progressAt: now } });
  if (r.count) await post(`bc-progress-${b.id}-${now.getTime()}`, m.broadcastProgress({ id: b.id, sent: counts.sent, total: counts.total, failed: counts.failed }));
}
