// One call that opens what lexicon curation needs outside a running app (the `gridlink lexicon` command):
// the database, a Redis connection and the live detector, and closes them again.
import { Redis } from "ioredis";
import { openDatabase, type Db } from "../infra/db.js";
import { createLiveDetector, type LiveDetector } from "./live.js";

/** The pub/sub channel every process of one installation (one QUEUE_PREFIX) uses for lexicon changes. */
export function lexiconChannel(queuePrefix: string): string {
  return `${queuePrefix}:lexicon`;
}

/** What `lexiconCommand(open)` expects `open()` to return. */
export interface OpenLexicon {
  prisma: Db;
  live: LiveDetector;
  close(): Promise<void>;
}

/**
 * Open database, Redis and live detector for the lexicon commands, e.g. in bin/cli.ts:
 * `program.addCommand(lexiconCommand(() => openLexiconContext({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL, queuePrefix: cfg.QUEUE_PREFIX })))`.
 */
export async function openLexiconContext(opts: { databaseUrl: string; redisUrl: string; queuePrefix: string; lexiconDir?: string }): Promise<OpenLexicon> {
  const prisma = await openDatabase(opts.databaseUrl);
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on("error", () => undefined); // reported by the first command that needs Redis
  try {
    const live = await createLiveDetector({ prisma, redis, channel: lexiconChannel(opts.queuePrefix), lexiconDir: opts.lexiconDir, pollMs: 0 });
    return {
      prisma,
      live,
      async close() {
        await live.close();
        redis.disconnect();
        await prisma.$disconnect();
      },
    };
  } catch (err) {
    redis.disconnect();
    await prisma.$disconnect();
    throw err;
  }
}
