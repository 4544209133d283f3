// Reading groups (the web admin's list, `gridlink group list`).

import type { Db } from "../infra/db.js";
import { toGroup, type Group } from "../infra/rows.js";
import type { Platform } from "../ports/chat.js";

/** Every group the bot knows, optionally of one platform, in id order. */
export async function findGroups(opts: { db: Db; platform?: Platform }): Promise<Group[]> {
  return (await opts.db.group.findMany({ where: { platform: opts.platform }, orderBy: { id: "asc" } })).map(toGroup);
}
