// The figures the dashboard needs (GET /api/stats): one query per figure over the tickets opened in a period,
// filtered by grid (its groups' ids, looked up first). Every figure reads one covering index of Ticket (named
// with INDEXED BY: without ANALYZE statistics SQLite would pick the status index and read every row). Read-only. Times are computed in SQL (SQLite date functions; Postgres needs its own
// spelling of these few expressions when it arrives). Days are China days (UTC+8).

import type { Db } from "../infra/db.js";
import type { Tx } from "../infra/rows.js";

/** Statuses where the work is done (the resident's problem was handled). */
export const RESOLVED_STATUSES = ["resolved", "rated", "published"] as const;
/** Statuses still being worked on. */
export const WORKING_STATUSES = ["open", "dispatched", "accepted", "in_progress", "escalated", "reopened"] as const;
/** Not counted as complaints at all (not a complaint; a duplicate of another ticket). */
const NOT_COUNTED = ["dismissed", "merged"] as const;

/** Options of ticketStats. */
export interface TicketStatsOptions {
  db: Db | Tx;
  /** Tickets opened at or after this… */
  from: Date;
  /** …and before this. */
  to: Date;
  /** Only these grids (the request's ?grid= and the actor's scope, already intersected); null: all. */
  grids: string[] | null;
  /** "Overdue" is judged at this time. @defaultValue new Date() */
  now?: Date;
}

/** Every figure. Durations in seconds (null: nothing to average); shares 0…1 (null: no tickets). */
export interface TicketStats {
  from: Date;
  to: Date;
  perCategoryDay: Array<{ category: string; day: string; count: number }>;
  perGrid: Array<{ grid: string | null; count: number }>;
  perGroup: Array<{ groupId: number; title: string; grid: string | null; count: number }>;
  status: { open: number; overdue: number; resolved: number; dismissed: number; merged: number; total: number };
  resolvedWithin24h: { share: number | null; resolved: number; counted: number };
  meanSecondsToAccept: number | null;
  meanSecondsToResolve: number | null;
  meanRating: number | null;
  ratings: number;
  /** SLA breaches (ticket.breachCount summed) and escalations (escalated events), by the tier that owns the ticket now. */
  breachesPerTier: Array<{ tier: string; count: number }>;
  escalationsPerTier: Array<{ tier: string; count: number }>;
}

/** The stored text form of a DateTime (the SQLite adapter writes ISO 8601 with +00:00), for range comparisons. */
const stored = (d: Date) => d.toISOString().replace("Z", "+00:00");
const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(", ");
const num = (v: unknown): number => (typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : Number(v ?? 0));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

/** Compute every figure; each is one query over Ticket (joined to its Group for the grid). */
export async function ticketStats(opts: TicketStatsOptions): Promise<TicketStats> {
  const { db } = opts;
  if (opts.grids && opts.grids.length === 0) {
    return { from: opts.from, to: opts.to, perCategoryDay: [], perGrid: [], perGroup: [], status: { open: 0, overdue: 0, resolved: 0, dismissed: 0, merged: 0, total: 0 }, resolvedWithin24h: { share: null, resolved: 0, counted: 0 }, meanSecondsToAccept: null, meanSecondsToResolve: null, meanRating: null, ratings: 0, breachesPerTier: [], escalationsPerTier: [] };
  }
  const params: unknown[] = [stored(opts.from), stored(opts.to)];
  let where = `t."createdAt" >= ? AND t."createdAt" < ?`;
  if (opts.grids) {
    // The grids' groups first (a handful of rows), so every figure reads the covering Ticket index alone.
    const groups = await db.group.findMany({ where: { grid: { in: opts.grids } }, select: { id: true } });
    where += ` AND t."groupId" IN (${groups.map((g) => g.id).join(", ") || "NULL"})`;
  }
  const from = `FROM "Ticket" t INDEXED BY "Ticket_stats_idx" WHERE ${where}`;
  const q = <T>(sql: string) => db.$queryRawUnsafe<T[]>(sql, ...params);

  const now = stored(opts.now ?? new Date());
  const [perCategoryDay, perGrid, perGroup, byStatus, within, resolve, accept, rating, overdue, breaches, escalations] = await Promise.all([
    q<{ category: string; day: string; n: bigint }>(`SELECT t."category" AS category, date(t."createdAt", '+8 hours') AS day, count(*) AS n ${from} GROUP BY t."category", day ORDER BY day, t."category"`),
    q<{ grid: string | null; n: bigint }>(`SELECT g."grid" AS grid, sum(x.n) AS n FROM (SELECT t."groupId", count(*) AS n ${from} GROUP BY t."groupId") x JOIN "Group" g ON g."id" = x."groupId" GROUP BY g."grid" ORDER BY n DESC`),
    q<{ groupId: number; title: string; grid: string | null; n: bigint }>(`SELECT x."groupId" AS groupId, g."title" AS title, g."grid" AS grid, x.n AS n FROM (SELECT t."groupId", count(*) AS n ${from} GROUP BY t."groupId") x JOIN "Group" g ON g."id" = x."groupId" ORDER BY n DESC`),
    q<{ status: string; n: bigint }>(`SELECT t."status" AS status, count(*) AS n ${from} GROUP BY t."status"`),
    q<{ fast: bigint | null; resolved: bigint | null; counted: bigint }>(
      `SELECT sum(CASE WHEN t."status" IN (${list(RESOLVED_STATUSES)}) AND t."closedAt" IS NOT NULL AND julianday(t."closedAt") - julianday(t."createdAt") <= 1 THEN 1 ELSE 0 END) AS fast,
              sum(CASE WHEN t."status" IN (${list(RESOLVED_STATUSES)}) THEN 1 ELSE 0 END) AS resolved,
              sum(CASE WHEN t."status" NOT IN (${list(NOT_COUNTED)}) THEN 1 ELSE 0 END) AS counted ${from}`,
    ),
    q<{ s: number | null }>(`SELECT avg((julianday(t."closedAt") - julianday(t."createdAt")) * 86400.0) AS s ${from} AND t."status" IN (${list(RESOLVED_STATUSES)}) AND t."closedAt" IS NOT NULL`),
    // Time to accept: each ticket's first "accepted" event (TicketEvent is indexed by toStatus, ticketId, createdAt).
    // CROSS JOIN keeps the tickets of the period outside (SQLite's way to fix the join order).
    q<{ s: number | null }>(
      `SELECT avg(x) AS s FROM (SELECT (julianday(min(e."createdAt")) - julianday(t."createdAt")) * 86400.0 AS x
       FROM "Ticket" t INDEXED BY "Ticket_stats_idx" CROSS JOIN "TicketEvent" e ON e."toStatus" = 'accepted' AND e."ticketId" = t."id" WHERE ${where} GROUP BY t."id")`,
    ),
    q<{ avg: number | null; n: bigint }>(`SELECT avg(t."rating") AS avg, count(t."rating") AS n ${from} AND t."rating" IS NOT NULL`),
    // Overdue: still being worked on and past the SLA's resolve deadline (the ticket cycle's clock column).
    db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n ${from} AND t."status" IN (${list(WORKING_STATUSES)}) AND t."resolveDueAt" IS NOT NULL AND t."resolveDueAt" < ?`, ...params, now),
    q<{ tier: string; n: bigint }>(`SELECT t."tier" AS tier, sum(t."breachCount") AS n ${from} AND t."breachCount" > 0 GROUP BY t."tier" ORDER BY n DESC`),
    q<{ tier: string; n: bigint }>(`SELECT t."tier" AS tier, count(*) AS n FROM "Ticket" t INDEXED BY "Ticket_stats_idx" CROSS JOIN "TicketEvent" e ON e."toStatus" = 'escalated' AND e."ticketId" = t."id" WHERE ${where} GROUP BY t."tier" ORDER BY n DESC`),
  ]);

  const count = (s: readonly string[]) => byStatus.filter((r) => s.includes(r.status)).reduce((a, r) => a + num(r.n), 0);
  const w = within[0] ?? { fast: 0n, resolved: 0n, counted: 0n };
  return {
    from: opts.from,
    to: opts.to,
    perCategoryDay: perCategoryDay.map((r) => ({ category: r.category, day: r.day, count: num(r.n) })),
    perGrid: perGrid.map((r) => ({ grid: r.grid, count: num(r.n) })),
    perGroup: perGroup.map((r) => ({ groupId: num(r.groupId), title: r.title, grid: r.grid, count: num(r.n) })),
    status: { open: count(WORKING_STATUSES), overdue: num(overdue[0]?.n), resolved: count(RESOLVED_STATUSES), dismissed: count(["dismissed"]), merged: count(["merged"]), total: byStatus.reduce((a, r) => a + num(r.n), 0) },
    resolvedWithin24h: { share: num(w.counted) ? num(w.fast) / num(w.counted) : null, resolved: num(w.resolved), counted: num(w.counted) },
    meanSecondsToResolve: numOrNull(resolve[0]?.s),
    meanSecondsToAccept: numOrNull(accept[0]?.s),
    meanRating: numOrNull(rating[0]?.avg),
    ratings: num(rating[0]?.n),
    breachesPerTier: breaches.map((r) => ({ tier: r.tier, count: num(r.n) })),
    escalationsPerTier: escalations.map((r) => ({ tier: r.tier, count: num(r.n) })),
  };
}
