// A ticket's reporters: the resident who opened it (first) and every neighbour whose report joined it —
// incident clustering, an enquiry saying it is still broken, a manual merge. Each hears back on every step.

import { serializeOn } from "../infra/db.js";
import type { REPORTER_VIA, Tx } from "../infra/rows.js";
import type { Lang } from "../locale.js";

/** How a reporter came to a ticket. */
export type ReporterVia = (typeof REPORTER_VIA)[number];

/** Options of addReporter; runs inside the caller's transaction (intake stores the message in the same one). */
export interface AddReporterOptions {
  tx: Tx;
  ticketId: number;
  groupId: number;
  residentId: number;
  /** The stored Message row of their report (what updates quote). */
  sourceMessageId: number;
  via: ReporterVia;
  /** The language they wrote in. @defaultValue "zh" */
  lang?: Lang;
  /** The ticket's original reporter. @defaultValue via === "open" */
  first?: boolean;
}

/**
 * Add a reporter to a ticket. A resident is one reporter per ticket (the unique key): reporting the same
 * incident twice keeps their first report; returns whether a row was added.
 */
export async function addReporter(opts: AddReporterOptions): Promise<{ added: boolean; reporterId: number }> {
  const { tx } = opts;
  // PostgreSQL: two reports of one resident joining at once would both find no row and the second insert would
  // fail its transaction; the lock makes the second read after the first commits (SQLite: one writer anyway).
  await serializeOn(tx, `reporter:${opts.ticketId}:${opts.residentId}`);
  const existing = await tx.ticketReporter.findUnique({ where: { ticketId_residentId: { ticketId: opts.ticketId, residentId: opts.residentId } }, select: { id: true } });
  if (existing) return { added: false, reporterId: existing.id };
  const row = await tx.ticketReporter.create({
    data: { ticketId: opts.ticketId, groupId: opts.groupId, residentId: opts.residentId, sourceMessageId: opts.sourceMessageId, via: opts.via, lang: opts.lang ?? "zh", first: opts.first ?? opts.via === "open" },
    select: { id: true },
  });
  return { added: true, reporterId: row.id };
}
