// The live detector: built from the enabled keywords in the database plus the guard lists in lexicon/,
// and rebuilt in every process within a second of a change anywhere (Redis pub/sub), without a restart.
// A slow poll of the table's version backs up pub/sub, whose messages are lost while a process is
// disconnected.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Db } from "../infra/db.js";
import { createDetector, loadGuards, type Detection, type Detector, type Guards } from "../../nlp/index.js";
import { enabledEntries, recordShadowHits, seedLexicon } from "./store.js";

/** Options of createLiveDetector. */
export interface LiveDetectorOptions {
  prisma: Db;
  /** Any ioredis connection; a duplicate() is made for subscribing. */
  redis: Redis;
  /** Pub/sub channel shared by every process of one installation, e.g. "<prefix>:lexicon". */
  channel: string;
  /** Where guards.txt and the seed keywords live. @defaultValue the repository's lexicon/ */
  lexiconDir?: string;
  /** Seed never-seen shipped keywords on start. @defaultValue true */
  seed?: boolean;
  /** Check the table's version this often as a fallback to pub/sub (0: never). @defaultValue 30000 */
  pollMs?: number;
  /** Write shadow keywords' hit counts this often (0: only on flushShadowHits / close). @defaultValue 10000 */
  shadowFlushMs?: number;
  /** Called when a rebuild fails (the previous detector stays in use). */
  onError?: (err: Error) => void;
}

/** A detector that follows the curated lexicon. */
export interface LiveDetector {
  /** Detect with the current lexicon (synchronous). */
  detect(text: string): Detection;
  /** The detector in use now (for its lexicon). */
  readonly current: Detector;
  /** Rebuild from the database now. */
  reload(): Promise<void>;
  /** Rebuild here and tell every other process to rebuild. Call after any lexicon change. */
  publishChange(): Promise<void>;
  /** Write the shadow keywords' pending hit counts now (also done every `shadowFlushMs` and on close). */
  flushShadowHits(): Promise<void>;
  /** Unsubscribe and stop polling. */
  close(): Promise<void>;
}

/** Build the live detector: seed (optional), load, subscribe. */
export async function createLiveDetector(opts: LiveDetectorOptions): Promise<LiveDetector> {
  const { prisma, redis, channel } = { ...opts };
  const pollMs = opts.pollMs ?? 30_000;
  const onError = opts.onError ?? (() => undefined);
  const self = randomUUID();
  const guards: Guards = loadGuards(opts.lexiconDir);
  if (opts.seed ?? true) await seedLexicon(prisma, { dir: opts.lexiconDir });

  let current: Detector = createDetector({ entries: await enabledEntries(prisma), guards });
  let version = await tableVersion(prisma);
  let closed = false;

  // Rebuilds are serialised; a change arriving during a rebuild triggers one more.
  let running: Promise<void> | null = null;
  let again = false;
  const rebuild = async (): Promise<void> => {
    const v = await tableVersion(prisma);
    const next = createDetector({ entries: await enabledEntries(prisma), guards });
    current = next;
    version = v;
  };
  const reload = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await rebuild();
        } while (again && !closed);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const reloadQuietly = (): void => {
    reload().catch((err: Error) => onError(err));
  };

  const sub = redis.duplicate();
  sub.on("error", (err: Error) => onError(err));
  sub.on("message", (ch: string, message: string) => {
    if (ch !== channel || closed) return;
    if (message.startsWith(`${self}:`)) return; // our own change: already rebuilt
    reloadQuietly();
  });
  await sub.subscribe(channel);

  const timer = pollMs > 0
    ? setInterval(() => {
        tableVersion(prisma)
          .then((v) => { if (v !== version && !closed) reloadQuietly(); })
          .catch((err: Error) => onError(err));
      }, pollMs)
    : null;
  timer?.unref();

  // Shadow keywords are counted here, in memory, and written in aggregate: never per message, never with text.
  const shadowHits = new Map<string, number>();
  const flushShadowHits = async (): Promise<void> => {
    if (shadowHits.size === 0) return;
    const counts = new Map(shadowHits);
    shadowHits.clear();
    try {
      await recordShadowHits(prisma, counts);
    } catch (err) {
      for (const [t, n] of counts) shadowHits.set(t, (shadowHits.get(t) ?? 0) + n); // kept for the next flush
      throw err;
    }
  };
  const shadowFlushMs = opts.shadowFlushMs ?? 10_000;
  const flushTimer = shadowFlushMs > 0 ? setInterval(() => { flushShadowHits().catch((err: Error) => onError(err)); }, shadowFlushMs) : null;
  flushTimer?.unref();

  return {
    detect: (text: string) => {
      const d = current.detect(text);
      if (d.suppressed.length) {
        const terms = new Set(d.suppressed.filter((h) => h.reason === "shadow").map((h) => h.term)); // once per message
        for (const t of terms) shadowHits.set(t, (shadowHits.get(t) ?? 0) + 1);
      }
      return d;
    },
    flushShadowHits,
    get current() {
      return current;
    },
    reload,
    async publishChange() {
      await reload();
      await redis.publish(channel, `${self}:${Date.now()}`);
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      if (flushTimer) clearInterval(flushTimer);
      await flushShadowHits().catch((err: Error) => onError(err));
      try {
        await sub.unsubscribe(channel);
      } finally {
        sub.disconnect();
      }
      await running?.catch(() => undefined);
    },
  };
}

/** A cheap fingerprint of the keyword table: row count, enabled count and last update. */
async function tableVersion(prisma: Db): Promise<string> {
  const [count, enabled, last] = await Promise.all([
    prisma.lexiconTerm.count(),
    prisma.lexiconTerm.count({ where: { enabled: true } }),
    prisma.lexiconTerm.aggregate({ _max: { updatedAt: true } }),
  ]);
  return `${count}/${enabled}/${last._max.updatedAt?.getTime() ?? 0}`;
}
