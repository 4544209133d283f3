// The FAQ every process answers from, rebuilt within a second of a change anywhere (a live table:
// core/infra/live-table.ts, like the lexicon's detector).
import type { Redis } from "ioredis";
import { createLiveTable, liveChannel } from "../infra/live-table.js";
import type { Db } from "../infra/db.js";
import { createRetriever, type Retriever } from "../../nlp/index.js";
import { faqVersion, listFaq, seedFaq, type FaqRow } from "./faq-store.js";

/** Retrieval scores at or above this answer a question (cosine of TF-IDF vectors, 0…1). */
export const FAQ_MIN_SCORE = 0.5;

/** A FAQ match. */
export interface FaqMatch {
  entry: FaqRow;
  /** The question variant that matched best. */
  question: string;
  score: number;
}

/** The live FAQ. */
export interface LiveFaq {
  /** Best entry for a question, if any scores at least minScore. */
  match(question: string, minScore?: number): FaqMatch | undefined;
  /** Every match above 0, best first (for `faq test`). */
  ranked(question: string, limit?: number): FaqMatch[];
  readonly size: number;
  reload(): Promise<void>;
  /** Rebuild here and tell every other process. Call after any FAQ change. */
  publishChange(): Promise<void>;
  close(): Promise<void>;
}

/** Options of createLiveFaq. */
export interface LiveFaqOptions {
  prisma: Db;
  redis: Redis;
  /** e.g. "<prefix>:faq" */
  channel: string;
  /** Seed never-seen entries from this folder on start. @defaultValue lexicon/faq */
  dir?: string;
  /** @defaultValue true */
  seed?: boolean;
  /** Fallback poll of the table's version (0: never). @defaultValue 30000 */
  pollMs?: number;
  onError?: (err: Error) => void;
}

/** The pub/sub channel of one installation's FAQ changes. */
export const faqChannel = (queuePrefix: string): string => liveChannel(queuePrefix, "faq");

/** Build the index from the database (seeding first), then follow changes. */
export async function createLiveFaq(opts: LiveFaqOptions): Promise<LiveFaq> {
  const { prisma } = opts;
  if (opts.seed ?? true) await seedFaq(prisma, { dir: opts.dir });
  const table = await createLiveTable({
    redis: opts.redis,
    channel: opts.channel,
    pollMs: opts.pollMs,
    onError: opts.onError,
    version: () => faqVersion(prisma),
    build: async () => {
      const rows = await listFaq(prisma, { enabledOnly: true });
      return { entries: new Map(rows.map((r) => [r.key, r])), index: createRetriever(rows.map((r) => ({ id: r.key, texts: r.questions }))) as Retriever };
    },
  });

  const ranked = (question: string, limit = 3): FaqMatch[] => {
    const { entries, index } = table.current;
    return index.search(question, { limit }).flatMap((h) => {
      const entry = entries.get(h.id);
      return entry ? [{ entry, question: h.text, score: h.score }] : [];
    });
  };

  return {
    match: (question, minScore = FAQ_MIN_SCORE) => ranked(question, 1).find((m) => m.score >= minScore),
    ranked,
    get size() {
      return table.current.entries.size;
    },
    reload: table.reload,
    publishChange: table.publishChange,
    close: table.close,
  };
}
