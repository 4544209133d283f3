// Telegram's flood limits, enforced across every process that sends for the same bot: the per-chat counters live
// in Redis (rate-limiter-flexible, fixed windows), the global rate is a schedule in Redis (each send reserves the
// next free instant, 1/globalPerSecond s after the previous one) and a "paused until" key carries a 429's
// retry_after to all of them. A caller waits for a slot; nothing is dropped or failed for being over the limit.

import { definedOnly } from "../../core/ports/index.js";
import { setMaxListeners } from "node:events";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** The three limits of one bot. Defaults are Telegram's published guidance (Bot FAQ, grammY flood docs). */
export interface TelegramLimits {
  /** Messages per second over all chats. @defaultValue 30 */
  globalPerSecond: number;
  /** Messages per minute into one group. @defaultValue 20 */
  perChatPerMinute: number;
  /** Messages per second into one chat. @defaultValue 1 */
  perChatPerSecond: number;
}

/** Telegram's defaults, the same as core/config.ts's TELEGRAM_* defaults. */
export const DEFAULT_TELEGRAM_LIMITS: TelegramLimits = { globalPerSecond: 30, perChatPerMinute: 20, perChatPerSecond: 1 };

/** Thrown out of a wait when the limiter is closed (the gateway is stopping). */
export class LimiterClosedError extends Error {
  constructor() {
    super("telegram limiter closed");
    this.name = "LimiterClosedError";
  }
}

/** Raise the pause to `ms` from now, never shorten one that lasts longer (two 429s must not cut each other). */
const EXTEND_PAUSE_LUA = `
local left = redis.call('pttl', KEYS[1])
if left < tonumber(ARGV[1]) then
  redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[1])
end
return redis.call('pttl', KEYS[1])
`;

/**
 * Reserve the next global send instant (GCRA without burst): on Redis's clock, the slot is the later of now and
 * the previous slot + interval. Returns the ms to wait for it. Fixed one-second windows let up to twice the rate
 * arrive within a second (slots taken at the end of one window and the start of the next); evenly spaced slots
 * never put more than globalPerSecond (+1) into any second, wherever it starts.
 * KEYS: next   ARGV: intervalUs   → { waitMs, slot (epoch ms, Redis clock) }
 */
const RESERVE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = now
if nextAt > now then slot = nextAt end
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', 60000)
return {math.ceil((slot - now) / 1000), math.floor(slot / 1000)}
`;

/** What the limiter needs: a Redis connection shared with the host and the key namespace of this bot. */
export interface TelegramLimiterOptions extends Partial<TelegramLimits> {
  redis: Redis;
  /** Key prefix, e.g. `${QUEUE_PREFIX}:telegram:<botId>`; every key the limiter writes starts with it. */
  keyPrefix: string;
}

/**
 * Cross-process rate limiter for one bot. `acquire(chatId)` resolves when a message may go to that chat now:
 * the bot is not paused, the chat is under its per-second and per-minute budgets and the bot under its global
 * budget. Per chat, windows open with the chat's first message (so one message per second really is one per
 * second); globally, sends are spaced evenly (1/globalPerSecond s apart) on Redis's clock, so no second ever
 * sees more than the limit. Telegram answers 429 otherwise, which `pause()` honours everywhere.
 * Clocks of the sending machines are assumed NTP-close (a skew only widens that edge effect).
 */
export class TelegramLimiter {
  readonly limits: TelegramLimits;
  private readonly redis: Redis;
  private readonly pauseKey: string;
  private readonly globalKey: string;
  private readonly chatSecond: RateLimiterRedis;
  private readonly chatMinute: RateLimiterRedis;
  private readonly closing = new AbortController();

  constructor(opts: TelegramLimiterOptions) {
    const { redis, keyPrefix, ...limits } = opts;
    setMaxListeners(0, this.closing.signal); // one listener per waiting send; many wait during a broadcast
    this.limits = { ...DEFAULT_TELEGRAM_LIMITS, ...definedOnly(limits) };
    for (const [name, v] of Object.entries(this.limits)) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number ≥ 1 (got ${v})`);
    }
    this.redis = redis;
    this.pauseKey = `${keyPrefix}:paused`;
    // Per-second keys live 2 s: long enough to cover their second even when clocks differ by a little.
    this.globalKey = `${keyPrefix}:rl:global-next`;
    this.chatSecond = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:rl:chat-s`, points: this.limits.perChatPerSecond, duration: 1 });
    this.chatMinute = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:rl:chat-m`, points: this.limits.perChatPerMinute, duration: 60 });
  }

  /**
   * Wait until one message may be sent to `chatId`, then take its slot; resolves with the global slot's instant
   * (epoch ms on Redis's clock). Rejects only when closed or Redis fails.
   */
  async acquire(chatId: string): Promise<number> {
    // Per chat first: a busy group waits for its own budget without holding a global slot meanwhile.
    for (;;) {
      await this.waitWhilePaused();
      const sec = await this.tryConsume(this.chatSecond, chatId);
      if (sec > 0) {
        await this.sleep(sec);
        continue;
      }
      const min = await this.tryConsume(this.chatMinute, chatId);
      if (min > 0) {
        await this.chatSecond.reward(chatId, 1); // give back the second-slot we could not use
        await this.sleep(min);
        continue;
      }
      break;
    }
    for (;;) {
      await this.waitWhilePaused();
      // Reserve the next evenly spaced global instant and wait for it: one Redis call per send, no herd of
      // waiters retrying at every window edge, and a slot nobody else can take meanwhile.
      const intervalUs = Math.ceil(1_000_000 / this.limits.globalPerSecond);
      const [wait, slot] = (await this.redis.eval(RESERVE_LUA, 1, this.globalKey, String(intervalUs))) as [number, number];
      if (wait > 0) await this.sleep(wait);
      // A 429 may have landed while we waited for the slot: honour it before sending.
      if ((await this.pausedFor()) > 0) continue;
      return Number(slot);
    }
  }

  /** Stop every send of this bot, in every process, for `ms` (after a 429's retry_after). */
  async pause(ms: number): Promise<number> {
    const left = await this.redis.eval(EXTEND_PAUSE_LUA, 1, this.pauseKey, String(Math.max(1, Math.ceil(ms))), String(Date.now() + ms));
    return Number(left);
  }

  /** Milliseconds the bot is still paused for (0 when it may send). */
  async pausedFor(): Promise<number> {
    const left = await this.redis.pttl(this.pauseKey);
    return left > 0 ? left : 0;
  }

  /** Wake and reject every waiter (used by the gateway's stop()). */
  close(): void {
    this.closing.abort();
  }

  private async waitWhilePaused(): Promise<void> {
    for (;;) {
      this.throwIfClosed();
      const left = await this.pausedFor();
      if (left <= 0) return;
      await this.sleep(left);
    }
  }

  /** 0 when a point was taken, otherwise how long to wait before trying again. */
  private async tryConsume(limiter: RateLimiterRedis, key: string): Promise<number> {
    this.throwIfClosed();
    try {
      await limiter.consume(key, 1);
      return 0;
    } catch (res) {
      if (res instanceof RateLimiterRes) return Math.max(1, res.msBeforeNext);
      throw res;
    }
  }

  private throwIfClosed(): void {
    if (this.closing.signal.aborted) throw new LimiterClosedError();
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.closing.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new LimiterClosedError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new LimiterClosedError());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

