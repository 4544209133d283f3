// The tickets bench/stats.ts and bench/stats-postgres.ts time GET /api/stats over: a temp SQLite file migrated like
// production, seeded with better-sqlite3 directly (one transaction, prepared statements) — N tickets over 90 days
// in 40 groups of 5 grids, their events, and the stats columns the steps would have written.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { chinaDay } from "../core/broadcasts/china-time.js";
import { migrateDatabase } from "../core/infra/db.js";

export const GRIDS = ["莲花第一网格", "莲花第二网格", "桃源第一网格", "桃源第二网格", "青山网格"];
/** "Now" of the seeded data (the tickets were opened in the 90 days before it). */
export const SEED_NOW = Date.UTC(2026, 11, 1, 12);
export const DAY = 86_400_000;

/** Seed a fresh database with n tickets; returns its directory and url. */
export async function seedStatsDatabase(N: number): Promise<{ dir: string; url: string; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-bench-stats-"));
  const file = path.join(dir, "bench.db");
  const url = `file:${file}`;
  await migrateDatabase(url);
  const raw = new Database(file);
  raw.pragma("journal_mode = WAL");
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  const CATS = ["utilities", "safety", "environment", "noise", "housing", "traffic", "public_order", "other"];
  const STATUSES = ["open", "dispatched", "accepted", "in_progress", "resolved", "resolved", "rated", "rated", "published", "dismissed", "merged", "escalated", "reopened"];
  const now = SEED_NOW;
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
  return { dir, url, file };
}
