// Who a chat sender is: a staff account (through any of its identities on any platform), a legacy staff identity
// (role and grid on the identity itself), or — most often — nobody: a resident.

import type { FastifyRequest } from "fastify";
import type { Db } from "../infra/db.js";
import type { Tx } from "../infra/rows.js";
import type { Actor } from "../policy/authorize.js";
import type { Platform } from "../ports/chat.js";
import { actorForAccount } from "./accounts.js";
import { findStaffMember } from "./find-staff.js";

const ACCOUNT_SENDER = /^pg-acct-(\d+)$/;

/** The staff account behind an HTTP request (a gateway route, e.g. the playground), if it came with a session. */
export function requestAccount(req: FastifyRequest): { id: number; name: string } | undefined {
  const actor = (req as FastifyRequest & { actor?: Actor }).actor;
  return actor?.accountId ? { id: actor.accountId, name: actor.name } : undefined;
}

/** The playground sender id: the account's own id with a session; an anonymous name never matches staff. */
export const playgroundSenderId = (account: { id: number } | undefined, name: string): string => (account ? `pg-acct-${account.id}` : `pg-anon-${name}`);

/** The actor a chat sender is, or null for a resident. An account's role and scope win over the identity row. */
export async function chatActor(opts: { db: Db | Tx; platform: Platform; ids: string[] }): Promise<Actor | null> {
  const own = opts.platform === "playground" ? opts.ids.map((id) => ACCOUNT_SENDER.exec(id)).find(Boolean) : undefined;
  if (own) return actorForAccount({ db: opts.db, accountId: Number(own[1]), channel: "chat" });
  const staff = await findStaffMember(opts);
  if (!staff) return null;
  if (staff.accountId) return actorForAccount({ db: opts.db, accountId: staff.accountId, channel: "chat" });
  return { role: staff.role, grid: staff.grid, name: staff.name ?? "", channel: "chat" };
}
