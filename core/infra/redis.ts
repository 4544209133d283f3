// Redis: the queues' home. Connects to REDIS_URL, or starts an embedded redis-server child when nothing
// answers and one is installed; refuses a Redis whose eviction policy could drop queue keys.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

/** Options for ioredis connections that BullMQ workers block on. */
export const WORKER_REDIS_OPTIONS: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true };

/** A running Redis for Gridlink: the url to use and, if we started it, the child to stop. */
export interface RedisHandle {
  url: string;
  child?: ChildProcess;
  stop(): Promise<void>;
}

/** True when a Redis answers PING at url within timeoutMs (one short-lived connection, no retries). */
export async function ping(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Close a connection gracefully: QUIT lets commands still in flight (BullMQ's own bookkeeping) get their
 * replies instead of failing with "Connection is closed"; if Redis does not answer within timeoutMs (it is
 * away), drop the connection.
 */
export async function closeRedis(conn: Redis, timeoutMs = 1000): Promise<void> {
  if (conn.status === "end") return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([conn.quit().then(() => undefined, () => undefined), timeout]);
  clearTimeout(timer);
  conn.disconnect();
}

/** Whether a promise settles (either way) within ms; a late rejection is swallowed. Never rejects. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const settled = work.then(() => true as const, () => true as const);
  const result = await Promise.race([settled, late]);
  clearTimeout(timer);
  return result;
}

/** Delete every key under `<prefix>:` (SCAN, never KEYS): tests, benches and resets of one installation. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}

/** Read the eviction policy; INFO works where CONFIG is disabled (managed Redis). */
export async function checkEvictionPolicy(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  try {
    await client.connect();
    const info = await client.info("memory");
    const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? "unknown";
    if (policy !== "noeviction") {
      throw new Error(
        `Redis at ${url} has maxmemory-policy=${policy}; queued jobs could be evicted and lost. ` +
          `Set "maxmemory-policy noeviction" in redis.conf (or CONFIG SET maxmemory-policy noeviction) and start again.`,
      );
    }
    return policy;
  } finally {
    client.disconnect();
  }
}

function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Make sure a Redis answers at `url`. If none does, the url is local and `autostart` is on, start
 * `redis-server` as a child (append-only, noeviction, data under dataDir) and stop it on exit.
 */
export async function ensureRedis(url: string, opts: { autostart: boolean; dataDir: string; log: Logger }): Promise<RedisHandle> {
  if (await ping(url)) {
    await checkEvictionPolicy(url);
    return { url, stop: async () => {} };
  }
  const parsed = new URL(url);
  const local = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(parsed.hostname);
  if (!opts.autostart || !local) {
    throw new Error(`Nothing answers at REDIS_URL=${url}. Start Redis there, or point REDIS_URL at a running Redis.`);
  }
  if (!hasRedisServer()) {
    throw new Error(
      `No Redis answers at ${url} and redis-server is not installed. Install it (Debian/Ubuntu: "sudo apt-get install redis-server", ` +
        `macOS: "brew install redis"), or set REDIS_URL to a running Redis.`,
    );
  }
  const dir = path.resolve(opts.dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const port = parsed.port || "6379";
  opts.log.info({ port, dir }, "no Redis answering; starting an embedded redis-server");
  const child = spawn(
    "redis-server",
    ["--port", port, "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--maxmemory-policy", "noeviction", "--save", ""],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 10_000;
  while (!(await ping(url, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`Could not start redis-server on port ${port} (see ${dir}).`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  };
  return { url, child, stop };
}

/** A Redis wait took longer than its bound; callers turn it into a 503 or a job retry. */
export class RedisTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`Redis did not answer ${what} within ${ms} ms`);
    this.name = "RedisTimeoutError";
  }
}

/**
 * Bound a promise that waits on Redis: rejects with RedisTimeoutError after ms. ioredis can leave a command
 * unsettled forever across a reconnect, so nothing on a request or job path may await Redis unbounded.
 */
export function bounded<T>(promise: Promise<T>, ms: number, what = "a command"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined); // a late rejection after the timeout is expected, not unhandled
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RedisTimeoutError(what, ms)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Options of the connection that queue jobs' own work (reply enqueues, broadcast fan-out, the reconciler):
 * commands wait through a short Redis blip (offline queue, re-sent after a reconnect) but each one fails after
 * commandTimeout, so a job never holds a worker slot forever; a re-sent add is harmless (deterministic ids).
 */
export const jobRedisOptions = (commandTimeoutMs: number): RedisOptions => ({ maxRetriesPerRequest: null, commandTimeout: commandTimeoutMs });

/**
 * Options of the intake producer (gateways' submit). Commands in flight at a reconnect are re-sent (ioredis'
 * default; nothing is dropped unsettled) and every command is bounded; the offline queue is switched off once
 * connected, so while Redis is away an add is refused before it is written — "certainly not queued". An add
 * that was written but not answered is settled by Queues.submit, which checks the job's marker after it.
 */
export const producerRedisOptions = (commandTimeoutMs: number): RedisOptions => ({ commandTimeout: commandTimeoutMs });
