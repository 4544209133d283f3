// One permission check for every door (chat commands, HTTP routes, the CLI): who may do what to which resource.
// Today: three ranks (resident < grid_leader < admin) and a leader's grid; the access issue grows roles and scopes here.

import { AppError } from "../infra/errors.js";
import { t, type Lang } from "../locale.js";

/** Who may act. Staff roles come from staff accounts (or the legacy chat registry); everyone else in a chat is a resident. */
export type Role = "resident" | "viewer" | "grid_leader" | "street" | "admin";

/** The roles a staff account or API token can have. */
export const STAFF_ROLES = ["admin", "street", "grid_leader", "viewer"] as const;

/** Where an action came from (written into the audit trail): web = a session cookie, token = an API token. */
export type Channel = "chat" | "web" | "token" | "cli" | "system" | "http";

/** The person (or process) acting. `grids` limits what they see and change; `name` is what notices and the audit show. */
export interface Actor {
  role: Role;
  /** The one grid a leader looks after (null: every grid); kept for services that need a single grid. */
  grid?: string | null;
  /** The grid names under the actor's scope node; null or absent: every grid. */
  grids?: string[] | null;
  /** Shown in notices and the audit trail ("李网格", "alice"). */
  name: string;
  channel: Channel;
  /** The client address of an HTTP request (audited). */
  ip?: string;
  /** The staff account behind this actor, if any. */
  accountId?: number;
}

/** Everything that is decided by authorize(); every HTTP route declares one (or is public). */
export type Action =
  | "command.resident"
  | "session.self"
  | "ticket.list"
  | "ticket.read"
  | "ticket.transition"
  | "ticket.dispatch"
  | "ticket.escalate"
  | "ticket.rate"
  | "sla.read"
  | "sla.edit"
  | "broadcast.read"
  | "broadcast.create"
  | "group.read"
  | "group.update"
  | "org.read"
  | "org.edit"
  | "staff.manage"
  | "token.manage"
  | "queue.read"
  | "queue.retry"
  | "lexicon.read"
  | "lexicon.edit"
  | "audit.read"
  | "privacy.raw"
  | "privacy.manage"
  | "playground.use"
  | "gateway.admin";

/** The thing acted on; `grid` is the grid it belongs to (a ticket's group's grid, a group's grid, a broadcast scope's grid). */
export interface Resource {
  kind?: "ticket" | "group" | "broadcast" | "org";
  grid?: string | null;
  /** A ticket number, for messages. */
  number?: string;
}

const RANK: Record<Role, number> = { resident: 0, viewer: 1, grid_leader: 2, street: 3, admin: 4 };

/** The least role each action needs (scope is checked on top, from the resource's grid). */
export const NEEDS: Record<Action, Role> = {
  "command.resident": "resident",
  "playground.use": "resident",
  "session.self": "viewer",
  "ticket.list": "viewer",
  "ticket.read": "viewer",
  "ticket.transition": "grid_leader",
  "ticket.dispatch": "grid_leader",
  "ticket.escalate": "grid_leader",
  // Residents rate their own tickets in the group (评单); staff may record a rating they were given.
  "ticket.rate": "resident",
  "sla.read": "viewer",
  "sla.edit": "admin",
  "broadcast.read": "viewer",
  "broadcast.create": "grid_leader",
  "group.read": "viewer",
  "group.update": "grid_leader",
  "org.read": "viewer",
  "org.edit": "admin",
  "staff.manage": "admin",
  "token.manage": "admin",
  "queue.read": "street",
  "queue.retry": "admin",
  "lexicon.read": "viewer",
  "lexicon.edit": "admin",
  "audit.read": "admin",
  "privacy.raw": "admin",
  "privacy.manage": "admin",
  "gateway.admin": "admin",
};

/** The grids an actor is limited to, or null for every grid. */
export function scopeOf(actor: Actor): string[] | null {
  if (actor.role === "admin") return null;
  if (actor.grids) return actor.grids;
  if (actor.role === "grid_leader" && actor.grid) return [actor.grid];
  return null;
}

/** True when the role ranks at least as high as `needed`. */
export const atLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** Why an action is refused, or undefined when it is allowed. */
export type Refusal = { reason: "role" } | { reason: "grid"; grid: string };

/** Decide without throwing. A leader with a grid acts on resources of that grid only; admins act everywhere. */
export function decide(actor: Actor, action: Action, resource: Resource = {}): Refusal | undefined {
  if (!atLeast(actor.role, NEEDS[action])) return { reason: "role" };
  const grids = scopeOf(actor);
  if (grids && resource.grid !== undefined && (resource.grid === null || !grids.includes(resource.grid))) return { reason: "grid", grid: grids.join("、") || "-" };
  return undefined;
}

/** Refuse with AppError("forbidden") and a message for the person (in `lang`) that says why: the role, or the grid. */
export function authorize(actor: Actor, action: Action, resource: Resource = {}, lang: Lang = "zh"): void {
  const refusal = decide(actor, action, resource);
  if (!refusal) return;
  const m = t(lang);
  const what = `${actor.name} (${actor.role}) may not ${action}`;
  if (refusal.reason === "role") throw new AppError("forbidden", { message: what, userMessage: m.notAllowed });
  const userMessage =
    resource.kind === "ticket" && resource.number ? m.outOfScope({ number: resource.number }) : resource.kind === "broadcast" ? m.broadcastOutOfGrid({ grid: refusal.grid }) : m.groupOutOfScope;
  throw new AppError("forbidden", { message: `${what} outside grid ${refusal.grid}`, userMessage });
}

/** The actor of a CLI command: the operator on this machine, with admin rights (the CLI talks to the database directly). */
export const cliActor = (user: string): Actor => ({ role: "admin", name: user, channel: "cli" });

