// The database: Prisma over SQLite (WAL) through the better-sqlite3 driver adapter — no native engine.

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

/** True for "the database is locked" however Prisma wraps it (the adapter maps SQLITE_BUSY to a timeout). */
export function isBusyError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } };
  const cause = e?.meta?.driverAdapterError?.cause;
  return cause?.originalCode === "SQLITE_BUSY" || cause?.kind === "SocketTimeout" || /SQLITE_BUSY|database is locked|SocketTimeout/i.test(e?.message ?? "");
}

/** Run fn, and while it fails because the database is locked, run it again after a growing pause. */
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

const MODEL_METHODS = new Set(["findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "create", "createMany", "update", "updateMany", "upsert", "delete", "deleteMany", "count", "aggregate", "groupBy"]);

/**
 * The client with every top-level query and every interactive transaction retried asynchronously while the
 * database is locked (a transaction is re-run whole). Queries inside a transaction are not retried one by one.
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
 * Open the database with WAL journaling and a short busy timeout: no synchronous wait on a lock longer than
 * ~busyTimeoutMs on the main thread (HTTP, webhooks and job-lock renewals keep running); longer waits are
 * asynchronous retries with backoff.
 */
export async function openDatabase(url: string, opts: OpenDatabaseOptions = {}): Promise<Db> {
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

/** Apply the committed migrations (prisma migrate deploy); safe to run on every start. */
export async function migrateDatabase(url: string): Promise<void> {
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
