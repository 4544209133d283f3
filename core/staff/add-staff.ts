// Registering a grid leader or admin (one platform identity). Staff are never inferred from being a group
// admin on a platform; only this service (CLI today) makes someone staff. Audited.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { toStaff, type StaffMember } from "../infra/rows.js";
import { authorize, type Actor } from "../policy/authorize.js";
import type { Platform } from "../ports/chat.js";

/** Options of addStaff; an existing identity is updated (role, grid, name). */
export interface AddStaffOptions {
  db: Db;
  actor: Actor;
  platform: Platform;
  userId: string;
  role: "grid_leader" | "admin";
  /** The grid a leader looks after (limits tickets, groups and broadcasts). */
  grid?: string | null;
  name?: string | null;
}

/** Create or update the staff member and audit before/after. */
export async function addStaff(opts: AddStaffOptions): Promise<StaffMember> {
  authorize(opts.actor, "staff.manage");
  const who = { platform: opts.platform, userId: opts.userId };
  const fields = { role: opts.role, grid: opts.grid ?? null, name: opts.name ?? null };
  return opts.db.$transaction(async (tx) => {
    const before = await tx.staff.findUnique({ where: { platform_userId: who } });
    const row = await tx.staff.upsert({ where: { platform_userId: who }, create: { ...who, ...fields }, update: fields });
    const pick = (s: { role: string; grid: string | null; name: string | null }) => ({ role: s.role, grid: s.grid, name: s.name });
    await recordAudit(tx, { actor: opts.actor, action: "staff.add", subject: `staff:${opts.platform}:${opts.userId}`, before: before ? pick(before) : null, after: pick(row) });
    return toStaff(row);
  });
}
