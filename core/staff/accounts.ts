// Staff accounts: one per person, with a role, a scope (a node of the organisation) and the chat identities that
// are theirs. Passwords are Argon2id (@node-rs/argon2); there is never a default password.

import { hash, verify } from "@node-rs/argon2";
import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import type { Tx } from "../infra/rows.js";
import { findOrgNode, gridsUnder } from "../org/org-tree.js";
import { authorize, STAFF_ROLES, type Actor, type Channel } from "../policy/authorize.js";
import type { Platform } from "../ports/chat.js";

/** A staff role (what an account or an API token may be). */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** An account as shown to people (never the hash). */
export interface StaffAccount {
  id: number;
  username: string;
  name: string | null;
  role: StaffRole;
  scope: { id: number; kind: string; name: string } | null;
  identities: Array<{ platform: string; userId: string }>;
  canLogIn: boolean;
  disabled: boolean;
}

/** The shortest password accepted (long passphrases beat complexity rules). */
export const MIN_PASSWORD_LENGTH = 10;

const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const; // OWASP's Argon2id minimum

/** Hash a password with Argon2id; refuses short or absent ones. */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== "string" || [...password].length < MIN_PASSWORD_LENGTH) throw new AppError("bad_request", { message: `password: must be at least ${MIN_PASSWORD_LENGTH} characters` });
  if (password.length > 1024) throw new AppError("bad_request", { message: "password: must be at most 1024 characters" });
  return hash(password, ARGON2);
}

let dummyHash: Promise<string> | undefined;
/** Verify a password; with no hash (unknown user) a dummy verify runs anyway, so timing says nothing. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hash("not-a-real-password-0000", ARGON2);
  const target = passwordHash ?? (await dummyHash);
  const ok = await verify(target, String(password).slice(0, 1024)).catch(() => false);
  return ok && passwordHash !== null;
}

type AccountRow = { id: number; username: string; name: string | null; role: string; scopeNodeId: number | null; passwordHash: string | null; disabled: boolean };

async function toAccount(db: Db | Tx, row: AccountRow): Promise<StaffAccount> {
  const scope = row.scopeNodeId === null ? null : await db.orgNode.findUnique({ where: { id: row.scopeNodeId } });
  const identities = await db.staff.findMany({ where: { accountId: row.id }, orderBy: { id: "asc" } });
  return {
    id: row.id, username: row.username, name: row.name, role: row.role as StaffRole,
    scope: scope ? { id: scope.id, kind: scope.kind, name: scope.name } : null,
    identities: identities.map((i) => ({ platform: i.platform, userId: i.userId })), canLogIn: row.passwordHash !== null, disabled: row.disabled,
  };
}

/** The actor an account acts as: its role, and the grids under its scope (admins and unscoped viewers: all). */
export async function actorForAccount(opts: { db: Db | Tx; accountId: number; channel: Channel; ip?: string }): Promise<Actor | null> {
  const row = await opts.db.staffAccount.findUnique({ where: { id: opts.accountId } });
  if (!row || row.disabled) return null;
  const grids = row.role === "admin" || row.scopeNodeId === null ? null : await gridsUnder({ db: opts.db, nodeId: row.scopeNodeId });
  return { role: row.role as StaffRole, grids, grid: grids?.length === 1 ? grids[0] : null, name: row.name || row.username, channel: opts.channel, ip: opts.ip, accountId: row.id };
}

/** Resolve a scope given by id or name; street and grid_leader need one of the right level. */
async function resolveScope(db: Db | Tx, role: StaffRole, scope: string | number | null | undefined): Promise<number | null> {
  if (role === "admin") return null;
  if (scope === undefined || scope === null || scope === "") {
    if (role === "viewer") return null;
    throw new AppError("bad_request", { message: `scope: a ${role} needs a scope (${role === "street" ? "a street" : "a grid or community"}; see gridlink org list)` });
  }
  const node = await findOrgNode({ db, ref: scope });
  if (!node) throw new AppError("not_found", { message: `scope: no organisation node "${scope}" (see gridlink org list)` });
  if (role === "street" && !["district", "street"].includes(node.kind)) throw new AppError("bad_request", { message: `scope: a street account is scoped to a street, not a ${node.kind}` });
  return node.id;
}

/** Options of addAccount. */
export interface AddAccountOptions {
  db: Db;
  actor: Actor;
  username: string;
  role: StaffRole;
  /** A node id or name; required for street and grid_leader. */
  scope?: string | number | null;
  /** Absent: a chat-only account (no web login). Never defaulted. */
  password?: string;
  name?: string | null;
  identities?: Array<{ platform: Platform; userId: string }>;
}

const USERNAME = /^[\p{L}\p{N}._-]{2,40}$/u;

/** Create an account (conflict when the username exists); its chat identities become one person. Audited. */
export async function addAccount(opts: AddAccountOptions): Promise<StaffAccount> {
  authorize(opts.actor, "staff.manage");
  if (!STAFF_ROLES.includes(opts.role)) throw new AppError("bad_request", { message: `role: must be one of ${STAFF_ROLES.join(", ")}` });
  const username = opts.username.trim();
  if (!USERNAME.test(username)) throw new AppError("bad_request", { message: "username: must be 2–40 letters, digits, '.', '_' or '-'" });
  const passwordHash = opts.password === undefined ? null : await hashPassword(opts.password);
  return opts.db.$transaction(async (tx) => {
    if (await tx.staffAccount.findUnique({ where: { username } })) throw new AppError("conflict", { message: `an account "${username}" exists already` });
    const scopeNodeId = await resolveScope(tx, opts.role, opts.scope);
    const row = await tx.staffAccount.create({ data: { username, role: opts.role, scopeNodeId, passwordHash, name: opts.name ?? null } });
    for (const id of opts.identities ?? []) await linkIdentity(tx, row.id, opts.role, id);
    const account = await toAccount(tx, row);
    await recordAudit(tx, { actor: opts.actor, action: "staff.add", subject: `account:${username}`, before: null, after: account });
    return account;
  });
}

async function linkIdentity(tx: Tx, accountId: number, role: StaffRole, id: { platform: Platform; userId: string }): Promise<void> {
  const who = { platform: id.platform, userId: id.userId };
  const existing = await tx.staff.findUnique({ where: { platform_userId: who } });
  if (existing?.accountId && existing.accountId !== accountId) throw new AppError("conflict", { message: `${id.platform}:${id.userId} belongs to another account` });
  await tx.staff.upsert({ where: { platform_userId: who }, create: { ...who, role, accountId }, update: { accountId, role } });
}

/** Add chat identities to an account (the same person on another platform). Audited. */
export async function linkIdentities(opts: { db: Db; actor: Actor; username: string; identities: Array<{ platform: Platform; userId: string }> }): Promise<StaffAccount> {
  authorize(opts.actor, "staff.manage");
  return opts.db.$transaction(async (tx) => {
    const row = await tx.staffAccount.findUnique({ where: { username: opts.username } });
    if (!row) throw new AppError("not_found", { message: `no account "${opts.username}"` });
    const before = await toAccount(tx, row);
    for (const id of opts.identities) await linkIdentity(tx, row.id, row.role as StaffRole, id);
    const after = await toAccount(tx, row);
    await recordAudit(tx, { actor: opts.actor, action: "staff.link", subject: `account:${row.username}`, before: before.identities, after: after.identities });
    return after;
  });
}

/** Set a new password; every session of the account ends ("log out everywhere"). Audited (never the password). */
export async function setPassword(opts: { db: Db; actor: Actor; username: string; password: string }): Promise<void> {
  const row = await opts.db.staffAccount.findUnique({ where: { username: opts.username } });
  if (!row) throw new AppError("not_found", { message: `no account "${opts.username}"` });
  if (opts.actor.accountId !== row.id) authorize(opts.actor, "staff.manage");
  const passwordHash = await hashPassword(opts.password);
  await opts.db.$transaction(async (tx) => {
    await tx.staffAccount.update({ where: { id: row.id }, data: { passwordHash } });
    const ended = await tx.staffSession.deleteMany({ where: { accountId: row.id } });
    await recordAudit(tx, { actor: opts.actor, action: "staff.password", subject: `account:${row.username}`, before: null, after: { sessionsEnded: ended.count } });
  });
}

/** Disable an account (it keeps its history); its sessions end at once. Audited. */
export async function disableAccount(opts: { db: Db; actor: Actor; username: string }): Promise<StaffAccount> {
  authorize(opts.actor, "staff.manage");
  return opts.db.$transaction(async (tx) => {
    const row = await tx.staffAccount.findUnique({ where: { username: opts.username } });
    if (!row) throw new AppError("not_found", { message: `no account "${opts.username}"` });
    const after = await tx.staffAccount.update({ where: { id: row.id }, data: { disabled: true } });
    await tx.staffSession.deleteMany({ where: { accountId: row.id } });
    await recordAudit(tx, { actor: opts.actor, action: "staff.disable", subject: `account:${row.username}`, before: { disabled: row.disabled }, after: { disabled: true } });
    return toAccount(tx, after);
  });
}

/** Every account, in id order. */
export async function listAccounts(opts: { db: Db | Tx }): Promise<StaffAccount[]> {
  const rows = await opts.db.staffAccount.findMany({ orderBy: { id: "asc" } });
  return Promise.all(rows.map((r) => toAccount(opts.db, r)));
}

/** One account by id. */
export async function findAccount(opts: { db: Db | Tx; id: number }): Promise<StaffAccount | null> {
  const row = await opts.db.staffAccount.findUnique({ where: { id: opts.id } });
  return row ? toAccount(opts.db, row) : null;
}

/** True when no account can log in yet (start prints how to create the first admin). */
export async function noAdminYet(db: Db): Promise<boolean> {
  return (await db.staffAccount.count({ where: { role: "admin", disabled: false, passwordHash: { not: null } } })) === 0;
}

