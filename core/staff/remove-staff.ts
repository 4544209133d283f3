// Removing a staff identity; audited with what it was.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { authorize, type Actor } from "../policy/authorize.js";
import type { Platform } from "../ports/chat.js";

/** Remove the identity; false when there was none. */
export async function removeStaff(opts: { db: Db; actor: Actor; platform: Platform; userId: string }): Promise<boolean> {
  authorize(opts.actor, "staff.manage");
  const who = { platform: opts.platform, userId: opts.userId };
  return opts.db.$transaction(async (tx) => {
    const before = await tx.staff.findUnique({ where: { platform_userId: who } });
    if (!before) return false;
    await tx.staff.delete({ where: { id: before.id } });
    await recordAudit(tx, { actor: opts.actor, action: "staff.remove", subject: `staff:${opts.platform}:${opts.userId}`, before: { role: before.role, grid: before.grid, name: before.name }, after: null });
    return true;
  });
}
