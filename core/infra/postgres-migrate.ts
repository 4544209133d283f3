// PostgreSQL's migrations (prisma/postgres/migrations, made with `prisma migrate diff`), applied the way
// `prisma migrate deploy` does — each migration.sql once, recorded in _prisma_migrations (same table, same
// sha-256 checksum) — by node-postgres directly: Prisma 6.19's migrate deploy over @prisma/adapter-pg fails
// reading that table ("Column type 'name' could not be deserialized"). One process at a time: the session
// holds Prisma's own advisory lock while it migrates, so a second `gridlink start` waits, re-reads and finds
// nothing to do. Each migration runs in one transaction (PostgreSQL's DDL is transactional): a failed one
// leaves nothing behind. A database that does not exist yet is created (UTF-8, C collation: SQLite's byte order).

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { AppError } from "./errors.js";
import { migrationFolders, POSTGRES_MIGRATIONS_DIR } from "./migration-folders.js";

/** The advisory lock `prisma migrate` takes on PostgreSQL: ours and Prisma's never run at once. */
const MIGRATE_LOCK = 72707369;

const TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const pgCode = (err: unknown) => (err as { code?: string })?.code;

/** Connect one client for a short task and always close it. */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined); // a dropped connection surfaces as the pending query's error
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Migrations recorded as finished (and not rolled back); none when the database or the table does not exist yet. */
export async function appliedPostgresMigrations(url: string): Promise<string[]> {
  try {
    return await withClient(url, async (c) => {
      const { rows } = await c.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
      return rows.map((r) => r.migration_name);
    });
  } catch (err) {
    if (pgCode(err) === "3D000" || pgCode(err) === "42P01") return []; // no such database / no such table
    throw err;
  }
}

/** Create the url's database when it does not exist (connecting to the server's `postgres` database to do it). */
export async function ensurePostgresDatabase(url: string): Promise<void> {
  try {
    await withClient(url, async () => undefined);
    return;
  } catch (err) {
    if (pgCode(err) !== "3D000") throw err;
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  await withClient(admin.toString(), async (c) => {
    try {
      await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    } catch (err) {
      if (pgCode(err) !== "42P04" && pgCode(err) !== "23505") throw err; // created by a process starting next to us
    }
  });
}

/** Options of migratePostgres. */
export interface MigratePostgresOptions {
  dir?: string;
  /** How long to wait for another process that holds the migration lock. @defaultValue 120000 */
  lockTimeoutMs?: number;
  /** Told once, under the lock, when migrations are about to be applied. */
  onApply?: (pending: string[]) => void;
}

/** Apply PostgreSQL's pending migrations under the advisory lock; returns what this process applied. */
export async function migratePostgres(url: string, opts: MigratePostgresOptions = {}): Promise<string[]> {
  const { dir, lockTimeoutMs, onApply } = { dir: POSTGRES_MIGRATIONS_DIR, lockTimeoutMs: 120_000, onApply: () => undefined, ...opts };
  await ensurePostgresDatabase(url);
  return withClient(url, async (c) => {
    await c.query(`SET statement_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    try {
      await c.query(`SELECT pg_advisory_lock(${MIGRATE_LOCK})`);
    } catch (err) {
      if (pgCode(err) !== "57014") throw err;
      throw new AppError("unavailable", { message: `another process has been migrating ${new URL(url).pathname.slice(1)} for more than ${lockTimeoutMs} ms`, cause: err });
    }
    await c.query("SET statement_timeout = 0");
    try {
      await c.query(TABLE);
      const { rows } = await c.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(`SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`);
      const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null).map((r) => r.migration_name);
      if (failed.length) throw new AppError("unavailable", { message: `migration(s) ${failed.join(", ")} failed earlier and are recorded unfinished in _prisma_migrations: fix the database, mark them rolled back, then migrate again` });
      const applied = new Set(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name));
      const pending = migrationFolders(dir).filter((m) => !applied.has(m));
      if (pending.length) onApply(pending);
      for (const name of pending) {
        const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
        const checksum = crypto.createHash("sha256").update(sql).digest("hex");
        await c.query("BEGIN");
        try {
          await c.query(sql);
          await c.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`, [crypto.randomUUID(), checksum, name]);
          await c.query("COMMIT");
        } catch (err) {
          await c.query("ROLLBACK").catch(() => undefined);
          throw new Error(`Database migration ${name} failed: ${(err as Error).message}`, { cause: err });
        }
      }
      return pending;
    } finally {
      await c.query(`SELECT pg_advisory_unlock(${MIGRATE_LOCK})`).catch(() => undefined);
    }
  });
}
