// Standing guarantee: /healthz on a real `gridlink start` turns 503 with the reason when intake has waiting
// jobs and no progress (here: another connection holds the database's write lock), and when its oldest
// waiting job is older than the threshold; it is ok again once intake moves. Thresholds are configured small.

import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { sqliteFile } from "../../core/infra/db.js";
import { waitFor } from "../helpers/harness.js";
import { startGridlink } from "../support/fault-process.js";
import { postUntilAccepted } from "../support/load.js";
import { startOwnRedis } from "../support/redis-server.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Health = { status: string; reasons: string[]; intake?: { waiting: number } };
const health = async (url: string) => {
  const res = await fetch(`${url}/healthz`);
  return { code: res.status, body: (await res.json()) as Health };
};

describe("/healthz notices a stalled intake", () => {
  it("503 'behind' then 'stalled' while jobs wait without progress; 200 again once they are processed", async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.cleanup());
    const app = await startGridlink(redis.url, { HEALTH_MAX_WAIT_MS: "1500", HEALTH_STALL_MS: "4000", INTAKE_CONCURRENCY: "1" });
    cleanups.push(() => app.cleanup());
    await app.start();
    expect((await health(app.url)).code).toBe(200);

    // Another process's writer holds the lock: the complaint in flight cannot commit, the others wait.
    const blocker = new Database(sqliteFile(app.databaseUrl));
    cleanups.push(() => {
      if (blocker.inTransaction) blocker.exec("ROLLBACK");
      blocker.close();
    });
    blocker.exec("BEGIN IMMEDIATE");
    for (let i = 0; i < 4; i++) expect((await postUntilAccepted(app.url, { clientId: `hz-${i}`, group: "lianhua-02", text: "楼下的水管漏水了" })).status).toBe(202);

    const behind = await waitFor(async () => {
      const h = await health(app.url);
      return h.code === 503 && h.body.reasons.some((r) => r.startsWith("intake behind")) ? h : undefined;
    }, 20_000, 200);
    expect(behind.body.status).toBe("degraded");
    const stalled = await waitFor(async () => {
      const h = await health(app.url);
      return h.body.reasons.some((r) => r.startsWith("intake stalled")) ? h : undefined;
    }, 20_000, 200);
    expect(stalled.code).toBe(503);
    expect(stalled.body.intake?.waiting).toBeGreaterThan(0);

    blocker.exec("ROLLBACK");
    const ok = await waitFor(async () => {
      const h = await health(app.url);
      return h.code === 200 ? h : undefined;
    }, 60_000, 250);
    expect(ok.body.reasons).toEqual([]);
  });
});
