// The local PostgreSQL (127.0.0.1:5432, trust auth) for tests: a unique database per test, created from a
// migrated template (CREATE DATABASE … TEMPLATE copies it in milliseconds) and dropped after. Suites that run on
// either database read testDatabaseKind(): GRIDLINK_TEST_DB=postgres (vitest.postgres.config.ts) selects PostgreSQL.

import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests use (its databases are `<server>/<name>`). */
export const TEST_PG_SERVER = (process.env.TEST_PG_SERVER ?? "postgresql://postgres@127.0.0.1:5432").replace(/\/$/, "");

/** Which database the parametrised suites run on. */
export const testDatabaseKind = (): "sqlite" | "postgres" => (process.env.GRIDLINK_TEST_DB === "postgres" ? "postgres" : "sqlite");

/** The url of a database on the test server. */
export const postgresUrl = (name: string): string => `${TEST_PG_SERVER}/${name}`;

/** A database name no other test uses (not created). */
export const uniqueDatabaseName = (): string => `gl_t_${randomBytes(6).toString("hex")}`;

/** Run statements on the server's maintenance database. */
export async function onServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresUrl("postgres") });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Drop a test database, closing whatever connections are still open on it. */
export async function dropPostgresDatabase(name: string): Promise<void> {
  await onServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** A new database (a copy of `template` when given, else empty); drop() removes it. */
export async function createPostgresDatabase(opts: { template?: string } = {}): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = uniqueDatabaseName();
  const from = opts.template ? ` TEMPLATE "${opts.template}"` : " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'";
  await onServer(async (c) => {
    // Two copies of one template at the same instant: PostgreSQL refuses the second while the first copies.
    const deadline = Date.now() + 15_000;
    for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
      try {
        return await c.query(`CREATE DATABASE "${name}"${from}`);
      } catch (err) {
        if ((err as { code?: string }).code !== "55006" || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  });
  return { name, url: postgresUrl(name), drop: () => dropPostgresDatabase(name) };
}

/** Whether a database exists on the test server. */
export async function postgresDatabaseExists(name: string): Promise<boolean> {
  return onServer(async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1);
}
