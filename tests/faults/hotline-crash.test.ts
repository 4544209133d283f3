// kill -9 of a `gridlink worker` right after the 12345 hotline took its filing (the POST arrived, the answer never
// got back, the service_request_id was never written) files nothing twice: the filing intent was committed before
// the POST, so the next worker searches the hotline (GeoReport v2 GET requests.json) for the ticket number, finds
// the request, stores its id without POSTing, and the hotline's status flows back to the ticket as usual.

import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { chinaDay } from "../../core/broadcasts/china-time.js";
import { openDatabase } from "../../core/infra/db.js";
import { freshDatabase, uniquePrefix, waitFor } from "../helpers/harness.js";
import { spawnGridlink, untilReady, type GridlinkProcess } from "../support/gridlink-process.js";
import { startOpen311Server } from "../support/open311-server.js";
import { startOwnRedis } from "../support/redis-server.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("the hotline filing survives a worker's kill -9 between the POST and the database write", () => {
  it("the next worker finds the earlier filing, POSTs nothing, and the hotline's status comes back", async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.cleanup());
    const city = await startOpen311Server({ apiKey: "city-key" });
    cleanups.push(() => city.close());
    const file = freshDatabase({ seeded: true });
    cleanups.push(() => fs.rmSync(file.dir, { recursive: true, force: true }));
    const env = {
      DATABASE_URL: file.url, REDIS_URL: redis.url, REDIS_AUTOSTART: "false", QUEUE_PREFIX: uniquePrefix(), LOG_LEVEL: "info", ASSISTANT_ENABLED: "false",
      SLA_SWEEP_EVERY_MS: "1000", OPEN311_BASE_URL: city.baseUrl, OPEN311_API_KEY: "city-key", OPEN311_POLL_MS: "300", OPEN311_SERVICE_CODES: "utilities=U-01",
    };

    // A ticket escalated past the district, waiting to be filed (what the escalation step leaves).
    const db = await openDatabase(file.url);
    cleanups.push(() => db.$disconnect());
    const group = await db.group.create({ data: { platform: "playground", chatId: "g1", title: "测试群", grid: "测试网格" } });
    const resident = await db.resident.create({ data: { platform: "playground", userId: "pg-w", displayName: "王阿姨" } });
    const opened = new Date(Date.now() - 3 * 86_400_000);
    const msg = await db.message.create({ data: { platform: "playground", chatId: "g1", messageId: "m1", groupId: group.id, residentId: resident.id, kind: "complaint", text: "3栋停电三天了", sentAt: opened } });
    const ticket = await db.ticket.create({
      data: { number: "A0042", category: "utilities", severity: 2, status: "escalated", tier: "hotline", escalationCount: 4, groupId: group.id, reporterId: resident.id, sourceMessageId: msg.id, text: "3栋停电三天了", createdAt: opened, openedDay: chinaDay(opened) },
    });
    await db.ticketEvent.create({ data: { ticketId: ticket.id, toStatus: "open", actor: "resident:王阿姨", createdAt: opened } });
    await db.ticketEvent.create({ data: { ticketId: ticket.id, fromStatus: "escalated", toStatus: "escalated", actor: "system:SLA", note: "受理超时（SLA）" } });

    // The first worker files it; the moment the hotline has taken the request — before it answers — the worker dies.
    let first: GridlinkProcess | undefined;
    const seenAtPost: Array<{ hotlineFiledAt: Date | null; hotlineId: string | null }> = [];
    city.onFiled(async () => {
      seenAtPost.push(await db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { hotlineFiledAt: true, hotlineId: true } }));
      const exited = new Promise((r) => first!.child.once("exit", r));
      first!.child.kill("SIGKILL");
      await exited;
    });
    first = spawnGridlink(["worker"], env);
    cleanups.push(() => first!.child.exitCode === null && first!.child.kill("SIGKILL"));
    // (Not waiting for its "ready": the filing may come first.)
    await waitFor(() => {
      if (first!.child.exitCode !== null) throw new Error(`the first worker exited by itself (${first!.child.exitCode}):\n${first!.output()}`);
      return first!.child.signalCode === "SIGKILL" ? true : undefined;
    }, 120_000, 100);
    city.onFiled(undefined);

    // The hotline holds the request; the database has the intent (written before the POST) and no id.
    expect(city.requests).toHaveLength(1);
    expect(city.requests[0].form.description).toMatch(/^\[A0042\] /);
    expect(seenAtPost).toHaveLength(1);
    expect(seenAtPost[0].hotlineFiledAt).toBeInstanceOf(Date);
    expect(await db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ hotlineId: null, status: "escalated" });

    // The next worker retries the filing (the stalled job, or its sweep): it searches, finds, stores — no POST.
    const second = spawnGridlink(["worker"], env);
    cleanups.push(() => second.child.exitCode === null && second.child.kill("SIGKILL"));
    await untilReady(second, 120_000);
    const filed = await waitFor(async () => (await db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).hotlineId ?? undefined, 120_000, 200);
    expect(filed).toBe(city.requests[0].id);
    expect(city.calls.some((c) => c.method === "GET" && c.path === "/requests.json")).toBe(true);

    // The hotline's progress and closing flow back; still one filing.
    city.update(filed, "closed", "线路已修复");
    const done = await waitFor(async () => {
      const row = await db.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
      return row.status === "resolved" ? row : undefined;
    }, 60_000, 200);
    expect(done.hotlineStatus).toBe("closed|线路已修复");
    const last = await db.ticketEvent.findFirst({ where: { ticketId: ticket.id }, orderBy: { id: "desc" } });
    expect([last?.toStatus, last?.actor, last?.note]).toEqual(["resolved", "system:12345", "12345：线路已修复"]);
    await second.stop();
    expect(city.calls.filter((c) => c.method === "POST").length).toBe(1);
    expect(city.requests).toHaveLength(1);
    console.log(`[faults] hotline filing: worker killed at the POST; the next worker found request ${filed} by its ticket number, POSTs ${city.calls.filter((c) => c.method === "POST").length}`);
  });
});
