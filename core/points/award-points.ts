// 积分: residents earn points for complaints that end resolved — the first reporter of an incident the full
// points, neighbours who joined it fewer, both weighted by severity. Never twice for one ticket and resident:
// the PointsAward unique key makes a replayed or repeated resolution (resolve → reopen → resolve) harmless.

import type { Tx } from "../infra/rows.js";

/** The points table (config: POINTS_FIRST, POINTS_LATER, POINTS_SEVERITY_WEIGHTS). */
export interface PointsTable {
  first: number;
  later: number;
  /** Multipliers for severity 1, 2, 3. */
  severityWeights: readonly [number, number, number];
}

/** The defaults .env.example documents. */
export const DEFAULT_POINTS: PointsTable = { first: 10, later: 4, severityWeights: [1, 1.5, 2] };

/** Points one reporter earns: the table's row for first or later, times the severity's weight, rounded. */
export function pointsFor(table: PointsTable, first: boolean, severity: number): number {
  const weight = table.severityWeights[Math.min(3, Math.max(1, Math.round(severity))) - 1];
  return Math.round((first ? table.first : table.later) * weight);
}

/** Options of awardPoints; runs in the resolution's transaction. */
export interface AwardPointsOptions {
  tx: Tx;
  ticketId: number;
  table?: PointsTable;
}

/**
 * Award every reporter of a resolved ticket their points (once). Returns the awards made by this call
 * (empty on a replay). Dismissed, merged or open tickets earn nothing: the caller awards on resolution only,
 * and this refuses any other status as a guard.
 */
export async function awardPoints(opts: AwardPointsOptions): Promise<Array<{ residentId: number; points: number }>> {
  const { tx } = opts;
  const table = opts.table ?? DEFAULT_POINTS;
  const ticket = await tx.ticket.findUnique({ where: { id: opts.ticketId }, select: { id: true, status: true, severity: true, group: { select: { grid: true } } } });
  if (!ticket || ticket.status !== "resolved") return [];
  const reporters = await tx.ticketReporter.findMany({ where: { ticketId: ticket.id }, orderBy: { id: "asc" } });
  const already = new Set((await tx.pointsAward.findMany({ where: { ticketId: ticket.id }, select: { residentId: true } })).map((a) => a.residentId));
  const out: Array<{ residentId: number; points: number }> = [];
  for (const r of reporters) {
    if (already.has(r.residentId)) continue;
    const points = pointsFor(table, r.first, ticket.severity);
    await tx.pointsAward.create({ data: { ticketId: ticket.id, residentId: r.residentId, grid: ticket.group.grid, points, reason: r.first ? "first" : "later" } });
    out.push({ residentId: r.residentId, points });
  }
  return out;
}
