// A value built from a curated table (the lexicon's detector, the FAQ's index) that every process rebuilds
// within a second of a change anywhere: a change publishes on a Redis channel and every other process
// rebuilds; a slow poll of the table's version backs up pub/sub, whose messages are lost while a process is
// disconnected. Rebuilds are serialised; a change arriving during one triggers one more. And the one way the
// curation CLI opens a database, a Redis connection and such a value, and closes them again.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { openDatabase, type Db } from "./db.js";

/** Options of createLiveTable. */
export interface LiveTableOptions<T> {
  /** Any ioredis connection; a duplicate() is made for subscribing. */
  redis: Redis;
  /** Pub/sub channel shared by every process of one installation (see liveChannel). */
  channel: string;
  /** Build the value from the database (the previous value stays in use when this throws). */
  build(): Promise<T>;
  /** A cheap fingerprint of the table; a poll that sees it change rebuilds. */
  version(): Promise<string>;
  /** Check the version this often as a fallback to pub/sub (0: never). @defaultValue 30000 */
  pollMs?: number;
  /** Called when a background rebuild or poll fails. */
  onError?: (err: Error) => void;
}

/** The live value. */
export interface LiveTable<T> {
  /** The value built last. */
  readonly current: T;
  /** Rebuild from the database now. */
  reload(): Promise<void>;
  /** Rebuild here and tell every other process to rebuild. Call after any change of the table. */
  publishChange(): Promise<void>;
  /** Unsubscribe and stop polling (waits for a rebuild in flight). */
  close(): Promise<void>;
}

/** The channel of one live table in one installation (one QUEUE_PREFIX): "<prefix>:<name>". */
export const liveChannel = (queuePrefix: string, name: string): string => `${queuePrefix}:${name}`;

/** Build the value, subscribe to changes, start the fallback poll. */
export async function createLiveTable<T>(opts: LiveTableOptions<T>): Promise<LiveTable<T>> {
  const { redis, channel } = opts;
  const pollMs = opts.pollMs ?? 30_000;
  const onError = opts.onError ?? (() => undefined);
  const self = randomUUID();

  let version = await opts.version();
  let current = await opts.build();
  let closed = false;

  let running: Promise<void> | null = null;
  let again = false;
  const rebuild = async (): Promise<void> => {
    const v = await opts.version(); // read first: a change during the build is seen by the next poll
    current = await opts.build();
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
        opts.version()
          .then((v) => { if (v !== version && !closed) reloadQuietly(); })
          .catch((err: Error) => onError(err));
      }, pollMs)
    : null;
  timer?.unref();

  return {
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
      try {
        await sub.unsubscribe(channel);
      } finally {
        sub.disconnect();
      }
      await running?.catch(() => undefined);
    },
  };
}

/** What openLiveContext returns: the database, the live value, and one close for both. */
export interface LiveContext<L> {
  prisma: Db;
  live: L;
  close(): Promise<void>;
}

/**
 * Open a database and a Redis connection and build a live value on them (the curation CLI's commands, e.g.
 * `openLiveContext(cfg, (prisma, redis) => createLiveFaq({ prisma, redis, channel, pollMs: 0 }))`); close()
 * lets go of all three. A failed build closes what was opened.
 */
export async function openLiveContext<L extends { close(): Promise<void> }>(
  opts: { databaseUrl: string; redisUrl: string },
  open: (prisma: Db, redis: Redis) => Promise<L>,
): Promise<LiveContext<L>> {
  const prisma = await openDatabase(opts.databaseUrl);
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on("error", () => undefined); // reported by the first command that needs Redis
  try {
    const live = await open(prisma, redis);
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
