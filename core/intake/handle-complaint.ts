// A detected complaint: store the message, open a ticket and queue the reply that quotes the resident — one transaction.

import type { Detection } from "../../nlp/index.js";
import type { Group } from "../infra/rows.js";
import { categoryLabel, langOf, t } from "../locale.js";
import { createOutbound } from "../outbox.js";
import type { ChatMessage } from "../ports/chat.js";
import { maskPersonal } from "../privacy.js";
import { openTicket } from "../tickets/open-ticket.js";
import { clip, ensureResident, storeOnce, type IntakeDeps, type IntakeOutcome } from "./shared.js";

/** Open the ticket for a complaint in an enabled group. */
export async function handleComplaint(deps: IntakeDeps, msg: ChatMessage, text: string, group: Group, detection: Detection & { category: string }): Promise<IntakeOutcome> {
  const { prisma } = deps;
  const lang = langOf(text);
  const clipped = clip(text, deps.maxStoredChars);
  const keywords = [...new Set(detection.keywords.map((k) => k.term))];
  const result = await storeOnce(deps, msg, () =>
    prisma.$transaction(async (tx) => {
      const resident = await ensureResident(tx, msg.platform, msg.sender.id, msg.sender.name);
      const row = await tx.message.create({
        data: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId, groupId: group.id, residentId: resident.id, kind: "complaint", text: clipped.text, truncated: clipped.truncated, sentAt: new Date(msg.sentAt) },
      });
      const ticket = await openTicket({
        tx,
        prefix: deps.ticketPrefix,
        groupId: group.id,
        reporterId: resident.id,
        sourceMessageId: row.id,
        text: clipped.text,
        category: detection.category,
        severity: detection.severity,
        keywords,
        origin: "detector",
        actor: `resident:${resident.displayName}`,
      });
      const id = await createOutbound(tx, {
        key: `reply-${row.id}`,
        platform: msg.platform,
        groupId: group.id,
        kind: "reply",
        text: t(lang).ticketOpened({ keyword: keywords[0] ?? categoryLabel(detection.category, lang), category: categoryLabel(detection.category, lang), number: ticket.number }),
        ticketId: ticket.id,
        sourceMessageId: row.id,
        replyTo: { messageId: msg.messageId, senderName: maskPersonal(resident.displayName), excerpt: maskPersonal(text.slice(0, 30)) },
        mention: { userId: msg.sender.id, name: resident.displayName },
      });
      return { outboundId: id, ticketNumber: ticket.number, staffOutbounds: ticket.staffOutbounds, followUp: { ticketId: ticket.id, seq: ticket.clockSeq } };
    }),
  );
  if ("duplicate" in result) return result.duplicate;
  const { outboundId, ticketNumber, staffOutbounds, followUp } = result.stored;
  await deps.queues.enqueueOutbound(msg.platform, outboundId);
  if (staffOutbounds.length) await deps.queues.enqueueOutboundRows(await prisma.outboundMessage.findMany({ where: { id: { in: staffOutbounds } }, select: { id: true, platform: true } }));
  await deps.afterTicketSteps?.([followUp]);
  deps.log.info({ platform: msg.platform, chatId: msg.chatId, ticket: ticketNumber, category: detection.category }, "ticket opened");
  return { action: "ticket", ticketNumber };
}
