// Reading the staff registry: the list, and who a chat sender is (their id or any stable alias).

import type { Db } from "../infra/db.js";
import { toStaff, type StaffMember, type Tx } from "../infra/rows.js";
import type { Platform } from "../ports/chat.js";

/** Every staff identity, optionally of one platform, in id order. */
export async function findStaff(opts: { db: Db; platform?: Platform }): Promise<StaffMember[]> {
  return (await opts.db.staff.findMany({ where: { platform: opts.platform }, orderBy: { id: "asc" } })).map(toStaff);
}

/** The staff member behind a chat sender: matched on the sender id or any alias (WeChat ids change per login). */
export async function findStaffMember(opts: { db: Db | Tx; platform: Platform; ids: string[] }): Promise<StaffMember | null> {
  const row = await opts.db.staff.findFirst({ where: { platform: opts.platform, userId: { in: opts.ids.filter(Boolean) } }, orderBy: { id: "asc" } });
  return row ? toStaff(row) : null;
}
