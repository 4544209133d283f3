// Rows become domain values here, at the database edge: one mapper per model, so string columns holding
// enums or JSON (`status`, `platform`, `keywords`, `tags`) are checked once instead of cast in every file.

import type { Db, Prisma } from "./db.js";
import { PLATFORMS, type Platform } from "../ports/chat.js";
import type { Role } from "../policy/authorize.js";

/** A Prisma client or an interactive-transaction client. */
export type Tx = Prisma.TransactionClient;

/** The statuses a ticket can have: the 六单 cycle, then the side exits (not a complaint, a duplicate, the next tier owns it, reopened). */
export const TICKET_STATUSES = ["open", "dispatched", "accepted", "in_progress", "resolved", "rated", "published", "dismissed", "merged", "escalated", "reopened"] as const;
/** A ticket status. */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** A stored string that must be one of `allowed`; a bad value is a corrupt row, not user input. */
function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`corrupt row: ${what} "${value}" is not one of ${allowed.join(", ")}`);
}

/** The platform column. */
export const toPlatform = (value: string): Platform => oneOf(value, PLATFORMS, "platform");
/** The status column of a ticket. */
export const toTicketStatus = (value: string): TicketStatus => oneOf(value, TICKET_STATUSES, "ticket status");
/** A staff row's role. */
export const toStaffRole = (value: string): Exclude<Role, "resident"> => oneOf(value, ["admin", "street", "grid_leader", "viewer"] as const, "staff role");

/** A JSON string array column (ticket keywords, lexicon variants); anything else reads as []. */
export function toStringList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** Normalise a tag list: lower-case, trimmed, unique, sorted, comma-separated (the stored form). */
export function joinTags(tags: Iterable<string>): string {
  return [...new Set([...tags].map((t) => t.trim().toLowerCase()).filter(Boolean))].sort().join(",");
}

/** Split the stored tag string. */
export const splitTags = (tags: string): string[] => (tags ? tags.split(",") : []);

// === Groups

type GroupRow = { id: number; platform: string; chatId: string; title: string; grid: string | null; community: string | null; tags: string; active: boolean; enabled: boolean; joinedAt: Date; staffRoom?: boolean; direct?: boolean };

/** A group as core uses it. */
export interface Group {
  id: number;
  platform: Platform;
  chatId: string;
  title: string;
  grid: string | null;
  community: string | null;
  tags: string[];
  active: boolean;
  enabled: boolean;
  joinedAt: Date;
  /** The grid's staff talk here: dispatch and SLA notices go here on WeChat. */
  staffRoom: boolean;
  /** A private chat with one person (Telegram), not a group: never an audience, staff commands only. */
  direct: boolean;
}

/** Group row → Group. */
export const toGroup = (r: GroupRow): Group => ({
  id: r.id, platform: toPlatform(r.platform), chatId: r.chatId, title: r.title, grid: r.grid, community: r.community, tags: splitTags(r.tags), active: r.active, enabled: r.enabled, joinedAt: r.joinedAt, staffRoom: r.staffRoom ?? false, direct: r.direct ?? false,
});

// === Staff

type StaffRow = { id: number; platform: string; userId: string; name: string | null; role: string; grid: string | null; createdAt: Date; accountId?: number | null };

/** A registered grid leader or admin on one platform. */
export interface StaffMember {
  id: number;
  platform: Platform;
  userId: string;
  name: string | null;
  role: Exclude<Role, "resident">;
  grid: string | null;
  createdAt: Date;
  /** The staff account this identity belongs to (its role and scope win over `role`/`grid`). */
  accountId: number | null;
}

/** Staff row → StaffMember. */
export const toStaff = (r: StaffRow): StaffMember => ({ id: r.id, platform: toPlatform(r.platform), userId: r.userId, name: r.name, role: toStaffRole(r.role), grid: r.grid, createdAt: r.createdAt, accountId: r.accountId ?? null });

// === Tickets

type TicketRow = {
  id: number; number: string; category: string; severity: number; status: string; text: string; keywords: string; origin: string; assignee: string | null;
  groupId: number; reporterId: number; createdAt: Date; updatedAt: Date; closedAt: Date | null;
  tier?: string; ownerNodeId?: number | null; clockSeq?: number; acceptDueAt?: Date | null; resolveDueAt?: Date | null; breachedAt?: Date | null; breachCount?: number;
  assigneeAccountId?: number | null; mergedIntoId?: number | null; hotlineId?: string | null; hotlineStatus?: string | null; rating?: number | null;
};

/** Who owns a ticket: the grid, a tier above it, or the city hotline (12345). */
export const TICKET_TIERS = ["grid", "community", "street", "district", "hotline"] as const;
/** A ticket tier. */
export type TicketTier = (typeof TICKET_TIERS)[number];

/** A ticket's own facts (without its group, reporter or events). */
export interface Ticket {
  id: number;
  number: string;
  category: string;
  severity: number;
  status: TicketStatus;
  text: string;
  keywords: string[];
  origin: "detector" | "report";
  assignee: string | null;
  /** The staff account it is dispatched to or accepted by. */
  assigneeAccountId: number | null;
  groupId: number;
  reporterId: number;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** The tier that owns it now, and that tier's OrgNode. */
  tier: TicketTier;
  ownerNodeId: number | null;
  /** Bumped on every transition (SLA clocks armed for an older seq do nothing). */
  clockSeq: number;
  acceptDueAt: Date | null;
  resolveDueAt: Date | null;
  breachedAt: Date | null;
  breachCount: number;
  mergedIntoId: number | null;
  hotlineId: string | null;
  hotlineStatus: string | null;
  rating: number | null;
}

/** Ticket row → Ticket. */
export const toTicket = (r: TicketRow): Ticket => ({
  id: r.id, number: r.number, category: r.category, severity: r.severity, status: toTicketStatus(r.status), text: r.text, keywords: toStringList(r.keywords),
  origin: oneOf(r.origin, ["detector", "report"] as const, "ticket origin"), assignee: r.assignee, groupId: r.groupId, reporterId: r.reporterId,
  createdAt: r.createdAt, updatedAt: r.updatedAt, closedAt: r.closedAt,
  tier: oneOf(r.tier ?? "grid", TICKET_TIERS, "ticket tier"), ownerNodeId: r.ownerNodeId ?? null, clockSeq: r.clockSeq ?? 0, acceptDueAt: r.acceptDueAt ?? null, resolveDueAt: r.resolveDueAt ?? null,
  breachedAt: r.breachedAt ?? null, breachCount: r.breachCount ?? 0, assigneeAccountId: r.assigneeAccountId ?? null, mergedIntoId: r.mergedIntoId ?? null, hotlineId: r.hotlineId ?? null, hotlineStatus: r.hotlineStatus ?? null, rating: r.rating ?? null,
});

/** One step of a ticket's history. */
export interface TicketEvent {
  from: TicketStatus | null;
  to: TicketStatus;
  actor: string;
  note: string | null;
  at: Date;
}

/** TicketEvent row → TicketEvent. */
export const toTicketEvent = (e: { fromStatus: string | null; toStatus: string; actor: string; note: string | null; createdAt: Date }): TicketEvent => ({
  from: e.fromStatus === null ? null : toTicketStatus(e.fromStatus), to: toTicketStatus(e.toStatus), actor: e.actor, note: e.note, at: e.createdAt,
});

/** A ticket with what commands and the API show: its group, reporter, source message and history. */
export interface TicketDetail extends Ticket {
  group: Group;
  reporter: { id: number; displayName: string; userId: string };
  sourceMessage: { messageId: string } | null;
  events: TicketEvent[];
}

/** A ticket row loaded with group, reporter, source message and events → TicketDetail. */
export const toTicketDetail = (
  r: TicketRow & { group: GroupRow; reporter: { id: number; displayName: string; userId: string }; sourceMessage: { messageId: string } | null; events: Parameters<typeof toTicketEvent>[0][] },
): TicketDetail => ({
  ...toTicket(r), group: toGroup(r.group), reporter: { id: r.reporter.id, displayName: r.reporter.displayName, userId: r.reporter.userId }, sourceMessage: r.sourceMessage ? { messageId: r.sourceMessage.messageId } : null, events: r.events.map(toTicketEvent),
});

// === Ticket reporters

/** How a reporter came to a ticket: opened it, joined by clustering, by an enquiry, by a manual merge. */
export const REPORTER_VIA = ["open", "cluster", "enquiry", "merge"] as const;
/** A reporter's `via` column. */
export const toReporterVia = (value: string): (typeof REPORTER_VIA)[number] => oneOf(value, REPORTER_VIA, "reporter via");

/** Run fn in a transaction: a new one on a client, or the caller's when given a transaction already (chat commands run inside intake's). */
export async function inTransaction<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return "$transaction" in db ? (db as Db).$transaction(fn) : fn(db);
}
