// Broadcasts: one notice to many groups (all, a grid, or a tag), one OutboundMessage per group, so each
// group's delivery has its own status. Pacing is the gateways' job; this file only decides, fans out and audits.

import { recordAudit } from "../audit/record-audit.js";
import { AppError } from "../infra/errors.js";
import type { Tx } from "../infra/rows.js";
import { splitTags } from "../infra/rows.js";
import type { Lang } from "../locale.js";
import { authorize, type Actor } from "../policy/authorize.js";

/** Options of createBroadcast. */
export interface CreateBroadcastOptions {
  tx: Tx;
  actor: Actor;
  text: string;
  /** `all`, `grid:<grid>` or `tag:<tag>`. @defaultValue a leader's own grid, else "all" */
  scope?: string;
  /** The chat command that asked for it (keys its deliveries to that message). */
  sourceMessageId?: number;
  /** Language of refusals. @defaultValue "zh" */
  lang?: Lang;
}

/** What was queued: the broadcast id, its delivery rows and how many go to each platform. */
export interface CreatedBroadcast {
  id: number;
  scope: string;
  outboundIds: number[];
  perPlatform: Array<{ platform: string; count: number }>;
}

/**
 * Fan a notice out to every active, enabled group in scope. A grid leader's notice never leaves their grid:
 * no scope means their grid, `grid:<other>` is refused (saying it is not their grid), `tag:` is narrowed to it.
 */
export async function createBroadcast(opts: CreateBroadcastOptions): Promise<CreatedBroadcast> {
  const { tx, actor } = opts;
  const leaderGrid = actor.role === "grid_leader" && actor.grid ? actor.grid : undefined;
  const scope = opts.scope ?? (leaderGrid ? `grid:${leaderGrid}` : "all");
  const cut = scope.indexOf(":");
  const [kind, value] = cut >= 0 ? [scope.slice(0, cut), scope.slice(cut + 1)] : [scope, ""];
  if (!["all", "grid", "tag"].includes(kind)) throw new AppError("bad_request", { message: `broadcast scope must be all, grid:<grid> or tag:<tag> (got "${scope}")` });
  authorize(actor, "broadcast.create", { kind: "broadcast", grid: kind === "grid" ? value : undefined }, opts.lang);
  if (!opts.text.trim()) throw new AppError("bad_request", { message: "broadcast text must not be empty" });

  const groups = await tx.group.findMany({
    where: { active: true, enabled: true, ...(kind === "grid" ? { grid: value } : {}), ...(leaderGrid ? { AND: [{ grid: leaderGrid }] } : {}) },
    orderBy: { id: "asc" },
  });
  const targets = kind === "tag" ? groups.filter((g) => splitTags(g.tags).includes(value.toLowerCase())) : groups;
  const broadcast = await tx.broadcast.create({ data: { text: opts.text, actor: `staff:${actor.name}`, scope } });
  // One insert for all deliveries: a new broadcast id makes every key new, so no per-row lookup is needed.
  await tx.outboundMessage.createMany({
    data: targets.map((g) => ({ key: `bc-${broadcast.id}-${g.id}`, platform: g.platform, groupId: g.id, kind: "broadcast", text: opts.text, broadcastId: broadcast.id, sourceMessageId: opts.sourceMessageId })),
  });
  const rows = await tx.outboundMessage.findMany({ where: { broadcastId: broadcast.id }, select: { id: true }, orderBy: { id: "asc" } });
  const counts = new Map<string, number>();
  for (const g of targets) counts.set(g.platform, (counts.get(g.platform) ?? 0) + 1);
  await recordAudit(tx, { actor, action: "broadcast.create", subject: `broadcast:${broadcast.id}`, after: { scope, text: opts.text, groups: targets.length } });
  return { id: broadcast.id, scope, outboundIds: rows.map((r) => r.id), perPlatform: [...counts].map(([platform, count]) => ({ platform, count })) };
}
