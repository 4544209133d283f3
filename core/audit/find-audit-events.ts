// Reading the audit trail (newest first), for the CLI and, later, GET /api/audit.

import type { Db } from "../infra/db.js";
import { maskPersonal } from "../privacy.js";

/** An audit event as shown to people: before/after parsed back from JSON. */
export interface AuditEvent {
  id: number;
  at: Date;
  actor: string;
  channel: string;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
  ip: string | null;
}

/** One line of an audit listing (CLI): time, actor, IP, action, subject, before → after, personal numbers masked. */
export function formatAuditEvent(e: AuditEvent): string {
  return maskPersonal(`${e.at.toISOString()}\t${e.actor}\t${e.ip ?? "-"}\t${e.action}\t${e.subject}\t${JSON.stringify(e.before)} → ${JSON.stringify(e.after)}`);
}

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

/** Audit events, optionally of one subject, actor, time range or action prefix ("group.", "ticket."), newest first. */
export async function findAuditEvents(opts: { db: Db; subject?: string; action?: string; actor?: string; since?: Date; until?: Date; limit?: number }): Promise<AuditEvent[]> {
  const rows = await opts.db.auditEvent.findMany({
    where: {
      subject: opts.subject,
      action: opts.action ? { startsWith: opts.action } : undefined,
      // "alice" matches "web:alice", "cli:alice", "token:alice"; "web:alice" matches exactly
      actor: opts.actor ? (opts.actor.includes(":") ? opts.actor : { endsWith: `:${opts.actor}` }) : undefined,
      createdAt: opts.since || opts.until ? { gte: opts.since, lte: opts.until } : undefined,
    },
    orderBy: { id: "desc" },
    take: opts.limit ?? 100,
  });
  return rows.map((r) => ({ id: r.id, at: r.createdAt, actor: r.actor, channel: r.channel, action: r.action, subject: r.subject, before: parse(r.before), after: parse(r.after), ip: r.ip }));
}
