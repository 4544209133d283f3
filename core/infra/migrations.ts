// Which migrations a database still needs, decided cheaply (a directory listing and one SELECT — no Prisma CLI,
// no Prisma client), and applying them only from `start`/`migrate`, one process at a time. Every other command
// (CLI, `worker`) only checks: running `prisma migrate deploy` next to a server that holds the SQLite file fails after ~15 s.
// A postgresql:// url reads and applies PostgreSQL's own migration set (core/infra/postgres-migrate.ts).

import fs from "node:fs";
import path from "node:path";
import { AppError } from "./errors.js";
import { MIGRATIONS_DIR, migrationFolders, POSTGRES_MIGRATIONS_DIR } from "./migration-folders.js";
import Database from "better-sqlite3";
import { describeUrl, isPostgresUrl, migrateDatabase, sqliteFile } from "./db.js";

// PostgreSQL's set is applied by postgres-migrate.ts (loaded, with node-postgres, only for a postgresql:// url).
export { MIGRATIONS_DIR, POSTGRES_MIGRATIONS_DIR };

/** The migration set for a database url. */
export const migrationsDirFor = (url: string): string => (isPostgresUrl(url) ? POSTGRES_MIGRATIONS_DIR : MIGRATIONS_DIR);
const postgres = () => import("./postgres-migrate.js");

/** The migration folders shipped with this release (each holds a migration.sql), oldest first. */
export function shippedMigrations(dir = MIGRATIONS_DIR): string[] {
  return migrationFolders(dir);
}

/**
 * Migrations recorded as finished (and not rolled back) in the database; none when the file or table is new.
 * One read-only SELECT on a plain better-sqlite3 handle (the driver Prisma's adapter uses): no Prisma client and
 * its query compiler for a check every command and every start makes (bench/start.ts, "migration check").
 */
export async function appliedMigrations(url: string): Promise<string[]> {
  if (isPostgresUrl(url)) return (await postgres()).appliedPostgresMigrations(url);
  const file = sqliteFile(url);
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const rows = db.prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL").all() as Array<{ migration_name: string }>;
    return rows.map((r) => r.migration_name);
  } catch (err) {
    if (/no such table/i.test((err as Error).message)) return [];
    throw err;
  } finally {
    db.close();
  }
}

/** The shipped migrations this database has not applied yet. */
export async function pendingMigrations(url: string, dir = migrationsDirFor(url)): Promise<string[]> {
  const applied = new Set(await appliedMigrations(url));
  return shippedMigrations(dir).filter((m) => !applied.has(m));
}

/** Refuse to run against a database that misses migrations (every command but `start` and `migrate`). */
export async function assertMigrated(url: string): Promise<void> {
  const pending = await pendingMigrations(url);
  if (pending.length === 0) return;
  throw new AppError("unavailable", {
    message: `the database ${describeUrl(url)} needs ${pending.length} migration(s) (${pending.join(", ")}): run "gridlink migrate" (or "gridlink start"), then try again`,
  });
}

/** Options of migrateIfPending. */
export interface MigrateOptions {
  /** How long to wait for another process that is migrating the same database. @defaultValue 120000 */
  lockTimeoutMs?: number;
  /** Told once when migrations are applied. */
  onApply?: (pending: string[]) => void;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Apply pending migrations, if any, holding `<db>.migrate.lock` (O_EXCL, with the owner's pid) so two processes
 * starting at once never race: the second waits, re-checks and finds nothing to do. Returns what it applied.
 * PostgreSQL: the same under an advisory lock (migratePostgres), and a database not created yet is created.
 */
export async function migrateIfPending(url: string, opts: MigrateOptions = {}): Promise<string[]> {
  const { lockTimeoutMs, onApply } = { lockTimeoutMs: 120_000, onApply: () => undefined, ...opts };
  if ((await pendingMigrations(url)).length === 0) return [];
  if (isPostgresUrl(url)) {
    try {
      return await (await postgres()).migratePostgres(url, { dir: POSTGRES_MIGRATIONS_DIR, lockTimeoutMs, onApply });
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError("unavailable", { message: `${(err as Error).message} (${describeUrl(url)})`, cause: err });
    }
  }
  const file = sqliteFile(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lock = `${file}.migrate.lock`;
  const deadline = Date.now() + lockTimeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(fs.readFileSync(lock, "utf8").trim());
      if (!owner || !alive(owner)) {
        fs.rmSync(lock, { force: true }); // left by a process that died mid-migration
        continue;
      }
      if (Date.now() > deadline) throw new AppError("unavailable", { message: `another process (pid ${owner}) has been migrating ${file} for too long` });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const pending = await pendingMigrations(url); // the process we waited for may have applied them
    if (pending.length === 0) return [];
    onApply(pending);
    try {
      await migrateDatabase(url);
    } catch (err) {
      throw new AppError("unavailable", {
        message: `${(err as Error).message}\nIf another Gridlink process holds this database, stop it, run "gridlink migrate", then start again.`,
        cause: err,
      });
    }
    return pending;
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
