// How a grid's new tickets are dispatched, stored on its OrgNode: auto (its grid leader), first (offered to every
// grid leader; the first to accept owns it) or manual (nobody until a leader runs /dispatch). Audited.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { inTransaction, type Tx } from "../infra/rows.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { DISPATCH_MODES, type DispatchMode } from "../tickets/dispatch-ticket.js";
import { findOrgNode } from "./org-tree.js";

/** Options of setDispatchMode. */
export interface SetDispatchModeOptions {
  db: Db | Tx;
  actor: Actor;
  /** The grid node (id or name). */
  grid: string | number;
  mode: DispatchMode;
}

/** Set a grid's dispatch rule; a leader may set their own grid's, admins any. */
export async function setDispatchMode(opts: SetDispatchModeOptions): Promise<{ grid: string; mode: DispatchMode }> {
  if (!(DISPATCH_MODES as readonly string[]).includes(opts.mode)) throw new AppError("bad_request", { message: `mode: must be one of ${DISPATCH_MODES.join(", ")}` });
  return inTransaction(opts.db, async (tx) => {
    const node = await findOrgNode({ db: tx, ref: opts.grid, kind: typeof opts.grid === "string" && !/^\d+$/.test(opts.grid) ? "grid" : undefined });
    if (!node || node.kind !== "grid") throw new AppError("not_found", { message: `no grid "${opts.grid}" (see gridlink org list)` });
    authorize(opts.actor, "group.update", { kind: "group", grid: node.name }, "en");
    const before = await tx.orgNode.findUnique({ where: { id: node.id }, select: { dispatchMode: true } });
    await tx.orgNode.update({ where: { id: node.id }, data: { dispatchMode: opts.mode } });
    await recordAudit(tx, { actor: opts.actor, action: "org.dispatch", subject: `org:${node.id}`, before: { dispatchMode: before?.dispatchMode ?? "auto" }, after: { dispatchMode: opts.mode } });
    return { grid: node.name, mode: opts.mode };
  });
}
