// Bug 1: every CLI command and `gridlink worker` failed while `npm start` ran — each ran `prisma migrate deploy`,
// which fails (after ~15 s, WASM_ERROR SocketTimeout) while another connection holds the SQLite file. Now only
// `start` and `migrate` migrate, only when something is pending, one process at a time.
// On SQLite by default; GRIDLINK_TEST_DB=postgres (npm run test:postgres) runs it on a fresh PostgreSQL database
// that does not exist yet — `start`/`migrate` create it; two migrating at once serialise on the advisory lock.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../core/infra/db.js";
import { migrationsDirFor, pendingMigrations, shippedMigrations as shippedIn } from "../../core/infra/migrations.js";
import { Queues } from "../../core/infra/queues.js";
import { dropPrefix, uniquePrefix } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";
import { runGridlink, spawnGridlink, untilReady, type GridlinkProcess } from "../support/gridlink-process.js";
import { TEST_REDIS_URL } from "../support/redis.js";
import { dropPostgresDatabase, postgresUrl, testDatabaseKind, uniqueDatabaseName } from "../support/postgres.js";
import { waitFor } from "../support/wait-for.js";

let dir: string;
let env: Record<string, string>;
let pgName: string | null = null;
const running: GridlinkProcess[] = [];
/** The migrations this suite's database kind ships. */
const shippedMigrations = () => shippedIn(migrationsDirFor(env.DATABASE_URL));

const setup = async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-cli-"));
  pgName = testDatabaseKind() === "postgres" ? uniqueDatabaseName() : null;
  env = {
    DATABASE_URL: pgName ? postgresUrl(pgName) : `file:${path.join(dir, "gridlink.db")}`,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_AUTOSTART: "false",
    QUEUE_PREFIX: uniquePrefix(),
    PORT: String(await freePort()),
    LOG_LEVEL: "info",
  };
};

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  await dropPrefix(TEST_REDIS_URL, env.QUEUE_PREFIX);
  fs.rmSync(dir, { recursive: true, force: true });
  if (pgName) await dropPostgresDatabase(pgName);
});

describe("CLI commands next to a running server", () => {
  it("staff add, group list and gridlink worker work while `gridlink start` holds the database; the worker processes intake", async () => {
    await setup();
    const server = spawnGridlink(["start"], env);
    running.push(server);
    await untilReady(server); // a fresh database: start applied the migrations
    expect(await pendingMigrations(env.DATABASE_URL)).toEqual([]);

    const add = await runGridlink(["staff", "add", "--playground", "李网格", "--role", "grid_leader", "--grid", "莲花社区第一网格"], env);
    expect(add.output).not.toMatch(/migration failed|SocketTimeout/i);
    expect(add.code).toBe(0);
    expect(add.output).toContain("staff playground:pg-李网格 is grid_leader of 莲花社区第一网格");
    const list = await runGridlink(["group", "list"], env);
    expect(list.code).toBe(0);
    expect(list.output).toContain("lianhua-01");

    const worker = spawnGridlink(["worker"], env);
    running.push(worker);
    await untilReady(worker);
    expect(worker.output()).not.toMatch(/applying database migrations|migration failed/i);

    // With the server gone, only the separate worker consumes: a complaint queued now becomes a ticket.
    expect(await server.stop()).toBe(0);
    running.splice(running.indexOf(server), 1);
    const producer = new Redis(TEST_REDIS_URL);
    const queues = new Queues(producer, env.QUEUE_PREFIX);
    await waitFor(() => producer.status === "ready");
    try {
      await queues.submit({ platform: "playground", chatId: "lianhua-01", chatTitle: "莲花社区1号楼业主群", messageId: "cli-worker-1", sender: { id: "pg-王阿姨", name: "王阿姨" }, text: "3栋又停电了，什么时候来电？", sentAt: Date.now() });
    } finally {
      await queues.close();
      producer.disconnect();
    }
    const db = await openDatabase(env.DATABASE_URL);
    try {
      const ticket = await waitFor(() => db.ticket.findFirst({ include: { sourceMessage: true } }), 30_000);
      expect(ticket.sourceMessage?.messageId).toBe("cli-worker-1");
      expect(await db.staff.count()).toBe(1);
    } finally {
      await db.$disconnect();
    }
  }, 180_000);

  it("commands other than start/migrate never migrate: on an unmigrated database they say what to run", async () => {
    await setup();
    const list = await runGridlink(["staff", "list"], env);
    expect(list.code).toBe(1);
    expect(list.output).toContain('run "gridlink migrate"');
    const worker = await runGridlink(["worker"], env);
    expect(worker.code).toBe(1);
    expect(worker.output).toContain("needs");
    expect(await pendingMigrations(env.DATABASE_URL)).toEqual(shippedMigrations());
  }, 60_000);

  it("two `gridlink migrate` at once do not race: both succeed, each migration applied once; a third has nothing to do", async () => {
    await setup();
    const [a, b] = await Promise.all([runGridlink(["migrate"], env), runGridlink(["migrate"], env)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect([a.output, b.output].filter((o) => o.includes("applied")).length).toBe(1);
    expect(await pendingMigrations(env.DATABASE_URL)).toEqual([]);
    const db = await openDatabase(env.DATABASE_URL);
    try {
      const rows = await db.$queryRawUnsafe<Array<{ n: number }>>("SELECT COUNT(*) AS n FROM _prisma_migrations");
      expect(Number(rows[0].n)).toBe(shippedMigrations().length);
    } finally {
      await db.$disconnect();
    }
    const again = await runGridlink(["migrate"], env);
    expect(again.code).toBe(0);
    expect(again.output).toContain("database up to date");
  }, 90_000);
});
