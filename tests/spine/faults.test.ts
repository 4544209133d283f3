// Faults: Redis going away while running (503, nothing lost, resumes without restart) and a worker killed
// in the middle of an intake job (another worker finishes it; exactly one ticket).

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createApp, type App } from "../../core/app.js";
import { loadConfig } from "../../core/infra/config.js";
import { ROOT, sqliteFile } from "../../core/infra/db.js";
import { createLogger } from "../../core/infra/log.js";
import { Queues } from "../../core/infra/queues.js";
import { Redis } from "ioredis";
import { ping } from "../../core/infra/redis.js";
import { dropPrefix, testConfig, TEST_REDIS_URL, waitFor } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  return waitFor(() => ping(`redis://127.0.0.1:${port}`, 500), 10_000).then(() => child);
}

const stopProcess = (child: ChildProcess, signal: NodeJS.Signals = "SIGTERM") =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill(signal);
  });

describe("Redis outage", () => {
  it("answers 503 while Redis is down, accepts nothing, and resumes intake without a restart when it returns", async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    cleanups.push(() => stopProcess(redis));
    const { config, dbDir } = testConfig({ REDIS_URL: `redis://127.0.0.1:${port}` });
    cleanups.push(() => fs.rmSync(dbDir, { recursive: true, force: true }));
    const app = await createApp({ config, gateways: [playgroundGateway], log: createLogger("silent") });
    await app.start();
    cleanups.push(() => app.stop());
    const post = (text: string) =>
      fetch(`${app.url}/api/playground/groups/lianhua-05/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sender: "赵姐", text }) });

    await stopProcess(redis);
    const during = await post("3栋又停电了");
    expect(during.status).toBe(503);
    expect(((await during.json()) as { message: string }).message).toMatch(/Redis/);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(503);

    redis = await startRedis(port);
    const after = await waitFor(async () => {
      const res = await post("楼下的水管漏水了");
      return res.status === 202 ? res : undefined;
    }, 15_000, 200);
    expect(after.status).toBe(202);
    const ticket = await waitFor(() => app.prisma.ticket.findFirst(), 15_000);
    expect(ticket.text).toBe("楼下的水管漏水了");
    expect(await app.prisma.ticket.count()).toBe(1); // the message refused during the outage was not half-accepted
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe("worker crash", () => {
  it("a worker killed in the middle of an intake job: another worker finishes it, exactly one ticket", async () => {
    const { config, dbDir } = testConfig({ INTAKE_LOCK_MS: "1500", INTAKE_STALLED_CHECK_MS: "500" });
    cleanups.push(() => fs.rmSync(dbDir, { recursive: true, force: true }));
    cleanups.push(() => dropPrefix(TEST_REDIS_URL, config.QUEUE_PREFIX));
    const env = { ...process.env, DATABASE_URL: config.DATABASE_URL, REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX, LOG_LEVEL: "silent", INTAKE_LOCK_MS: "1500", INTAKE_STALLED_CHECK_MS: "500", REDIS_AUTOSTART: "false" };
    const worker = spawn(process.execPath, [path.join(ROOT, "bin", "gridlink.js"), "worker"], { env, stdio: "ignore" });
    cleanups.push(() => stopProcess(worker, "SIGKILL"));
    const producerConn = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
    const queues = new Queues(producerConn, config.QUEUE_PREFIX);
    cleanups.push(async () => {
      await queues.close();
      producerConn.disconnect();
    });
    await waitFor(async () => (await queues.intake.getWorkersCount()) > 0, 30_000, 100);

    // Hold the database's write lock so the worker blocks inside its transaction: "the middle of the job".
    const blocker = new Database(sqliteFile(config.DATABASE_URL));
    cleanups.push(() => {
      blocker.close();
    });
    blocker.exec("BEGIN IMMEDIATE");
    await queues.submit({ platform: "playground", chatId: "lianhua-07", messageId: "m-crash", sender: { id: "pg-钱大爷", name: "钱大爷" }, text: "楼道里有人飞线充电，太危险了", sentAt: Date.now() });
    await waitFor(async () => (await queues.intake.getActiveCount()) === 1, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    await stopProcess(worker, "SIGKILL");
    blocker.exec("ROLLBACK");

    const app: App = await createApp({ config: loadConfig({ ...env, PORT: "0" }), roles: { http: false, gateways: false }, log: createLogger("silent") });
    await app.start();
    cleanups.push(() => app.stop());
    const ticket = await waitFor(() => app.prisma.ticket.findFirst(), 20_000, 100);
    expect(ticket.category).toBe("safety");
    // The job is finished (not merely its ticket written): nothing left waiting, active or delayed. (A completion
    // counter attached after start() could miss a job the new worker finished at once.)
    await waitFor(async () => {
      const c = await queues.intake.getJobCounts("waiting", "active", "delayed");
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
    }, 20_000, 100);
    expect(await app.prisma.ticket.count()).toBe(1);
    expect(await app.prisma.outboundMessage.count()).toBe(1);
  });
});
