// Finding 1, the mechanism: an intake job that is waiting on Redis (queueing its reply) when Redis dies must
// not wait forever. ioredis can drop a command in flight at a reconnect without settling it; every such call
// is bounded, so the job fails, retries and finishes, and its worker slot is free for the next message.
// With one worker slot, a hung job would stop intake for good.

import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { sqliteFile } from "../../core/infra/db.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { postUntilAccepted } from "../support/load.js";
import { startOwnRedis, type OwnRedis } from "../support/redis-server.js";

let t: TestApp | undefined;
let redis: OwnRedis | undefined;
let blocker: Database.Database | undefined;
afterEach(async () => {
  if (blocker?.inTransaction) blocker.exec("ROLLBACK");
  blocker?.close();
  redis?.thaw();
  await t?.cleanup();
  await redis?.cleanup();
  t = undefined;
  redis = undefined;
  blocker = undefined;
});

describe("a job waiting on Redis when it dies", () => {
  it("fails within its bound and retries; intake (one slot) keeps processing and both replies are sent", async () => {
    redis = await startOwnRedis();
    t = await createTestApp({ env: { REDIS_URL: redis.url, INTAKE_CONCURRENCY: "1", REDIS_COMMAND_TIMEOUT_MS: "2000", RECONCILE_EVERY_MS: "3600000" }, gateways: [playgroundGateway] });
    const app = t.app;
    // Hold the job inside its database transaction, so it reaches "queue the reply" exactly when we choose.
    blocker = new Database(sqliteFile(t.config.DATABASE_URL));
    blocker.exec("BEGIN IMMEDIATE");
    expect((await postUntilAccepted(t.url, { clientId: "hang-a", group: "lianhua-03", text: "3栋又停电了，什么时候来电？" })).status).toBe(202);
    await waitFor(async () => (await app.queues.intake.getActiveCount()) === 1, 10_000);

    redis.freeze(); // the reply's add will be written and never answered
    blocker.exec("ROLLBACK");
    await waitFor(() => app.prisma.ticket.count().then((n) => n === 1), 10_000); // committed; now awaiting Redis
    await new Promise((r) => setTimeout(r, 200));
    await redis.kill();
    await redis.start();

    expect((await postUntilAccepted(t.url, { clientId: "hang-b", group: "lianhua-03", text: "楼下的水管漏水了" })).status).toBe(202);
    await waitFor(() => app.prisma.ticket.count().then((n) => n === 2), 30_000);
    await waitFor(() => app.prisma.outboundMessage.count({ where: { status: "sent" } }).then((n) => n === 2), 30_000);
    expect(await app.prisma.outboundMessage.count()).toBe(2);
  });
});
