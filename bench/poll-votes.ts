// What polls cost intake, in one process on real Redis and a real SQLite file: short chatter (which may be a
// vote, so it now costs one indexed lookup) in a group without a poll and in one with an open poll, and votes
// themselves (one upsert each), against the baseline measured in the same run — the same lines through the
// detector alone, which is all chatter cost before polls.
// Run: node bin/run-ts.js bench/poll-votes.ts      (BENCH_N=… messages per case, 2000 by default)

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { playgroundGateway } from "../bots/playground/index.js";
import { createApp } from "../core/app.js";
import { loadConfig } from "../core/infra/config.js";
import { migrateDatabase } from "../core/infra/db.js";
import { createLogger } from "../core/infra/log.js";
import { deleteKeysUnder } from "../core/infra/redis.js";
import { handleMessage } from "../core/intake.js";
import { readVote } from "../core/polls/cast-vote.js";
import { sendPoll } from "../core/polls/send-poll.js";
import { cliActor } from "../core/policy/authorize.js";

const N = Number(process.env.BENCH_N ?? 2000);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CHATTER = ["好的", "收到", "谢谢", "哈哈哈", "电梯口见", "快递到了吗", "今天几点开会？", "好的谢谢"];
const VOTES = ["1", "2", "３", "同意", "不同意", "我选1"];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-bench-poll-"));
const url = `file:${path.join(dir, "bench.db")}`;
await migrateDatabase(url);
const prefix = `bench-poll-${process.pid}`;
const app = await createApp({ config: loadConfig({ DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, PORT: "0", LOG_LEVEL: "silent", REDIS_AUTOSTART: "false" }), gateways: [playgroundGateway], roles: { http: false }, log: createLogger("silent") });
await app.start();
try {
  const poll = await sendPoll({ db: app.prisma, queues: app.queues, actor: cliActor("bench"), request: { question: "是否同意加装电梯？", options: ["同意", "不同意", "弃权"], until: new Date(Date.now() + 3600_000).toISOString(), scope: "grid:莲花社区第一网格" }, paces: {} });
  while ((await app.prisma.outboundMessage.count({ where: { broadcastId: poll.id, status: "sent" } })) < poll.groups.length) await new Promise((r) => setTimeout(r, 50));

  let seq = 0;
  const run = async (chatId: string, lines: string[], residents: number) => {
    const started = performance.now();
    const actions = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const r = await handleMessage(app.intake, { platform: "playground", chatId, messageId: `b-${++seq}`, sender: { id: `r-${i % residents}`, name: `居民${i % residents}` }, text: lines[i % lines.length], sentAt: Date.now() + seq });
      actions.set(r.action, (actions.get(r.action) ?? 0) + 1);
    }
    return { usPerMessage: ((performance.now() - started) * 1000) / N, actions: Object.fromEntries(actions) };
  };
  const t0 = performance.now();
  for (let i = 0; i < N; i++) app.intake.detect(CHATTER[i % CHATTER.length]);
  const baseline = ((performance.now() - t0) * 1000) / N;
  // The unit of a database read here: one group lookup by its unique key; and the vote check alone.
  const t2 = performance.now();
  for (let i = 0; i < N; i++) await app.prisma.group.findUnique({ where: { platform_chatId: { platform: "playground", chatId: "taoyuan-01" } } });
  const lookup = ((performance.now() - t2) * 1000) / N;
  const t1 = performance.now();
  for (let i = 0; i < N; i++) await readVote(app.prisma, { platform: "playground", chatId: "taoyuan-01", text: CHATTER[i % CHATTER.length] });
  const check = ((performance.now() - t1) * 1000) / N;
  const noPoll = await run("taoyuan-01", CHATTER, 50);
  const withPoll = await run("lianhua-01", CHATTER, 50);
  const votes = await run("lianhua-02", VOTES, 200);
  console.log(`messages per case: ${N}`);
  console.log(`baseline  detector only (chatter before polls): ${baseline.toFixed(1)} µs/message`);
  console.log(`reference one group lookup by unique key:  ${lookup.toFixed(1)} µs; the vote check alone: ${check.toFixed(1)} µs (${(check / lookup).toFixed(2)}× a lookup)`);
  console.log(`chatter, group without a poll:   ${noPoll.usPerMessage.toFixed(1)} µs/message (${(noPoll.usPerMessage / baseline).toFixed(2)}× baseline) ${JSON.stringify(noPoll.actions)}`);
  console.log(`chatter, group with an open poll: ${withPoll.usPerMessage.toFixed(1)} µs/message (${(withPoll.usPerMessage / baseline).toFixed(2)}× baseline) ${JSON.stringify(withPoll.actions)}`);
  console.log(`votes (200 residents, latest counts): ${votes.usPerMessage.toFixed(1)} µs/message (${(votes.usPerMessage / baseline).toFixed(2)}× baseline) ${JSON.stringify(votes.actions)}; rows: ${await app.prisma.pollVote.count()}`);
} finally {
  await app.stop();
  const r = new Redis(REDIS_URL);
  await deleteKeysUnder(r, prefix);
  r.disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
}
