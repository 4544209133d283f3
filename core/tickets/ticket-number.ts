// Ticket numbers: A0012 — a prefix (TICKET_PREFIX) and at least four digits from a counter in the database.

import type { Tx } from "../infra/rows.js";

/** Normalise what a person typed as a ticket number ("a12", "#A0012") to the stored form, or undefined. */
export function parseTicketNumber(raw: string | undefined, prefix = "A"): string | undefined {
  const m = /^#?([A-Za-z]{1,3})?0*(\d{1,9})$/.exec((raw ?? "").trim());
  if (!m) return undefined;
  return formatTicketNumber((m[1] ?? prefix).toUpperCase(), Number(m[2]));
}

/** A0012: prefix + at least four digits. */
export const formatTicketNumber = (prefix: string, n: number): string => `${prefix}${String(n).padStart(4, "0")}`;

/** Take the next ticket number inside the caller's transaction. */
export async function nextTicketNumber(tx: Tx, prefix: string): Promise<string> {
  const c = await tx.counter.upsert({ where: { name: `ticket-${prefix}` }, create: { name: `ticket-${prefix}`, value: 1 }, update: { value: { increment: 1 } } });
  return formatTicketNumber(prefix, c.value);
}
