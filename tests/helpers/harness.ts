// Test harness: a Gridlink app on a fresh SQLite file (copied from the migrated template) — or, with
// GRIDLINK_TEST_DB=postgres, a fresh PostgreSQL database copied from the migrated template database — and a unique
// queue prefix on the real Redis at 127.0.0.1:6379; cleanup removes both.

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { inject } from "vitest";
import { createApp, type App, type AppOptions, type GatewayFactory } from "../../core/app.js";
import { loadConfig, type Config } from "../../core/infra/config.js";
import { createLogger } from "../../core/infra/log.js";
import { deleteKeysUnder } from "../../core/infra/redis.js";
import { ROOT } from "../support/gridlink-process.js";

import { TEST_REDIS_URL } from "../support/redis.js";
import { createPostgresDatabase, testDatabaseKind } from "../support/postgres.js";
export { TEST_REDIS_URL };
export { waitFor } from "../support/wait-for.js";

/** A fresh database file copied from the migrated template (`seeded`: with the shipped lexicon); returns its url. */
export function freshDatabase(opts: { seeded?: boolean } = {}): { url: string; file: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-test-"));
  const file = path.join(dir, "gridlink.db");
  fs.copyFileSync(inject(opts.seeded ? "seededTemplateDb" : "templateDb"), file);
  return { url: `file:${file}`, file, dir };
}

/**
 * A fresh database of the kind the suite runs on (testDatabaseKind()): a SQLite file or a PostgreSQL database,
 * each a copy of the migrated (`seeded`: and lexicon-seeded) template; cleanup() removes it.
 */
export async function freshTestDatabase(opts: { seeded?: boolean } = {}): Promise<{ url: string; cleanup(): Promise<void> }> {
  if (testDatabaseKind() === "postgres") {
    const template = inject(opts.seeded ? "pgSeededTemplateDb" : "pgTemplateDb");
    if (!template) throw new Error("GRIDLINK_TEST_DB=postgres but the global setup made no PostgreSQL template");
    const db = await createPostgresDatabase({ template });
    return { url: db.url, cleanup: db.drop };
  }
  const db = freshDatabase(opts);
  return { url: db.url, cleanup: async () => fs.rmSync(db.dir, { recursive: true, force: true }) };
}

/** A unique queue prefix for one test. */
export const uniquePrefix = (): string => `t${randomBytes(5).toString("hex")}`;

/** Test configuration: fresh DB, unique prefix, port 0, quiet logs; overrides win. */
export function testConfig(env: Record<string, string> = {}): { config: Config; dbDir: string } {
  const db = freshDatabase({ seeded: true });
  const config = loadConfig({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    REDIS_AUTOSTART: "false",
    ...env,
  });
  return { config, dbDir: db.dir };
}

/** Delete every Redis key under a prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** A started test app and its cleanup. */
export interface TestApp {
  app: App;
  config: Config;
  /** Base URL of the HTTP server (when the http role runs). */
  url: string;
  /** Headers that act as an admin (an admin API token created for this test): `fetch(url, { headers: t.auth })`. */
  auth: Record<string, string>;
  cleanup(): Promise<void>;
}

/** Create and start an app for a test. Call cleanup() in afterEach. */
export async function createTestApp(opts: { env?: Record<string, string>; gateways?: GatewayFactory[] } & Omit<Partial<AppOptions>, "config" | "gateways"> = {}): Promise<TestApp> {
  const pg = testDatabaseKind() === "postgres" && !opts.env?.DATABASE_URL ? await freshTestDatabase({ seeded: true }) : null;
  const { config, dbDir } = testConfig({ ...(pg ? { DATABASE_URL: pg.url } : {}), ...opts.env });
  const removeDb = async () => {
    fs.rmSync(dbDir, { recursive: true, force: true });
    await pg?.cleanup();
  };
  const app = await createApp({ ...opts, config, gateways: opts.gateways ?? [], log: opts.log ?? createLogger(config.LOG_LEVEL) });
  try {
    await app.start();
  } catch (err) {
    await app.stop().catch(() => undefined);
    await dropPrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    await removeDb();
    throw err;
  }
  const auth = await adminAuth(app);
  return {
    app,
    config,
    url: app.url ?? "",
    auth,
    async cleanup() {
      await app.stop();
      await dropPrefix(config.REDIS_URL, config.QUEUE_PREFIX);
      await removeDb();
    },
  };
}

/** Run `node bin/gridlink.js <args>` against this test app's Redis prefix and database: its stdout (rejects on a non-zero exit). */
export const gridlinkCli = (t: TestApp, ...args: string[]): Promise<string> =>
  promisify(execFile)(process.execPath, [path.join(ROOT, "bin", "gridlink.js"), ...args], { env: { ...process.env, REDIS_URL: t.config.REDIS_URL, QUEUE_PREFIX: t.config.QUEUE_PREFIX, DATABASE_URL: t.config.DATABASE_URL, LOG_LEVEL: "silent" } }).then((r) => r.stdout);

/** Count intake jobs this app's worker finishes from now on (completed jobs are removed from Redis at once). */
export function countIntakeDone(app: App): () => number {
  const ids = intakeDoneIds(app);
  return () => ids.size;
}

/** The ids of intake jobs this app's worker finishes from now on. */
export function intakeDoneIds(app: App): Set<string> {
  const worker = app.workers.find((w) => w.name === "intake");
  if (!worker) throw new Error("this app runs no intake worker");
  const ids = new Set<string>();
  worker.on("completed", (job) => ids.add(String(job.id)));
  return ids;
}

/**
 * Headers acting as an admin on an app: an admin API token written straight into the database (test setup, so
 * it leaves no audit row that tests of the audit trail would see). Tests of token creation use createApiToken.
 */
export async function adminAuth(app: { prisma: App["prisma"] }): Promise<Record<string, string>> {
  const token = `glt_${randomBytes(32).toString("base64url")}`;
  await app.prisma.apiToken.create({ data: { name: "test-admin", hash: createHash("sha256").update(token).digest("hex"), role: "admin", createdBy: "test-harness" } });
  return { authorization: `Bearer ${token}` };
}
