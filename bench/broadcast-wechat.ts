// WeChat broadcasts at a shortened human pace on the real Wechaty SDK + wechaty-puppet-mock, through core's
// outbox and the paced gateway:
//  1. 300 rooms on one account: elapsed vs the floor (rooms × mean configured gap).
//  2. Lanes: p50/p99 latency of replies to residents queued every 400 ms DURING that broadcast, vs the same
//     replies with no broadcast (baseline, same process). Target: a reply goes out within one pacing gap.
// Run: node bin/run-ts.js bench/broadcast-wechat.ts   (BENCH_ROOMS, BENCH_MIN_GAP_MS, BENCH_MAX_GAP_MS)

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { wechatGatewayWith, type WechatGateway } from "../bots/wechat/index.js";
import { createApp } from "../core/app.js";
import { sendBroadcast } from "../core/broadcasts/send-broadcast.js";
import { loadConfig } from "../core/infra/config.js";
import { migrateDatabase } from "../core/infra/db.js";
import { createLogger } from "../core/infra/log.js";
import { deleteKeysUnder } from "../core/infra/redis.js";
import { createOutbound } from "../core/outbox.js";
import { mockWorld } from "../tests/wechat/mock-world.js";

const ROOMS = Number(process.env.BENCH_ROOMS ?? 300);
const MIN_GAP = Number(process.env.BENCH_MIN_GAP_MS ?? 30);
const MAX_GAP = Number(process.env.BENCH_MAX_GAP_MS ?? 50);
const REPLIES = 20;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

const world = mockWorld();
const resident = world.resident("王阿姨", "wxid_wang");
for (let i = 0; i < ROOMS; i++) world.room(`莲花社区${i + 1}号楼业主群`, [resident]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-bench-wx-"));
const url = `file:${path.join(dir, "bench.db")}`;
await migrateDatabase(url);
const prefix = `bench-wx-${process.pid}`;
const config = loadConfig({
  DATABASE_URL: url,
  REDIS_URL,
  QUEUE_PREFIX: prefix,
  LOG_LEVEL: "silent",
  REDIS_AUTOSTART: "false",
  PLAYGROUND_ENABLED: "false",
  WECHAT_MIN_GAP_MS: String(MIN_GAP),
  WECHAT_MAX_GAP_MS: String(MAX_GAP),
  WECHAT_SAME_ROOM_GAP_MS: "0",
  WECHAT_PER_MINUTE: "100000",
  WECHAT_DAILY_CAP: "100000",
});
const app = await createApp({ config, gateways: [wechatGatewayWith({ puppet: world.puppet })], roles: { http: false, workers: false }, log: createLogger("silent") });
await app.start();
const gw = app.gateways[0] as WechatGateway;
world.login();
while (gw.primary.health.status !== "logged_in" || (await app.prisma.group.count()) < ROOMS) await sleep(100);
await app.prisma.group.updateMany({ data: { enabled: true } });
const groups = await app.prisma.group.findMany({ select: { id: true }, orderBy: { id: "asc" } });

/** Queue one reply every 400 ms; resolves with each one's queued → sent latency (ms). */
async function replies(tag: string): Promise<number[]> {
  const queuedAt = new Map<number, number>();
  for (let i = 0; i < REPLIES; i++) {
    const g = groups[(i * 37) % groups.length];
    const id = await createOutbound(app.prisma, { key: `bench-${tag}-${i}`, platform: "wechat", groupId: g.id, kind: "reply", text: `【回复】您反映的问题已登记 ${tag}${i}` });
    queuedAt.set(id, Date.now());
    await app.queues.enqueueOutboundRows([{ id, platform: "wechat" }]);
    await sleep(400);
  }
  for (;;) {
    const rows = await app.prisma.outboundMessage.findMany({ where: { id: { in: [...queuedAt.keys()] } }, select: { id: true, sentAt: true } });
    if (rows.every((r) => r.sentAt)) return rows.map((r) => r.sentAt!.getTime() - queuedAt.get(r.id)!);
    await sleep(50);
  }
}

try {
  const baseline = await replies("base");

  const t0 = Date.now();
  const b = await sendBroadcast({ db: app.prisma, queues: app.queues, actor: { role: "admin", name: "bench", channel: "system" }, request: { text: "【通知】明天上午停水检修", scope: "platform:wechat" }, paces: {} });
  await sleep(1000);
  const during = await replies("during");
  for (;;) {
    if ((await app.prisma.outboundMessage.count({ where: { broadcastId: b.id, status: "queued" } })) === 0) break;
    await sleep(100);
  }
  const elapsed = (Date.now() - t0) / 1000;
  const sent = await app.prisma.outboundMessage.count({ where: { broadcastId: b.id, status: "sent" } });
  // The floor: every send at the mean configured gap (the replies sent meanwhile take their gaps too).
  const floor = ((ROOMS + REPLIES) * (MIN_GAP + MAX_GAP)) / 2 / 1000;
  console.log(`rooms ${ROOMS}, accounts 1, gap ${MIN_GAP}-${MAX_GAP} ms, sent ${sent}`);
  console.log(`wechat_1_account_elapsed_s ${elapsed.toFixed(2)}`);
  console.log(`wechat_1_account_floor_s ${floor.toFixed(2)}`);
  console.log(`wechat_1_account_ratio ${(elapsed / floor).toFixed(3)}`);
  console.log(`reply_latency_no_broadcast_ms p50 ${pct(baseline, 50)} p99 ${pct(baseline, 99)}`);
  console.log(`reply_latency_during_broadcast_ms p50 ${pct(during, 50)} p99 ${pct(during, 99)}`);
  console.log(`reply_p99_ratio_during_vs_without ${(pct(during, 99) / Math.max(1, pct(baseline, 99))).toFixed(2)}`);
  console.log(`reply_p99_in_pacing_gaps ${(pct(during, 99) / MAX_GAP).toFixed(2)} (target ≤ ~2: the send in progress, then the reply)`);
} finally {
  await app.stop();
  const r = new Redis(REDIS_URL);
  await deleteKeysUnder(r, prefix);
  r.disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
}
