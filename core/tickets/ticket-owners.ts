// Who owns a ticket at each tier: the grid's node (from its group), the ancestors above it (grid → community →
// street → district), then the city hotline; and the staff accounts of a node (who are told and who may accept).

import type { Db } from "../infra/db.js";
import type { TicketTier, Tx } from "../infra/rows.js";
import { gridsUnder } from "../org/org-tree.js";

/** A staff account a ticket can go to. */
export interface TicketStaff {
  accountId: number;
  username: string;
  name: string;
  role: string;
}

const toStaff = (r: { id: number; username: string; name: string | null; role: string }): TicketStaff => ({ accountId: r.id, username: r.username, name: r.name || r.username, role: r.role });

/** The grid node of a ticket's group (its gridNodeId, else the grid node of that name), or null. */
export async function gridNodeOf(db: Db | Tx, group: { id: number; grid: string | null }): Promise<number | null> {
  const row = await db.group.findUnique({ where: { id: group.id }, select: { gridNodeId: true } });
  if (row?.gridNodeId) return row.gridNodeId;
  if (!group.grid) return null;
  const node = await db.orgNode.findUnique({ where: { kind_name: { kind: "grid", name: group.grid } } });
  return node?.id ?? null;
}

/** The next tier above a node: its nearest ancestor (a tier with no node is skipped), or the hotline above the top. */
export async function nextTier(db: Db | Tx, nodeId: number | null): Promise<{ tier: TicketTier; nodeId: number | null }> {
  if (nodeId === null) return { tier: "hotline", nodeId: null };
  const node = await db.orgNode.findUnique({ where: { id: nodeId } });
  if (!node?.parentId) return { tier: "hotline", nodeId: null };
  const parent = await db.orgNode.findUnique({ where: { id: node.parentId } });
  if (!parent) return { tier: "hotline", nodeId: null };
  return { tier: parent.kind as TicketTier, nodeId: parent.id };
}

/** The grid leaders who look after a grid: enabled grid_leader accounts whose scope covers it. */
export async function gridLeaders(db: Db | Tx, grid: string | null): Promise<TicketStaff[]> {
  if (!grid) return [];
  const rows = await db.staffAccount.findMany({ where: { role: "grid_leader", disabled: false, scopeNodeId: { not: null } }, orderBy: { id: "asc" } });
  const out: TicketStaff[] = [];
  for (const r of rows) if ((await gridsUnder({ db, nodeId: r.scopeNodeId! })).includes(grid)) out.push(toStaff(r));
  return out;
}

/** The staff scoped exactly to a node (a community's, street's or district's people; viewers are not told). */
export async function staffOfNode(db: Db | Tx, nodeId: number): Promise<TicketStaff[]> {
  const rows = await db.staffAccount.findMany({ where: { scopeNodeId: nodeId, disabled: false, role: { in: ["grid_leader", "street", "admin"] } }, orderBy: { id: "asc" } });
  return rows.map(toStaff);
}

/** An account named by username or display name, or null. */
export async function findStaffByName(db: Db | Tx, name: string): Promise<TicketStaff | null> {
  const n = name.trim().replace(/^@/, "");
  const row = (await db.staffAccount.findUnique({ where: { username: n } })) ?? (await db.staffAccount.findFirst({ where: { name: n }, orderBy: { id: "asc" } }));
  return row && !row.disabled ? toStaff(row) : null;
}

/** The grids an account may act on (null = all). */
export async function accountGrids(db: Db | Tx, accountId: number): Promise<string[] | null> {
  const row = await db.staffAccount.findUnique({ where: { id: accountId } });
  if (!row || row.role === "admin" || row.scopeNodeId === null) return null;
  return gridsUnder({ db, nodeId: row.scopeNodeId });
}
