// Fan-out of one broadcast to 5,000 groups: the broadcast and its 5,000 deliveries created (draft → sending,
// audited) and every delivery queued in the broadcast lane — what `gridlink broadcast send` and the API do
// before the first send. Target < 1 s. Baseline, same process: the bare rows and jobs the way Prisma writes them
// — one createMany of 5,000 rows and one addBulk of 5,000 jobs, no audience, no audit, no lanes. The fan-out
// itself writes its rows with multi-row INSERTs (core/outbox.ts insertDeliveries), so it beats that baseline.
// Run: node bin/run-ts.js bench/broadcast-fanout.ts      (BENCH_GROUPS=… to change the 5,000)

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { sendBroadcast } from "../core/broadcasts/send-broadcast.js";
import { openDatabase, migrateDatabase } from "../core/infra/db.js";
import { Queues } from "../core/infra/queues.js";
import { deleteKeysUnder } from "../core/infra/redis.js";

const GROUPS = Number(process.env.BENCH_GROUPS ?? 5000);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-bench-fanout-"));
const url = `file:${path.join(dir, "bench.db")}`;
await migrateDatabase(url);
const db = await openDatabase(url);
const prefix = `bench-fanout-${process.pid}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const queues = new Queues(redis, prefix);

try {
  await db.group.createMany({ data: Array.from({ length: GROUPS }, (_, i) => ({ platform: i % 10 ? "wechat" : "telegram", chatId: `room-${i}`, title: `莲花社区${i + 1}号楼业主群`, grid: `网格${i % 7}` })) });
  const groups = await db.group.findMany({ select: { id: true, platform: true } });

  // Baseline: the bare rows and jobs.
  const b0 = performance.now();
  const base = await db.broadcast.create({ data: { text: "baseline", actor: "bench", status: "sending" } });
  await db.outboundMessage.createMany({ data: groups.map((g) => ({ key: `base-${g.id}`, platform: g.platform, groupId: g.id, kind: "broadcast", text: "baseline", broadcastId: base.id })) });
  const baseRows = await db.outboundMessage.findMany({ where: { broadcastId: base.id }, select: { id: true } });
  const raw = new Queue("outbox-baseline", { connection: redis, prefix });
  await raw.addBulk(baseRows.map((r) => ({ name: "send", data: { outboundId: r.id }, opts: { jobId: `base-${r.id}` } })));
  const baselineMs = performance.now() - b0;
  await raw.close();

  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const b = await sendBroadcast({ db, queues, actor: { role: "admin", name: "bench", channel: "system" }, request: { text: `【通知】第${i + 1}次：明天上午停水`, scope: "all" }, paces: {} });
    runs.push(performance.now() - t0);
    if (b.groups.length !== GROUPS) throw new Error(`fan-out reached ${b.groups.length} groups, expected ${GROUPS}`);
    // Nothing is sent here (no gateway runs): clear the jobs so the next run starts from the same queue size.
    for (const p of ["wechat", "telegram"] as const) await queues.outbox(p).obliterate({ force: true });
  }
  const median = [...runs].sort((a, b) => a - b)[1];
  console.log(`groups ${GROUPS}`);
  console.log(`fanout_runs_ms ${runs.map((r) => r.toFixed(0)).join(" ")}`);
  console.log(`fanout_median_s ${(median / 1000).toFixed(3)} (target < 1 s)`);
  console.log(`baseline_bare_rows_and_jobs_s ${(baselineMs / 1000).toFixed(3)}`);
  console.log(`ratio_vs_baseline ${(median / baselineMs).toFixed(2)}`);
} finally {
  await queues.close();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
}
