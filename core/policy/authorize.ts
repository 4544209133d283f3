// One permission check for every door (chat commands, HTTP routes, the CLI): who may do what to which resource.
// Today: three ranks (resident < grid_leader < admin) and a leader's grid; the access issue grows roles and scopes here.

import { AppError } from "../infra/errors.js";
import { t, type Lang } from "../locale.js";

/** Who may act. Staff roles come from the staff registry; everyone else in a chat is a resident. */
export type Role = "resident" | "grid_leader" | "admin";

/** Where an action came from (written into the audit trail). */
export type Channel = "chat" | "http" | "cli" | "system";

/** The person (or process) acting. `grid` limits a grid leader; `name` is what notices and the audit show. */
export interface Actor {
  role: Role;
  /** The grid a leader looks after (null: every grid). */
  grid?: string | null;
  /** Shown in notices and the audit trail ("李网格", "alice"). */
  name: string;
  channel: Channel;
}

/** Everything that is decided by authorize(). */
export type Action =
  | "command.resident"
  | "ticket.list"
  | "ticket.read"
  | "ticket.transition"
  | "broadcast.create"
  | "group.update"
  | "staff.manage"
  | "queue.retry"
  | "lexicon.edit";

/** The thing acted on; `grid` is the grid it belongs to (a ticket's group's grid, a group's grid, a broadcast scope's grid). */
export interface Resource {
  kind?: "ticket" | "group" | "broadcast";
  grid?: string | null;
  /** A ticket number, for messages. */
  number?: string;
}

const RANK: Record<Role, number> = { resident: 0, grid_leader: 1, admin: 2 };

/** The least role each action needs. */
const NEEDS: Record<Action, Role> = {
  "command.resident": "resident",
  "ticket.list": "grid_leader",
  "ticket.read": "grid_leader",
  "ticket.transition": "grid_leader",
  "broadcast.create": "grid_leader",
  "group.update": "grid_leader",
  "staff.manage": "admin",
  "queue.retry": "admin",
  "lexicon.edit": "admin",
};

/** True when the role ranks at least as high as `needed`. */
export const atLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** Why an action is refused, or undefined when it is allowed. */
export type Refusal = { reason: "role" } | { reason: "grid"; grid: string };

/** Decide without throwing. A leader with a grid acts on resources of that grid only; admins act everywhere. */
export function decide(actor: Actor, action: Action, resource: Resource = {}): Refusal | undefined {
  if (!atLeast(actor.role, NEEDS[action])) return { reason: "role" };
  if (actor.role === "grid_leader" && actor.grid && resource.grid !== undefined && resource.grid !== actor.grid) return { reason: "grid", grid: actor.grid };
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

/** The actor of an HTTP change: admin rights for loopback clients until logins exist (issue "Access"). */
export const httpActor = (ip: string): Actor => ({ role: "admin", name: ip, channel: "http" });
