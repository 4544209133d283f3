// The daily digest (日报) of one grid to its staff: reported and resolved in the last 24 hours, open and overdue
// now, escalated in the last 24 hours, satisfaction and the share resolved within 24 hours over 30 days. Sent
// to the grid's staff rooms and, on Telegram, privately to its grid leaders. Keyed per grid and China day.

import type { Db } from "../infra/db.js";
import { ensureDirectChat } from "../groups/registry.js";
import { createOutbound } from "../outbox.js";
import { rt } from "../locale.js";
import { toPlatform } from "../infra/rows.js";
import { gridLeaders } from "./ticket-owners.js";
import { RESOLVED_STATUSES, WORKING_STATUSES, ticketStats } from "./ticket-stats.js";

const DAY = 86_400_000;

/** The digest's figures for one grid. */
export interface DigestFigures {
  grid: string;
  date: string;
  reported: number;
  resolved: number;
  open: number;
  overdue: number;
  escalated: number;
  meanRating: number | null;
  within24h: number | null;
}

/** Compute one grid's figures at `now`. */
export async function digestFigures(opts: { db: Db; grid: string; now?: Date }): Promise<DigestFigures> {
  const { db, grid } = opts;
  const now = opts.now ?? new Date();
  const dayAgo = new Date(now.getTime() - DAY);
  const inGrid = { group: { grid } };
  const [reported, resolved, open, overdue, escalated, month] = await Promise.all([
    db.ticket.count({ where: { ...inGrid, createdAt: { gte: dayAgo, lt: now } } }),
    db.ticket.count({ where: { ...inGrid, status: { in: [...RESOLVED_STATUSES] }, closedAt: { gte: dayAgo, lt: now } } }),
    db.ticket.count({ where: { ...inGrid, status: { in: [...WORKING_STATUSES] } } }),
    db.ticket.count({ where: { ...inGrid, status: { in: [...WORKING_STATUSES] }, resolveDueAt: { lt: now } } }),
    db.ticketEvent.count({ where: { toStatus: "escalated", createdAt: { gte: dayAgo, lt: now }, ticket: inGrid } }),
    ticketStats({ db, from: new Date(now.getTime() - 30 * DAY), to: now, grids: [grid], now }),
  ]);
  const date = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return { grid, date, reported, resolved, open, overdue, escalated, meanRating: month.meanRating, within24h: month.resolvedWithin24h.share };
}

/** The digest's text. */
export function digestText(f: DigestFigures): string {
  return rt("zh").digest({
    grid: f.grid, date: f.date, reported: f.reported, resolved: f.resolved, open: f.open, overdue: f.overdue, escalated: f.escalated,
    satisfaction: f.meanRating === null ? "-" : `${f.meanRating.toFixed(1)}/5`, within24h: f.within24h === null ? "-" : `${Math.round(f.within24h * 100)}%`,
  });
}

/** Queue one grid's digest to its staff rooms and its leaders' Telegram chats; returns the outbound rows. */
export async function sendDigest(opts: { db: Db; grid: string; now?: Date }): Promise<Array<{ id: number; platform: string }>> {
  const { db, grid } = opts;
  const figures = await digestFigures(opts);
  const text = digestText(figures);
  const key = `digest-${figures.date}-${Buffer.from(grid).toString("hex")}`;
  return db.$transaction(async (tx) => {
    const out: Array<{ id: number; platform: string }> = [];
    const rooms = await tx.group.findMany({ where: { grid, staffRoom: true, active: true, direct: false } });
    for (const room of rooms) out.push({ id: await createOutbound(tx, { key: `${key}-g${room.id}`, platform: toPlatform(room.platform), groupId: room.id, kind: "notify", text }), platform: room.platform });
    for (const leader of await gridLeaders(tx, grid)) {
      for (const idn of await tx.staff.findMany({ where: { accountId: leader.accountId, platform: "telegram" } })) {
        const dm = await ensureDirectChat(tx, "telegram", idn.userId, leader.name);
        out.push({ id: await createOutbound(tx, { key: `${key}-g${dm.id}`, platform: "telegram", groupId: dm.id, kind: "notify", text }), platform: "telegram" });
      }
    }
    return out;
  });
}

/** Every grid with a group. */
export async function digestGrids(db: Db): Promise<string[]> {
  const rows = await db.group.findMany({ where: { grid: { not: null }, direct: false }, select: { grid: true }, distinct: ["grid"] });
  return rows.map((r) => r.grid!).sort();
}
