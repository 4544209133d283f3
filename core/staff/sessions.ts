// Web sessions and API tokens. Both are random secrets the client holds; the database keeps only their SHA-256
// (a copied database logs nobody in), and every request looks the row up, so a logout, a password change or a
// revoked token takes effect on the very next request — there is no cache to expire.

import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { findOrgNode, gridsUnder } from "../org/org-tree.js";
import { authorize, STAFF_ROLES, type Actor } from "../policy/authorize.js";
import { actorForAccount, findAccount, verifyPassword, type StaffAccount, type StaffRole } from "./accounts.js";

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
const secret = (): string => randomBytes(32).toString("base64url");

/** How long sessions live. */
export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

/** Log in: a new session token and the account, or AppError("unauthorized") with one message whatever was wrong. Audited both ways. */
export async function logIn(opts: { db: Db; username: string; password: string; ip?: string }): Promise<{ token: string; account: StaffAccount }> {
  const username = String(opts.username ?? "").trim().slice(0, 80);
  const row = await opts.db.staffAccount.findUnique({ where: { username } });
  const ok = await verifyPassword(row && !row.disabled ? row.passwordHash : null, String(opts.password ?? ""));
  const actor = { name: username || "-", channel: "web" as const, ip: opts.ip };
  if (!ok || !row) {
    await recordAudit(opts.db, { actor, action: "session.login_failed", subject: `account:${username || "-"}` });
    throw new AppError("unauthorized", { message: "wrong username or password" });
  }
  const token = secret();
  await opts.db.$transaction(async (tx) => {
    await tx.staffSession.create({ data: { id: sha256(token), accountId: row.id, ip: opts.ip ?? null } });
    await recordAudit(tx, { actor, action: "session.login", subject: `account:${username}` });
  });
  return { token, account: (await findAccount({ db: opts.db, id: row.id }))! };
}

/** The actor of a session token, or null when unknown, idle too long or too old (the row is then removed). */
export async function sessionActor(opts: { db: Db; token: string; limits: SessionLimits; ip?: string }): Promise<Actor | null> {
  const id = sha256(opts.token);
  const row = await opts.db.staffSession.findUnique({ where: { id } });
  if (!row) return null;
  const now = Date.now();
  if (now - row.lastSeenAt.getTime() > opts.limits.idleMs || now - row.createdAt.getTime() > opts.limits.maxMs) {
    await opts.db.staffSession.deleteMany({ where: { id } });
    return null;
  }
  // Written at most once a minute: idle expiry needs no finer grain, and SQLite is spared a write per request.
  if (now - row.lastSeenAt.getTime() > 60_000) await opts.db.staffSession.update({ where: { id }, data: { lastSeenAt: new Date(now) } }).catch(() => undefined);
  return actorForAccount({ db: opts.db, accountId: row.accountId, channel: "web", ip: opts.ip });
}

/** End one session (logout). Audited when there was one. */
export async function logOut(opts: { db: Db; token: string; actor: Actor }): Promise<void> {
  const ended = await opts.db.staffSession.deleteMany({ where: { id: sha256(opts.token) } });
  if (ended.count) await recordAudit(opts.db, { actor: opts.actor, action: "session.logout", subject: `account:${opts.actor.accountId ?? "-"}` });
}

// === API tokens

/** A token as listed (never its secret). */
export interface ApiTokenInfo {
  id: number;
  name: string;
  role: string;
  scope: string | null;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const TOKEN_PREFIX = "glt_";

/** Create a token with a role and scope; the secret is returned once and never stored. Audited. */
export async function createApiToken(opts: { db: Db; actor: Actor; name: string; role: StaffRole; scope?: string | number | null }): Promise<{ token: string; info: ApiTokenInfo }> {
  authorize(opts.actor, "token.manage");
  if (!STAFF_ROLES.includes(opts.role)) throw new AppError("bad_request", { message: `role: must be one of ${STAFF_ROLES.join(", ")}` });
  const name = String(opts.name ?? "").trim();
  if (!name || name.length > 60) throw new AppError("bad_request", { message: "name: must be 1–60 characters" });
  let scopeNodeId: number | null = null;
  if (opts.role !== "admin" && opts.scope !== undefined && opts.scope !== null && opts.scope !== "") {
    const node = await findOrgNode({ db: opts.db, ref: opts.scope });
    if (!node) throw new AppError("not_found", { message: `scope: no organisation node "${opts.scope}"` });
    scopeNodeId = node.id;
  } else if (opts.role === "grid_leader" || opts.role === "street") throw new AppError("bad_request", { message: `scope: a ${opts.role} token needs a scope` });
  const token = TOKEN_PREFIX + secret();
  const row = await opts.db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({ data: { name, hash: sha256(token), role: opts.role, scopeNodeId, createdBy: `${opts.actor.channel}:${opts.actor.name}` } });
    await recordAudit(tx, { actor: opts.actor, action: "token.create", subject: `token:${created.id}`, before: null, after: { name, role: opts.role, scopeNodeId } });
    return created;
  });
  return { token, info: (await listApiTokens({ db: opts.db })).find((t) => t.id === row.id)! };
}

/** Every token with its last use. */
export async function listApiTokens(opts: { db: Db }): Promise<ApiTokenInfo[]> {
  const rows = await opts.db.apiToken.findMany({ orderBy: { id: "asc" } });
  const nodes = new Map((await opts.db.orgNode.findMany()).map((n) => [n.id, n.name]));
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, scope: r.scopeNodeId === null ? null : nodes.get(r.scopeNodeId) ?? null, createdBy: r.createdBy, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, revokedAt: r.revokedAt }));
}

/** Revoke a token: refused from the next request on. Audited. */
export async function revokeApiToken(opts: { db: Db; actor: Actor; id: number }): Promise<void> {
  authorize(opts.actor, "token.manage");
  await opts.db.$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: opts.id } });
    if (!row) throw new AppError("not_found", { message: `no token ${opts.id}` });
    if (row.revokedAt) return;
    await tx.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, { actor: opts.actor, action: "token.revoke", subject: `token:${row.id}`, before: { revokedAt: null }, after: { revokedAt: new Date().toISOString() } });
  });
}

/** The actor of a Bearer token, or null (unknown or revoked). Records the last use. */
export async function tokenActor(opts: { db: Db; token: string; ip?: string }): Promise<Actor | null> {
  if (!opts.token.startsWith(TOKEN_PREFIX)) return null;
  const row = await opts.db.apiToken.findUnique({ where: { hash: sha256(opts.token) } });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 10_000) await opts.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  const grids = row.role === "admin" || row.scopeNodeId === null ? null : await gridsUnder({ db: opts.db, nodeId: row.scopeNodeId });
  return { role: row.role as StaffRole, grids, grid: grids?.length === 1 ? grids[0] : null, name: row.name, channel: "token", ip: opts.ip };
}
