// An edited message updates what was stored (and its ticket's text); it never opens a second ticket.

import type { ChatMessage } from "../ports/chat.js";
import { clip, messageKey, type IntakeDeps, type IntakeOutcome } from "./shared.js";

/** Apply an edit to a stored message; undefined when the original was never stored (it was chatter). */
export async function handleEdit(deps: IntakeDeps, msg: ChatMessage, text: string): Promise<IntakeOutcome | undefined> {
  const stored = await deps.prisma.message.findUnique({ where: messageKey(msg), include: { tickets: true } });
  if (!stored) return undefined;
  const clipped = clip(text, deps.maxStoredChars);
  await deps.prisma.$transaction(async (tx) => {
    await tx.message.update({ where: { id: stored.id }, data: { text: clipped.text, truncated: clipped.truncated, editedAt: new Date(msg.sentAt) } });
    await tx.ticket.updateMany({ where: { sourceMessageId: stored.id }, data: { text: clipped.text } });
  });
  return { action: "edited", ticketNumber: stored.tickets[0]?.number };
}
