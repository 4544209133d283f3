// Reading a ticket's reporters with what updates and the API need: their group, name, and the message to quote.

import type { Db } from "../infra/db.js";
import { toGroup, toReporterVia, type Group, type Tx } from "../infra/rows.js";
import type { Lang } from "../locale.js";
import type { ReporterVia } from "./add-reporter.js";

/** One reporter of a ticket. */
export interface TicketReporterDetail {
  id: number;
  ticketId: number;
  first: boolean;
  via: ReporterVia;
  lang: Lang;
  joinedAt: Date;
  group: Group;
  resident: { id: number; displayName: string; userId: string };
  /** Their report: the platform message id (quoted by replies) and its text. */
  message: { id: number; messageId: string; text: string } | null;
}

/** The reporters of one or more tickets, the first reporter first, then in the order they joined. */
export async function findReporters(opts: { db: Db | Tx; ticketIds: number[] }): Promise<TicketReporterDetail[]> {
  const { db } = opts;
  if (opts.ticketIds.length === 0) return [];
  const rows = await db.ticketReporter.findMany({ where: { ticketId: { in: opts.ticketIds } }, orderBy: [{ first: "desc" }, { id: "asc" }] });
  if (rows.length === 0) return [];
  const [groups, residents, messages] = await Promise.all([
    db.group.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.groupId))] } } }),
    db.resident.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.residentId))] } }, select: { id: true, displayName: true, userId: true } }),
    db.message.findMany({ where: { id: { in: rows.map((r) => r.sourceMessageId) } }, select: { id: true, messageId: true, text: true } }),
  ]);
  const g = new Map(groups.map((x) => [x.id, toGroup(x)]));
  const res = new Map(residents.map((x) => [x.id, x]));
  const msg = new Map(messages.map((x) => [x.id, x]));
  return rows.flatMap((r) => {
    const group = g.get(r.groupId);
    const resident = res.get(r.residentId);
    if (!group || !resident) return [];
    return [{
      id: r.id, ticketId: r.ticketId, first: r.first, via: toReporterVia(r.via), lang: r.lang === "en" ? "en" : "zh", joinedAt: r.joinedAt,
      group, resident, message: msg.get(r.sourceMessageId) ?? null,
    }];
  });
}
