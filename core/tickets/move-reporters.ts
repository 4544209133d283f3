// Moving reporters between tickets: a merge moves every reporter of the duplicate onto the ticket it joins; a
// split takes one reporter off a ticket into a ticket of their own.

import { AppError } from "../infra/errors.js";
import type { Tx } from "../infra/rows.js";
import { rt, type Lang } from "../locale.js";

/** Move every reporter of `fromId` onto `intoId` (as later reporters); a resident on both stays once. Returns the moved rows. */
export async function moveReporters(opts: { tx: Tx; fromId: number; intoId: number }): Promise<Array<{ residentId: number }>> {
  const { tx } = opts;
  const rows = await tx.ticketReporter.findMany({ where: { ticketId: opts.fromId }, orderBy: { id: "asc" } });
  const already = new Set((await tx.ticketReporter.findMany({ where: { ticketId: opts.intoId }, select: { residentId: true } })).map((r) => r.residentId));
  const moved: Array<{ residentId: number }> = [];
  for (const r of rows) {
    if (already.has(r.residentId)) {
      await tx.ticketReporter.delete({ where: { id: r.id } });
      continue;
    }
    await tx.ticketReporter.update({ where: { id: r.id }, data: { ticketId: opts.intoId, first: false, via: "merge" } });
    moved.push({ residentId: r.residentId });
  }
  return moved;
}

/** The reporter a split names: its position in the ticket's reporter list (1 = the original reporter, who cannot leave). */
export async function takeReporter(opts: { tx: Tx; ticketId: number; number: string; position: number; lang: Lang }) {
  const { tx } = opts;
  const rows = await tx.ticketReporter.findMany({ where: { ticketId: opts.ticketId }, orderBy: [{ first: "desc" }, { id: "asc" }] });
  const row = rows[opts.position - 1];
  if (!row || row.first) {
    throw new AppError("bad_request", { message: `ticket ${opts.number} has no later reporter #${opts.position}`, userMessage: rt(opts.lang).splitWhich({ number: opts.number, count: rows.length }) });
  }
  await tx.ticketReporter.delete({ where: { id: row.id } });
  return row;
}
