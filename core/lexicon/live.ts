// The live detector: built from the enabled keywords in the database plus the guard lists in lexicon/,
// and rebuilt in every process within a second of a change anywhere, without a restart (a live table:
// core/infra/live-table.ts, like the FAQ).
import type { Redis } from "ioredis";
import { createLiveTable, liveChannel } from "../infra/live-table.js";
import type { Db } from "../infra/db.js";
import { createDetector, loadGuards, type Detection, type Detector, type Guards } from "../../nlp/index.js";
import { enabledEntries, recordShadowHits, seedLexicon } from "./store.js";

/** The pub/sub channel every process of one installation (one QUEUE_PREFIX) uses for lexicon changes. */
export const lexiconChannel = (queuePrefix: string): string => liveChannel(queuePrefix, "lexicon");

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
  const { prisma, redis, channel } = opts;
  const onError = opts.onError ?? (() => undefined);
  const guards: Guards = loadGuards(opts.lexiconDir);
  if (opts.seed ?? true) await seedLexicon(prisma, { dir: opts.lexiconDir });

  const table = await createLiveTable({
    redis,
    channel,
    pollMs: opts.pollMs,
    onError,
    version: () => tableVersion(prisma),
    build: async (): Promise<Detector> => createDetector({ entries: await enabledEntries(prisma), guards }),
  });

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
      const d = table.current.detect(text);
      if (d.suppressed.length) {
        const terms = new Set(d.suppressed.filter((h) => h.reason === "shadow").map((h) => h.term)); // once per message
        for (const t of terms) shadowHits.set(t, (shadowHits.get(t) ?? 0) + 1);
      }
      return d;
    },
    flushShadowHits,
    get current() {
      return table.current;
    },
    reload: table.reload,
    publishChange: table.publishChange,
    async close() {
      if (flushTimer) clearInterval(flushTimer);
      await flushShadowHits().catch((err: Error) => onError(err));
      await table.close();
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
