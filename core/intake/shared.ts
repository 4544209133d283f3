// What intake's handlers share: their dependencies, outcomes, the store-once rule and small helpers.

import type { Detection } from "../../nlp/index.js";
import type { SendingPace } from "../broadcasts/sending-pace.js";
import type { Db } from "../infra/db.js";
import type { Logger } from "../infra/log.js";
import type { TicketFollowUp } from "../tickets/actions.js";
import type { Queues } from "../infra/queues.js";
import type { Tx } from "../infra/rows.js";
import type { ChatMessage, Platform } from "../ports/chat.js";
import type { CycleSettings } from "../tickets/cycle-settings.js";
import type { Assistant, AssistantOutcome } from "../assistant/index.js";

/** What intake needs; injected so tests and the live lexicon can swap the detector. */
export interface IntakeDeps {
  prisma: Db;
  queues: Queues;
  detect(text: string): Detection;
  log: Logger;
  ticketPrefix: string;
  maxStoredChars: number;
  /** The paces the gateways publish (broadcast ETAs). @defaultValue none published */
  sendingPaces?: () => Promise<Partial<Record<string, SendingPace>>>;
  /** How long a chat broadcast preview waits for 「确认」. @defaultValue 10 minutes */
  broadcastConfirmTtlMs?: number;
  /** The residents' side settings of the ticket cycle (points, auto-publish). @defaultValue DEFAULT_CYCLE_SETTINGS */
  cycleSettings?: CycleSettings;
  /** Incident clustering: a complaint this close to an open ticket of the same incident joins it. @defaultValue 2 hours */
  clusterWindowMs?: number;
  /** Answers residents' questions (core/assistant); absent = off. */
  assistant?: Pick<Assistant, "route">;
  /** Ticket work after a committed step (re-arm SLA clocks, file to the hotline); absent = no clocks here. */
  afterTicketSteps?: (followUps: TicketFollowUp[]) => Promise<void>;
}

/** What happened to a message, for logs and tests. */
export type IntakeOutcome =
  | { action: "ignored"; reason: string }
  | { action: "duplicate"; requeued: number }
  | { action: "ticket"; ticketNumber: string }
  /** The complaint joined an open ticket of the same incident as an extra reporter. */
  | { action: "joined"; ticketNumber: string }
  | { action: "command"; command: string; refused?: string }
  | { action: "edited"; ticketNumber?: string }
  /** A vote in an open poll (core/polls); `counted` is false for an older replay. */
  | { action: "vote"; pollId: number; counted: boolean }
  | AssistantOutcome;

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === "P2002";

/** The unique key of an inbound message. */
export const messageKey = (msg: ChatMessage) => ({ platform_chatId_messageId: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId } });

/**
 * Run the transaction that stores a message. If a concurrent delivery of the same message stored it first
 * (unique key), re-queue what that one created instead, so the race ends in one ticket and one reply.
 */
export async function storeOnce<T>(deps: IntakeDeps, msg: ChatMessage, work: () => Promise<T>): Promise<{ stored: T } | { duplicate: IntakeOutcome }> {
  try {
    return { stored: await work() };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await deps.prisma.message.findUnique({ where: messageKey(msg), select: { id: true } });
    if (!winner) throw err;
    return { duplicate: await requeue(deps, winner.id) };
  }
}

/** Re-queue every still-queued outbound created while handling a stored message. */
export async function requeue(deps: IntakeDeps, messageRowId: number): Promise<IntakeOutcome> {
  const pending = await deps.prisma.outboundMessage.findMany({ where: { sourceMessageId: messageRowId, status: "queued" }, select: { id: true, platform: true } });
  await deps.queues.enqueueOutboundRows(pending);
  return { action: "duplicate", requeued: pending.length };
}

/** Cut stored text to a bound; the whole text is still classified. */
export function clip(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  return { text: text.slice(0, max), truncated: true };
}

/** Find or create the resident behind a sender, keeping their latest display name. */
export async function ensureResident(tx: Tx, platform: Platform, userId: string, name: string) {
  const where = { platform_userId: { platform, userId } };
  // Nameless and known: nothing to write. Otherwise one INSERT … ON CONFLICT DO UPDATE (Prisma's native upsert
  // needs a non-empty update; a same-value one when nameless), so a sender's first messages handled at once on
  // PostgreSQL make one resident (an empty update would read, then insert, and fail the second).
  if (!name) {
    const known = await tx.resident.findUnique({ where });
    if (known) return known;
  }
  return tx.resident.upsert({ where, create: { platform, userId, displayName: name || userId }, update: name ? { displayName: name } : { userId } });
}
