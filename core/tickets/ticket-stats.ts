// The figures the dashboard needs (GET /api/stats): one query per figure over the tickets opened in a period,
// filtered by grid (its groups' ids, looked up first). Read-only. Portable SQL: the same statements run on SQLite
// and PostgreSQL — no date functions (durations, the China day and the escalation count are columns the ticket's
// steps write: openedDay, secondsToAccept, secondsToResolve, escalationCount), placeholders from Prisma.sql, every
// alias quoted. Every figure reads the covering index Ticket_stats_idx (the only index leading with createdAt): the
// WHERE holds the period and the groups only — each figure's own conditions sit in its aggregates — and the group
// list is written `"groupId" + 0 IN (…)` so SQLite, planning without ANALYZE statistics, does not trade the
// period's range for the (groupId, status) index (PostgreSQL plans with its statistics either way).

import { Prisma, type Db } from "../infra/db.js";
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

/** The stored text form of a DateTime (the SQLite adapter writes ISO 8601 with +00:00; PostgreSQL reads it as a timestamp). */
const stored = (d: Date) => d.toISOString().replace("Z", "+00:00");
const list = (xs: readonly string[]) => Prisma.raw(xs.map((x) => `'${x}'`).join(", "));
const num = (v: unknown): number => (typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : Number(v ?? 0));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const DAY_SECONDS = 86_400;

/** One statement per figure, in the order of TicketStats (the bench and the PostgreSQL check run exactly these). */
export function ticketStatsQueries(opts: { from: Date; to: Date; groupIds: number[] | null; now: Date }): Prisma.Sql[] {
  const groups = opts.groupIds === null ? Prisma.empty : Prisma.sql` AND t."groupId" + 0 IN (${opts.groupIds.length ? Prisma.join(opts.groupIds) : Prisma.raw("NULL")})`;
  const from = Prisma.sql`FROM "Ticket" t WHERE t."createdAt" >= ${stored(opts.from)} AND t."createdAt" < ${stored(opts.to)}${groups}`;
  const resolved = list(RESOLVED_STATUSES);
  const perGroup = Prisma.sql`SELECT t."groupId" AS "groupId", count(*) AS "n" ${from} GROUP BY t."groupId"`;
  return [
    Prisma.sql`SELECT t."category" AS "category", t."openedDay" AS "day", count(*) AS "n" ${from} GROUP BY t."category", t."openedDay" ORDER BY t."openedDay", t."category"`,
    Prisma.sql`SELECT g."grid" AS "grid", sum(x."n") AS "n" FROM (${perGroup}) x JOIN "Group" g ON g."id" = x."groupId" GROUP BY g."grid" ORDER BY sum(x."n") DESC, g."grid"`,
    Prisma.sql`SELECT x."groupId" AS "groupId", g."title" AS "title", g."grid" AS "grid", x."n" AS "n" FROM (${perGroup}) x JOIN "Group" g ON g."id" = x."groupId" ORDER BY x."n" DESC, x."groupId"`,
    Prisma.sql`SELECT t."status" AS "status", count(*) AS "n" ${from} GROUP BY t."status"`,
    Prisma.sql`SELECT count(CASE WHEN t."status" IN (${resolved}) AND t."secondsToResolve" <= ${DAY_SECONDS} THEN 1 END) AS "fast",
              count(CASE WHEN t."status" IN (${resolved}) THEN 1 END) AS "resolved",
              count(CASE WHEN t."status" NOT IN (${list(NOT_COUNTED)}) THEN 1 END) AS "counted" ${from}`,
    Prisma.sql`SELECT avg(CASE WHEN t."status" IN (${resolved}) THEN t."secondsToResolve" END) AS "s" ${from}`,
    Prisma.sql`SELECT avg(t."secondsToAccept") AS "s" ${from}`,
    Prisma.sql`SELECT avg(t."rating") AS "avg", count(t."rating") AS "n" ${from}`,
    // Overdue: still being worked on and past the SLA's resolve deadline (the ticket cycle's clock column).
    Prisma.sql`SELECT count(CASE WHEN t."status" IN (${list(WORKING_STATUSES)}) AND t."resolveDueAt" < ${stored(opts.now)} THEN 1 END) AS "n" ${from}`,
    Prisma.sql`SELECT t."tier" AS "tier", sum(t."breachCount") AS "n" ${from} GROUP BY t."tier" HAVING sum(t."breachCount") > 0 ORDER BY sum(t."breachCount") DESC, t."tier"`,
    Prisma.sql`SELECT t."tier" AS "tier", sum(t."escalationCount") AS "n" ${from} GROUP BY t."tier" HAVING sum(t."escalationCount") > 0 ORDER BY sum(t."escalationCount") DESC, t."tier"`,
  ];
}

/** Compute every figure; each is one query over Ticket (joined to its Group for the grid). */
export async function ticketStats(opts: TicketStatsOptions): Promise<TicketStats> {
  const { db } = opts;
  if (opts.grids && opts.grids.length === 0) {
    return { from: opts.from, to: opts.to, perCategoryDay: [], perGrid: [], perGroup: [], status: { open: 0, overdue: 0, resolved: 0, dismissed: 0, merged: 0, total: 0 }, resolvedWithin24h: { share: null, resolved: 0, counted: 0 }, meanSecondsToAccept: null, meanSecondsToResolve: null, meanRating: null, ratings: 0, breachesPerTier: [], escalationsPerTier: [] };
  }
  // The grids' groups first (a handful of rows), so every figure reads the covering Ticket index alone.
  const groupIds = opts.grids ? (await db.group.findMany({ where: { grid: { in: opts.grids } }, select: { id: true } })).map((g) => g.id) : null;
  const queries = ticketStatsQueries({ from: opts.from, to: opts.to, groupIds, now: opts.now ?? new Date() });
  type R = Record<string, unknown>;
  const [perCategoryDay, perGrid, perGroup, byStatus, within, resolve, accept, rating, overdue, breaches, escalations] = (await Promise.all(queries.map((q) => db.$queryRaw<R[]>(q)))) as [
    Array<{ category: string; day: string; n: bigint }>,
    Array<{ grid: string | null; n: bigint }>,
    Array<{ groupId: number; title: string; grid: string | null; n: bigint }>,
    Array<{ status: string; n: bigint }>,
    Array<{ fast: bigint; resolved: bigint; counted: bigint }>,
    Array<{ s: unknown }>,
    Array<{ s: unknown }>,
    Array<{ avg: unknown; n: bigint }>,
    Array<{ n: bigint }>,
    Array<{ tier: string; n: bigint }>,
    Array<{ tier: string; n: bigint }>,
  ];

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
