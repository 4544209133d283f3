// Standing guarantee: Gridlink SIGKILLed in the middle of steady load and started again (same database and
// Redis): nothing accepted is lost, nothing is doubled, every reply is sent.

import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/harness.js";
import { startGridlink } from "../support/fault-process.js";
import { expectedOutcome, readOutcome, steadyLoad } from "../support/load.js";
import { startOwnRedis } from "../support/redis-server.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("Gridlink killed mid-load", () => {
  it("after kill -9 and a restart, every accepted complaint is stored once with one sent reply, never a doubled ticket", async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.cleanup());
    // Short lock so the killed process's active jobs are taken over soon after the restart.
    const app = await startGridlink(redis.url, { INTAKE_LOCK_MS: "3000", INTAKE_STALLED_CHECK_MS: "1000", RECONCILE_EVERY_MS: "3000", RECONCILE_MIN_AGE_MS: "3000" });
    cleanups.push(() => app.cleanup());
    await app.start();

    const load = steadyLoad(() => app.url, { durationMs: 20_000, perSecond: 8, tag: "ck" });
    await new Promise((r) => setTimeout(r, 8000));
    await app.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await app.start();
    const sent = await load;

    const accepted = sent.filter((s) => s.status === 202);
    const complaints = accepted.filter((s) => s.complaint);
    const outcome = await waitFor(
      () => {
        const o = readOutcome(app.databaseUrl);
        return complaints.every((c) => o.messages.get(`c-${c.clientId}`)?.sent === 1) && o.repliesQueued === 0 ? o : undefined;
      },
      90_000,
      500,
    ).catch((err) => {
      const o = readOutcome(app.databaseUrl);
      const missing = complaints.filter((c) => o.messages.get(`c-${c.clientId}`)?.sent !== 1).map((c) => c.clientId);
      throw new Error(`${(err as Error).message}; complaints without a sent reply: ${missing.slice(0, 20).join(", ")} (${missing.length})\n${app.output()}`);
    });
    const intake = await waitFor(async () => {
      const out = (await fetch(`${app.url}/healthz`).then((r) => r.json())) as { intake?: { waiting: number; active: number; delayed: number; deadLetter: number } };
      const i = out.intake;
      return i && i.waiting + i.active + i.delayed === 0 ? i : undefined;
    }, 60_000, 500);
    console.log(`[faults] gridlink kill -9 mid-load: sent ${sent.length}, accepted ${accepted.length} (complaints ${complaints.length}), tickets ${outcome.ticketCount}, answered as enquiries on an open ticket ${[...outcome.messages.values()].filter((o) => o.kind === "enquiry").length}, replies sent ${outcome.repliesSent}`);

    expect(accepted.length).toBe(sent.length);
    expect(intake.deadLetter).toBe(0);
    const stored = complaints.map((c) => outcome.messages.get(`c-${c.clientId}`)!);
    for (const o of stored) expect(o).toEqual(expectedOutcome(o));
    expect(outcome.ticketCount).toBe(stored.filter((o) => o.kind === "complaint").length);
    expect(outcome.messages.size).toBe(complaints.length);
    expect(outcome.repliesSent).toBe(complaints.length);
  });
});
