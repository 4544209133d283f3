// Human-paced sending, enforced on Redis so every process sending for one WeChat account shares one budget.
//
// WeChat publishes no quota; accounts that send in bursts get restricted. Each send takes a slot from an
// atomic Lua script that checks, on Redis's own clock: the account's pause (after "发送消息过于频繁"), its
// daily cap, the jittered gap since its previous send, its sliding-minute count, and the gap since the last
// message into the same room. Nothing is dropped: a send waits for its slot, and when the wait is long (pause,
// daily cap) it is handed back to core's queue as SendError('rate_limited', retryAfterMs).
//
// Observable state (for /healthz and a broadcast's ETA), all under `<prefix>:wechat:`:
//   pace                       hash: account, nextSlotAt, pausedUntil, msPerMessage, urgentMsPerMessage, sentToday,
//                              dailyCap, capResetAt, updatedAt
//                              (the account that sent last) and `account:<id>` → JSON of the same facts for every
//                              logged-in account (core adds up the accounts' rates; see core/ports paceStatusKey)
//   pace:<account>:next        epoch ms before which the account must not send again
//   pace:<account>:paused      epoch ms until which the account is paused (absent when not paused)
//   pace:<account>:replies     sorted set of the replies (and ticket notices) waiting for the account's next slot,
//                              scored by when their claim lapses: a bulk (broadcast) send never takes a slot while
//                              one is there. A waiter that died stops counting when its score passes.
//
// Lanes: replies go first. A bulk send takes its slot only at the last moment (the atomic ACQUIRE), never while a
// reply of its account waits in the pacer, and while it waits it asks core (`giveWay`) whether a reply waits for a
// sender at all; if so it steps aside before taking a slot (SendError "yielded"), so the reply's job gets the
// sender and the very next slot. The gap between any two sends of one account holds whatever the lane.

import type { Redis } from "ioredis";
import { paceStatusKey, SendError } from "../../core/ports/index.js";
import type { Config } from "../../core/ports/index.js";

// === Options

/** Pacing limits of one WeChat account. Build them from config with `paceOptionsFromConfig`. */
export interface WechatPaceOptions {
  /** Shortest gap between two sends of one account. @defaultValue 3000 (WECHAT_MIN_GAP_MS) */
  minGapMs: number;
  /** Longest gap; each gap is drawn uniformly in [min, max] so the rhythm is not machine-regular. @defaultValue 5000 */
  maxGapMs: number;
  /** Sends per sliding minute per account. @defaultValue 40 (WECHAT_PER_MINUTE) */
  perMinute: number;
  /** Shortest gap between two messages into the same room, whichever account sends. @defaultValue 1000 */
  sameRoomGapMs: number;
  /** Sends per account per day (China time); beyond it sending waits for tomorrow. @defaultValue 3000 */
  dailyCap: number;
  /** Share of the daily cap at which admins are warned, once a day. @defaultValue 0.8 */
  dailyWarnRatio: number;
  /** Longest a send waits in-process for its slot; longer waits go back to the queue. @defaultValue 60000 */
  maxWaitMs: number;
  /** First pause after a "too frequent" answer; doubles on each further one. @defaultValue 60000 */
  backoffBaseMs: number;
  /** Longest pause. @defaultValue 3600000 */
  backoffMaxMs: number;
  /** Where the day starts for the daily cap: minutes east of UTC (China: +480). @defaultValue 480 */
  utcOffsetMinutes: number;
  /**
   * The faster pace of urgent notices only: the mean gap between two urgent sends of one account (jittered
   * ±25 %); the per-minute limit rises to match it for those sends. Never slower than the ordinary pace.
   * @defaultValue 1500 (WECHAT_URGENT_MS_PER_MESSAGE)
   */
  urgentMsPerMessage?: number;
  /**
   * How often a waiting bulk send asks whether a reply waits (see `giveWay`): a reply waits at most this long
   * for a broadcast send to step aside. @defaultValue minGapMs / 20 of the send's pace, within [5, 250] ms
   */
  giveWayEveryMs?: number;
}

/** The defaults that are not environment variables (those come from Config). */
export const PACE_DEFAULTS: Omit<WechatPaceOptions, "minGapMs" | "maxGapMs" | "perMinute" | "sameRoomGapMs" | "dailyCap" | "urgentMsPerMessage" | "giveWayEveryMs"> = {
  dailyWarnRatio: 0.8,
  maxWaitMs: 60_000,
  backoffBaseMs: 60_000,
  backoffMaxMs: 3_600_000,
  utcOffsetMinutes: 480,
};

/** Pacing options from the WECHAT_* variables plus PACE_DEFAULTS, overridable (tests shorten them). */
export function paceOptionsFromConfig(config: Config, overrides: Partial<WechatPaceOptions> = {}): WechatPaceOptions {
  return validatePaceOptions({
    minGapMs: config.WECHAT_MIN_GAP_MS,
    maxGapMs: config.WECHAT_MAX_GAP_MS,
    perMinute: config.WECHAT_PER_MINUTE,
    sameRoomGapMs: config.WECHAT_SAME_ROOM_GAP_MS,
    dailyCap: config.WECHAT_DAILY_CAP,
    urgentMsPerMessage: config.WECHAT_URGENT_MS_PER_MESSAGE,
    ...PACE_DEFAULTS,
    ...overrides,
  });
}

/** Throws a plain "must be …" message for the first bad option. */
export function validatePaceOptions(o: WechatPaceOptions): WechatPaceOptions {
  const nonNeg = ["minGapMs", "maxGapMs", "sameRoomGapMs", "maxWaitMs", "backoffBaseMs", "backoffMaxMs"] as const;
  if (o.giveWayEveryMs !== undefined && !(Number.isFinite(o.giveWayEveryMs) && o.giveWayEveryMs >= 1)) throw new Error("wechat pace: giveWayEveryMs must be a number ≥ 1");
  if (o.urgentMsPerMessage !== undefined && !(Number.isFinite(o.urgentMsPerMessage) && o.urgentMsPerMessage >= 0)) throw new Error("wechat pace: urgentMsPerMessage must be a number ≥ 0");
  for (const k of nonNeg) if (!Number.isFinite(o[k]) || o[k] < 0) throw new Error(`wechat pace: ${k} must be a number ≥ 0`);
  if (o.maxGapMs < o.minGapMs) throw new Error("wechat pace: maxGapMs must be ≥ minGapMs");
  if (!Number.isInteger(o.perMinute) || o.perMinute < 1) throw new Error("wechat pace: perMinute must be an integer ≥ 1");
  if (!Number.isInteger(o.dailyCap) || o.dailyCap < 1) throw new Error("wechat pace: dailyCap must be an integer ≥ 1");
  if (!(o.dailyWarnRatio > 0 && o.dailyWarnRatio <= 1)) throw new Error("wechat pace: dailyWarnRatio must be in (0, 1]");
  if (o.backoffMaxMs < o.backoffBaseMs) throw new Error("wechat pace: backoffMaxMs must be ≥ backoffBaseMs");
  return o;
}

/**
 * Average time one message costs at this pace: the mean jittered gap, or the per-minute spacing when that
 * is slower. 300 rooms × 4 s ≈ 20 min with the defaults; a broadcast's ETA is `remaining × msPerMessage`.
 */
export function msPerMessage(o: Pick<WechatPaceOptions, "minGapMs" | "maxGapMs" | "perMinute">): number {
  return Math.max((o.minGapMs + o.maxGapMs) / 2, 60_000 / o.perMinute);
}

/** The limits one send is paced by: the ordinary pace, or the urgent one (for urgent notices only). */
export function laneLimits(o: WechatPaceOptions, urgent: boolean): { minGapMs: number; maxGapMs: number; perMinute: number } {
  const u = o.urgentMsPerMessage ?? msPerMessage(o);
  // Urgent is only ever faster: a setting slower than the ordinary pace leaves urgent notices at that pace.
  if (!urgent || u >= msPerMessage(o)) return { minGapMs: o.minGapMs, maxGapMs: o.maxGapMs, perMinute: o.perMinute };
  return { minGapMs: Math.round(u * 0.75), maxGapMs: Math.round(u * 1.25), perMinute: Math.max(o.perMinute, Math.ceil(60_000 / Math.max(u, 1))) };
}

// === Keys

/** The Redis keys of the pacer (documented at the top of this file). */
export function paceKeys(prefix: string, account: string, roomId = "", day = "") {
  const base = `${prefix}:wechat:pace:${account}`;
  return {
    status: paceStatusKey(prefix, "wechat"),
    next: `${base}:next`,
    window: `${base}:window`,
    paused: `${base}:paused`,
    replies: `${base}:replies`,
    backoff: `${base}:backoff`,
    day: `${base}:day:${day}`,
    warned: `${base}:warned:${day}`,
    room: `${prefix}:wechat:room:${roomId}:next`,
  };
}

/** The day (yyyy-mm-dd at the given UTC offset) and the ms until it ends. */
export function dayOf(now: number, utcOffsetMinutes: number): { day: string; msLeft: number } {
  const shifted = now + utcOffsetMinutes * 60_000;
  const day = new Date(shifted).toISOString().slice(0, 10);
  const msLeft = 86_400_000 - (shifted % 86_400_000);
  return { day, msLeft };
}

// === Lua

// KEYS: next, window, day, paused, room, warned, replies
// ARGV: gapMs, perMinute, roomGapMs, dailyCap, warnAt, member, lane ('reply' | 'bulk'), claimMs, bulkPollMs
// → { waitMs, reason, sentToday, now, warn }   waitMs 0 = slot taken; -1 = daily cap reached
// A reply that must wait claims the account's next slot in `replies` (until now + wait + claimMs, renewed at each
// try); a bulk send finding a live claim waits at least bulkPollMs and asks again (reason 'reply').
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[4]) or '0')
local count = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then return {paused - now, 'paused', count, now, 0} end
if count >= tonumber(ARGV[4]) then return {-1, 'daily_cap', count, now, 0} end
local wait, reason = 0, 'ok'
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if nextAt - now > wait then wait = nextAt - now; reason = 'gap' end
local roomNext = tonumber(redis.call('GET', KEYS[5]) or '0')
if roomNext - now > wait then wait = roomNext - now; reason = 'room' end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
local per = tonumber(ARGV[2])
local n = redis.call('ZCARD', KEYS[2])
if n >= per then
  local edge = redis.call('ZRANGE', KEYS[2], n - per, n - per, 'WITHSCORES')
  local w = tonumber(edge[2]) + 60000 - now
  if w > wait then wait = w; reason = 'minute' end
end
if ARGV[7] == 'bulk' then
  redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', now)
  local poll = tonumber(ARGV[9])
  if redis.call('ZCARD', KEYS[7]) > 0 and wait < poll then wait = poll; reason = 'reply' end
end
if wait > 0 then
  if ARGV[7] == 'reply' then
    local claim = tonumber(ARGV[8])
    redis.call('ZADD', KEYS[7], now + wait + claim, ARGV[6])
    redis.call('PEXPIRE', KEYS[7], wait + claim + 1000)
  end
  return {wait, reason, count, now, 0}
end
if ARGV[7] == 'reply' then redis.call('ZREM', KEYS[7], ARGV[6]) end
local gap, roomGap = tonumber(ARGV[1]), tonumber(ARGV[3])
redis.call('SET', KEYS[1], now + gap, 'PX', gap + 86400000)
if roomGap > 0 then redis.call('SET', KEYS[5], now + roomGap, 'PX', roomGap + 60000) end
redis.call('ZADD', KEYS[2], now, ARGV[6])
redis.call('PEXPIRE', KEYS[2], 61000)
count = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], 172800)
local warn = 0
if count >= tonumber(ARGV[5]) then
  if redis.call('SET', KEYS[6], now, 'NX', 'EX', 172800) then warn = 1 end
end
return {0, 'ok', count, now, warn}
`;

// KEYS: next, room, backoff   ARGV: gapMs, roomGapMs, ok (1 = the send succeeded: reset the backoff level)
// After the send: the gap counts from when the send finished, so a slow send never shortens the next gap.
const COMMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gap, roomGap = tonumber(ARGV[1]), tonumber(ARGV[2])
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + gap > nextAt then nextAt = now + gap; redis.call('SET', KEYS[1], nextAt, 'PX', gap + 86400000) end
if roomGap > 0 then
  local r = tonumber(redis.call('GET', KEYS[2]) or '0')
  if now + roomGap > r then redis.call('SET', KEYS[2], now + roomGap, 'PX', roomGap + 60000) end
end
if ARGV[3] == '1' then redis.call('DEL', KEYS[3]) end
return {nextAt, now}
`;

// KEYS: paused, backoff   ARGV: baseMs, maxMs
// One pause per episode: failures of sends already in flight while paused do not double it again.
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
local level = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {paused - now, level, paused, 0} end
level = redis.call('INCR', KEYS[2])
local base, max = tonumber(ARGV[1]), tonumber(ARGV[2])
local ms = base * math.pow(2, level - 1)
if ms > max then ms = max end
ms = math.floor(ms)
redis.call('SET', KEYS[1], now + ms, 'PX', ms)
redis.call('PEXPIRE', KEYS[2], math.max(ms * 4, 3600000))
return {ms, level, now + ms, 1}
`;

type PacerRedis = Redis & {
  gridlinkWechatAcquire(...args: Array<string | number>): Promise<[number, string, number, number, number]>;
  gridlinkWechatCommit(...args: Array<string | number>): Promise<[number, number]>;
  gridlinkWechatPause(...args: Array<string | number>): Promise<[number, number, number, number]>;
};

function withScripts(redis: Redis): PacerRedis {
  const r = redis as PacerRedis;
  if (typeof r.gridlinkWechatAcquire !== "function") {
    redis.defineCommand("gridlinkWechatAcquire", { numberOfKeys: 7, lua: ACQUIRE });
    redis.defineCommand("gridlinkWechatCommit", { numberOfKeys: 3, lua: COMMIT });
    redis.defineCommand("gridlinkWechatPause", { numberOfKeys: 2, lua: PAUSE });
  }
  return r;
}

// === Pacer

/** A taken send slot; hand it back to `commit` once the send returned (success or not). */
export interface PaceSlot {
  account: string;
  roomId: string;
  /** The jittered gap drawn for this send. */
  gapMs: number;
  /** Redis time the slot was taken (epoch ms). */
  at: number;
  /** Sends of this account today, this one included. */
  sentToday: number;
  /** True exactly once a day, on the send that crosses dailyWarnRatio × dailyCap. */
  warnDailyCap: boolean;
  /** How long this send waited for its slot. */
  waitedMs: number;
  /** Paced as an urgent notice (the faster, separately configured pace). */
  urgent: boolean;
}

/** A pause after "too frequent". */
export interface PaceBackoff {
  pauseMs: number;
  level: number;
  pausedUntil: number;
  /** False when the account was already paused (a send in flight failed too): nothing new to announce. */
  fresh: boolean;
}

/** Last known pacing facts of the sending account (kept in memory for the synchronous health()). */
export interface PaceSnapshot {
  account?: string;
  nextSlotAt?: number;
  pausedUntil?: number;
  backoffLevel?: number;
  sentToday?: number;
  dailyCap: number;
  msPerMessage: number;
  lastWaitMs?: number;
}

/** How long a waiting reply's claim on the next slot outlives its expected wake-up (a dead waiter's lapses then). */
const CLAIM_MS = 2000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/** The cross-process pacer of WeChat sends. One per gateway; accounts are keyed by their contact id. */
export class WechatPacer {
  readonly options: WechatPaceOptions;
  private readonly redis: PacerRedis;
  /** The account that sent last (what snapshot() shows). */
  private snap: PaceSnapshot;
  /** Every account's facts, by account id. */
  private readonly snaps = new Map<string, PaceSnapshot>();

  constructor(
    redis: Redis,
    private readonly prefix: string,
    options: WechatPaceOptions,
    private readonly random: () => number = Math.random,
  ) {
    this.options = validatePaceOptions({ ...options });
    this.redis = withScripts(redis);
    this.snap = { dailyCap: this.options.dailyCap, msPerMessage: msPerMessage(this.options) };
  }

  /** Draw this send's gap: uniform in [minGapMs, maxGapMs] (of the urgent pace for an urgent notice). */
  drawGap(urgent = false): number {
    const { minGapMs, maxGapMs } = laneLimits(this.options, urgent);
    return Math.round(minGapMs + (maxGapMs - minGapMs) * this.random());
  }

  private update(account: string, patch: Partial<PaceSnapshot>): PaceSnapshot {
    const base = this.snaps.get(account) ?? { dailyCap: this.options.dailyCap, msPerMessage: msPerMessage(this.options) };
    const next = { ...base, ...patch, account };
    this.snaps.set(account, next);
    this.snap = next;
    return next;
  }

  /**
   * Wait for and take a send slot for `account` into `roomId`. Throws SendError('rate_limited') with
   * retryAfterMs when the account is paused, over its daily cap, or the wait would exceed maxWaitMs.
   *
   * Lanes: an ordinary send (a reply, a ticket notice) claims the account's next slot while it waits; a `bulk`
   * send (a broadcast delivery) never takes a slot a reply has claimed, and with `giveWay` it asks every
   * giveWayEveryMs while it waits — true throws SendError('yielded') before any slot is taken. Aborting `signal`
   * (the gateway stopping) wakes the wait at once and throws SendError('stopping'), also before any slot is taken.
   */
  async acquire(account: string, roomId: string, signal?: AbortSignal, opts: { urgent?: boolean; bulk?: boolean; giveWay?: () => Promise<boolean> } = {}): Promise<PaceSlot> {
    const o = this.options;
    const urgent = opts.urgent === true;
    const bulk = opts.bulk === true;
    const giveWay = bulk ? opts.giveWay : undefined;
    const limits = laneLimits(o, urgent);
    const checkEvery = o.giveWayEveryMs ?? Math.min(250, Math.max(5, Math.round(limits.minGapMs / 20)));
    const started = Date.now();
    const gapMs = this.drawGap(urgent);
    const member = `${started}-${Math.floor(this.random() * 1e9)}`;
    let claimed = false;
    const unclaim = async () => {
      if (claimed) await this.redis.zrem(paceKeys(this.prefix, account).replies, member).catch(() => 0);
    };
    const stepAside = async () => {
      if (giveWay && (await giveWay().catch(() => false))) {
        throw new SendError("yielded", "a reply waits for a sender: this broadcast send steps aside before taking its slot");
      }
    };
    const stopping = async () => {
      await unclaim();
      return new SendError("stopping", "WeChat gateway stopping: this send gave back its place before taking a slot");
    };
    await stepAside();
    for (;;) {
      // Woken by stop: never take a slot (and send) after it; the job goes back to the queue for the next start.
      if (signal?.aborted) throw await stopping();
      const { day, msLeft } = dayOf(Date.now(), o.utcOffsetMinutes);
      const k = paceKeys(this.prefix, account, roomId, day);
      const warnAt = Math.max(1, Math.ceil(o.dailyCap * o.dailyWarnRatio));
      const [wait, reason, count, now, warn] = await this.redis.gridlinkWechatAcquire(
        k.next, k.window, k.day, k.paused, k.room, k.warned, k.replies,
        gapMs, limits.perMinute, o.sameRoomGapMs, o.dailyCap, warnAt, member,
        bulk ? "bulk" : "reply", CLAIM_MS, checkEvery,
      );
      this.update(account, { sentToday: count });
      if (wait === 0) {
        const slot: PaceSlot = { account, roomId, gapMs, at: now, sentToday: count, warnDailyCap: warn === 1, waitedMs: Date.now() - started, urgent };
        this.update(account, { nextSlotAt: now + gapMs, pausedUntil: undefined, lastWaitMs: slot.waitedMs });
        await this.publish(account);
        return slot;
      }
      claimed ||= !bulk && reason !== "daily_cap" && reason !== "paused";
      if (reason === "daily_cap") {
        await unclaim();
        throw new SendError("rate_limited", `WeChat daily cap of ${o.dailyCap} sends reached for this account`, { retryAfterMs: msLeft + 1000 });
      }
      if (reason === "paused") {
        await unclaim();
        this.update(account, { pausedUntil: now + wait });
        await this.publish(account);
        throw new SendError("rate_limited", "WeChat sending is paused after a too-frequent warning", { retryAfterMs: wait });
      }
      if (Date.now() - started + wait > o.maxWaitMs) {
        await unclaim();
        throw new SendError("rate_limited", `WeChat pace: next slot in ${wait} ms (${reason})`, { retryAfterMs: wait });
      }
      // A reply wakes exactly at its slot. A bulk send wakes a few ms later (the spread keeps bulk senders of
      // several processes woken by the same slot from colliding on it) and, when it may give way, asks every
      // checkEvery ms meanwhile — and once more right before it tries to take the slot.
      const wakeAt = Date.now() + (bulk ? wait + Math.floor(this.random() * 5) : wait);
      if (!giveWay) await sleep(wakeAt - Date.now(), signal);
      else {
        for (let left = wakeAt - Date.now(); left > 0 && !signal?.aborted; left = wakeAt - Date.now()) {
          await sleep(Math.min(left, checkEvery), signal);
          await stepAside();
        }
      }
    }
  }

  /** Close a slot once the platform call returned: the next gap is measured from now. */
  async commit(slot: PaceSlot, ok: boolean): Promise<void> {
    const k = paceKeys(this.prefix, slot.account, slot.roomId);
    // A failed send keeps the backoff level (the pause logic decides); a success resets it.
    const [nextAt] = await this.redis.gridlinkWechatCommit(k.next, k.room, k.backoff, slot.gapMs, this.options.sameRoomGapMs, ok ? 1 : 0);
    this.update(slot.account, { nextSlotAt: Number(nextAt), ...(ok ? { backoffLevel: 0 } : {}) });
    await this.publish(slot.account);
  }

  /** Pause the account after WeChat said "too frequent": base × 2^(level-1), capped at backoffMaxMs. */
  async pause(account: string): Promise<PaceBackoff> {
    const k = paceKeys(this.prefix, account);
    const [pauseMs, level, pausedUntil, fresh] = await this.redis.gridlinkWechatPause(k.paused, k.backoff, this.options.backoffBaseMs, this.options.backoffMaxMs);
    this.update(account, { pausedUntil: Number(pausedUntil), backoffLevel: Number(level) });
    await this.publish(account);
    return { pauseMs: Number(pauseMs), level: Number(level), pausedUntil: Number(pausedUntil), fresh: fresh === 1 };
  }

  /** The pacing facts last seen by this process (for health()): of `account`, or of the account that sent last. */
  snapshot(account?: string): PaceSnapshot {
    const s = { ...(account ? (this.snaps.get(account) ?? { account, dailyCap: this.options.dailyCap, msPerMessage: msPerMessage(this.options) }) : this.snap) };
    if (s.pausedUntil !== undefined && s.pausedUntil <= Date.now()) delete s.pausedUntil;
    return s;
  }

  /** Publish an account's facts now (at login), so an idle account counts in a broadcast's ETA. */
  async announce(account: string): Promise<void> {
    this.update(account, {});
    await this.publish(account);
  }

  /** Remove an account's facts (logged out): core no longer counts it in a broadcast's ETA. */
  async forget(account: string): Promise<void> {
    this.snaps.delete(account);
    await this.redis.hdel(paceKeys(this.prefix, account).status, `account:${account}`);
  }

  /** Remove every account's facts (gateway start: accounts announce themselves again when they log in). */
  async forgetAll(): Promise<void> {
    const key = paceKeys(this.prefix, "").status;
    const fields = (await this.redis.hkeys(key)).filter((f) => f.startsWith("account:"));
    if (fields.length) await this.redis.hdel(key, ...fields);
  }

  private async publish(account: string): Promise<void> {
    const s = this.snaps.get(account) ?? this.snap;
    const fields: Record<string, string | number> = {
      account,
      msPerMessage: s.msPerMessage,
      // Urgent notices go at their own, faster pace: core's ETA of an urgent broadcast uses this one.
      urgentMsPerMessage: msPerMessage(laneLimits(this.options, true)),
      dailyCap: s.dailyCap,
      sentToday: s.sentToday ?? 0,
      nextSlotAt: s.nextSlotAt ?? 0,
      pausedUntil: s.pausedUntil ?? 0,
      // When the daily cap resets (the account's midnight): core shows it as the hold's end, never computes it.
      capResetAt: Date.now() + dayOf(Date.now(), this.options.utcOffsetMinutes).msLeft,
      updatedAt: Date.now(),
    };
    const { account: _a, ...facts } = fields;
    await this.redis.hset(paceKeys(this.prefix, account).status, { ...fields, [`account:${account}`]: JSON.stringify(facts) });
  }
}
