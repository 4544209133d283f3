// kill -9 of a `gridlink worker` while SLA clocks are armed loses no clock: the clocks are delayed BullMQ jobs in
// Redis (not timers in the worker), so they are all still there after the crash, and the next worker fires each
// one once — every ticket escalates exactly once, every assignee is warned exactly once. One SLA minute is
// SLA_MINUTE_MS=10 ms here (the 24 h accept time of an ordinary ticket passes in 14.4 s).

import fs from "node:fs";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { chinaDay } from "../../core/broadcasts/china-time.js";
import { openDatabase } from "../../core/infra/db.js";
import { TICKET_CLOCKS_QUEUE } from "../../core/jobs/ticket-clocks.js";
import { freshDatabase, uniquePrefix, waitFor } from "../helpers/harness.js";
import { spawnGridlink, untilReady } from "../support/gridlink-process.js";
import { startOwnRedis } from "../support/redis-server.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const TICKETS = 6;
const UNIT_MS = 10;
const ACCEPT_MS = 24 * 60 * UNIT_MS; // the "*" rule: accept within 24 h

describe("SLA clocks survive a worker's kill -9", () => {
  it("every armed clock still fires once after the worker is killed and another starts", async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.cleanup());
    const file = freshDatabase({ seeded: true });
    cleanups.push(() => fs.rmSync(file.dir, { recursive: true, force: true }));
    const prefix = uniquePrefix();
    const env = { DATABASE_URL: file.url, REDIS_URL: redis.url, REDIS_AUTOSTART: "false", QUEUE_PREFIX: prefix, LOG_LEVEL: "info", SLA_MINUTE_MS: String(UNIT_MS), SLA_SWEEP_EVERY_MS: "1000", ASSISTANT_ENABLED: "false" };

    const first = spawnGridlink(["worker"], env);
    cleanups.push(() => first.child.exitCode === null && first.child.kill("SIGKILL"));
    await untilReady(first, 120_000);

    // Tickets in a grid under a community, each assigned to a leader with a Telegram identity, opened a second
    // apart in the past so their clocks fall due one after another.
    const db = await openDatabase(file.url);
    cleanups.push(() => db.$disconnect());
    const community = await db.orgNode.create({ data: { kind: "community", name: "测试社区" } });
    const grid = await db.orgNode.create({ data: { kind: "grid", name: "测试网格", parentId: community.id } });
    const leader = await db.staffAccount.create({ data: { username: "li", role: "grid_leader", scopeNodeId: grid.id, name: "李网格" } });
    await db.staff.create({ data: { platform: "telegram", userId: "6001", role: "grid_leader", accountId: leader.id } });
    const group = await db.group.create({ data: { platform: "playground", chatId: "g1", title: "测试群", grid: grid.name, gridNodeId: grid.id } });
    const resident = await db.resident.create({ data: { platform: "playground", userId: "pg-w", displayName: "王阿姨" } });
    const now = Date.now();
    const ids: number[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const opened = new Date(now - i * 1000);
      const msg = await db.message.create({ data: { platform: "playground", chatId: "g1", messageId: `m${i}`, groupId: group.id, residentId: resident.id, kind: "complaint", text: `问题${i}`, sentAt: opened } });
      const t = await db.ticket.create({
        data: { number: `A${String(i + 1).padStart(4, "0")}`, category: "housing", severity: 1, status: "dispatched", clockSeq: 1, groupId: group.id, reporterId: resident.id, sourceMessageId: msg.id, text: `问题${i}`, assignee: "staff:李网格", assigneeAccountId: leader.id, createdAt: opened, openedDay: chinaDay(opened) },
      });
      await db.ticketEvent.create({ data: { ticketId: t.id, toStatus: "open", actor: "resident:王阿姨", createdAt: opened } });
      await db.ticketEvent.create({ data: { ticketId: t.id, fromStatus: "open", toStatus: "dispatched", actor: "system:auto-dispatch", createdAt: opened } });
      ids.push(t.id);
    }
    const earliestWarn = now - (TICKETS - 1) * 1000 + ACCEPT_MS * 0.8;

    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(TICKET_CLOCKS_QUEUE, { connection: conn, prefix });
    cleanups.push(async () => {
      await queue.close();
      conn.disconnect();
    });
    const clockIds = async () => (await queue.getJobs(["delayed", "waiting", "active"])).map((j) => j.id!).filter((id) => id.startsWith("sla-")).sort();

    // The first worker arms every clock (its sweep, every second here), and is killed before the first one is due.
    const armed = await waitFor(async () => ((await clockIds()).length === 2 * TICKETS ? clockIds() : undefined), 10_000, 100);
    expect(Date.now()).toBeLessThan(earliestWarn); // none was due yet: nothing fired before the crash
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    const killedAt = Date.now();
    // Nothing of the clocks lived in the dead process: they are all still in Redis.
    expect(await clockIds()).toEqual(armed);
    expect(armed).toEqual(ids.flatMap((id) => [`sla-${id}-1-breach`, `sla-${id}-1-warn`]).sort());

    // While nobody runs, some clocks fall due; the next worker fires each once.
    await waitFor(() => Date.now() > earliestWarn + 500 || undefined, 30_000, 100);
    const second = spawnGridlink(["worker"], env);
    cleanups.push(() => second.child.exitCode === null && second.child.kill("SIGKILL"));
    await untilReady(second, 120_000);
    const escalated = await waitFor(async () => {
      const rows = await db.ticket.findMany({ where: { id: { in: ids } } });
      return rows.every((r) => r.tier === "community") ? rows : undefined;
    }, 60_000, 200);
    await second.stop();

    for (const t of escalated) expect(t).toMatchObject({ status: "escalated", breachCount: 1, ownerNodeId: community.id, clockSeq: 2 });
    const events = await db.ticketEvent.findMany({ where: { ticketId: { in: ids }, toStatus: "escalated" } });
    expect(events.map((e) => e.ticketId).sort()).toEqual([...ids].sort());
    // The assignee heard of each breach once; a warning that fell due together with its breach is moot and skipped.
    const told = await db.outboundMessage.findMany({ where: { group: { chatId: "6001", direct: true } } });
    const breaches = told.filter((w) => w.text.includes("受理超时，已自动上报至社区"));
    expect(breaches.map((w) => w.ticketId).sort()).toEqual([...ids].sort());
    const warnings = told.filter((w) => w.text.startsWith("提醒"));
    expect(new Set(warnings.map((w) => w.ticketId)).size).toBe(warnings.length);
    console.log(`[faults] clocks armed ${armed.length}, worker killed ${((earliestWarn - killedAt) / 1000).toFixed(1)} s before the first was due; escalated ${escalated.length}/${TICKETS}, warnings ${warnings.length}`);
  });
});
