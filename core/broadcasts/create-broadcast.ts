// Broadcasts: one notice to many groups, one OutboundMessage (delivery) per group so each has its own status.
// Creating one makes a draft (or, with confirm, starts or schedules it at once): nothing is queued before the
// author has seen the preview. Pacing is the gateways' job; this file decides, fans out and audits.

import { recordAudit } from "../audit/record-audit.js";
import { AppError } from "../infra/errors.js";
import type { Tx } from "../infra/rows.js";
import type { Lang } from "../locale.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { insertDeliveries } from "../outbox.js";
import { parseAudience, resolveAudience } from "./audience.js";

/** How long a chat preview waits for 「确认」. */
export const CONFIRM_TTL_MS = 10 * 60_000;

/** Options of createBroadcast. */
export interface CreateBroadcastOptions {
  tx: Tx;
  actor: Actor;
  text: string;
  /** See parseAudience. @defaultValue a leader's own grid, else "all" */
  scope?: string;
  /** Urgent notices go ahead of ordinary broadcasts. @defaultValue "normal" */
  priority?: "normal" | "urgent";
  /** Start later (a delayed job once confirmed). */
  at?: Date;
  /** Where the author asked: progress and the final report go to that group. */
  origin?: { groupId: number; userId: string };
  /** The confirmation expires after this. @defaultValue CONFIRM_TTL_MS */
  confirmTtlMs?: number;
  /** Only compute the preview; create nothing. */
  dryRun?: boolean;
  /** Language of refusals. @defaultValue "zh" */
  lang?: Lang;
  now?: Date;
}

/** The preview (and, unless dry-run, the draft): who receives, who is skipped and why, per platform. */
export interface CreatedBroadcast {
  /** 0 on a dry run. */
  id: number;
  scope: string;
  priority: "normal" | "urgent";
  scheduledAt?: Date;
  expiresAt?: Date;
  outboundIds: number[];
  perPlatform: Array<{ platform: string; count: number }>;
  groups: Array<{ id: number; title: string; platform: string }>;
  skipped: Array<{ id: number; title: string; reason: string }>;
}

/**
 * Resolve the audience and store a draft with one delivery per group (pending, not queued) and one skipped row
 * per named group that cannot receive. A grid leader's notice never leaves their grid: no scope means their
 * grid, `grid:<other>` is refused (saying it is not their grid), other scopes are narrowed to it.
 */
export async function createBroadcast(opts: CreateBroadcastOptions): Promise<CreatedBroadcast> {
  const { tx, actor } = opts;
  const now = opts.now ?? new Date();
  const leaderGrid = actor.role === "grid_leader" && actor.grid ? actor.grid : undefined;
  const scope = opts.scope ?? (leaderGrid ? `grid:${leaderGrid}` : "all");
  const audience = parseAudience(scope);
  authorize(actor, "broadcast.create", { kind: "broadcast", grid: audience.kind === "grid" ? audience.grid : undefined }, opts.lang);
  if (!opts.text.trim()) throw new AppError("bad_request", { message: "broadcast text must not be empty" });
  if (opts.at && Number.isNaN(opts.at.getTime())) throw new AppError("bad_request", { message: "broadcast time is not a valid date" });
  const priority = opts.priority ?? "normal";

  const { targets, skipped } = await resolveAudience({ tx, actor, audience });
  const counts = new Map<string, number>();
  for (const g of targets) counts.set(g.platform, (counts.get(g.platform) ?? 0) + 1);
  const preview = {
    scope,
    priority,
    scheduledAt: opts.at && opts.at > now ? opts.at : undefined,
    perPlatform: [...counts].map(([platform, count]) => ({ platform, count })),
    groups: targets.map((g) => ({ id: g.id, title: g.title, platform: g.platform })),
    skipped: skipped.map((g) => ({ id: g.id, title: g.title, reason: g.reason })),
  };
  if (opts.dryRun) return { id: 0, outboundIds: [], ...preview };

  const expiresAt = new Date(now.getTime() + (opts.confirmTtlMs ?? CONFIRM_TTL_MS));
  const broadcast = await tx.broadcast.create({
    data: { text: opts.text, actor: `staff:${actor.name}`, scope, status: "draft", priority, expiresAt, scheduledAt: preview.scheduledAt, originGroupId: opts.origin?.groupId, originUserId: opts.origin?.userId },
  });
  // One insert for all deliveries: a new broadcast id makes every key new, so no per-row lookup is needed.
  const row = (g: { id: number; platform: string }) => ({ key: `bc-${broadcast.id}-${g.id}`, platform: g.platform, groupId: g.id, kind: "broadcast" as const, text: opts.text, broadcastId: broadcast.id });
  await insertDeliveries(tx, [...targets.map(row), ...skipped.map((g) => ({ ...row(g), status: "skipped" as const, error: g.reason }))]);
  const rows = await tx.outboundMessage.findMany({ where: { broadcastId: broadcast.id, status: "queued" }, select: { id: true }, orderBy: { id: "asc" } });
  await recordAudit(tx, { actor, action: "broadcast.create", subject: `broadcast:${broadcast.id}`, after: { scope, priority, text: opts.text, groups: targets.length, skipped: skipped.length, at: preview.scheduledAt?.toISOString() } });
  return { id: broadcast.id, expiresAt, outboundIds: rows.map((r) => r.id), ...preview };
}
