// Broadcast one notice to 1,000 Telegram groups through the real sender — core's fan-out, the outbox worker,
// the Telegram gateway's send() and its Redis limiter at the default limits — against the telegram-test-api
// emulator. Baseline: the floor Telegram's 30 messages/s allow (1000 / 30 s). Target: ratio ≤ 1.05.
// Two ratios: the sender's (first delivery queued → last delivered) and the total (including core's fan-out
// transaction that creates the 1,000 delivery rows).
// Run: node bin/run-ts.js bench/telegram-broadcast.ts      (BENCH_GROUPS=… to change the 1,000)

import { createRequire } from "node:module";
import type { TelegramServer as Emulator } from "telegram-test-api/lib/telegramServer.js";
import { telegramGateway } from "../bots/telegram/index.js";
import { sendBroadcast } from "../core/broadcasts/send-broadcast.js";
import { freePort } from "../tests/helpers/net.js";
import { BENCH_ACTOR, startBenchApp } from "./support/bench-app.js";

const GROUPS = Number(process.env.BENCH_GROUPS ?? 1000);
const TOKEN = "424242:bench-token";
const TelegramServer = createRequire(import.meta.url)("telegram-test-api") as typeof Emulator;

const emulator = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 3600 });
await emulator.start();
// Default Telegram limits: nothing but the token, the emulator's address and bench plumbing is set.
const bench = await startBenchApp("tg", [telegramGateway], { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: emulator.config.apiURL });
const { app, config } = bench;

try {
  await app.prisma.group.createMany({
    data: Array.from({ length: GROUPS }, (_, i) => ({ platform: "telegram", chatId: String(-1001000000000 - i), title: `莲花社区${i + 1}号楼业主群`, grid: i % 2 ? "莲花社区第二网格" : "莲花社区第一网格" })),
  });

  // What core does for a confirmed broadcast: fan out in one transaction (draft → sending), then queue every
  // delivery in the broadcast lane (sendBroadcast does both; the CLI and the API call it).
  const started = Date.now();
  const b = await sendBroadcast({ db: app.prisma, queues: app.queues, actor: BENCH_ACTOR, request: { text: "【通知】明天上午9点至12点停水检修，请提前储水。", scope: "all" }, paces: {} });
  const fannedOut = Date.now();
  const queued = fannedOut;
  for (;;) {
    const left = await app.prisma.outboundMessage.count({ where: { broadcastId: b.id, status: "queued" } });
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const rows = await app.prisma.outboundMessage.findMany({ where: { broadcastId: b.id }, select: { status: true, sentAt: true } });
  const sent = rows.filter((r) => r.status === "sent");
  const last = Math.max(...sent.map((r) => r.sentAt!.getTime()));
  const received = emulator.storage.botMessages.length;
  const times = emulator.storage.botMessages.map((m) => m.time).sort((a, b) => a - b);
  // Sends per wall-clock second, as the emulator received them.
  const perSecond = new Map<number, number>();
  for (const at of times) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);

  const floor = GROUPS / config.TELEGRAM_GLOBAL_PER_SECOND;
  const sendElapsed = (last - queued) / 1000; // the sender's part: every delivery queued → last delivered
  const totalElapsed = (last - started) / 1000; // plus core's fan-out transaction
  console.log(`groups ${GROUPS}`);
  console.log(`sent ${sent.length}`);
  console.log(`failed ${rows.length - sent.length}`);
  console.log(`emulator_received ${received}`);
  // And in any 1-second window, wherever it starts (what a server counting arrivals could see).
  let sliding = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    sliding = Math.max(sliding, i - j + 1);
  }
  console.log(`max_per_second ${Math.max(...perSecond.values())} (wall-clock seconds; limit ${config.TELEGRAM_GLOBAL_PER_SECOND})`);
  console.log(`max_in_any_1s_window ${sliding}`);
  console.log(`fanout_and_enqueue_s ${((queued - started) / 1000).toFixed(2)}`);
  console.log(`send_elapsed_s ${sendElapsed.toFixed(2)}`);
  console.log(`total_elapsed_s ${totalElapsed.toFixed(2)}`);
  console.log(`floor_s ${floor.toFixed(2)}`);
  console.log(`send_ratio ${(sendElapsed / floor).toFixed(3)}`);
  console.log(`total_ratio ${(totalElapsed / floor).toFixed(3)}`);
} finally {
  await bench.close();
  await emulator.stop();
}
