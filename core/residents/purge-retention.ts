// Retention (PIPL art. 19, 47): residents' message text and names on tickets closed more than RETENTION_DAYS ago
// are replaced by a masked excerpt and a pseudonym. Rows stay — tickets keep their category, severity, status
// and times, messages stay counted — so statistics do not change. Idempotent: a purged ticket carries purgedAt
// and is never looked at again; a second run changes nothing. Run by core/jobs/purge-retention.ts (repeatable)
// and `gridlink privacy purge [--dry-run]`.

import { recordAudit } from "../audit/record-audit.js";
import { serializeOn, type Db } from "../infra/db.js";
import type { Tx } from "../infra/rows.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { maskPersonal } from "../privacy.js";
import { maskedExcerpt, pseudonym, replaceNames } from "./redact.js";

/** Options of purgeRetention. */
export interface PurgeRetentionOptions {
  db: Db;
  actor: Actor;
  /** Tickets closed longer ago than this many days are purged (config RETENTION_DAYS). */
  retentionDays: number;
  /** Only say what would change. @defaultValue false */
  dryRun?: boolean;
  /** "Now", for tests. @defaultValue new Date() */
  now?: Date;
  /** Tickets per transaction. @defaultValue 200 */
  batch?: number;
}

/** What a purge did (or, dry, would do). */
export interface PurgeReport {
  dryRun: boolean;
  cutoff: Date;
  /** Ticket numbers purged (or to purge), oldest closed first by id. */
  tickets: string[];
  messages: number;
  outbound: number;
  events: number;
  /** Residents whose name becomes a pseudonym (no ticket of theirs is open or closed within retention). */
  residents: number;
}

/** Quotes shorter than this are left in the bot's text (a two-character text would match bot words too). */
const EXCERPT_MIN_QUOTE = 3;

type TicketRow = { id: number; number: string; text: string; reporterId: number; sourceMessageId: number; reporter: { id: number; displayName: string } };

/** Purge (or count) every ticket closed before the cutoff that is not purged yet. */
export async function purgeRetention(opts: PurgeRetentionOptions): Promise<PurgeReport> {
  authorize(opts.actor, "privacy.manage");
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - opts.retentionDays * 86_400_000);
  const report: PurgeReport = { dryRun: !!opts.dryRun, cutoff, tickets: [], messages: 0, outbound: 0, events: 0, residents: 0 };
  const residentsSeen = new Set<number>();
  let after = 0;
  for (;;) {
    const select = { id: true, number: true, text: true, reporterId: true, sourceMessageId: true, reporter: { select: { id: true, displayName: true } } } as const;
    const listed = await opts.db.ticket.findMany({ where: { closedAt: { lt: cutoff }, purgedAt: null, id: { gt: after } }, orderBy: { id: "asc" }, take: opts.batch ?? 200, select: { id: true } });
    if (!listed.length) break;
    after = listed[listed.length - 1].id;
    const batch = await opts.db.$transaction(async (tx) => {
      // One purge at a time (PostgreSQL: a second one run at once waits here), and the batch read again inside:
      // a ticket the other purge just did, or one reopened since the list, is left alone.
      await serializeOn(tx, "retention-purge");
      const tickets: TicketRow[] = await tx.ticket.findMany({ where: { id: { in: listed.map((t) => t.id) }, closedAt: { lt: cutoff }, purgedAt: null }, orderBy: { id: "asc" }, select });
      const counts = { messages: 0, outbound: 0, events: 0, residents: 0, numbers: tickets.map((t) => t.number) };
      for (const t of tickets) {
        const c = await purgeTicket(tx, t, now, !!opts.dryRun);
        counts.messages += c.messages;
        counts.outbound += c.outbound;
        counts.events += c.events;
      }
      // A name goes once none of the resident's tickets is open or closed within retention.
      for (const rid of new Set(tickets.map((t) => t.reporterId))) {
        if (residentsSeen.has(rid)) continue;
        residentsSeen.add(rid);
        const recent = await tx.ticket.count({ where: { reporterId: rid, OR: [{ closedAt: null }, { closedAt: { gte: cutoff } }] } });
        if (recent) continue;
        const name = pseudonym(rid);
        const r = await tx.resident.findUnique({ where: { id: rid }, select: { displayName: true } });
        if (!r || r.displayName === name) continue;
        counts.residents++;
        if (!opts.dryRun) await tx.resident.update({ where: { id: rid }, data: { displayName: name } });
      }
      if (!opts.dryRun && tickets.length) {
        await recordAudit(tx, { actor: opts.actor, action: "privacy.purge", subject: "retention", after: { cutoff: cutoff.toISOString(), retentionDays: opts.retentionDays, tickets: counts.numbers, messages: counts.messages, outbound: counts.outbound, events: counts.events, residents: counts.residents } });
      }
      return counts;
    });
    report.tickets.push(...batch.numbers);
    report.messages += batch.messages;
    report.outbound += batch.outbound;
    report.events += batch.events;
    report.residents += batch.residents;
  }
  return report;
}

/** One ticket: its text, its messages, the bot's rows quoting them and its events' resident names. */
async function purgeTicket(tx: Tx, t: TicketRow, now: Date, dry: boolean): Promise<{ messages: number; outbound: number; events: number }> {
  const names = [t.reporter.displayName];
  const alias = pseudonym(t.reporter.id);
  // The resident's messages about this ticket: the one that opened it and those the assistant answered about it.
  const about = await tx.assistantReply.findMany({ where: { OR: [{ ticketId: t.id }, { registeredTicketId: t.id }] }, select: { messageRowId: true } });
  const messageIds = [...new Set([t.sourceMessageId, ...about.map((a) => a.messageRowId)])];
  const messages = await tx.message.findMany({ where: { id: { in: messageIds } }, select: { id: true, text: true } });
  const outbound = await tx.outboundMessage.findMany({
    where: { OR: [{ ticketId: t.id }, { sourceMessageId: { in: messageIds } }] },
    select: { id: true, text: true, replyToName: true, replyExcerpt: true, mentionName: true, mentionUserId: true },
  });
  const events = await tx.ticketEvent.findMany({ where: { ticketId: t.id }, select: { id: true, actor: true, note: true } });
  const eventChanges = events.flatMap((e) => {
    const actor = e.actor.startsWith("resident:") ? `resident:${alias}` : e.actor;
    const note = e.note === null ? null : maskPersonal(replaceNames(e.note, names, alias));
    return actor !== e.actor || note !== e.note ? [{ id: e.id, actor, note }] : [];
  });
  if (dry) return { messages: messages.length, outbound: outbound.length, events: eventChanges.length };

  const excerpts = new Map(messages.map((m) => [m.text, maskedExcerpt(m.text, names, alias)]));
  excerpts.set(t.text, maskedExcerpt(t.text, names, alias));
  for (const m of messages) await tx.message.update({ where: { id: m.id }, data: { text: excerpts.get(m.text)! } });
  await tx.ticket.update({ where: { id: t.id }, data: { text: excerpts.get(t.text)!, purgedAt: now } });
  for (const o of outbound) {
    // The bot's words stay; the resident's words it quoted become the excerpt, their name the pseudonym.
    let text = o.text;
    for (const [original, excerpt] of [...excerpts].sort((a, b) => b[0].length - a[0].length)) if (original.length > EXCERPT_MIN_QUOTE) text = text.split(original).join(excerpt);
    await tx.outboundMessage.update({
      where: { id: o.id },
      data: {
        text: maskPersonal(replaceNames(text, names, alias)),
        replyToName: o.replyToName === null ? null : alias,
        mentionName: o.mentionName === null ? null : alias,
        mentionUserId: null,
        replyExcerpt: o.replyExcerpt === null ? null : maskedExcerpt(o.replyExcerpt, names, alias),
      },
    });
  }
  for (const e of eventChanges) await tx.ticketEvent.update({ where: { id: e.id }, data: { actor: e.actor, note: e.note } });
  return { messages: messages.length, outbound: outbound.length, events: eventChanges.length };
}
