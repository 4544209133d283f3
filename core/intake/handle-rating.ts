// 评单 in so many words: a reporter answering the bot's "please rate" with 「满意」「基本满意」「不满意」 or 1–5 —
// no command needed. Read as `/rate <their ticket> <n> <their words>`, so it runs through the same command path
// (stored once, one reply, the same action table as /rate and POST /api/tickets/:number/rate).

import type { Db } from "../infra/db.js";
import type { ChatMessage } from "../ports/chat.js";
import { ratingFromText, REOPEN_AT_OR_BELOW } from "../tickets/record-rating.js";
import { COMMANDS, type ParsedCommand } from "../transports/chat-commands/table.js";

/** A rating reply is about a ticket resolved (or rated) this recently. */
const RATING_REPLY_DAYS = 7;

/**
 * The rate command a line means, or undefined: a bare rating from a resident who reported a ticket in this
 * group that is resolved and waiting for their rating (or, for 「不满意」, already rated or published).
 */
export async function ratingReply(prisma: Db, msg: ChatMessage, text: string): Promise<ParsedCommand | undefined> {
  if (msg.edited || text.length > 20) return undefined;
  const rating = ratingFromText(text);
  if (rating === undefined) return undefined;
  const resident = await prisma.resident.findUnique({ where: { platform_userId: { platform: msg.platform, userId: msg.sender.id } }, select: { id: true } });
  if (!resident) return undefined;
  const group = await prisma.group.findUnique({ where: { platform_chatId: { platform: msg.platform, chatId: msg.chatId } }, select: { id: true, staffRoom: true } });
  // Staff in their staff room are not rating (a room made a staff room after it was a residents' group keeps its reporters).
  if (!group || group.staffRoom) return undefined;
  const mine = await prisma.ticketReporter.findMany({ where: { residentId: resident.id, groupId: group.id }, select: { ticketId: true }, orderBy: { id: "desc" }, take: 20 });
  if (mine.length === 0) return undefined;
  const statuses = rating <= REOPEN_AT_OR_BELOW ? ["resolved", "rated", "published"] : ["resolved"];
  const ticket = await prisma.ticket.findFirst({
    where: { id: { in: mine.map((m) => m.ticketId) }, status: { in: statuses }, closedAt: { gte: new Date(Date.now() - RATING_REPLY_DAYS * 86_400_000) } },
    orderBy: { closedAt: "desc" },
    select: { number: true },
  });
  if (!ticket) return undefined;
  const spec = COMMANDS.find((c) => c.name === "rate")!;
  return { kind: "command", spec, name: "rate", args: `${ticket.number} ${rating} ${text.trim()}`, style: "slash" };
}
