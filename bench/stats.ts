// GET /api/stats's figures over 100,000 tickets: seeds a temp SQLite file (migrated like production), then
// times each figure (the query ticketStats runs for it) against a baseline — a plain count over the same
// range — in the same run. Target: each figure ≤ 200 ms.
// Run: node bin/run-ts.js bench/stats.ts [tickets]
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { openDatabase, type Prisma } from "../core/infra/db.js";
import { ticketStats } from "../core/tickets/ticket-stats.js";
import { DAY, GRIDS, SEED_NOW, seedStatsDatabase } from "./stats-seed.js";

const N = Number(process.argv[2] ?? 100_000);
const { dir, url } = await seedStatsDatabase(N);
const now = SEED_NOW;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

// === Time each figure: ticketStats runs one query per figure; time them one at a time via a figure filter.
const db = await openDatabase(url);
const from = new Date(now - 30 * DAY);
const to = new Date(now);
const fromS = iso(from.getTime());
const toS = iso(to.getTime());
const median = async (fn: () => Promise<unknown>, runs = 7): Promise<number> => {
  await fn(); // warm the page cache and the statement
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    ms.push(performance.now() - s);
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)];
};

const baseline = await median(() => db.$queryRawUnsafe(`SELECT count(*) FROM "Ticket" t WHERE t."createdAt" >= ? AND t."createdAt" < ?`, fromS, toS));
console.log(`baseline (plain count over the same 30 days): ${baseline.toFixed(1)} ms`);
for (const grids of [null, [GRIDS[0]]]) {
  // The whole endpoint's work, and each figure alone (ticketStats with that figure's query only is the same SQL).
  const total = await median(() => ticketStats({ db, from, to, grids }));
  console.log(`\n${grids ? `grid ${grids[0]}` : "all grids"}: all figures together ${total.toFixed(1)} ms (ratio to baseline ${(total / baseline).toFixed(1)})`);
  const captured: Prisma.Sql[] = [];
  const spy = new Proxy(db, { get: (t, p) => (p === "$queryRaw" ? (sql: Prisma.Sql) => { captured.push(sql); return (t as typeof db).$queryRaw(sql); } : Reflect.get(t, p)) });
  await ticketStats({ db: spy as typeof db, from, to, grids });
  const names = ["per category per day", "per grid", "per group", "open/resolved (by status)", "resolved within 24 h", "mean time to resolve", "mean time to accept", "mean rating", "overdue", "SLA breaches per tier", "escalations per tier"];
  for (const [i, c] of captured.entries()) {
    const ms = await median(() => db.$queryRaw(c));
    // The index SQLite's planner chose for it (no hint in the SQL).
    const plan = await db.$queryRawUnsafe<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${c.sql}`, ...c.values);
    const ticketScan = plan.map((p) => p.detail).find((d) => /\bt\b/.test(d) && !/\bx\b|\bg\b/.test(d)) ?? plan.map((p) => p.detail).join("; ");
    console.log(`  ${(names[i] ?? `figure ${i + 1}`).padEnd(28)} ${ms.toFixed(1).padStart(7)} ms  ratio ${(ms / baseline).toFixed(1).padStart(5)}  ${ms <= 200 ? "≤ 200 ms" : "OVER 200 ms"}  [${ticketScan}]`);
  }
}
await db.$disconnect();
fs.rmSync(dir, { recursive: true, force: true });
