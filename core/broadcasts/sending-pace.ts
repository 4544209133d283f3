// Each platform's sending pace as its gateway publishes it (core/ports: paceStatusKey): seconds per message and
// any hold (a pause after "too frequent", a daily cap until its reset). Core reads these facts; it never
// re-derives a platform's pace from its settings nor computes when a platform's day ends.

import type { Redis } from "ioredis";
import { PLATFORMS, paceStatusKey, type Platform } from "../ports/chat.js";

/** A platform's sending is held until `until` (epoch ms). */
export interface SendingHold {
  until: number;
  reason: string;
}

/** What a gateway published about its pace; a platform nobody published for sends at an unknown (0) pace. */
export interface SendingPace {
  msPerMessage: number;
  /** The faster pace of urgent notices, when the gateway has one (WeChat's WECHAT_URGENT_MS_PER_MESSAGE). */
  urgentMsPerMessage?: number;
  hold?: SendingHold;
}

/** One account's (or a whole platform's) published facts → its pace. */
function paceOf(facts: Record<string, unknown>, now: number): SendingPace {
  const msPerMessage = Number(facts.msPerMessage ?? 0) || 0;
  const urgentMsPerMessage = Number(facts.urgentMsPerMessage ?? 0) || 0;
  const paused = Number(facts.pausedUntil ?? 0);
  const capResetAt = Number(facts.capResetAt ?? 0);
  let hold: SendingHold | undefined;
  if (paused > now) hold = { until: paused, reason: "paused after the platform said we send too often (发送消息过于频繁)" };
  else if (Number(facts.dailyCap) > 0 && Number(facts.sentToday) >= Number(facts.dailyCap) && capResetAt > now) {
    hold = { until: capResetAt, reason: "daily cap reached; sending resumes when the account's day ends" };
  }
  return { msPerMessage, ...(urgentMsPerMessage > 0 ? { urgentMsPerMessage } : {}), ...(hold ? { hold } : {}) };
}

/**
 * Several accounts send side by side: their rates add up (messages per ms), counting only accounts not held;
 * when every account is held, the platform is held until the first comes back, at that account's pace.
 */
export function combinePaces(accounts: SendingPace[]): SendingPace {
  const free = accounts.filter((a) => !a.hold && a.msPerMessage > 0);
  if (free.length) {
    const rate = (ms: (a: SendingPace) => number) => 1 / free.reduce((sum, a) => sum + 1 / ms(a), 0);
    const urgent = free.some((a) => a.urgentMsPerMessage) ? { urgentMsPerMessage: rate((a) => a.urgentMsPerMessage ?? a.msPerMessage) } : {};
    return { msPerMessage: rate((a) => a.msPerMessage), ...urgent };
  }
  const first = [...accounts].sort((a, b) => (a.hold?.until ?? 0) - (b.hold?.until ?? 0))[0];
  return first ?? { msPerMessage: 0 };
}

/** Read the published pace of every platform (Redis errors read as "nothing published"). */
export async function readSendingPaces(opts: { redis: Redis; prefix: string; now?: number }): Promise<Record<Platform, SendingPace>> {
  const now = opts.now ?? Date.now();
  const out = {} as Record<Platform, SendingPace>;
  for (const platform of PLATFORMS) {
    const pace = await opts.redis.hgetall(paceStatusKey(opts.prefix, platform)).catch(() => ({}) as Record<string, string>);
    const accounts: SendingPace[] = [];
    for (const [field, value] of Object.entries(pace)) {
      if (!field.startsWith("account:")) continue;
      try {
        accounts.push(paceOf(JSON.parse(value) as Record<string, unknown>, now));
      } catch {
        // A malformed entry counts as nothing published for that account.
      }
    }
    out[platform] = accounts.length ? combinePaces(accounts) : paceOf(pace, now);
  }
  return out;
}

/**
 * Seconds a platform needs for n messages at its published pace, after any hold. An urgent notice goes at the
 * platform's urgent pace where it publishes one (never slower than the ordinary one).
 */
export function sendingSeconds(pace: SendingPace | undefined, n: number, now = Date.now(), opts: { urgent?: boolean } = {}): number {
  if (!pace) return 0;
  const wait = pace.hold ? Math.max(0, (pace.hold.until - now) / 1000) : 0;
  const ms = opts.urgent && pace.urgentMsPerMessage ? Math.min(pace.urgentMsPerMessage, pace.msPerMessage) : pace.msPerMessage;
  return wait + (n * ms) / 1000;
}
