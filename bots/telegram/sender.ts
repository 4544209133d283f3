// OutgoingMessage → sendMessage calls: split at 4096 characters, the first part quoting the resident, every
// part through the cross-process limiter, failures mapped to SendError, and a 429 turned into a bot-wide pause.

import { createHash } from "node:crypto";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { bounded, SendError, type OutgoingMessage, type SendResult } from "../../core/ports/index.js";
import { LimiterClosedError, type TelegramLimiter } from "./limiter.js";
import { toSendError } from "./send-errors.js";
import { splitText, TELEGRAM_MAX_TEXT } from "./split-text.js";

/** What the sender needs from the gateway. */
export interface TelegramSenderDeps {
  api: Api;
  limiter: TelegramLimiter;
  redis: Redis;
  /** Namespace of this bot's keys, e.g. `${QUEUE_PREFIX}:telegram:<botId>`. */
  keyPrefix: string;
  log: Logger;
  /** Called after a 429 (the limiter is already paused); the gateway raises an admin alert. */
  onRateLimited?: (retryAfterMs: number, chatId: string) => void;
  /** Split size; Telegram's 4096 unless a test wants small parts. */
  maxTextLength?: number;
}

/** How long the per-message progress record lives: long enough for every retry core's outbox makes. */
const PROGRESS_TTL_MS = 24 * 3600 * 1000;
/** Bound of a progress read or write (ioredis can hang at a reconnect: the send must not). */
const PROGRESS_TIMEOUT_MS = 2000;

/** Telegram wants numeric chat ids as numbers; "@channelname" stays a string. */
const chatIdParam = (chatId: string): number | string => (/^-?\d+$/.test(chatId) ? Number(chatId) : chatId);

/**
 * Sends one OutgoingMessage. Parts already delivered by an earlier attempt of the same outbound message
 * (same id, chat and text) are not sent again: a progress record in Redis remembers them, so a retry after a
 * failure on part 3 resumes at part 3 and a retry after core failed to record a success sends nothing.
 */
export class TelegramSender {
  constructor(private readonly deps: TelegramSenderDeps) {}

  /** The parts a message is sent as, and the key and signature of its progress record. */
  private plan(msg: OutgoingMessage) {
    // Address the resident by name as a real mention (text_mention works for users without a @username).
    const mention = msg.mention && /^\d+$/.test(msg.mention.userId) && msg.mention.name ? msg.mention : undefined;
    const lead = mention ? `${mention.name}，` : "";
    const parts = splitText(lead + msg.text, this.deps.maxTextLength ?? TELEGRAM_MAX_TEXT);
    const progressKey = `${this.deps.keyPrefix}:out:${msg.outboundId}`;
    const signature = createHash("sha1").update(`${msg.chatId}\u0000${msg.text}`).digest("hex");
    return { mention, parts, progressKey, signature };
  }

  /**
   * The message this outbound row already became, when every part of it is out. The Bot API cannot list what a
   * bot sent, so the progress record written right after each part's success is the source: the only send it
   * cannot see is one whose process died between Telegram's answer and that record.
   */
  async sentBefore(msg: OutgoingMessage): Promise<SendResult | undefined> {
    const { parts, progressKey, signature } = this.plan(msg);
    const progress = await this.readProgress(progressKey, signature);
    return progress.parts >= parts.length && progress.first ? { platformMessageId: progress.first } : undefined;
  }

  /** Send, waiting for rate-limit slots; throws SendError (see toSendError for the mapping). */
  async send(msg: OutgoingMessage): Promise<SendResult> {
    const { api, limiter, log } = this.deps;
    const { mention, parts, progressKey, signature } = this.plan(msg);
    const progress = await this.readProgress(progressKey, signature);
    let first = progress.first;
    if (progress.parts >= parts.length && first) {
      log.info({ outboundId: msg.outboundId, chatId: msg.chatId }, "already delivered; not sending again");
      return { platformMessageId: first };
    }
    const replyTo = msg.replyTo && /^\d+$/.test(msg.replyTo.messageId) ? Number(msg.replyTo.messageId) : undefined;

    for (let i = progress.parts; i < parts.length; i++) {
      try {
        await limiter.acquire(msg.chatId);
      } catch (err) {
        if (err instanceof LimiterClosedError) throw new SendError("stopping", "telegram gateway is stopping", { cause: err });
        throw new SendError("transient", `rate limiter unavailable: ${(err as Error).message}`, { cause: err });
      }
      let sent;
      try {
        sent = await api.sendMessage(chatIdParam(msg.chatId), parts[i], {
          ...(i === 0 && replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
          ...(i === 0 && mention
            ? { entities: [{ type: "text_mention" as const, offset: 0, length: mention.name.length, user: { id: Number(mention.userId), is_bot: false, first_name: mention.name } }] }
            : {}),
        });
      } catch (err) {
        const e = toSendError(err);
        if (e.kind === "rate_limited") {
          const ms = e.retryAfterMs ?? 1000;
          await limiter.pause(ms).catch((pauseErr) => log.error({ err: pauseErr }, "could not record the 429 pause in Redis"));
          this.deps.onRateLimited?.(ms, msg.chatId);
        }
        log.warn({ outboundId: msg.outboundId, chatId: msg.chatId, part: i + 1, of: parts.length, kind: e.kind, err: e.message }, "telegram send failed");
        throw e;
      }
      if (i === 0 || !first) first = String(sent.message_id);
      await this.writeProgress(progressKey, signature, i + 1, first);
    }
    log.debug({ outboundId: msg.outboundId, chatId: msg.chatId, parts: parts.length }, "sent");
    return { platformMessageId: first! };
  }

  private async readProgress(key: string, signature: string): Promise<{ parts: number; first?: string }> {
    try {
      const rec = await bounded(this.deps.redis.hgetall(key), PROGRESS_TIMEOUT_MS, "the send progress read");
      if (rec.sig !== signature) return { parts: 0 };
      return { parts: Number(rec.parts) || 0, first: rec.first || undefined };
    } catch (err) {
      // Without the record we may repeat a part; better than not sending at all.
      this.deps.log.warn({ err }, "could not read send progress");
      return { parts: 0 };
    }
  }

  private async writeProgress(key: string, signature: string, parts: number, first: string): Promise<void> {
    try {
      await bounded(this.deps.redis.multi().hset(key, { sig: signature, parts: String(parts), first }).pexpire(key, PROGRESS_TTL_MS).exec(), PROGRESS_TIMEOUT_MS, "the send progress record");
    } catch (err) {
      // The message is out; failing the send now would only make core send it twice.
      this.deps.log.warn({ err }, "could not record send progress");
    }
  }
}
