// The platform port: what every gateway (playground, Telegram, WeChat) translates to and from.
// A grammY ctx or a Wechaty Message never crosses into core; only these shapes do.

import type { FastifyPluginAsync } from "fastify";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

/** Every chat platform Gridlink speaks. */
export const PLATFORMS = ["playground", "telegram", "wechat"] as const;
/** A chat platform. */
export type Platform = (typeof PLATFORMS)[number];

/** One inbound group message, platform-neutral. `text` is already extracted (caption, room text). */
export interface ChatMessage {
  platform: Platform;
  /** External chat id (Telegram chat id, WeChat room id, playground slug). */
  chatId: string;
  chatTitle?: string;
  /** Platform message id, unique within the chat. */
  messageId: string;
  /** `aliases`: other stable handles of the sender (a WeChat remark alias or WeChat ID — wechat4u contact ids
   * change at every login); the staff registry matches the id or any alias. */
  sender: { id: string; name: string; aliases?: string[] };
  text: string;
  /** Epoch milliseconds. */
  sentAt: number;
  /** An edit of an earlier message with the same messageId: updates it, never opens a second ticket. */
  edited?: boolean;
  /** A private chat with the bot (chatId is the sender's): only staff commands are read there (the 派单 DM invites
   * `/accept A0012`), never complaints; it is never an audience. */
  direct?: boolean;
}

/** One message for a gateway to send. Built by core's outbox from an OutboundMessage row. */
export interface OutgoingMessage {
  /** OutboundMessage row id; stable across retries. */
  outboundId: number;
  platform: Platform;
  chatId: string;
  text: string;
  /** The resident's message this answers: Telegram quotes it (reply_parameters), WeChat and the playground
   * show the excerpt above the reply. */
  replyTo?: { messageId: string; senderName: string; excerpt: string };
  /** Address this person (WeChat @-mention; Telegram uses the name in the text). */
  mention?: { userId: string; name: string };
  /** An urgent notice: the only kind a gateway may send at its faster, separately configured urgent pace. */
  urgent?: boolean;
  /** A broadcast delivery (the bulk lane): where a gateway paces sends, replies and ticket notices go first. */
  bulk?: boolean;
}

/** How core asks a bulk send to step aside (see ChatGateway.send). */
export interface SendOptions {
  /**
   * Asked while a bulk send waits for its pacing slot, before it takes it: true means a reply or ticket notice
   * waits for a sender. The gateway then throws SendError("yielded") without sending, and core puts the job back
   * at the head of its lane, behind the waiting reply. Once the slot is taken, the send goes on.
   */
  giveWay?: () => Promise<boolean>;
}

/** What a successful send returns. */
export interface SendResult {
  platformMessageId: string;
}

/** Why a send failed; core/outbox maps each kind to queue behaviour in one place. */
export type SendErrorKind =
  /** The platform asked us to slow down: wait retryAfterMs, attempts are not consumed. */
  | "rate_limited"
  /** The bot was kicked, blocked or the chat is gone: mark the group inactive, never retry. */
  | "chat_gone"
  /** The chat moved (Telegram group → supergroup): update the group to newChatId, resend once. */
  | "migrated"
  /** Network or 5xx: retry with backoff. */
  | "transient"
  /** Anything else that a retry cannot fix (400 bad request…). */
  | "permanent"
  /** A bulk send stepped aside for a waiting reply before taking its slot (nothing sent): queued again, no attempt used. */
  | "yielded"
  /** The gateway is stopping and woke this send before anything was sent: queued again for the next start, no attempt used. */
  | "stopping";

/** A typed send failure thrown by `ChatGateway.send`. */
export class SendError extends Error {
  readonly kind: SendErrorKind;
  readonly retryAfterMs?: number;
  readonly newChatId?: string;
  constructor(kind: SendErrorKind, message: string, opts: { retryAfterMs?: number; newChatId?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "SendError";
    this.kind = kind;
    this.retryAfterMs = opts.retryAfterMs;
    this.newChatId = opts.newChatId;
  }
}

/**
 * The Redis hash where a gateway publishes its sending pace for every process to read (broadcast status):
 * `pausedUntil` (epoch ms, 0 if not paused), `sentToday`, `dailyCap`, `capResetAt` (epoch ms the daily count
 * resets), `msPerMessage`, `urgentMsPerMessage` (optional: the faster pace of urgent notices), `nextSlotAt`. Core
 * reads these as facts; it never re-derives a pace from settings. A gateway with several accounts also publishes
 * `account:<id>` → JSON `{ msPerMessage, urgentMsPerMessage, pausedUntil, sentToday, dailyCap, capResetAt }` per
 * logged-in account; core then adds up the rates of the accounts that are not held.
 */
export const paceStatusKey = (prefix: string, platform: Platform): string => `${prefix}:${platform}:pace`;

/** Group registry updates a gateway reports as it learns about chats (joins, kicks, renames, migrations). */
export interface GroupRegistry {
  /** The bot is in this chat (created if new). `enabled` defaults per platform (WeChat rooms start disabled). */
  seen(platform: Platform, chatId: string, info: { title?: string; active?: boolean; grid?: string; community?: string; street?: string }): Promise<void>;
  /** The bot joined (true) or was removed/kicked (false). */
  setActive(platform: Platform, chatId: string, active: boolean, reason?: string): Promise<void>;
  /** The chat changed id (Telegram supergroup upgrade): the group keeps its identity, tickets and tags. */
  migrate(platform: Platform, oldChatId: string, newChatId: string): Promise<void>;
}

/** What core hands a gateway when it builds it. */
export interface GatewayHost {
  /** Queue an inbound message for intake. Resolves only once the message is durably queued; throws if not. */
  submit(msg: ChatMessage): Promise<void>;
  groups: GroupRegistry;
  /** A shared ioredis connection (for cross-process rate limiters and state). */
  redis: Redis;
  /** Key prefix for anything the gateway stores in Redis (QUEUE_PREFIX). */
  prefix: string;
  log: Logger;
  /** Tell the admins something went wrong (account logged out, rate-limited…). Logged and kept for /healthz. */
  alert(source: string, message: string): Promise<void>;
}

/** A platform adapter. */
export interface ChatGateway {
  readonly platform: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stop taking sends, before core closes the outbox worker: every send waiting for a pace or rate-limit slot
   * wakes and throws SendError("stopping") (nothing sent), so the worker's close never waits out a long slot.
   * stop() implies it.
   */
  stopSending?(): void;
  /** Send one message, honouring the platform's limits; throws SendError on failure. */
  send(msg: OutgoingMessage, opts?: SendOptions): Promise<SendResult>;
  /**
   * For platforms where the bot can read what it sent: the message this outbound id became, if it already
   * arrived. Core asks before re-running a send whose job started before (its process may have died between
   * the platform's answer and the database's record), so such a send is recorded instead of doubled.
   */
  sentBefore?(msg: OutgoingMessage): Promise<SendResult | undefined>;
  /** How many sends the outbox worker may have in flight (the gateway's own limiter paces them). Default 1. */
  readonly sendConcurrency?: number;
  /** Extra HTTP routes (webhook, login QR), mounted on core's Fastify server. */
  routes?: FastifyPluginAsync;
  /** Extra facts for /healthz (login state, gaps…). */
  health?(): Record<string, unknown>;
}

/** A bare 「确认」 answering a broadcast preview (core/intake/handle-confirmation.ts); gateways pass it on from a private chat too. */
export const CONFIRM_REPLY = /^(确认|確認|confirm|yes)[。.!！]?$/i;
/** A bare 「取消」 discarding a broadcast preview. */
export const DISCARD_REPLY = /^(取消|放弃|cancel)[。.!！]?$/i;
