// Reading tickets: one by number with its history, a filtered page for the web admin, a group's or a resident's list.

import type { Db } from "../infra/db.js";
import { toTicket, toTicketDetail, toGroup, type Group, type Ticket, type TicketDetail, type TicketStatus, type Tx } from "../infra/rows.js";

/** Statuses that still need work. */
export const OPEN_STATUSES: TicketStatus[] = ["open", "dispatched", "accepted", "in_progress", "escalated", "reopened"];

const detailInclude = { group: true, reporter: true, sourceMessage: true, events: { orderBy: { id: "asc" } } } as const;

/** One ticket with its group, reporter and history, or null. */
export async function findTicket(opts: { db: Db | Tx; number: string }): Promise<TicketDetail | null> {
  const row = await opts.db.ticket.findUnique({ where: { number: opts.number }, include: detailInclude });
  return row ? toTicketDetail(row) : null;
}

/** A ticket in a list: its facts, group and reporter's name. */
export interface TicketListItem extends Ticket {
  group: Group;
  reporter: { displayName: string };
}

/** Options of findTickets; every filter is optional. */
export interface FindTicketsOptions {
  db: Db | Tx;
  status?: TicketStatus | TicketStatus[];
  category?: string;
  groupId?: number;
  reporterId?: number;
  /** 1-based. @defaultValue 1 */
  page?: number;
  /** @defaultValue 50 */
  pageSize?: number;
  /** Only tickets of groups in these grids (null/absent: all). */
  grids?: string[] | null;
  /** Only tickets dispatched to or accepted by this staff account ("my tickets"). */
  assigneeAccountId?: number;
  /** Only tickets of groups in this grid (within `grids` when both are given). */
  grid?: string;
  /** Search: the ticket number, or words in the ticket's text. */
  search?: string;
}

/** A page of tickets, newest first, with the total matching the filters. */
export async function findTickets(opts: FindTicketsOptions): Promise<{ total: number; items: TicketListItem[] }> {
  const { page, pageSize } = { page: 1, pageSize: 50, ...opts };
  // Both conditions hold together: a grid asked for outside the reader's grids matches nothing (not everything).
  const grid = opts.grids || opts.grid !== undefined ? { in: opts.grids ?? undefined, equals: opts.grid } : undefined;
  const where = {
    status: Array.isArray(opts.status) ? { in: opts.status } : opts.status,
    category: opts.category,
    groupId: opts.groupId,
    reporterId: opts.reporterId,
    assigneeAccountId: opts.assigneeAccountId,
    // A scoped reader (grid leader, street, scoped viewer or token) sees the tickets of their grids only.
    ...(grid !== undefined ? { group: { grid } } : {}),
    ...(opts.search ? { OR: [{ number: opts.search.toUpperCase() }, { text: { contains: opts.search } }] } : {}),
  };
  const [total, rows] = await Promise.all([
    opts.db.ticket.count({ where }),
    opts.db.ticket.findMany({ where, include: { group: true, reporter: true }, orderBy: { id: "desc" }, skip: (page - 1) * pageSize, take: pageSize }),
  ]);
  return { total, items: rows.map((r) => ({ ...toTicket(r), group: toGroup(r.group), reporter: { displayName: r.reporter.displayName } })) };
}
