// Intake: the dispatcher for one inbound group message — an edit, a command, a complaint, or chatter (stored
// nowhere). Runs in the intake worker. A staff room (a group marked staffRoom: the grid's staff get dispatch notices
// and work tickets there) takes commands and broadcast confirmations only: no vote, rating reply, assistant answer
// or complaint comes from it, and nothing else typed there is stored. A private chat takes staff commands (and
// their 「确认」) only. The rules live in the handlers under core/intake/ and the services they call. Idempotent: the
// Message unique key (platform + chat + message id) makes a replayed job harmless, and a replay re-queues whatever
// the first run created but did not get to queue.

import { ensureDirectChat, ensureGroup } from "./groups/registry.js";
import { toGroup } from "./infra/rows.js";
import type { ChatMessage } from "./ports/chat.js";
import { parseCommand } from "./transports/chat-commands/table.js";
import { handleCommand } from "./intake/handle-command.js";
import { handleComplaint } from "./intake/handle-complaint.js";
import { handleEdit } from "./intake/handle-edit.js";
import { broadcastConfirmation } from "./intake/handle-confirmation.js";
import { handleVote } from "./intake/handle-vote.js";
import { ratingReply } from "./intake/handle-rating.js";
import { chatActor } from "./staff/chat-identity.js";
import type { SenderContext } from "./assistant/sender-context.js";
import { messageKey, requeue, type IntakeDeps, type IntakeOutcome } from "./intake/shared.js";

export type { IntakeDeps, IntakeOutcome } from "./intake/shared.js";

/** Handle one inbound message. */
export async function handleMessage(deps: IntakeDeps, msg: ChatMessage): Promise<IntakeOutcome> {
  const { prisma } = deps;
  const text = typeof msg.text === "string" ? msg.text : "";
  if (!text.trim()) return { action: "ignored", reason: "no text" };

  // === A private chat with the bot: staff commands only (handleCommand ignores anyone else); never a complaint.
  if (msg.direct) {
    // A bare 「确认」/「取消」 answers a broadcast preview the sender drafted here (only staff draft; no draft, no read).
    const command = msg.edited ? undefined : parseCommand(text) ?? (await broadcastConfirmation(prisma, msg, text));
    if (!command) return { action: "ignored", reason: "private chat" };
    // A resident's private chat leaves nothing behind (no row, no reply).
    const staff = await chatActor({ db: prisma, platform: msg.platform, ids: [msg.sender.id, ...(msg.sender.aliases ?? [])] });
    if (!staff) return { action: "ignored", reason: "private chat of a non-staff sender" };
    const row = await ensureDirectChat(prisma, msg.platform, msg.chatId, staff.name || msg.sender.name);
    if (!row.direct) return { action: "ignored", reason: "private chat id is a group's" };
    const stored = await prisma.message.findUnique({ where: messageKey(msg), select: { id: true } });
    if (stored) return requeue(deps, stored.id);
    return handleCommand(deps, msg, toGroup(row), command, { direct: true });
  }

  if (msg.edited) {
    const edited = await handleEdit(deps, msg, text);
    if (edited) return edited;
    // Never stored (it was chatter): judge the edited text as a new message.
  }

  // Chatter costs no database work: classify first (pure, microseconds), store nothing. The exceptions: a bare
  // 「确认」/「取消」 (a broadcast preview may wait in this chat), a short line while a poll is open (a vote), and
  // a bare 「满意」/「不满意」/1–5 (a reporter's rating of their resolved ticket is /rate on it).
  const explicit = parseCommand(text) ?? (await broadcastConfirmation(prisma, msg, text));
  // === Poll votes first: a poll's notice asks for numbers, so 「1」 there is a vote, never a rating of 1 (a reopen).
  if (!explicit) {
    const voted = await handleVote(deps, msg, text);
    if (voted) return voted;
  }
  const command = explicit ?? (await ratingReply(prisma, msg, text));
  let detection = command ? undefined : deps.detect(text);
  // === Assistant hook: core/assistant decides (in one place) whether a non-command line is an enquiry it
  // answers, a reply about a ticket, or a complaint (possibly one the detector missed, with its detection).
  let seen: SenderContext | undefined;
  if (!command && deps.assistant) {
    const routed = await deps.assistant.route(msg, detection!);
    if (routed && "outcome" in routed) return routed.outcome;
    if (routed) {
      seen = routed.seen;
      if (routed.complaint) detection = routed.complaint;
    }
  }
  if (!command && (!detection!.complaint || !detection!.category)) return { action: "ignored", reason: "not a complaint" };

  // The group and a replay's stored row: what the assistant already read, else read here.
  const row = seen?.group ?? (await ensureGroup(prisma, msg.platform, msg.chatId, msg.chatTitle));
  if (!row.active) await prisma.group.update({ where: { id: row.id }, data: { active: true } });
  const group = toGroup(row);

  // A replay: re-queue what the first run created (jobs are deduplicated by id).
  const existingId = seen ? seen.messageRowId : (await prisma.message.findUnique({ where: messageKey(msg), select: { id: true } }))?.id ?? null;
  if (existingId !== null) return requeue(deps, existingId);

  if (command) return handleCommand(deps, msg, group, command);
  // 「3栋停电了，谁去看看」 between staff is their work, not a resident's complaint (a leader who means one uses the
  // residents' group). Votes, ratings and the assistant already passed on it (each reads the row's staffRoom).
  if (group.staffRoom) return { action: "ignored", reason: "staff room: commands only" };
  if (!group.enabled) return { action: "ignored", reason: "group not enabled" };
  if (!detection?.category) return { action: "ignored", reason: "not a complaint" };
  return handleComplaint(deps, msg, text, group, { ...detection, category: detection.category });
}
