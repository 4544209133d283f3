// What the assistant (and, when it hands a line on, intake's complaint path) needs to know about one inbound
// line before anything else — the group's row, whether this message was stored before (a replay), who the
// sender is, and the version of the confirmed notices — read in ONE round trip. A Prisma query costs ~0.6 ms
// of query compilation on its own; this raw statement costs ~0.15 ms, and the answer path runs it once.
import type { Db } from "../infra/db.js";
import { ensureGroup } from "../groups/registry.js";
import type { ChatMessage } from "../ports/chat.js";

/** A Group row, as Prisma returns it. */
export type GroupRow = Awaited<ReturnType<Db["group"]["findFirstOrThrow"]>>;

/** What one line's handling starts from. */
export interface SenderContext {
  group: GroupRow;
  /** The stored Message row of this very message (a replayed job), or null. */
  messageRowId: number | null;
  /** The sender's Resident row, or null for someone never seen. */
  resident: { id: number; displayName: string } | null;
  /**
   * Changes whenever a broadcast starts sending or stops counting (cancelled): the count and the id sum of the
   * broadcasts residents were told about. Keys the per-group notice cache (notice-cache.ts).
   */
  noticeVersion: string;
}

type Raw = GroupRow & { _messageRowId: number | bigint | null; _residentId: number | bigint | null; _residentName: string | null; _noticeVersion: string | null };

async function read(prisma: Db, msg: ChatMessage): Promise<Raw | undefined> {
  // Quoted identifiers and || concatenation: the same statement runs on SQLite and PostgreSQL.
  const rows = await prisma.$queryRaw<Raw[]>`
    SELECT g.*,
      (SELECT m.id FROM "Message" m WHERE m.platform = g.platform AND m."chatId" = g."chatId" AND m."messageId" = ${msg.messageId}) AS "_messageRowId",
      r.id AS "_residentId", r."displayName" AS "_residentName",
      (SELECT COUNT(*) || ':' || COALESCE(SUM(b.id), 0) FROM "Broadcast" b WHERE b.status IN ('sending', 'paused', 'done')) AS "_noticeVersion"
    FROM "Group" g LEFT JOIN "Resident" r ON r.platform = g.platform AND r."userId" = ${msg.sender.id}
    WHERE g.platform = ${msg.platform} AND g."chatId" = ${msg.chatId}`;
  return rows[0];
}

/** Read the context of one line; a chat never seen gets its Group row first (ensureGroup), a changed title is kept. */
export async function readSenderContext(prisma: Db, msg: ChatMessage): Promise<SenderContext> {
  let raw = await read(prisma, msg);
  if (!raw || (msg.chatTitle && msg.chatTitle !== raw.title)) {
    await ensureGroup(prisma, msg.platform, msg.chatId, msg.chatTitle);
    raw = await read(prisma, msg);
    if (!raw) throw new Error(`group ${msg.platform}:${msg.chatId} vanished while being read`);
  }
  const { _messageRowId, _residentId, _residentName, _noticeVersion, ...group } = raw;
  return {
    group: { ...group, active: Boolean(group.active), enabled: Boolean(group.enabled), staffRoom: Boolean(group.staffRoom), direct: Boolean(group.direct) },
    messageRowId: _messageRowId === null ? null : Number(_messageRowId),
    resident: _residentId === null ? null : { id: Number(_residentId), displayName: _residentName ?? "" },
    noticeVersion: String(_noticeVersion ?? ""),
  };
}
