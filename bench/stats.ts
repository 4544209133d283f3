// GET /api/stats's figures over 100,000 tickets: seeds a temp SQLite file (migrated like production), then
// times each figure (the query ticketStats runs for it) against a baseline — a plain count over the same
// range — in the same run. Target: each figure ≤ 200 ms.
// Run: node bin/run-ts.js bench/stats.ts [tickets]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { chinaDay } from "../core/broadcasts/china-time.js";
import { migrateDatabase, openDatabase, type Prisma } from "../core/infra/db.js";
import { ticketStats } from "../core/tickets/ticket-stats.js";

const N = Number(process.argv[2] ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-bench-stats-"));
const url = `file:${path.join(dir, "bench.db")}`;
await migrateDatabase(url);

// === Seed (better-sqlite3 directly: one transaction, prepared statements)
const raw = new Database(path.join(dir, "bench.db"));
raw.pragma("journal_mode = WAL");
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const CATS = ["utilities", "safety", "environment", "noise", "housing", "traffic", "public_order", "other"];
const STATUSES = ["open", "dispatched", "accepted", "in_progress", "resolved", "resolved", "rated", "rated", "published", "dismissed", "merged", "escalated", "reopened"];
const GRIDS = ["莲花第一网格", "莲花第二网格", "桃源第一网格", "桃源第二网格", "青山网格"];
const now = Date.UTC(2026, 11, 1, 12);
const DAY = 86_400_000;
const SPAN_DAYS = 90;
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const t0 = performance.now();
raw.transaction(() => {
  const group = raw.prepare(`INSERT INTO "Group" (platform, chatId, title, grid, updatedAt) VALUES ('playground', ?, ?, ?, ?)`);
  for (let g = 0; g < 40; g++) group.run(`g${g}`, `第${g}群`, GRIDS[g % GRIDS.length], iso(now));
  const resident = raw.prepare(`INSERT INTO "Resident" (platform, userId, displayName, updatedAt) VALUES ('playground', ?, ?, ?)`);
  for (let r = 0; r < 2000; r++) resident.run(`u${r}`, `居民${r}`, iso(now));
  const message = raw.prepare(`INSERT INTO "Message" (platform, chatId, messageId, groupId, residentId, kind, text, sentAt, createdAt) VALUES ('playground', ?, ?, ?, ?, 'complaint', '停电了', ?, ?)`);
  const ticket = raw.prepare(`INSERT INTO "Ticket" (number, category, severity, status, groupId, reporterId, sourceMessageId, text, keywords, createdAt, openedDay, updatedAt, closedAt, rating, tier, resolveDueAt, breachCount, secondsToAccept, secondsToResolve, escalationCount) VALUES (?, ?, ?, ?, ?, ?, ?, '停电了', '["停电"]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const TIERS = ["grid", "grid", "grid", "community", "street", "district", "hotline"];
  const event = raw.prepare(`INSERT INTO "TicketEvent" (ticketId, fromStatus, toStatus, actor, createdAt) VALUES (?, ?, ?, 'staff:李网格', ?)`);
  for (let i = 1; i <= N; i++) {
    const groupId = 1 + Math.floor(rnd() * 40);
    const residentId = 1 + Math.floor(rnd() * 2000);
    const created = now - Math.floor(rnd() * SPAN_DAYS * DAY);
    const status = STATUSES[Math.floor(rnd() * STATUSES.length)];
    const m = message.run(`g${groupId}`, `m${i}`, groupId, residentId, iso(created), iso(created));
    const done = ["resolved", "rated", "published", "dismissed", "merged"].includes(status);
    const closed = done ? created + Math.floor(rnd() * 3 * DAY) : null;
    const rating = status === "rated" || status === "published" ? 1 + Math.floor(rnd() * 5) : null;
    const tier = status === "escalated" ? TIERS[1 + Math.floor(rnd() * (TIERS.length - 1))] : TIERS[Math.floor(rnd() * 3)];
    const accepted = status !== "open" && status !== "dismissed" ? created + Math.floor(rnd() * 4 * 3600_000) : null;
    const resolvedIn = closed !== null && ["resolved", "rated", "published"].includes(status) ? Math.round((closed - created) / 1000) : null;
    ticket.run(`A${String(i).padStart(6, "0")}`, CATS[Math.floor(rnd() * CATS.length)], 1 + Math.floor(rnd() * 3), status, groupId, residentId, m.lastInsertRowid, iso(created), chinaDay(new Date(created)), iso(created), closed === null ? null : iso(closed), rating, tier, iso(created + DAY), rnd() < 0.1 ? 1 : 0, accepted === null ? null : Math.round((accepted - created) / 1000), resolvedIn, status === "escalated" ? 1 : 0);
    event.run(i, null, "open", iso(created));
    if (status === "escalated") event.run(i, "open", "escalated", iso(created + 3600_000));
    if (accepted !== null) event.run(i, "open", "accepted", iso(accepted));
  }
})();
raw.close();
console.log(`seeded ${N} tickets (${SPAN_DAYS} days, 40 groups, ${GRIDS.length} grids) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

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
