// Per-group delivery status of a broadcast, with counts, any hold on a platform and a time estimate from the
// paces the gateways publish.

import type { Db } from "../infra/db.js";
import { authorize, scopeOf, type Actor } from "../policy/authorize.js";
import { sendingSeconds, type SendingPace } from "./sending-pace.js";

/** Options of broadcastStatus. */
export interface BroadcastStatusOptions {
  db: Db;
  id: number;
  /** From readSendingPaces. */
  paces: Partial<Record<string, SendingPace>>;
  /**
   * Who reads: a scoped account (a leader, a street) sees a broadcast only when it reached (or is addressed to)
   * one of its grids, and only those grids' deliveries and counts; another grid's broadcast is refused (403).
   * Absent: everything (the CLI operator).
   */
  actor?: Actor;
  now?: number;
}

/** The Prisma filter of the broadcasts a scoped reader may see (null grids: all of them). */
function visibleTo(grids: string[] | null) {
  if (!grids) return {};
  return { OR: [{ deliveries: { some: { group: { grid: { in: grids } } } } }, { scope: { in: grids.map((g) => `grid:${g}`) } }] };
}

/** The broadcast's status, or undefined when there is no such broadcast. */
export async function broadcastStatus(opts: BroadcastStatusOptions) {
  const now = opts.now ?? Date.now();
  const grids = opts.actor ? scopeOf(opts.actor) : null;
  if (opts.actor) authorize(opts.actor, "broadcast.read", {}, "en");
  const b = await opts.db.broadcast.findUnique({
    where: { id: opts.id },
    include: { deliveries: { where: grids ? { group: { grid: { in: grids } } } : {}, include: { group: { select: { id: true, title: true, platform: true, chatId: true } } }, orderBy: { id: "asc" } } },
  });
  if (!b) return undefined;
  if (grids && !b.deliveries.length && !grids.some((g) => b.scope === `grid:${g}`)) {
    authorize(opts.actor!, "broadcast.read", { kind: "broadcast", grid: b.scope.startsWith("grid:") ? b.scope.slice(5) : null }, "en");
  }
  const counts = { queued: 0, sent: 0, failed: 0, skipped: 0 };
  const queuedByPlatform = new Map<string, number>();
  for (const d of b.deliveries) {
    const status = d.status as keyof typeof counts;
    counts[status] = (counts[status] ?? 0) + 1;
    if (d.status === "queued" && (b.status === "sending" || b.status === "paused" || b.status === "scheduled" || b.status === "draft")) queuedByPlatform.set(d.group.platform, (queuedByPlatform.get(d.group.platform) ?? 0) + 1);
  }
  // Platforms send in parallel; each at its own pace, after any hold on it ends.
  const held = [...queuedByPlatform.keys()].flatMap((p) => {
    const hold = opts.paces[p]?.hold;
    return hold && hold.until > now ? [{ platform: p, until: new Date(hold.until), reason: hold.reason }] : [];
  });
  const urgent = b.priority === "urgent";
  const etaSeconds = Math.ceil([...queuedByPlatform].reduce((max, [p, n]) => Math.max(max, sendingSeconds(opts.paces[p], n, now, { urgent })), 0));
  const lastSent = b.deliveries.reduce<Date | null>((acc, d) => (d.sentAt && (!acc || d.sentAt > acc) ? d.sentAt : acc), null);
  return {
    id: b.id,
    text: b.text,
    scope: b.scope,
    actor: b.actor,
    /** draft | scheduled | sending | paused | done | cancelled */
    status: b.status,
    priority: b.priority,
    createdAt: b.createdAt,
    scheduledAt: b.scheduledAt,
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
    expiresAt: b.status === "draft" ? b.expiresAt : null,
    total: b.deliveries.length - counts.skipped,
    ...counts,
    pending: counts.queued,
    done: counts.queued === 0,
    etaSeconds,
    held,
    lastSentAt: lastSent,
    /** Per group: pending, sent (platform message id, time), failed (reason) or skipped (why). */
    deliveries: b.deliveries.map((d) => ({ groupId: d.group.id, group: d.group.title, platform: d.group.platform, status: d.status === "queued" ? "pending" : d.status, attempts: d.attempts, error: d.error, platformMessageId: d.platformMessageId, sentAt: d.sentAt })),
  };
}

/** The most recent broadcasts' status summaries (no per-group deliveries), newest first; a scoped reader's own grids' only. */
export async function recentBroadcasts(opts: { db: Db; paces: Partial<Record<string, SendingPace>>; limit?: number; actor?: Actor }) {
  if (opts.actor) authorize(opts.actor, "broadcast.read", {}, "en");
  const grids = opts.actor ? scopeOf(opts.actor) : null;
  const list = await opts.db.broadcast.findMany({ where: visibleTo(grids), orderBy: { id: "desc" }, take: opts.limit ?? 50, select: { id: true } });
  return Promise.all(
    list.map(async (b) => {
      const { deliveries: _omit, ...summary } = (await broadcastStatus({ db: opts.db, id: b.id, paces: opts.paces, actor: opts.actor }))!;
      return summary;
    }),
  );
}
