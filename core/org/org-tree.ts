// The organisation as data: district (区) → street (街道) → community (社区) → grid (网格). Every group belongs to
// a grid node; a staff account's scope is a node, and the grids under it are what the account sees and changes.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { inTransaction, type Tx } from "../infra/rows.js";
import { authorize, type Actor } from "../policy/authorize.js";

/** The levels of the tree, top first. */
export const ORG_KINDS = ["district", "street", "community", "grid"] as const;
/** One level of the tree. */
export type OrgKind = (typeof ORG_KINDS)[number];

/** A node as shown to people. */
export interface OrgNode {
  id: number;
  kind: OrgKind;
  name: string;
  parentId: number | null;
  /** For a grid node in listOrg: how many groups belong to it. */
  groups?: number;
}

const toNode = (r: { id: number; kind: string; name: string; parentId: number | null }): OrgNode => ({ id: r.id, kind: r.kind as OrgKind, name: r.name, parentId: r.parentId });

/** A node's parent must be exactly one level up (a district has none; a street may stand alone). */
function checkParent(kind: OrgKind, parent: OrgNode | null): void {
  if (!parent) return;
  const want = ORG_KINDS[ORG_KINDS.indexOf(kind) - 1];
  if (kind === "district" || parent.kind !== want) throw new AppError("bad_request", { message: `a ${kind} goes under a ${want ?? "nothing (it is the top)"}, not under the ${parent.kind} "${parent.name}"` });
}

/** A node by id ("12") or by name (unique per kind; `kind` narrows a name used on two levels). */
export async function findOrgNode(opts: { db: Db | Tx; ref: string | number; kind?: OrgKind }): Promise<OrgNode | null> {
  const ref = String(opts.ref).trim();
  if (/^\d+$/.test(ref)) {
    const row = await opts.db.orgNode.findUnique({ where: { id: Number(ref) } });
    return row ? toNode(row) : null;
  }
  const rows = await opts.db.orgNode.findMany({ where: { name: ref, kind: opts.kind } });
  if (rows.length > 1) throw new AppError("bad_request", { message: `"${ref}" names a ${rows.map((r) => r.kind).join(" and a ")}; say which with its id or kind` });
  return rows[0] ? toNode(rows[0]) : null;
}

async function mustFind(db: Db | Tx, ref: string | number, kind?: OrgKind): Promise<OrgNode> {
  const node = await findOrgNode({ db, ref, kind });
  if (!node) throw new AppError("not_found", { message: `no ${kind ?? "organisation node"} "${ref}" (see gridlink org list)` });
  return node;
}

/** Options of addOrgNode. */
export interface AddOrgNodeOptions {
  db: Db | Tx;
  actor: Actor;
  kind: OrgKind;
  name: string;
  /** Id or name of the parent (one level up). */
  parent?: string | number | null;
}

/** Add a node (conflict when the name exists at that level); audited. */
export async function addOrgNode(opts: AddOrgNodeOptions): Promise<OrgNode> {
  authorize(opts.actor, "org.edit");
  const name = opts.name.trim();
  if (!name || name.length > 60) throw new AppError("bad_request", { message: "name: must be 1–60 characters" });
  return inTransaction(opts.db, async (tx) => {
    const parent = opts.parent === undefined || opts.parent === null || opts.parent === "" ? null : await mustFind(tx, opts.parent, ORG_KINDS[ORG_KINDS.indexOf(opts.kind) - 1]);
    checkParent(opts.kind, parent);
    if (await tx.orgNode.findUnique({ where: { kind_name: { kind: opts.kind, name } } })) throw new AppError("conflict", { message: `a ${opts.kind} named "${name}" exists already` });
    const node = toNode(await tx.orgNode.create({ data: { kind: opts.kind, name, parentId: parent?.id ?? null } }));
    await recordAudit(tx, { actor: opts.actor, action: "org.add", subject: `org:${node.id}`, before: null, after: node });
    return node;
  });
}

/** Move a node under another (one level up), or to the top with `parent: null`; audited. */
export async function moveOrgNode(opts: { db: Db | Tx; actor: Actor; ref: string | number; parent: string | number | null }): Promise<OrgNode> {
  authorize(opts.actor, "org.edit");
  return inTransaction(opts.db, async (tx) => {
    const node = await mustFind(tx, opts.ref);
    const parent = opts.parent === null || opts.parent === "" ? null : await mustFind(tx, opts.parent, ORG_KINDS[ORG_KINDS.indexOf(node.kind) - 1]);
    checkParent(node.kind, parent);
    const after = toNode(await tx.orgNode.update({ where: { id: node.id }, data: { parentId: parent?.id ?? null } }));
    await recordAudit(tx, { actor: opts.actor, action: "org.move", subject: `org:${node.id}`, before: node, after });
    return after;
  });
}

/** The whole tree as a flat list (top first, then by name); each node with the number of groups of its grids. */
export async function listOrg(opts: { db: Db | Tx }): Promise<OrgNode[]> {
  const rows = await opts.db.orgNode.findMany({ orderBy: [{ id: "asc" }] });
  const counts = await opts.db.group.groupBy({ by: ["gridNodeId"], _count: { _all: true } });
  const count = new Map(counts.map((g) => [g.gridNodeId, g._count._all]));
  const nodes = rows.map((r) => (r.kind === "grid" ? { ...toNode(r), groups: count.get(r.id) ?? 0 } : toNode(r)));
  return nodes.sort((a, b) => ORG_KINDS.indexOf(a.kind) - ORG_KINDS.indexOf(b.kind) || a.name.localeCompare(b.name));
}

/** The names of the grids at or under a node (the scope of an account or token). */
export async function gridsUnder(opts: { db: Db | Tx; nodeId: number }): Promise<string[]> {
  const all = await opts.db.orgNode.findMany({ select: { id: true, kind: true, name: true, parentId: true } });
  const children = new Map<number, typeof all>();
  for (const n of all) if (n.parentId !== null) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n]);
  const grids: string[] = [];
  const walk = (id: number, depth: number) => {
    if (depth > ORG_KINDS.length) return;
    const self = all.find((n) => n.id === id);
    if (self?.kind === "grid") grids.push(self.name);
    for (const c of children.get(id) ?? []) walk(c.id, depth + 1);
  };
  walk(opts.nodeId, 0);
  return grids.sort();
}

/** The grid node of a grid name, created (at the top, to be moved into place) when it is new. */
export async function ensureGridNode(db: Db | Tx, name: string): Promise<number> {
  // Read first; when new, a same-value update, never an empty one: Prisma then runs one INSERT … ON CONFLICT DO
  // UPDATE, so two workers meeting a new grid at once on PostgreSQL both get its node (an empty update reads,
  // then inserts, and fails one).
  const where = { kind_name: { kind: "grid", name } };
  const row = (await db.orgNode.findUnique({ where, select: { id: true } })) ?? (await db.orgNode.upsert({ where, create: { kind: "grid", name }, update: { kind: "grid" }, select: { id: true } }));
  return row.id;
}

/** Seed a tree idempotently (the playground's demo organisation): [kind, name, parent name] top first. */
export async function seedOrg(db: Db, nodes: Array<{ kind: OrgKind; name: string; parent?: string }>): Promise<void> {
  for (const n of nodes) {
    const parentKind = ORG_KINDS[ORG_KINDS.indexOf(n.kind) - 1];
    const parent = n.parent && parentKind ? await db.orgNode.findUnique({ where: { kind_name: { kind: parentKind, name: n.parent } } }) : null;
    // Read first; when new, one INSERT … ON CONFLICT (the same-value update keeps it native): workers seeding one
    // tree at once never collide.
    const where = { kind_name: { kind: n.kind, name: n.name } };
    const node = (await db.orgNode.findUnique({ where })) ?? (await db.orgNode.upsert({ where, create: { kind: n.kind, name: n.name, parentId: parent?.id ?? null }, update: { kind: n.kind } }));
    if (node.parentId === null && parent) await db.orgNode.updateMany({ where: { id: node.id, parentId: null }, data: { parentId: parent.id } });
  }
}
