// Erasure on request (PIPL art. 47): a resident's name, platform id and words are removed; the rows stay as
// anonymous counts (a ticket keeps its category, status and times; a message stays counted). The resident row
// gets a pseudonym and a platform id that can never match again, so the person speaking later is a new,
// unrelated resident. Audited (the audit names the row, not the person).

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { maskPersonal } from "../privacy.js";
import { ERASED_TEXT, parseResidentRef, pseudonym, replaceNames } from "./redact.js";

/** Options of eraseResident. */
export interface EraseResidentOptions {
  db: Db;
  actor: Actor;
  /** "<platform>:<id>". */
  resident: string;
}

/** What was erased (counts only). */
export interface EraseReport {
  residentId: number;
  pseudonym: string;
  messages: number;
  tickets: number;
  events: number;
  botMessages: number;
}

/** Erase a resident's personal data, keeping anonymous counts; not_found when there is no such resident (or it was erased). */
export async function eraseResident(opts: EraseResidentOptions): Promise<EraseReport> {
  authorize(opts.actor, "privacy.manage");
  const { platform, userId } = parseResidentRef(opts.resident);
  return opts.db.$transaction(async (tx) => {
    const r = await tx.resident.findUnique({ where: { platform_userId: { platform, userId } } });
    if (!r) throw new AppError("not_found", { message: `no resident ${platform}:${userId}` });
    const alias = pseudonym(r.id);
    const names = [r.displayName, ...(userId.length >= 5 ? [userId] : [])];
    const messages = await tx.message.findMany({ where: { residentId: r.id }, select: { id: true, text: true } });
    const tickets = await tx.ticket.findMany({ where: { reporterId: r.id }, select: { id: true } });
    const ticketIds = tickets.map((t) => t.id);
    const messageIds = messages.map((m) => m.id);
    await tx.message.updateMany({ where: { residentId: r.id }, data: { text: ERASED_TEXT } });
    await tx.ticket.updateMany({ where: { reporterId: r.id }, data: { text: ERASED_TEXT } });
    // Events on their tickets, and the feedback they gave on others' (actor "resident:<name>").
    const events = await tx.ticketEvent.findMany({ where: { OR: [{ ticketId: { in: ticketIds } }, { actor: `resident:${r.displayName}` }] }, select: { id: true, actor: true, note: true } });
    let eventCount = 0;
    for (const e of events) {
      const actor = e.actor === `resident:${r.displayName}` ? `resident:${alias}` : e.actor;
      const note = e.note === null ? null : maskPersonal(replaceNames(e.note, names, alias));
      if (actor === e.actor && note === e.note) continue;
      eventCount++;
      await tx.ticketEvent.update({ where: { id: e.id }, data: { actor, note } });
    }
    const bot = await tx.outboundMessage.findMany({
      where: { OR: [{ sourceMessageId: { in: messageIds } }, { ticketId: { in: ticketIds } }, { mentionUserId: userId, platform }] },
      select: { id: true, text: true, replyToName: true, replyExcerpt: true, mentionName: true },
    });
    for (const o of bot) {
      let text = o.text;
      for (const m of messages) if (m.text.length >= 3) text = text.split(m.text).join(ERASED_TEXT);
      await tx.outboundMessage.update({
        where: { id: o.id },
        data: { text: replaceNames(text, names, alias), replyToName: o.replyToName === null ? null : alias, mentionName: o.mentionName === null ? null : alias, mentionUserId: null, replyExcerpt: o.replyExcerpt === null ? null : ERASED_TEXT },
      });
    }
    await tx.resident.update({ where: { id: r.id }, data: { displayName: alias, userId: `erased-${r.id}`, tags: "" } });
    const report: EraseReport = { residentId: r.id, pseudonym: alias, messages: messages.length, tickets: tickets.length, events: eventCount, botMessages: bot.length };
    await recordAudit(tx, { actor: opts.actor, action: "privacy.erase", subject: `resident:${r.id}`, after: report });
    return report;
  });
}
