// Broadcasts: one notice to many groups (all, a grid, or a tag), one OutboundMessage per group, so each
// group's delivery has its own status. Pacing is the gateways' job; this file only fans out and reports.

import type { Config } from "./infra/config.js";
import type { Db } from "./infra/db.js";
import type { Tx } from "./tickets.js";

/** Seconds per message at each platform's configured pace (broadcast ETAs; the gateways enforce the pace). */
export function paceSeconds(config: Config): (platform: string) => number {
  return (platform) => {
    if (platform === "telegram") return 1 / config.TELEGRAM_GLOBAL_PER_SECOND;
    if (platform === "wechat") return Math.max((config.WECHAT_MIN_GAP_MS + config.WECHAT_MAX_GAP_MS) / 2000, 60 / config.WECHAT_PER_MINUTE);
    return 0;
  };
}

/** Fan a notice out to every active, enabled group in scope (`all`, `grid:<grid>`, `tag:<tag>`). */
export async function createBroadcast(tx: Tx, input: { text: string; scope: string; actor: string; sourceMessageId?: number; /** limit to this grid too */ grid?: string }) {
  const [kind, value] = input.scope.includes(":") ? [input.scope.slice(0, input.scope.indexOf(":")), input.scope.slice(input.scope.indexOf(":") + 1)] : [input.scope, ""];
  const groups = await tx.group.findMany({
    where: {
      active: true,
      enabled: true,
      ...(kind === "grid" ? { grid: value } : {}),
      ...(input.grid ? { AND: [{ grid: input.grid }] } : {}),
    },
    orderBy: { id: "asc" },
  });
  const targets = kind === "tag" ? groups.filter((g) => g.tags.split(",").includes(value.toLowerCase())) : groups;
  const broadcast = await tx.broadcast.create({ data: { text: input.text, actor: input.actor, scope: input.scope } });
  // One insert for all deliveries: a new broadcast id makes every key new, so no per-row lookup is needed.
  await tx.outboundMessage.createMany({
    data: targets.map((g) => ({
      key: `bc-${broadcast.id}-${g.id}`,
      platform: g.platform,
      groupId: g.id,
      kind: "broadcast",
      text: input.text,
      broadcastId: broadcast.id,
      sourceMessageId: input.sourceMessageId,
    })),
  });
  const rows = await tx.outboundMessage.findMany({ where: { broadcastId: broadcast.id }, select: { id: true }, orderBy: { id: "asc" } });
  const counts = new Map<string, number>();
  for (const g of targets) counts.set(g.platform, (counts.get(g.platform) ?? 0) + 1);
  return { id: broadcast.id, outboundIds: rows.map((r) => r.id), perPlatform: [...counts].map(([platform, count]) => ({ platform, count })) };
}

/** A platform's sending is held (WeChat account paused after "too frequent", or past its daily cap). */
export interface SendingHold {
  until: number;
  reason: string;
}

/** Per-group delivery status of a broadcast, with counts, any hold on a platform, and a time estimate. */
export async function broadcastStatus(prisma: Db, id: number, paceSeconds: (platform: string) => number, holds: Partial<Record<string, SendingHold>> = {}) {
  const b = await prisma.broadcast.findUnique({
    where: { id },
    include: { deliveries: { include: { group: { select: { id: true, title: true, platform: true, chatId: true } } }, orderBy: { id: "asc" } } },
  });
  if (!b) return undefined;
  const counts = { queued: 0, sent: 0, failed: 0 };
  const queuedByPlatform = new Map<string, number>();
  for (const d of b.deliveries) {
    counts[d.status as keyof typeof counts] = (counts[d.status as keyof typeof counts] ?? 0) + 1;
    if (d.status === "queued") queuedByPlatform.set(d.group.platform, (queuedByPlatform.get(d.group.platform) ?? 0) + 1);
  }
  // Platforms send in parallel; each at its own pace, after any hold on it ends.
  const now = Date.now();
  const held = [...queuedByPlatform.keys()].flatMap((p) => (holds[p] && holds[p]!.until > now ? [{ platform: p, until: new Date(holds[p]!.until), reason: holds[p]!.reason }] : []));
  const waitS = (p: string) => Math.max(0, ((holds[p]?.until ?? 0) - now) / 1000);
  const etaSeconds = Math.ceil([...queuedByPlatform].reduce((max, [p, n]) => Math.max(max, waitS(p) + n * paceSeconds(p)), 0));
  const lastSent = b.deliveries.reduce<Date | null>((acc, d) => (d.sentAt && (!acc || d.sentAt > acc) ? d.sentAt : acc), null);
  return {
    id: b.id,
    text: b.text,
    scope: b.scope,
    actor: b.actor,
    createdAt: b.createdAt,
    total: b.deliveries.length,
    ...counts,
    done: counts.queued === 0,
    etaSeconds,
    held,
    lastSentAt: lastSent,
    deliveries: b.deliveries.map((d) => ({
      groupId: d.group.id,
      group: d.group.title,
      platform: d.group.platform,
      status: d.status,
      attempts: d.attempts,
      error: d.error,
      sentAt: d.sentAt,
    })),
  };
}
