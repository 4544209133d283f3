// 「确认」/「取消」 after a broadcast preview: read as `/broadcast confirm B12` (or cancel) when the sender has a
// draft waiting in this chat, so it runs through the command path (stored once, replay-safe, audited).

import type { Db } from "../infra/db.js";
import { CONFIRM_REPLY as CONFIRM, DISCARD_REPLY as DISCARD, type ChatMessage } from "../ports/chat.js";
import { parseCommand, type ParsedCommand } from "../transports/chat-commands/table.js";


/** The command a bare confirmation stands for, or undefined (then it is ordinary text). */
export async function broadcastConfirmation(db: Db, msg: ChatMessage, text: string): Promise<ParsedCommand | undefined> {
  const s = text.trim();
  const confirm = CONFIRM.test(s);
  if (!confirm && !DISCARD.test(s)) return undefined;
  const group = await db.group.findUnique({ where: { platform_chatId: { platform: msg.platform, chatId: msg.chatId } }, select: { id: true } });
  if (!group) return undefined;
  // The latest draft of this author here; an expired one still answers (with "expired"), for a day.
  const draft = await db.broadcast.findFirst({
    where: { status: "draft", originGroupId: group.id, originUserId: { in: [msg.sender.id, ...(msg.sender.aliases ?? [])] }, createdAt: { gte: new Date(Date.now() - 24 * 3600_000) } },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  if (!draft) return undefined;
  // In Chinese words, so the answer is in the language of the preview.
  return parseCommand(`/broadcast ${confirm ? "确认" : "取消"} B${draft.id}`);
}
