// Changing a group: switch Gridlink on or off there, set its grid, replace or edit its tags. One service for
// the chat commands (/tag, /enable, /disable), PATCH /api/groups/:id and `gridlink group set`; audited.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { inTransaction, joinTags, toGroup, type Group, type Tx } from "../infra/rows.js";
import type { Lang } from "../locale.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { ensureGridNode } from "../org/org-tree.js";

/** Options of updateGroup; leave a field out to keep it. */
export interface UpdateGroupOptions {
  db: Db | Tx;
  actor: Actor;
  id: number;
  enabled?: boolean;
  grid?: string;
  /** Replace the tags. */
  tags?: string[];
  /** Add these tags (after `tags`, before `removeTags`). */
  addTags?: string[];
  removeTags?: string[];
  /** Mark (or unmark) the group as its grid's staff room (dispatch and SLA notices go there). */
  staffRoom?: boolean;
  /** Language of refusals. @defaultValue "zh" */
  lang?: Lang;
}

/** Apply the change and audit before/after; not_found for an unknown id, forbidden outside a leader's grid. */
export async function updateGroup(opts: UpdateGroupOptions): Promise<Group> {
  return inTransaction(opts.db, async (tx) => {
    const row = await tx.group.findUnique({ where: { id: opts.id } });
    if (!row) throw new AppError("not_found", { message: `group ${opts.id} not found` });
    const before = toGroup(row);
    authorize(opts.actor, "group.update", { kind: "group", grid: before.grid }, opts.lang);
    const tags = new Set(opts.tags ?? before.tags);
    for (const tag of opts.addTags ?? []) tags.add(tag.toLowerCase());
    for (const tag of opts.removeTags ?? []) tags.delete(tag.toLowerCase());
    const joined = joinTags(tags);
    // Moving a group to another grid: the actor must look after that grid too; the group joins its grid node.
    if (opts.grid !== undefined && opts.grid !== before.grid) authorize(opts.actor, "group.update", { kind: "group", grid: opts.grid }, opts.lang);
    const gridNodeId = opts.grid !== undefined ? await ensureGridNode(tx, opts.grid) : undefined;
    const data = { enabled: opts.enabled, grid: opts.grid, gridNodeId, tags: joined === row.tags ? undefined : joined, staffRoom: opts.staffRoom };
    const after = toGroup(await tx.group.update({ where: { id: opts.id }, data }));
    const pick = (g: Group) => ({ enabled: g.enabled, grid: g.grid, tags: g.tags, ...(opts.staffRoom !== undefined ? { staffRoom: g.staffRoom } : {}) });
    await recordAudit(tx, { actor: opts.actor, action: "group.update", subject: `group:${opts.id}`, before: pick(before), after: pick(after) });
    return after;
  });
}
