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
  hold?: SendingHold;
}

/** Read the published pace of every platform (Redis errors read as "nothing published"). */
export async function readSendingPaces(opts: { redis: Redis; prefix: string; now?: number }): Promise<Record<Platform, SendingPace>> {
  const now = opts.now ?? Date.now();
  const out = {} as Record<Platform, SendingPace>;
  for (const platform of PLATFORMS) {
    const pace = await opts.redis.hgetall(paceStatusKey(opts.prefix, platform)).catch(() => ({}) as Record<string, string>);
    const msPerMessage = Number(pace.msPerMessage ?? 0) || 0;
    const paused = Number(pace.pausedUntil ?? 0);
    const capResetAt = Number(pace.capResetAt ?? 0);
    let hold: SendingHold | undefined;
    if (paused > now) hold = { until: paused, reason: "paused after the platform said we send too often (发送消息过于频繁)" };
    else if (Number(pace.dailyCap) > 0 && Number(pace.sentToday) >= Number(pace.dailyCap) && capResetAt > now) {
      hold = { until: capResetAt, reason: "daily cap reached; sending resumes when the account's day ends" };
    }
    out[platform] = { msPerMessage, ...(hold ? { hold } : {}) };
  }
  return out;
}

/** Seconds a platform needs for n messages at its published pace, after any hold. */
export function sendingSeconds(pace: SendingPace | undefined, n: number, now = Date.now()): number {
  if (!pace) return 0;
  const wait = pace.hold ? Math.max(0, (pace.hold.until - now) / 1000) : 0;
  return wait + (n * pace.msPerMessage) / 1000;
}
