// The stats columns each step writes (GET /api/stats reads them with no date arithmetic): seconds to the first
// acceptance, seconds to the latest resolution (cleared on a reopen, so a ticket resolved again counts the whole
// time its reporter waited), the escalation count and the China day of opening — and the migration that adds them
// backfills tickets written before it from their TicketEvent rows.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { chinaDay } from "../../core/broadcasts/china-time.js";
import { openDatabase, type Db } from "../../core/infra/db.js";
import { MIGRATIONS_DIR } from "../../core/infra/migrations.js";
import type { TicketStatus } from "../../core/infra/rows.js";
import { cliActor } from "../../core/policy/authorize.js";
import { findTicket } from "../../core/tickets/find-tickets.js";
import { openTicket } from "../../core/tickets/open-ticket.js";
import { ticketStats } from "../../core/tickets/ticket-stats.js";
import { transitionTicket } from "../../core/tickets/transition-ticket.js";
import { freshDatabase } from "../helpers/harness.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const admin = cliActor("test");
const S = 1000;

async function world(): Promise<Db> {
  const file = freshDatabase({ seeded: true });
  cleanups.push(() => fs.rmSync(file.dir, { recursive: true, force: true }));
  const db = await openDatabase(file.url);
  cleanups.push(() => db.$disconnect());
  return db;
}

let n = 0;
async function open(db: Db, category = "utilities") {
  const group = await db.group.upsert({ where: { platform_chatId: { platform: "playground", chatId: "stats-g" } }, create: { platform: "playground", chatId: "stats-g", title: "统计群", grid: "统计网格" }, update: {} });
  const resident = await db.resident.upsert({ where: { platform_userId: { platform: "playground", userId: "pg-w" } }, create: { platform: "playground", userId: "pg-w", displayName: "王阿姨" }, update: {} });
  const msg = await db.message.create({ data: { platform: "playground", chatId: "stats-g", messageId: `m${++n}`, groupId: group.id, residentId: resident.id, kind: "complaint", text: "停电了", sentAt: new Date() } });
  const t = await db.$transaction((tx) => openTicket({ tx, prefix: "S", groupId: group.id, reporterId: resident.id, sourceMessageId: msg.id, text: "停电了", category, severity: 1, keywords: [], origin: "report", actor: "resident:王阿姨", dispatch: false }));
  return t;
}

/** Move the ticket `number` to `to` at `ms` after it was opened; returns its row afterwards. */
async function step(db: Db, number: string, to: TicketStatus, ms: number, data = {}) {
  await db.$transaction(async (tx) => {
    const ticket = (await findTicket({ db: tx, number }))!;
    await transitionTicket({ tx, ticket, to, actor: admin, now: new Date(ticket.createdAt.getTime() + ms), data });
  });
  return db.ticket.findUniqueOrThrow({ where: { number } });
}

describe("the stats columns a ticket's steps write", () => {
  it("accept → resolve → reopen → accept → resolve: time to accept is the first, time to resolve runs to the latest resolution", async () => {
    const db = await world();
    const t = await open(db);
    const row = await db.ticket.findUniqueOrThrow({ where: { id: t.id } });
    expect(row).toMatchObject({ openedDay: chinaDay(row.createdAt), secondsToAccept: null, secondsToResolve: null, escalationCount: 0 });

    expect(await step(db, t.number, "accepted", 60 * S)).toMatchObject({ secondsToAccept: 60, secondsToResolve: null });
    await step(db, t.number, "in_progress", 120 * S);
    expect(await step(db, t.number, "resolved", 3600 * S)).toMatchObject({ secondsToAccept: 60, secondsToResolve: 3600 });
    // Rating keeps it; a reopen clears it (the ticket is not resolved any more) and keeps the first acceptance.
    expect(await step(db, t.number, "rated", 3700 * S, { rating: 1 })).toMatchObject({ secondsToResolve: 3600 });
    expect(await step(db, t.number, "reopened", 7200 * S, { rating: null })).toMatchObject({ secondsToAccept: 60, secondsToResolve: null });
    const between = await ticketStats({ db, from: new Date(row.createdAt.getTime() - 1), to: new Date(row.createdAt.getTime() + 1), grids: null });
    expect(between).toMatchObject({ meanSecondsToResolve: null, resolvedWithin24h: { share: 0, resolved: 0, counted: 1 }, status: { open: 1, resolved: 0 } });

    expect(await step(db, t.number, "accepted", 7300 * S)).toMatchObject({ secondsToAccept: 60 });
    expect(await step(db, t.number, "resolved", 90_000 * S)).toMatchObject({ secondsToAccept: 60, secondsToResolve: 90_000 });

    // The figures: one ticket, resolved in 25 h (so not within 24 h), accepted in a minute, counted once.
    const stats = await ticketStats({ db, from: new Date(row.createdAt.getTime() - 1), to: new Date(row.createdAt.getTime() + 1), grids: ["统计网格"] });
    expect(stats).toMatchObject({
      meanSecondsToAccept: 60, meanSecondsToResolve: 90_000,
      resolvedWithin24h: { share: 0, resolved: 1, counted: 1 },
      status: { open: 0, resolved: 1, total: 1 },
      perCategoryDay: [{ category: "utilities", day: chinaDay(row.createdAt), count: 1 }],
    });
  });

  it("escalations are counted per step and summed per tier; a fast resolution counts within 24 h; dismissed ones not at all", async () => {
    const db = await world();
    const a = await open(db, "safety");
    await step(db, a.number, "escalated", 10 * S, { tier: "community" });
    expect(await step(db, a.number, "escalated", 20 * S, { tier: "street" })).toMatchObject({ escalationCount: 2 });
    const b = await open(db);
    await step(db, b.number, "accepted", 30 * S);
    expect(await step(db, b.number, "resolved", 600 * S)).toMatchObject({ secondsToAccept: 30, secondsToResolve: 600 });
    const c = await open(db);
    expect(await step(db, c.number, "dismissed", 5 * S)).toMatchObject({ secondsToResolve: null });

    const stats = await ticketStats({ db, from: new Date(Date.now() - 3600 * S), to: new Date(Date.now() + 3600 * S), grids: null });
    expect(stats.escalationsPerTier).toEqual([{ tier: "street", count: 2 }]);
    expect(stats).toMatchObject({ meanSecondsToAccept: 30, meanSecondsToResolve: 600, resolvedWithin24h: { share: 0.5, resolved: 1, counted: 2 }, status: { dismissed: 1, total: 3 } });
  });

  it("the migration backfills tickets written before it from their events", () => {
    // Every migration before this one, then tickets in the old shape, then this migration: exactly the SQL shipped.
    const dir = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "gridlink-backfill-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const raw = new Database(path.join(dir, "old.db"));
    cleanups.push(() => raw.close());
    const folders = fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{14}_/.test(f)).sort();
    const mine = folders.findIndex((f) => f.startsWith("20261203010000_"));
    expect(mine).toBeGreaterThan(0);
    for (const f of folders.slice(0, mine)) raw.exec(fs.readFileSync(path.join(MIGRATIONS_DIR, f, "migration.sql"), "utf8"));

    const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
    const t0 = Date.UTC(2026, 10, 30, 17, 30); // 01:30 on 1 December in China
    raw.prepare(`INSERT INTO "Group" (platform, chatId, title, updatedAt) VALUES ('playground', 'g', 'g', ?)`).run(iso(t0));
    raw.prepare(`INSERT INTO "Resident" (platform, userId, displayName, updatedAt) VALUES ('playground', 'u', 'u', ?)`).run(iso(t0));
    const msg = raw.prepare(`INSERT INTO "Message" (platform, chatId, messageId, groupId, residentId, kind, text, sentAt, createdAt) VALUES ('playground', 'g', ?, 1, 1, 'complaint', 'x', ?, ?)`);
    const ticket = raw.prepare(`INSERT INTO "Ticket" (number, category, severity, status, groupId, reporterId, sourceMessageId, text, createdAt, updatedAt, closedAt) VALUES (?, 'utilities', 1, ?, 1, 1, ?, 'x', ?, ?, ?)`);
    const event = raw.prepare(`INSERT INTO "TicketEvent" (ticketId, fromStatus, toStatus, actor, createdAt) VALUES (?, NULL, ?, 'staff:x', ?)`);
    // A: accepted twice, resolved, reopened, resolved again (published now). B: escalated twice, still open. C: untouched.
    msg.run("a", iso(t0), iso(t0));
    ticket.run("A0001", "published", 1, iso(t0), iso(t0), iso(t0 + 9000 * S));
    for (const [to, s] of [["open", 0], ["accepted", 90], ["resolved", 1800], ["reopened", 2000], ["accepted", 2100], ["resolved", 9000], ["published", 9500]] as const) event.run(1, to, iso(t0 + s * S));
    msg.run("b", iso(t0), iso(t0));
    ticket.run("A0002", "escalated", 2, iso(t0 - 3600 * S), iso(t0), null);
    for (const [to, s] of [["open", -3600], ["escalated", 0], ["escalated", 60]] as const) event.run(2, to, iso(t0 + s * S));
    msg.run("c", iso(t0), iso(t0));
    ticket.run("A0003", "open", 3, iso(t0), iso(t0), null);

    raw.exec(fs.readFileSync(path.join(MIGRATIONS_DIR, folders[mine], "migration.sql"), "utf8"));
    const rows = raw.prepare(`SELECT number, openedDay, secondsToAccept, secondsToResolve, escalationCount, hotlineFiledAt FROM "Ticket" ORDER BY number`).all();
    expect(rows).toEqual([
      { number: "A0001", openedDay: "2026-12-01", secondsToAccept: 90, secondsToResolve: 9000, escalationCount: 0, hotlineFiledAt: null },
      { number: "A0002", openedDay: "2026-12-01", secondsToAccept: null, secondsToResolve: null, escalationCount: 2, hotlineFiledAt: null },
      { number: "A0003", openedDay: "2026-12-01", secondsToAccept: null, secondsToResolve: null, escalationCount: 0, hotlineFiledAt: null },
    ]);
    // The rebuilt table keeps its rows, ids and the references other tables hold.
    expect(raw.prepare(`SELECT count(*) AS n FROM "TicketEvent" e JOIN "Ticket" t ON t.id = e.ticketId`).get()).toEqual({ n: 10 });
    expect(raw.pragma("foreign_key_check")).toEqual([]);
  });
});
