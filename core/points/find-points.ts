// Reading points: one resident's balance and rank in a grid (/points, #积分), and a grid's leaderboard (the API).

import type { Db } from "../infra/db.js";
import type { Tx } from "../infra/rows.js";

/** One line of a leaderboard. */
export interface PointsLine {
  rank: number;
  residentId: number;
  displayName: string;
  points: number;
  tickets: number;
}

/** A grid's leaderboard, highest first (ties share a rank); `grid` null: awards of groups without a grid. */
export async function pointsLeaderboard(opts: { db: Db | Tx; grid: string | null; limit?: number }): Promise<{ total: number; items: PointsLine[] }> {
  const { db } = opts;
  const sums = await db.pointsAward.groupBy({ by: ["residentId"], where: { grid: opts.grid }, _sum: { points: true }, _count: { _all: true }, orderBy: { _sum: { points: "desc" } } });
  const shown = sums.slice(0, opts.limit ?? 50);
  const names = new Map((await db.resident.findMany({ where: { id: { in: shown.map((s) => s.residentId) } }, select: { id: true, displayName: true } })).map((r) => [r.id, r.displayName]));
  let rank = 0;
  let last: number | null = null;
  const items = sums.map((s, i) => {
    const points = s._sum.points ?? 0;
    if (points !== last) rank = i + 1;
    last = points;
    return { rank, residentId: s.residentId, displayName: names.get(s.residentId) ?? "", points, tickets: s._count._all };
  }).slice(0, shown.length);
  return { total: sums.length, items };
}

/** One resident's balance in a grid and their rank there (null when they have none yet). */
export async function residentPoints(opts: { db: Db | Tx; residentId: number; grid: string | null }): Promise<{ points: number; rank: number; total: number } | null> {
  const { db } = opts;
  const mine = await db.pointsAward.aggregate({ where: { residentId: opts.residentId, grid: opts.grid }, _sum: { points: true } });
  const points = mine._sum.points;
  if (points === null) return null;
  const sums = await db.pointsAward.groupBy({ by: ["residentId"], where: { grid: opts.grid }, _sum: { points: true } });
  const higher = sums.filter((s) => (s._sum.points ?? 0) > points).length;
  return { points, rank: higher + 1, total: sums.length };
}
