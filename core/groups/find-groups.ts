// Reading groups (the web admin's list, `gridlink group list`).

import type { Db } from "../infra/db.js";
import { toGroup, type Group } from "../infra/rows.js";
import type { Platform } from "../ports/chat.js";

/** Every group the bot knows, optionally of one platform, in id order. */
export async function findGroups(opts: { db: Db; platform?: Platform; grids?: string[] | null }): Promise<Group[]> {
  return (await opts.db.group.findMany({ where: { platform: opts.platform, direct: false, ...(opts.grids ? { grid: { in: opts.grids } } : {}) }, orderBy: { id: "asc" } })).map(toGroup);
}

/** The group a person names by its numeric id or its chat id on any platform (lianhua-05, -100…, …@chatroom); null if none. */
export async function findGroupByRef(opts: { db: Db; ref: string }): Promise<Group | null> {
  const byId = /^\d+$/.test(opts.ref) ? await opts.db.group.findUnique({ where: { id: Number(opts.ref) } }) : null;
  const row = byId ?? (await opts.db.group.findFirst({ where: { chatId: opts.ref }, orderBy: { id: "asc" } }));
  return row ? toGroup(row) : null;
}
