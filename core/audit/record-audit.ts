// The one audit trail: every administrative change writes an AuditEvent in the same transaction as the change,
// so a change without its audit row (or the other way round) cannot exist.

import type { Db } from "../infra/db.js";
import type { Tx } from "../infra/rows.js";
import type { Actor, Channel } from "../policy/authorize.js";

/** One audited change; `before`/`after` are plain values (stored as JSON), null for "did not exist". */
export interface AuditInput {
  actor: Actor | { name: string; channel: Channel; ip?: string };
  action: string;
  subject: string;
  before?: unknown;
  after?: unknown;
}

const CHANNELS: readonly Channel[] = ["chat", "web", "token", "cli", "system", "http"];

/**
 * The audit actor of a "channel:name" string (the curation stores' form: "cli:alice", "web:alice",
 * "http:127.0.0.1", "system:seed"); a string without a known channel is a system actor of that name.
 */
export function actorFromString(actor: string): { name: string; channel: Channel } {
  const cut = actor.indexOf(":");
  const channel = CHANNELS.find((c) => cut > 0 && c === actor.slice(0, cut));
  return channel ? { name: actor.slice(cut + 1), channel } : { name: actor, channel: "system" };
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** Write one audit event inside the caller's transaction (or alone, for events that change nothing else: logins). */
export async function recordAudit(tx: Tx | Db, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: { actor: `${input.actor.channel}:${input.actor.name}`, channel: input.actor.channel, action: input.action, subject: input.subject, before: json(input.before), after: json(input.after), ip: input.actor.ip ?? null },
  });
}
