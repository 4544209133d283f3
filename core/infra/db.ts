// The database: Prisma through a driver adapter (no native engine) — SQLite (WAL) over better-sqlite3 by default,
// PostgreSQL over node-postgres when DATABASE_URL is a postgresql:// url. One data model (prisma/schema.prisma);
// PostgreSQL's client is generated from its provider-swapped copy (prisma/postgres/) and has the same API.

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient, Prisma } from "../../prisma/generated/client.ts";

export { PrismaClient, Prisma };
/** The Prisma client type used throughout core. */
export type Db = InstanceType<typeof PrismaClient>;

/** The repository root (where prisma/ and lexicon/ live), independent of the working directory. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** True for a PostgreSQL url (postgresql:// or postgres://); everything else is a SQLite `file:` url. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The url as logs and messages show it: a PostgreSQL url without its password. */
export function describeUrl(url: string): string {
  if (!isPostgresUrl(url)) return sqliteFile(url);
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgresql://…";
  }
}

/** The file behind a `file:` url, resolved against the working directory like the Prisma CLI does. */
export function sqliteFile(url: string): string {
  return path.resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

/** Options of openDatabase. */
export interface OpenDatabaseOptions {
  /**
   * better-sqlite3's busy timeout: how long a query waits *synchronously* (the whole event loop stops) for a
   * lock another connection holds. Kept short; past it the query is retried asynchronously. @defaultValue 40
   */
  busyTimeoutMs?: number;
  /** How long asynchronous retries of a locked database go on before the error surfaces. @defaultValue 30000 */
  busyRetryForMs?: number;
}

/**
 * True for an error where running the same work again can succeed: SQLite's "the database is locked" however
 * Prisma wraps it (the adapter maps SQLITE_BUSY to a timeout), and PostgreSQL's serialization failure (40001,
 * Prisma's P2034 write conflict) and deadlock (40P01) — the transaction was rolled back whole.
 */
export function isBusyError(err: unknown): boolean {
  type Cause = { originalCode?: string; kind?: string; code?: string };
  const e = err as { code?: string; message?: string; cause?: Cause; meta?: { driverAdapterError?: { cause?: Cause } } };
  // Wrapped in a known request error (meta.driverAdapterError) or, at a transaction's commit, the adapter's own error (cause).
  const causes = [e?.meta?.driverAdapterError?.cause, e?.cause].filter((c): c is Cause => Boolean(c));
  if (e?.code === "P2034" || causes.some((c) => c.kind === "TransactionWriteConflict" || (c.kind === "postgres" && (c.code === "40001" || c.code === "40P01")))) return true;
  if (causes.some((c) => c.originalCode === "SQLITE_BUSY" || c.kind === "SocketTimeout")) return true;
  return /SQLITE_BUSY|database is locked|SocketTimeout|TransactionWriteConflict|deadlock detected|could not serialize access/i.test(e?.message ?? "");
}

/** Run fn, and while it fails because the database is locked (or PostgreSQL asks for a retry), run it again after a growing pause. */
export async function retryBusy<T>(fn: () => Promise<T>, retryForMs = 30_000): Promise<T> {
  const deadline = Date.now() + retryForMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 250)) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusyError(err) || Date.now() + pause > deadline) throw err;
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
    }
  }
}

/**
 * Inside a transaction: wait until no other transaction holding the same `key` is running (PostgreSQL: a
 * transaction-scoped advisory lock, released at commit or rollback). SQLite needs nothing: it runs one write
 * transaction at a time anyway. For check-then-insert decisions (does this complaint join an open ticket or open
 * one?) that READ COMMITTED would otherwise let two transactions take at once.
 */
export async function serializeOn(tx: unknown, key: string): Promise<void> {
  const t = tx as { _activeProvider?: string; $queryRaw: (q: TemplateStringsArray, ...v: unknown[]) => Promise<unknown> };
  if (t._activeProvider !== "postgresql") return;
  await t.$queryRaw`SELECT 1 AS "locked" FROM (SELECT pg_advisory_xact_lock(hashtext(${key}))) AS l`;
}

const MODEL_METHODS = new Set(["findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "create", "createMany", "update", "updateMany", "upsert", "delete", "deleteMany", "count", "aggregate", "groupBy"]);

/**
 * The client with every top-level query and every interactive transaction retried asynchronously while the
 * database is locked or PostgreSQL reports a serialization failure or deadlock (a transaction is re-run whole). Queries inside a transaction are not retried one by one.
 */
function withBusyRetry(prisma: Db, retryForMs: number): Db {
  const delegates = new Map<PropertyKey, unknown>();
  return new Proxy(prisma, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "$transaction") {
        return (arg: unknown, ...rest: unknown[]) =>
          typeof arg === "function" ? retryBusy(() => (value as (...a: unknown[]) => Promise<unknown>).call(target, arg, ...rest), retryForMs) : (value as (...a: unknown[]) => unknown).call(target, arg, ...rest);
      }
      if (prop === "$queryRawUnsafe" || prop === "$executeRawUnsafe") {
        return (...args: unknown[]) => retryBusy(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args), retryForMs);
      }
      if (typeof prop !== "string" || prop.startsWith("$") || prop.startsWith("_") || value === null || typeof value !== "object") return value;
      if (!delegates.has(prop)) {
        delegates.set(
          prop,
          new Proxy(value as object, {
            get(model, method, r) {
              const fn = Reflect.get(model, method, r);
              if (typeof method !== "string" || !MODEL_METHODS.has(method) || typeof fn !== "function") return fn;
              return (...args: unknown[]) => retryBusy(() => Promise.resolve(fn.apply(model, args)), retryForMs);
            },
          }),
        );
      }
      return delegates.get(prop);
    },
  });
}

/**
 * Open the database. SQLite: WAL journaling and a short busy timeout — no synchronous wait on a lock longer than
 * ~busyTimeoutMs on the main thread (HTTP, webhooks and job-lock renewals keep running); longer waits are
 * asynchronous retries with backoff. PostgreSQL: a node-postgres pool (the url's own parameters apply), the
 * same retries for serialization failures and deadlocks; its client is loaded only here, so SQLite never pays for it.
 */
export async function openDatabase(url: string, opts: OpenDatabaseOptions = {}): Promise<Db> {
  if (isPostgresUrl(url)) {
    const [{ PrismaPg }, { PrismaClient: PgClient }] = await Promise.all([import("@prisma/adapter-pg"), import("../../prisma/postgres/generated/client.ts")]);
    // The same models from the same schema: only the provider differs, so it serves as the SQLite client's type.
    const raw = new PgClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
    return withBusyRetry(raw, opts.busyRetryForMs ?? 30_000);
  }
  const busyTimeoutMs = opts.busyTimeoutMs ?? 40;
  const file = sqliteFile(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: busyTimeoutMs }) });
  const prisma = withBusyRetry(raw, opts.busyRetryForMs ?? 30_000);
  await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await prisma.$queryRawUnsafe(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  return prisma;
}

/**
 * Apply the committed migrations; safe to run on every start. SQLite: `prisma migrate deploy`. PostgreSQL:
 * core/infra/postgres-migrate.ts (6.19's migrate deploy cannot read _prisma_migrations through adapter-pg).
 */
export async function migrateDatabase(url: string): Promise<void> {
  if (isPostgresUrl(url)) {
    const { migratePostgres } = await import("./postgres-migrate.js");
    await migratePostgres(url);
    return;
  }
  const file = sqliteFile(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${file}`, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d: Buffer) => output.push(d.toString()));
    child.stderr.on("data", (d: Buffer) => output.push(d.toString()));
    child.on("error", reject);
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`Database migration failed for ${file}:\n${output.join("")}`);
}
