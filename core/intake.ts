// Intake: one inbound group message → (command | complaint → ticket + reply | nothing). Runs in the intake
// worker. Idempotent: the Message unique key (platform + chat + message id) makes a replayed job harmless,
// and a replay re-queues whatever the first run created but did not get to queue.

import type { ChatMessage, Platform } from "./chat.js";
import type { Db } from "./db.js";
import { AppError } from "./errors.js";
import { ensureGroup } from "./groups.js";
import { categoryLabel, langOf, t } from "./locale.js";
import type { Logger } from "./log.js";
import { createOutbound } from "./outbox.js";
import { maskPersonal } from "./privacy.js";
import type { Queues } from "./queues.js";
import { openTicket, type Tx } from "./tickets.js";
import { parseCommand, runCommand, type CommandResult } from "./commands.js";
import type { Detection } from "../nlp/index.js";
import type { Assistant, AssistantOutcome } from "./assistant/index.js";

/** What intake needs; injected so tests and the live lexicon can swap the detector. */
export interface IntakeDeps {
  prisma: Db;
  queues: Queues;
  detect(text: string): Detection;
  log: Logger;
  ticketPrefix: string;
  maxStoredChars: number;
  /** Seconds per message at a platform's sending pace (broadcast ETAs). */
  paceSeconds(platform: string): number;
  /** Answers residents' questions (core/assistant); absent = off. */
  assistant?: Pick<Assistant, "route">;
}

/** What happened to a message, for logs and tests. */
export type IntakeOutcome =
  | { action: "ignored"; reason: string }
  | { action: "duplicate"; requeued: number }
  | { action: "ticket"; ticketNumber: string }
  | { action: "command"; command: string; refused?: string }
  | { action: "edited"; ticketNumber?: string }
  | AssistantOutcome;

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === "P2002";

/** The unique key of an inbound message. */
const messageKey = (msg: ChatMessage) => ({ platform_chatId_messageId: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId } });

/**
 * Run the transaction that stores a message. If a concurrent delivery of the same message stored it first
 * (unique key), re-queue what that one created instead, so the race ends in one ticket and one reply.
 */
async function storeOnce<T>(deps: IntakeDeps, msg: ChatMessage, work: () => Promise<T>): Promise<{ stored: T } | { duplicate: IntakeOutcome }> {
  try {
    return { stored: await work() };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await deps.prisma.message.findUnique({ where: messageKey(msg), select: { id: true } });
    if (!winner) throw err;
    return { duplicate: await requeue(deps, winner.id) };
  }
}

/** Cut stored text to a bound; the whole text is still classified. */
function clip(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  return { text: text.slice(0, max), truncated: true };
}

async function ensureResident(tx: Tx, platform: Platform, userId: string, name: string) {
  return tx.resident.upsert({
    where: { platform_userId: { platform, userId } },
    create: { platform, userId, displayName: name || userId },
    update: name ? { displayName: name } : {},
  });
}

/** Handle one inbound message. */
export async function handleMessage(deps: IntakeDeps, msg: ChatMessage): Promise<IntakeOutcome> {
  const { prisma } = deps;
  const text = typeof msg.text === "string" ? msg.text : "";
  if (!text.trim()) return { action: "ignored", reason: "no text" };

  const key = messageKey(msg);

  // === Edits update what we stored; they never open a second ticket.
  if (msg.edited) {
    const stored = await prisma.message.findUnique({ where: key, include: { tickets: true } });
    if (stored) {
      const clipped = clip(text, deps.maxStoredChars);
      await prisma.$transaction(async (tx) => {
        await tx.message.update({ where: { id: stored.id }, data: { text: clipped.text, truncated: clipped.truncated, editedAt: new Date(msg.sentAt) } });
        await tx.ticket.updateMany({ where: { sourceMessageId: stored.id }, data: { text: clipped.text } });
      });
      return { action: "edited", ticketNumber: stored.tickets[0]?.number };
    }
    // Never stored (it was chatter): judge the edited text as a new message.
  }

  // === Chatter costs no database work at all: classify first (pure, microseconds), store nothing.
  const command = parseCommand(text);
  let detection = command ? undefined : deps.detect(text);
  // === Assistant hook: core/assistant decides (in one place) whether a non-command line is an enquiry it
  // answers, a reply about a ticket, or a complaint (possibly one the detector missed, with its detection).
  if (!command && deps.assistant) {
    const routed = await deps.assistant.route(msg, detection!);
    if (routed && "outcome" in routed) return routed.outcome;
    if (routed) detection = routed.complaint;
  }
  if (!command && (!detection!.complaint || !detection!.category)) return { action: "ignored", reason: "not a complaint" };

  const group = await ensureGroup(prisma, msg.platform, msg.chatId, msg.chatTitle);
  if (!group.active) await prisma.group.update({ where: { id: group.id }, data: { active: true } });

  // === A replay: re-queue what the first run created (jobs are deduplicated by id).
  const existing = await prisma.message.findUnique({ where: key, select: { id: true } });
  if (existing) return requeue(deps, existing.id);

  if (command) return handleCommand(deps, msg, group, command);
  if (!group.enabled) return { action: "ignored", reason: "group not enabled" };
  if (!detection?.category) return { action: "ignored", reason: "not a complaint" };

  const lang = langOf(text);
  const clipped = clip(text, deps.maxStoredChars);
  const keywords = [...new Set(detection.keywords.map((k) => k.term))];
  const result = await storeOnce(deps, msg, () =>
    prisma.$transaction(async (tx) => {
      const resident = await ensureResident(tx, msg.platform, msg.sender.id, msg.sender.name);
      const row = await tx.message.create({
        data: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId, groupId: group.id, residentId: resident.id, kind: "complaint", text: clipped.text, truncated: clipped.truncated, sentAt: new Date(msg.sentAt) },
      });
      const ticket = await openTicket(tx, {
        prefix: deps.ticketPrefix,
        groupId: group.id,
        reporterId: resident.id,
        sourceMessageId: row.id,
        text: clipped.text,
        category: detection.category!,
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
        text: t(lang).ticketOpened({ keyword: keywords[0] ?? categoryLabel(detection.category!, lang), category: categoryLabel(detection.category!, lang), number: ticket.number }),
        ticketId: ticket.id,
        sourceMessageId: row.id,
        replyTo: { messageId: msg.messageId, senderName: resident.displayName, excerpt: maskPersonal(text.slice(0, 30)) },
        mention: { userId: msg.sender.id, name: resident.displayName },
      });
      return { outboundId: id, ticketNumber: ticket.number };
    }),
  );
  if ("duplicate" in result) return result.duplicate;
  const { outboundId, ticketNumber } = result.stored;
  await deps.queues.enqueueOutbound(msg.platform, outboundId);
  deps.log.info({ platform: msg.platform, chatId: msg.chatId, ticket: ticketNumber, category: detection.category }, "ticket opened");
  return { action: "ticket", ticketNumber };
}

/** Re-queue every still-queued outbound created while handling a stored message. */
async function requeue(deps: IntakeDeps, messageRowId: number): Promise<IntakeOutcome> {
  const pending = await deps.prisma.outboundMessage.findMany({ where: { sourceMessageId: messageRowId, status: "queued" }, select: { id: true, platform: true } });
  await deps.queues.enqueueOutboundRows(pending);
  return { action: "duplicate", requeued: pending.length };
}

type GroupRow = Awaited<ReturnType<typeof ensureGroup>>;

async function handleCommand(deps: IntakeDeps, msg: ChatMessage, group: GroupRow, command: NonNullable<ReturnType<typeof parseCommand>>): Promise<IntakeOutcome> {
  const { prisma } = deps;
  const ids = [msg.sender.id, ...(msg.sender.aliases ?? []).filter(Boolean)];
  const staff = await prisma.staff.findFirst({ where: { platform: msg.platform, userId: { in: ids } }, orderBy: { id: "asc" } });
  // A room that is not enabled stays silent: only staff may switch it on.
  if (!group.enabled && !(command.kind === "command" && command.name === "enable" && staff)) {
    return { action: "ignored", reason: "group not enabled" };
  }
  // Commands are mostly Latin (/status A0012): answer in English only when the arguments are English words.
  const args = command.kind === "command" ? command.args.replace(/#?[A-Za-z]{1,3}\d{2,}/g, "") : "";
  const lang = /[A-Za-z]{2,}/.test(args) ? langOf(args) : "zh";
  const clipped = clip(msg.text, deps.maxStoredChars);
  const name = command.kind === "command" ? command.name : command.command;
  let refused: string | undefined;
  const result = await storeOnce(deps, msg, () =>
    prisma.$transaction(
      async (tx) => {
        const resident = await ensureResident(tx, msg.platform, msg.sender.id, msg.sender.name);
        const row = await tx.message.create({
          data: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId, groupId: group.id, residentId: resident.id, kind: "command", text: clipped.text, truncated: clipped.truncated, sentAt: new Date(msg.sentAt) },
        });
        let ran: CommandResult;
        try {
          ran = await runCommand(
            {
              tx,
              platform: msg.platform,
              group,
              resident,
              staff,
              messageRowId: row.id,
              messageId: msg.messageId,
              lang,
              ticketPrefix: deps.ticketPrefix,
              detect: deps.detect,
              paceSeconds: deps.paceSeconds,
            },
            command,
          );
        } catch (err) {
          if (!(err instanceof AppError) || !err.userMessage) throw err;
          refused = err.code;
          if (err.code === "forbidden") deps.log.warn({ platform: msg.platform, chatId: msg.chatId, user: msg.sender.id, command: name }, "command refused");
          ran = { reply: err.userMessage, outbounds: [] };
        }
        if (ran.reply) {
          ran.outbounds.push(
            await createOutbound(tx, {
              key: `cmd-${row.id}`,
              platform: msg.platform,
              groupId: group.id,
              kind: "command",
              text: ran.reply,
              sourceMessageId: row.id,
              replyTo: { messageId: msg.messageId, senderName: resident.displayName, excerpt: maskPersonal(msg.text.slice(0, 30)) },
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
  return { action: "command", command: name, refused };
}
