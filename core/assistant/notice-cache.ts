// The confirmed notices of each group, cached in the process: a notice question reads them from memory
// instead of a query joining deliveries and broadcasts. An entry is keyed by the notice version the line's
// context read (sender-context.ts) — any broadcast that starts sending or is cancelled changes it, in every
// process at once and with no message to lose — and is refreshed at least every `maxAgeMs` (the notice window
// slides with time; a delivery skipped later drops out then).
import type { Db } from "../infra/db.js";
import type { Tx } from "../infra/rows.js";

/** One notice as delivered to a group. */
export interface NoticeRow {
  broadcastId: number;
  text: string;
  at: Date;
}

/** Options of createNoticeCache. */
export interface NoticeCacheOptions {
  /** Notices older than this many days are not answered from. */
  noticeDays: number;
  /** Re-read a group's notices at least this often. @defaultValue 60000 */
  maxAgeMs?: number;
  /** Groups kept (the least recently read are dropped first). @defaultValue 5000 */
  maxGroups?: number;
}

/** The cache. */
export interface NoticeCache {
  /** The group's recent confirmed notices, newest first (from memory when `version` is unchanged). */
  forGroup(prisma: Db | Tx, groupId: number, version: string, now?: Date): Promise<NoticeRow[]>;
}

const DAY = 86_400_000;

/** The query behind the cache: the group's deliveries of confirmed broadcasts within the window, newest first. */
export async function readNotices(prisma: Db | Tx, groupId: number, noticeDays: number, now = new Date()): Promise<NoticeRow[]> {
  const rows = await prisma.outboundMessage.findMany({
    // Only notices that were confirmed (a draft or a cancelled one was never told to anyone).
    where: { groupId, kind: "broadcast", broadcastId: { not: null }, status: { not: "skipped" }, broadcast: { status: { in: ["sending", "paused", "done"] } }, createdAt: { gte: new Date(now.getTime() - noticeDays * DAY) } },
    orderBy: { id: "desc" },
    take: 20,
    select: { broadcastId: true, text: true, createdAt: true, sentAt: true },
  });
  return rows.map((n) => ({ broadcastId: n.broadcastId!, text: n.text, at: n.sentAt ?? n.createdAt }));
}

/** Build a notice cache. */
export function createNoticeCache(opts: NoticeCacheOptions): NoticeCache {
  const { noticeDays, maxAgeMs, maxGroups } = { maxAgeMs: 60_000, maxGroups: 5000, ...opts };
  const entries = new Map<number, { version: string; readAt: number; rows: NoticeRow[] }>();
  return {
    async forGroup(prisma, groupId, version, now = new Date()) {
      const hit = entries.get(groupId);
      const cutoff = now.getTime() - noticeDays * DAY;
      if (hit && hit.version === version && now.getTime() - hit.readAt < maxAgeMs) {
        entries.delete(groupId); // re-inserted: most recently used last
        entries.set(groupId, hit);
        return hit.rows.filter((r) => r.at.getTime() >= cutoff);
      }
      const rows = await readNotices(prisma, groupId, noticeDays, now);
      entries.delete(groupId);
      entries.set(groupId, { version, readAt: now.getTime(), rows });
      if (entries.size > maxGroups) entries.delete(entries.keys().next().value!);
      return rows;
    },
  };
}
