// A chat command: store it, run it (core/transports/chat-commands) inside the same transaction, queue the reply.

import { runFollowUp, type FollowUp } from "../broadcasts/control-broadcast.js";
import { AppError } from "../infra/errors.js";
import type { Group } from "../infra/rows.js";
import { createOutbound } from "../outbox.js";
import type { Actor } from "../policy/authorize.js";
import type { ChatMessage } from "../ports/chat.js";
import { maskPersonal } from "../privacy.js";
import { chatActor } from "../staff/chat-identity.js";
import type { TicketFollowUp } from "../tickets/actions.js";
import { runCommand, type CommandResult, type ParsedCommand } from "../transports/chat-commands/index.js";
import { commandLang } from "../transports/chat-commands/reply-lang.js";
import { clip, ensureResident, storeOnce, type IntakeDeps, type IntakeOutcome } from "./shared.js";

/**
 * Run a command typed in a group (or, `direct`, in a private chat with the bot — staff only: a leader answering the
 * 派单 message with `/accept A0012`); refusals become the reply.
 */
export async function handleCommand(deps: IntakeDeps, msg: ChatMessage, group: Group, command: ParsedCommand, opts: { direct?: boolean } = {}): Promise<IntakeOutcome> {
  const { prisma } = deps;
  const staff = await chatActor({ db: prisma, platform: msg.platform, ids: [msg.sender.id, ...(msg.sender.aliases ?? [])] });
  if (opts.direct && !staff) return { action: "ignored", reason: "private chat of a non-staff sender" };
  // A room that is not enabled stays silent: only staff may switch it on.
  if (!opts.direct && !group.enabled && !(command.kind === "command" && command.name === "enable" && staff)) {
    return { action: "ignored", reason: "group not enabled" };
  }
  // Command words, ids and keywords (/broadcast status B9) are Latin in every language: the reply follows the
  // free text the command carries (a notice body, a progress note), else Chinese.
  const lang = commandLang(command);
  const clipped = clip(msg.text, deps.maxStoredChars);
  const name = command.kind === "command" ? command.name : command.command;
  let refused: string | undefined;
  let followUp: FollowUp | undefined;
  let ticketFollowUps: TicketFollowUp[] = [];
  const result = await storeOnce(deps, msg, () =>
    prisma.$transaction(
      async (tx) => {
        const resident = await ensureResident(tx, msg.platform, msg.sender.id, msg.sender.name);
        const actor: Actor = staff ? { ...staff, name: staff.name || resident.displayName } : { role: "resident", grid: null, name: resident.displayName, channel: "chat" };
        const row = await tx.message.create({
          data: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId, groupId: group.id, residentId: resident.id, kind: "command", text: clipped.text, truncated: clipped.truncated, sentAt: new Date(msg.sentAt) },
        });
        let ran: CommandResult;
        try {
          ran = await runCommand(
            { tx, actor, group, resident, messageRowId: row.id, lang, ticketPrefix: deps.ticketPrefix, detect: deps.detect, sendingPaces: deps.sendingPaces ?? (async () => ({})), confirmTtlMs: deps.broadcastConfirmTtlMs, cycleSettings: deps.cycleSettings },
            command,
          );
        } catch (err) {
          if (!(err instanceof AppError) || !err.userMessage) throw err;
          refused = err.code;
          if (err.code === "forbidden") deps.log.warn({ platform: msg.platform, chatId: msg.chatId, user: msg.sender.id, command: name }, "command refused");
          ran = { reply: err.userMessage, outbounds: [] };
        }
        followUp = ran.followUp;
        ticketFollowUps = ran.ticketFollowUps ?? [];
        if (ran.reply) {
          ran.outbounds.push(
            await createOutbound(tx, {
              key: `cmd-${row.id}`,
              platform: msg.platform,
              groupId: group.id,
              kind: "command",
              text: ran.reply,
              sourceMessageId: row.id,
              replyTo: { messageId: msg.messageId, senderName: maskPersonal(resident.displayName), excerpt: maskPersonal(msg.text.slice(0, 30)) },
              mention: { userId: msg.sender.id, name: resident.displayName },
            }),
          );
        }
        return ran.outbounds;
      },
      { timeout: 30_000 },
    ),
  );
  if ("duplicate" in result) return result.duplicate;
  const rows = await prisma.outboundMessage.findMany({ where: { id: { in: result.stored } }, select: { id: true, platform: true } });
  await deps.queues.enqueueOutboundRows(rows);
  if (followUp) await runFollowUp(prisma, deps.queues, followUp);
  if (ticketFollowUps.length) await deps.afterTicketSteps?.(ticketFollowUps);
  return { action: "command", command: name, refused };
}
