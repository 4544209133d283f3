// Intake throughput in one process: N playground messages (mostly chatter, some complaints) from queue to
// ticket + reply, on real Redis and a real SQLite file. Baseline in the same run: the same number of no-op
// BullMQ jobs, added one by one like intake's, through one worker of the same concurrency (the queue's own cost).
// Run: npm run bench            (N=2000 by default; BENCH_N=… to change)
// BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432 also runs intake on PostgreSQL (a fresh database on that
// server, dropped after) in the same process, and prints its rate next to SQLite's.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { playgroundGateway } from "../bots/playground/index.js";
import { createApp } from "../core/app.js";
import { loadConfig } from "../core/infra/config.js";
import pg from "pg";
import { migrateDatabase } from "../core/infra/db.js";
import { createLogger } from "../core/infra/log.js";
import { deleteKeysUnder } from "../core/infra/redis.js";

const N = Number(process.env.BENCH_N ?? 2000);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CHATTER = ["电梯口见", "今天几点开会？", "好的谢谢", "明天几点停电？", "收到", "哈哈哈", "晚上一起吃饭吗", "快递到了吗", "停电通知：明早8点至12点检修", "今天没停水吧"];
const COMPLAINTS = ["3栋又停电了", "楼道里有人飞线充电，太危险了", "楼下水管漏水好几天了", "小区门口违停太多了", "半夜装修噪音扰民"];

async function drop(prefix: string) {
  const r = new Redis(REDIS_URL);
  await deleteKeysUnder(r, prefix);
  r.disconnect();
}

async function baseline(concurrency: number): Promise<number> {
  const prefix = `bench-base-${process.pid}`;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("noop", { connection, prefix });
  let done = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  const worker = new Worker("noop", async () => {
    if (++done === N) resolve();
  }, { connection, prefix, concurrency });
  const started = performance.now();
  for (let i = 0; i < N; i++) await queue.add("n", { i }, { jobId: `n-${i}`, removeOnComplete: true });
  await finished;
  const ms = performance.now() - started;
  await worker.close();
  await queue.close();
  connection.disconnect();
  await drop(prefix);
  return ms;
}

async function intake(server?: string): Promise<{ ms: number; tickets: number; concurrency: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-bench-"));
  const pgName = `gridlink_bench_${process.pid}`;
  const url = server ? `${server.replace(/\/$/, "")}/${pgName}` : `file:${path.join(dir, "bench.db")}`;
  await migrateDatabase(url);
  const prefix = `bench-intake-${process.pid}${server ? "-pg" : ""}`;
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, PORT: "0", LOG_LEVEL: "silent", REDIS_AUTOSTART: "false" });
  const app = await createApp({ config, gateways: [playgroundGateway], roles: { http: false }, log: createLogger("silent") });
  await app.start();
  const complaints = Math.floor(N / 10);
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const pool = i % 10 === 0 ? COMPLAINTS : CHATTER;
    await app.queues.submit({ platform: "playground", chatId: `lianhua-${String((i % 10) + 1).padStart(2, "0")}`, messageId: `b-${i}`, sender: { id: `pg-r${i % 50}`, name: `居民${i % 50}` }, text: pool[i % pool.length], sentAt: Date.now() });
  }
  for (;;) {
    const counts = await app.queues.intake.getJobCounts("waiting", "active", "delayed");
    const sent = await app.prisma.outboundMessage.count({ where: { status: "sent" } });
    if (counts.waiting + counts.active + counts.delayed === 0 && sent >= complaints) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  const tickets = await app.prisma.ticket.count();
  await app.stop();
  await drop(prefix);
  fs.rmSync(dir, { recursive: true, force: true });
  if (server) {
    const c = new pg.Client({ connectionString: `${server.replace(/\/$/, "")}/postgres` });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${pgName}" WITH (FORCE)`);
    await c.end();
  }
  return { ms, tickets, concurrency: config.INTAKE_CONCURRENCY };
}

const result = await intake();
const onPostgres = process.env.BENCH_POSTGRES ? await intake(process.env.BENCH_POSTGRES) : null;
const base = await baseline(result.concurrency);
const perSec = (ms: number) => (N / ms) * 1000;
console.log(`messages:                 ${N} (${result.tickets} complaints → tickets + replies, the rest chatter)`);
console.log(`intake (queue→ticket→reply): ${perSec(result.ms).toFixed(0)} msg/s  (${result.ms.toFixed(0)} ms)`);
if (onPostgres) console.log(`intake on PostgreSQL:        ${perSec(onPostgres.ms).toFixed(0)} msg/s  (${onPostgres.ms.toFixed(0)} ms, ${onPostgres.tickets} tickets; ratio PostgreSQL/SQLite ${(result.ms / onPostgres.ms).toFixed(2)})`);
console.log(`baseline no-op BullMQ jobs:  ${perSec(base).toFixed(0)} msg/s  (${base.toFixed(0)} ms)`);
console.log(`ratio intake/baseline:       ${(base / result.ms).toFixed(2)}`);
console.log(`RSS after run:               ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
process.exit(0);
