// PostgreSQL's own migration set: prisma/postgres/schema.prisma is prisma/schema.prisma with the provider swapped
// (checked by the script that writes it); its migrations build exactly what that schema describes (compared with
// the schema's from-empty script, table by table, column by column, index by index) and the same tables and
// columns as SQLite's migrations; `gridlink migrate` creates the database, records each migration in
// _prisma_migrations like `prisma migrate deploy` does, and a migration that fails leaves nothing behind.

import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateIfPending, pendingMigrations, POSTGRES_MIGRATIONS_DIR, shippedMigrations } from "../../core/infra/migrations.js";
import { freshDatabase } from "../helpers/harness.js";
import { runGridlink, ROOT } from "../support/gridlink-process.js";
import { createPostgresDatabase, dropPostgresDatabase, postgresDatabaseExists, postgresUrl, uniqueDatabaseName } from "../support/postgres.js";

const names: string[] = [];
/** A database name for this file (not created); dropped in afterAll. */
const nameForTest = () => {
  const name = uniqueDatabaseName();
  names.push(name);
  return name;
};
let migrated: string;
beforeAll(async () => {
  migrated = nameForTest();
  const r = await runGridlink(["migrate"], { DATABASE_URL: postgresUrl(migrated), LOG_LEVEL: "silent" });
  if (r.code !== 0) throw new Error(r.output);
}, 60_000);
afterAll(async () => {
  for (const name of names) await dropPostgresDatabase(name);
});

async function query<T extends pg.QueryResultRow>(name: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: postgresUrl(name) });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

/** Tables, columns (type, nullability, default) and indexes of a database's public schema, _prisma_migrations aside. */
async function structure(name: string) {
  const columns = await query<{ t: string; c: string; type: string; nullable: string; def: string | null }>(
    name,
    `SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nullable, column_default AS def FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`,
  );
  const indexes = await query<{ indexdef: string }>(name, `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`);
  const constraints = await query<{ def: string }>(
    name,
    `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1`,
  );
  return { columns, indexes: indexes.map((i) => i.indexdef), constraints: constraints.map((c) => c.def) };
}

describe("PostgreSQL's schema and migrations", () => {
  it("prisma/postgres/schema.prisma is prisma/schema.prisma with only the datasource swapped (the script's check passes)", () => {
    const check = spawnSync(process.execPath, ["prisma/postgres-schema.mjs", "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    const source = fs.readFileSync(path.join(ROOT, "prisma", "schema.prisma"), "utf8");
    const target = fs.readFileSync(path.join(ROOT, "prisma", "postgres", "schema.prisma"), "utf8");
    const models = (s: string) => s.slice(s.indexOf("\nmodel "));
    expect(models(target)).toBe(models(source));
    expect(target).toMatch(/provider = "postgresql"/);
  });

  it("the migrations build exactly what the schema describes (nobody changed the schema without a PostgreSQL migration)", async () => {
    const script = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "prisma", "build", "index.js"), "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/postgres/schema.prisma", "--script"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: postgresUrl("postgres"), PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
    expect(script.status, script.stderr).toBe(0);
    const fromSchema = await createPostgresDatabase();
    names.push(fromSchema.name);
    const c = new pg.Client({ connectionString: fromSchema.url });
    await c.connect();
    await c.query(script.stdout).finally(() => c.end());
    const want = await structure(fromSchema.name);
    const have = await structure(migrated);
    expect(want.columns.length).toBeGreaterThan(100);
    expect(have.columns).toEqual(want.columns);
    expect(have.indexes).toEqual(want.indexes);
    expect(have.constraints).toEqual(want.constraints);
  }, 60_000);

  it("has the tables and columns SQLite's migrations make, and the same seeded SLA rules", async () => {
    const file = freshDatabase();
    const lite = new Database(file.file, { readonly: true });
    try {
      const tables = (lite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name);
      const liteColumns = tables.flatMap((t) => (lite.prepare(`SELECT name, "notnull" FROM pragma_table_info(?)`).all(t) as Array<{ name: string; notnull: number }>).map((c) => `${t}.${c.name} ${c.notnull ? "NOT NULL" : "NULL"}`)).sort();
      const pgColumns = (await structure(migrated)).columns.map((c) => `${c.t}.${c.c} ${c.nullable === "NO" ? "NOT NULL" : "NULL"}`).sort();
      expect(pgColumns).toEqual(liteColumns);
      const rules = `SELECT "category", "severity", "acceptMinutes", "resolveMinutes" FROM "SlaRule" ORDER BY "category", "severity"`;
      const liteRules = lite.prepare(rules).all();
      expect(liteRules.length).toBe(3);
      expect(await query(migrated, rules)).toEqual(liteRules);
    } finally {
      lite.close();
      fs.rmSync(file.dir, { recursive: true, force: true });
    }
  });
});

describe("gridlink migrate on PostgreSQL", () => {
  it("creates the database, applies each migration once and records it as prisma migrate deploy does; then nothing is pending", async () => {
    expect(await postgresDatabaseExists(migrated)).toBe(true);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number }>(migrated, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    const shipped = shippedMigrations(POSTGRES_MIGRATIONS_DIR);
    expect(rows.map((r) => r.migration_name)).toEqual(shipped);
    for (const r of rows) {
      const sql = fs.readFileSync(path.join(POSTGRES_MIGRATIONS_DIR, r.migration_name, "migration.sql"));
      expect(r.checksum).toBe(crypto.createHash("sha256").update(sql).digest("hex"));
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
    expect(await pendingMigrations(postgresUrl(migrated))).toEqual([]);
    const again = await runGridlink(["migrate"], { DATABASE_URL: postgresUrl(migrated), LOG_LEVEL: "silent" });
    expect(again.code).toBe(0);
    expect(again.output).toContain("database up to date");
  }, 60_000);

  it("a migration that fails leaves no trace (one transaction each): the error names it and it stays pending", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-pg-migrations-"));
    try {
      for (const m of shippedMigrations(POSTGRES_MIGRATIONS_DIR)) fs.cpSync(path.join(POSTGRES_MIGRATIONS_DIR, m), path.join(dir, m), { recursive: true });
      fs.mkdirSync(path.join(dir, "29990101000000_broken"));
      fs.writeFileSync(path.join(dir, "29990101000000_broken", "migration.sql"), `CREATE TABLE "Half" ("id" INTEGER);\nALTER TABLE "NoSuchTable" ADD COLUMN "x" INTEGER;\n`);
      const { migratePostgres } = await import("../../core/infra/postgres-migrate.js");
      const name = nameForTest();
      await expect(migratePostgres(postgresUrl(name), { dir })).rejects.toThrow(/29990101000000_broken failed: .*NoSuchTable/);
      const tables = await query<{ n: string }>(name, `SELECT table_name AS n FROM information_schema.tables WHERE table_name IN ('Half', 'Ticket') ORDER BY 1`);
      expect(tables.map((t) => t.n)).toEqual(["Ticket"]); // the baseline is in; the broken one left nothing
      const recorded = await query<{ migration_name: string }>(name, `SELECT migration_name FROM "_prisma_migrations" ORDER BY 1`);
      expect(recorded.map((r) => r.migration_name)).toEqual(shippedMigrations(POSTGRES_MIGRATIONS_DIR));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a process that waits for another's migration lock past its timeout gives up with a clear error", async () => {
    const d = await createPostgresDatabase();
    names.push(d.name);
    const holder = new pg.Client({ connectionString: d.url });
    await holder.connect();
    try {
      // Prisma's migration lock (an advisory lock, per database), held by another session on this database.
      await holder.query("SELECT pg_advisory_lock(72707369)");
      await expect(migrateIfPending(d.url, { lockTimeoutMs: 300 })).rejects.toThrow(/another process has been migrating/);
      expect(await pendingMigrations(d.url)).toEqual(shippedMigrations(POSTGRES_MIGRATIONS_DIR));
    } finally {
      await holder.end();
    }
  });
});
