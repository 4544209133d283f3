// A resident's data on request (PIPL art. 45): everything Gridlink holds about one resident, as plain JSON —
// the resident row, their stored messages, the tickets they reported (with every event), the assistant's
// answers to them, the bot's messages replying to or mentioning them, and their poll votes. Raw (admins only), and audited.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { parseResidentRef } from "./redact.js";

/** Options of exportResident. */
export interface ExportResidentOptions {
  db: Db;
  actor: Actor;
  /** "<platform>:<id>", e.g. "telegram:123456789". */
  resident: string;
}

/** Everything held about a resident (dates as ISO strings once serialised). */
export async function exportResident(opts: ExportResidentOptions) {
  authorize(opts.actor, "privacy.manage");
  const { platform, userId } = parseResidentRef(opts.resident);
  return opts.db.$transaction(async (tx) => {
    const resident = await tx.resident.findUnique({ where: { platform_userId: { platform, userId } } });
    if (!resident) throw new AppError("not_found", { message: `no resident ${platform}:${userId}` });
    const messages = await tx.message.findMany({ where: { residentId: resident.id }, orderBy: { id: "asc" }, include: { group: { select: { id: true, title: true, platform: true, chatId: true } } } });
    const tickets = await tx.ticket.findMany({ where: { reporterId: resident.id }, orderBy: { id: "asc" }, include: { events: { orderBy: { id: "asc" } }, group: { select: { id: true, title: true } } } });
    const assistantReplies = await tx.assistantReply.findMany({ where: { residentId: resident.id }, orderBy: { id: "asc" } });
    const messageIds = messages.map((m) => m.id);
    const botMessages = await tx.outboundMessage.findMany({
      where: { OR: [{ sourceMessageId: { in: messageIds } }, { ticketId: { in: tickets.map((t) => t.id) } }, { mentionUserId: userId, platform }] },
      orderBy: { id: "asc" },
      select: { id: true, kind: true, text: true, status: true, replyToName: true, replyExcerpt: true, mentionName: true, ticketId: true, sourceMessageId: true, createdAt: true, sentAt: true, groupId: true },
    });
    // Their votes: which option of which poll, in which group (theirs to see; nobody else's API shows voters).
    const pollVotes = await tx.pollVote.findMany({ where: { residentId: resident.id }, orderBy: { id: "asc" }, select: { pollId: true, groupId: true, option: true, votedAt: true, poll: { select: { question: true, options: true } } } });
    const counts = { messages: messages.length, tickets: tickets.length, assistantReplies: assistantReplies.length, botMessages: botMessages.length, pollVotes: pollVotes.length };
    await recordAudit(tx, { actor: opts.actor, action: "privacy.export", subject: `resident:${resident.id}`, after: counts });
    return {
      exportedAt: new Date(),
      resident,
      messages: messages.map(({ group, ...m }) => ({ ...m, group })),
      tickets,
      assistantReplies,
      botMessages,
      pollVotes,
      counts,
    };
  });
}
