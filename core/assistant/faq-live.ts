// The FAQ every process answers from, rebuilt within a second of a change anywhere: a change publishes on a
// Redis channel and every process rebuilds its index; a slow poll of the table backs up pub/sub, whose
// messages are lost while a process is disconnected (the same pattern as core/lexicon/live.ts).
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
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
export const faqChannel = (queuePrefix: string): string => `${queuePrefix}:faq`;

/** Build the index from the database (seeding first), then follow changes. */
export async function createLiveFaq(opts: LiveFaqOptions): Promise<LiveFaq> {
  const { prisma, redis, channel } = opts;
  const pollMs = opts.pollMs ?? 30_000;
  const onError = opts.onError ?? (() => undefined);
  const self = randomUUID();
  if (opts.seed ?? true) await seedFaq(prisma, { dir: opts.dir });

  let entries = new Map<string, FaqRow>();
  let index: Retriever = createRetriever([]);
  let version = "";
  let closed = false;
  const rebuild = async () => {
    const v = await faqVersion(prisma);
    const rows = await listFaq(prisma, { enabledOnly: true });
    entries = new Map(rows.map((r) => [r.key, r]));
    index = createRetriever(rows.map((r) => ({ id: r.key, texts: r.questions })));
    version = v;
  };
  await rebuild();

  let running: Promise<void> | null = null;
  let again = false;
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

  const sub = redis.duplicate();
  sub.on("error", (err: Error) => onError(err));
  sub.on("message", (ch: string, message: string) => {
    if (ch !== channel || closed || message.startsWith(`${self}:`)) return;
    reload().catch(onError);
  });
  await sub.subscribe(channel);
  const timer = pollMs > 0
    ? setInterval(() => {
        faqVersion(prisma).then((v) => { if (v !== version && !closed) reload().catch(onError); }).catch(onError);
      }, pollMs)
    : null;
  timer?.unref();

  const ranked = (question: string, limit = 3): FaqMatch[] =>
    index.search(question, { limit }).flatMap((h) => {
      const entry = entries.get(h.id);
      return entry ? [{ entry, question: h.text, score: h.score }] : [];
    });

  return {
    match: (question, minScore = FAQ_MIN_SCORE) => ranked(question, 1).find((m) => m.score >= minScore),
    ranked,
    get size() {
      return entries.size;
    },
    reload,
    async publishChange() {
      await reload();
      await redis.publish(channel, `${self}:${Date.now()}`);
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      try {
        await sub.unsubscribe(channel);
      } finally {
        sub.disconnect();
      }
      await running?.catch(() => undefined);
    },
  };
}
