// WeChat broadcasts at a shortened human pace on the real Wechaty SDK + wechaty-puppet-mock, through core's
// outbox and the paced gateway:
//  1. 300 rooms on one account: elapsed vs the floor (rooms × mean configured gap).
//  2. The same 300 rooms on three accounts (each room in one of them, every fifth room in all three): elapsed
//     vs the floor (rooms / 3 × mean gap), and the ratio three accounts / one account. Target ≤ 0.36.
//  3. Lanes (on one account): p50/p99 latency of replies to residents queued every 400 ms DURING the broadcast,
//     vs the same replies with no broadcast (baseline, same process). Target: within one pacing gap (a broadcast
//     send waiting for its slot steps aside for a reply; only a send that already took its slot goes first).
// Run: node bin/run-ts.js bench/broadcast-wechat.ts   (BENCH_ROOMS, BENCH_MIN_GAP_MS, BENCH_MAX_GAP_MS)

import { wechatGatewayWith, type WechatGateway } from "../bots/wechat/index.js";
import type { App } from "../core/app.js";
import { sendBroadcast } from "../core/broadcasts/send-broadcast.js";
import { createOutbound } from "../core/outbox.js";
import { mockWorld, type MockWorld } from "../tests/wechat/mock-world.js";
import { BENCH_ACTOR, broadcastSettled, pct, startBenchApp, until } from "./support/bench-app.js";

const ROOMS = Number(process.env.BENCH_ROOMS ?? 300);
const MIN_GAP = Number(process.env.BENCH_MIN_GAP_MS ?? 80);
const MAX_GAP = Number(process.env.BENCH_MAX_GAP_MS ?? 120);
const MEAN_GAP = (MIN_GAP + MAX_GAP) / 2;
const REPLIES = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `accounts` mock accounts; room i is in account i % accounts, every fifth room in all of them. */
async function scenario(accounts: number) {
  const worlds: MockWorld[] = Array.from({ length: accounts }, (_, a) => mockWorld(`网格助手${a + 1}号`, `wxid_bench_bot_${a + 1}`));
  const residents = worlds.map((w) => w.resident("王阿姨", "wxid_wang"));
  for (let i = 0; i < ROOMS; i++) {
    const members = i % 5 === 0 ? worlds.map((_, a) => a) : [i % accounts];
    for (const a of members) worlds[a]!.mocker.createRoom({ id: `bench-room-${i}@chatroom`, topic: `莲花社区${i + 1}号楼业主群`, memberIdList: [worlds[a]!.me.id, residents[a]!.id] });
  }
  const bench = await startBenchApp(`wx${accounts}`, [wechatGatewayWith({ puppet: worlds[0]!.puppet, extraPuppets: worlds.slice(1).map((w) => w.puppet) })], {
    WECHAT_MIN_GAP_MS: String(MIN_GAP),
    WECHAT_MAX_GAP_MS: String(MAX_GAP),
    WECHAT_SAME_ROOM_GAP_MS: "0",
    WECHAT_PER_MINUTE: "100000",
    WECHAT_DAILY_CAP: "100000",
  });
  const gw = bench.app.gateways[0] as WechatGateway;
  for (const w of worlds) w.login();
  await until(async () => gw.senders.every((a) => a.health.status === "logged_in") && (await bench.app.prisma.group.count()) >= ROOMS);
  await bench.app.prisma.group.updateMany({ data: { enabled: true } });
  return { ...bench, worlds };
}

/** When each reply of the last replies() run was queued and sent (epoch ms), for counting what went out between. */
let spans: Array<[number, number]> = [];

/** Queue one reply every 400 ms; resolves with each one's queued → sent latency (ms). */
async function replies(app: App, tag: string): Promise<number[]> {
  const groups = await app.prisma.group.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  const queuedAt = new Map<number, number>();
  for (let i = 0; i < REPLIES; i++) {
    const g = groups[(i * 37) % groups.length]!;
    const id = await createOutbound(app.prisma, { key: `bench-${tag}-${i}`, platform: "wechat", groupId: g.id, kind: "reply", text: `【回复】您反映的问题已登记 ${tag}${i}` });
    queuedAt.set(id, Date.now());
    await app.queues.enqueueOutboundRows([{ id, platform: "wechat" }]);
    await sleep(400);
  }
  for (;;) {
    const rows = await app.prisma.outboundMessage.findMany({ where: { id: { in: [...queuedAt.keys()] } }, select: { id: true, sentAt: true } });
    if (rows.every((r) => r.sentAt)) {
      spans = rows.map((r) => [queuedAt.get(r.id)!, r.sentAt!.getTime()]);
      return rows.map((r) => r.sentAt!.getTime() - queuedAt.get(r.id)!);
    }
    await sleep(50);
  }
}

/** Broadcast to every room; with `during`, also measure replies queued meanwhile. */
async function broadcast(app: App, during?: (app: App) => Promise<number[]>) {
  const t0 = Date.now();
  const b = await sendBroadcast({ db: app.prisma, queues: app.queues, actor: BENCH_ACTOR, request: { text: "【通知】明天上午停水检修", scope: "platform:wechat" }, paces: {} });
  let lat: number[] | undefined;
  if (during) {
    await sleep(1000);
    lat = await during(app);
  }
  await broadcastSettled(app, b.id);
  const sent = await app.prisma.outboundMessage.count({ where: { broadcastId: b.id, status: "sent" } });
  // The lanes without the machine's noise: how many broadcast sends went out while each reply waited.
  const times = (await app.prisma.outboundMessage.findMany({ where: { broadcastId: b.id, status: "sent" }, select: { sentAt: true } })).map((r) => r.sentAt!.getTime());
  const ahead = lat ? spans.map(([q, s]) => times.filter((t) => t > q && t < s).length) : undefined;
  return { elapsed: (Date.now() - t0) / 1000, sent, lat, ahead };
}

// === One account: elapsed vs floor, and the lanes
const one = await scenario(1);
let r1: Awaited<ReturnType<typeof broadcast>>;
let baseline: number[];
try {
  baseline = await replies(one.app, "base");
  r1 = await broadcast(one.app, (app) => replies(app, "during"));
} finally {
  await one.close();
}
// The floor: every send at the mean configured gap (the replies sent meanwhile take their gaps too).
const floor1 = ((ROOMS + REPLIES) * MEAN_GAP) / 1000;

// === Three accounts
const three = await scenario(3);
let r3: Awaited<ReturnType<typeof broadcast>>;
let perAccount: number[];
try {
  r3 = await broadcast(three.app);
  perAccount = three.worlds.map((w) => w.sent().filter((s) => s.text?.includes("停水")).length);
} finally {
  await three.close();
}
const floor3 = ((ROOMS / 3) * MEAN_GAP) / 1000;
// One account's broadcast alone (its floor without the replies), to compare like with like.
const elapsed1Alone = r1.elapsed * (ROOMS / (ROOMS + REPLIES));

console.log(`rooms ${ROOMS}, gap ${MIN_GAP}-${MAX_GAP} ms (mean ${MEAN_GAP})`);
console.log(`wechat_1_account sent ${r1.sent} elapsed_s ${r1.elapsed.toFixed(2)} floor_s ${floor1.toFixed(2)} ratio ${(r1.elapsed / floor1).toFixed(3)}`);
console.log(`wechat_3_accounts sent ${r3.sent} (per account ${perAccount.join("/")}) elapsed_s ${r3.elapsed.toFixed(2)} floor_s ${floor3.toFixed(2)} ratio ${(r3.elapsed / floor3).toFixed(3)}`);
console.log(`wechat_3_vs_1_account_ratio ${(r3.elapsed / elapsed1Alone).toFixed(3)} (target ≤ 0.36; the 1-account time scaled to the broadcast alone, ${elapsed1Alone.toFixed(2)} s)`);
console.log(`reply_latency_no_broadcast_ms p50 ${pct(baseline, 50)} p99 ${pct(baseline, 99)}`);
console.log(`reply_latency_during_broadcast_ms p50 ${pct(r1.lat!, 50)} p99 ${pct(r1.lat!, 99)}`);
console.log(`reply_p99_ratio_during_vs_without ${(pct(r1.lat!, 99) / Math.max(1, pct(baseline, 99))).toFixed(2)}`);
console.log(`broadcast_sends_ahead_of_a_reply p50 ${pct(r1.ahead!, 50)} max ${Math.max(...r1.ahead!)} (target ≤ 1: only a send that had already taken its slot)`);
console.log(`reply_p99_in_pacing_gaps ${(pct(r1.lat!, 99) / MAX_GAP).toFixed(2)} (target ≤ 1: the reply takes the next slot; the gap unit is the longest configured gap)`);
process.exit(0);
