// GET /api/stats's statements on PostgreSQL: the same tickets as bench/stats.ts (seeded in SQLite), the Group and
// Ticket tables created in PostgreSQL from the migrated SQLite schema translated (types only; foreign keys left
// out), the rows copied, VACUUM ANALYZE; then every statement ticketStats runs — exactly its Prisma.Sql, with PostgreSQL's
// $n placeholders — is PREPAREd and EXECUTEd through psql, its rows compared with SQLite's and its execution time
// (EXPLAIN ANALYZE, median of 5) printed next to SQLite's and PostgreSQL's plain count over the same range.
// Needs psql and a PostgreSQL (PGURL, default postgresql://postgres@127.0.0.1:5432/test); works in its own schema
// and drops it after. Run: node bin/run-ts.js bench/stats-postgres.ts [tickets]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { openDatabase, type Prisma } from "../core/infra/db.js";
import { ticketStatsQueries } from "../core/tickets/ticket-stats.js";
import { DAY, GRIDS, SEED_NOW, seedStatsDatabase } from "./stats-seed.js";

const N = Number(process.argv[2] ?? 100_000);
const PGURL = process.env.PGURL ?? "postgresql://postgres@127.0.0.1:5432/test";
const SCHEMA = "gridlink_stats_bench";
const NAMES = ["per category per day", "per grid", "per group", "open/resolved (by status)", "resolved within 24 h", "mean time to resolve", "mean time to accept", "mean rating", "overdue", "SLA breaches per tier", "escalations per tier"];

/** Run a psql script in the bench schema; its unaligned, tab-separated output (fails loudly). */
function psql(script: string): string {
  const r = spawnSync("psql", [PGURL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-f", "-"], { input: `SET search_path TO "${SCHEMA}";\n${script}`, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`psql failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const { dir, url, file } = await seedStatsDatabase(N);
console.log(`seeded ${N} tickets in SQLite`);

// === The tables, translated from the migrated SQLite schema (what the Prisma schema maps to on PostgreSQL).
const raw = new Database(file, { readonly: true });
const translate = (sql: string) =>
  sql
    .replace(/"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT/g, `"id" SERIAL NOT NULL PRIMARY KEY`)
    .replace(/\bDATETIME\b/g, "TIMESTAMP(3)")
    .replace(/\bREAL\b/g, "DOUBLE PRECISION")
    .split("\n")
    .filter((l) => !/^\s*CONSTRAINT "[^"]+" FOREIGN KEY /.test(l))
    .join("\n")
    .replace(/,(\s*\)\s*)$/, "$1");
const ddl = (raw.prepare(`SELECT type, sql FROM sqlite_master WHERE tbl_name IN ('Group', 'Ticket') AND sql IS NOT NULL ORDER BY type DESC`).all() as Array<{ type: string; sql: string }>).map((r) => `${translate(r.sql)};`);
spawnSync("psql", [PGURL, "-X", "-q", "-c", `DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE; CREATE SCHEMA "${SCHEMA}"`], { encoding: "utf8" });
psql(ddl.join("\n"));

// === The rows (CSV through COPY; SQLite's ISO 8601 text is read as the UTC timestamp it is).
const csv = (v: unknown) => (v === null || v === undefined ? "" : `"${String(v).replace(/"/g, '""')}"`);
const t0 = performance.now();
for (const table of ["Group", "Ticket"]) {
  const rows = raw.prepare(`SELECT * FROM "${table}"`).raw(true).all() as unknown[][];
  const cols = (raw.prepare(`SELECT * FROM "${table}" LIMIT 1`).columns() as Array<{ name: string }>).map((c) => `"${c.name}"`);
  psql(`COPY "${table}" (${cols.join(", ")}) FROM STDIN WITH (FORMAT csv);\n${rows.map((r) => r.map(csv).join(",")).join("\n")}\n\\.\nSELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT max("id") FROM "${table}"));\nVACUUM ANALYZE "${table}";`);
}
raw.close();
console.log(`copied to PostgreSQL (${psql("SELECT version();").trim().split(" on ")[0]}) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${psql(`SELECT count(*) FROM "Ticket";`).trim()} tickets`);

// === Every figure's statement on both, compared and timed.
const db = await openDatabase(url);
const from = new Date(SEED_NOW - 30 * DAY);
const to = new Date(SEED_NOW);
const literal = (v: unknown) => `'${String(v).replace(/'/g, "''")}'`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sqliteMs = async (q: Prisma.Sql) => {
  await db.$queryRaw(q);
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await db.$queryRaw(q);
    ms.push(performance.now() - s);
  }
  return median(ms);
};
/** PREPARE + EXECUTE through psql: the rows (tab-separated fields), the median execution time and the Ticket scan. */
const onPostgres = (q: Prisma.Sql) => {
  const args = q.values.length ? `(${q.values.map(literal).join(", ")})` : "";
  const explain = `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE q${args};\n\\echo ===\n`;
  const out = psql(`PREPARE q AS ${q.text};\nEXECUTE q${args};\n\\echo ===\n${explain.repeat(6)}`).split("===\n");
  const rows = out[0].split("\n").filter((l) => l !== "").map((l) => l.split("\t"));
  const plans = out.slice(2, 7).map((p) => JSON.parse(p)[0] as { "Execution Time": number; Plan: PlanNode });
  type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: PlanNode[] };
  const scans: string[] = [];
  const walk = (n: PlanNode) => {
    if (n["Relation Name"] === "Ticket") scans.push(`${n["Node Type"]}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}`);
    n.Plans?.forEach(walk);
  };
  walk(plans[0].Plan);
  return { rows, ms: median(plans.map((p) => p["Execution Time"])), scan: scans.join(", ") };
};
const same = (a: unknown, b: string) => {
  if (a === null || a === undefined) return b === "";
  const x = typeof a === "bigint" ? Number(a) : typeof a === "number" ? a : Number.NaN;
  if (!Number.isNaN(x) && b !== "" && !Number.isNaN(Number(b))) return Math.abs(x - Number(b)) <= 1e-9 * Math.max(1, Math.abs(x));
  return String(a) === b;
};

const baseline = (() => {
  const q = `PREPARE c AS SELECT count(*) FROM "Ticket" t WHERE t."createdAt" >= $1 AND t."createdAt" < $2;\n` + `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE c(${literal(from.toISOString())}, ${literal(to.toISOString())});\n\\echo ===\n`.repeat(6);
  return median(psql(q).split("===\n").slice(1, 6).map((p) => (JSON.parse(p)[0] as { "Execution Time": number })["Execution Time"]));
})();
console.log(`PostgreSQL baseline (plain count over the same 30 days): ${baseline.toFixed(1)} ms`);
let mismatches = 0;
for (const grids of [null, [GRIDS[0]]]) {
  const groupIds = grids ? (await db.group.findMany({ where: { grid: { in: grids } }, select: { id: true } })).map((g) => g.id) : null;
  console.log(`\n${grids ? `grid ${grids[0]}` : "all grids"}:                 SQLite     PostgreSQL  (ratio to PG count)  rows equal  PostgreSQL's plan for Ticket`);
  for (const [i, q] of ticketStatsQueries({ from, to, groupIds, now: new Date(SEED_NOW) }).entries()) {
    const lite = (await db.$queryRaw<Array<Record<string, unknown>>>(q)).map((r) => Object.values(r));
    const pg = onPostgres(q);
    // Rows in the statement's order; the status counts have none (compared sorted).
    const key = (r: unknown[]) => String(r[0]);
    const [a, b] = i === 3 ? [[...lite].sort((x, y) => key(x).localeCompare(key(y))), [...pg.rows].sort((x, y) => key(x).localeCompare(key(y)))] : [lite, pg.rows];
    const equal = a.length === b.length && a.every((r, j) => r.length === b[j].length && r.every((v, k) => same(v, b[j][k])));
    if (!equal) {
      mismatches++;
      console.log(`  MISMATCH ${NAMES[i]}: SQLite ${JSON.stringify(a.slice(0, 3), (_k, v) => (typeof v === "bigint" ? Number(v) : v))} PostgreSQL ${JSON.stringify(b.slice(0, 3))}`);
    }
    const ms = await sqliteMs(q);
    console.log(`  ${NAMES[i].padEnd(28)} ${ms.toFixed(1).padStart(7)} ms ${pg.ms.toFixed(1).padStart(9)} ms  ${(pg.ms / baseline).toFixed(1).padStart(6)}  ${pg.ms <= 200 ? "≤ 200 ms" : "OVER 200"}  ${String(a.length).padStart(4)} ${equal ? "same" : "DIFFER"}   ${pg.scan}`);
  }
}
console.log(`\n${mismatches === 0 ? "every figure: the same rows on SQLite and PostgreSQL" : `${mismatches} figure(s) differ`}`);
await db.$disconnect();
spawnSync("psql", [PGURL, "-X", "-q", "-c", `DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`], { encoding: "utf8" });
fs.rmSync(dir, { recursive: true, force: true });
if (mismatches) process.exitCode = 1;
