// Standing guarantee: three Redis kills (kill -9, down 3–8 s) during 45 s of steady load on a real
// `gridlink start` process. Every message answered 202 becomes exactly one ticket (or one chatter drop),
// every reply is sent, and intake is processing again within 5 s of each restart.

import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { intakeProgressKey } from "../../core/infra/queues.js";
import { waitFor } from "../helpers/harness.js";
import { startGridlink } from "../support/fault-process.js";
import { expectedOutcome, readOutcome, steadyLoad } from "../support/load.js";
import { startOwnRedis } from "../support/redis-server.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("Redis killed three times under steady load", () => {
  it("loses nothing accepted, doubles nothing, sends every reply, and resumes within 5 s of each restart", async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.cleanup());
    const app = await startGridlink(redis.url, { RECONCILE_EVERY_MS: "3000", RECONCILE_MIN_AGE_MS: "3000", HEALTH_STALL_MS: "10000" });
    cleanups.push(() => app.cleanup());
    await app.start();

    const probe = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100, lazyConnect: true });
    probe.on("error", () => {});
    cleanups.push(() => probe.disconnect());
    const lastProgress = async () => Number((await probe.get(intakeProgressKey(app.prefix)).catch(() => null)) ?? 0);

    const load = steadyLoad(() => app.url, { durationMs: 45_000, perSecond: 8, tag: "rk" });
    const outages = [4000, 6500, 3000]; // ms down: within 3–8 s
    const resumedAfterMs: number[] = [];
    for (const down of outages) {
      await new Promise((r) => setTimeout(r, 7000));
      await redis.kill();
      await new Promise((r) => setTimeout(r, down));
      await redis.start();
      const back = Date.now();
      // Processing again: a job finished after the restart (the load keeps jobs waiting).
      await waitFor(async () => (await lastProgress()) > back, 20_000, 100);
      resumedAfterMs.push(Date.now() - back);
    }
    const sent = await load;

    const accepted = sent.filter((s) => s.status === 202);
    const complaints = accepted.filter((s) => s.complaint);
    // Every accepted complaint becomes a ticket and a sent reply (retries and the reconciler included).
    const outcome = await waitFor(
      () => {
        const o = readOutcome(app.databaseUrl);
        return complaints.every((c) => o.messages.get(`c-${c.clientId}`)?.sent === 1) && o.repliesQueued === 0 ? o : undefined;
      },
      120_000,
      500,
    ).catch((err) => {
      const o = readOutcome(app.databaseUrl);
      const missing = complaints.filter((c) => o.messages.get(`c-${c.clientId}`)?.sent !== 1).map((c) => c.clientId);
      throw new Error(`${(err as Error).message}; complaints without a sent reply: ${missing.slice(0, 20).join(", ")} (${missing.length})\n${app.output()}`);
    });
    // Chatter is dropped (no row) and the intake queue is empty: every accepted line was processed.
    const counts = await waitFor(async () => {
      const out = await fetch(`${app.url}/healthz`).then((r) => r.json() as Promise<{ intake?: { waiting: number; active: number; delayed: number; deadLetter: number } }>);
      const i = out.intake;
      return i && i.waiting + i.active + i.delayed === 0 ? i : undefined;
    }, 60_000, 500);
    console.log(
      `[faults] redis kills ${outages.join("/")} ms: sent ${sent.length}, accepted ${accepted.length} (complaints ${complaints.length}), tickets ${outcome.ticketCount}, answered as enquiries on an open ticket ${[...outcome.messages.values()].filter((o) => o.kind === "enquiry").length}, replies sent ${outcome.repliesSent}, resumed after ${resumedAfterMs.join("/")} ms`,
    );

    expect(accepted.length).toBe(sent.length); // every message got in eventually (client retries with its id)
    expect(counts.deadLetter).toBe(0);
    const stored = complaints.map((c) => outcome.messages.get(`c-${c.clientId}`)!);
    for (const o of stored) expect(o).toEqual(expectedOutcome(o));
    expect(outcome.ticketCount).toBe(stored.filter((o) => o.kind === "complaint").length);
    expect(outcome.messages.size).toBe(complaints.length); // no chatter stored, nothing extra
    expect(outcome.repliesSent).toBe(complaints.length);
    for (const ms of resumedAfterMs) expect(ms).toBeLessThanOrEqual(5000);
  });
});
