// A job that outlives its lock (the process stalled: a starved machine, a long GC) is run again by BullMQ. Detection
// itself is linear and capped — the worst shapes take milliseconds (bench/detect-sizes.ts), far inside the lock —
// so the guarantee that matters is the replay's: the message still becomes one ticket with one reply, and the
// queue settles (nothing left active, nothing failed) instead of freezing.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import type { Detection } from "../../nlp/index.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe("a job that outlives its lock", () => {
  it("is re-run by BullMQ and still opens one ticket with one reply; the queue settles with nothing failed", async () => {
    const calls = new Map<string, number>();
    const stallText = "STALL 停电了";
    t = await createTestApp({
      gateways: [playgroundGateway],
      env: { INTAKE_LOCK_MS: "600", INTAKE_STALLED_CHECK_MS: "300" },
      detect: (text: string): Detection => {
        const n = (calls.get(text) ?? 0) + 1;
        calls.set(text, n);
        if (text === stallText && n === 1) {
          const until = Date.now() + 2000; // the process stalls (event loop blocked) longer than the lock lasts
          while (Date.now() < until);
        }
        const complaint = text.includes("停电");
        return { complaint, category: complaint ? "utilities" : null, severity: complaint ? 2 : 0, keywords: complaint ? [{ term: "停电" }] : [], suppressed: [], guards: { negated: false, notice: false, question: false }, score: complaint ? 1 : 0, explanation: "test" } as unknown as Detection;
      },
    });
    const worker = t.app.workers.find((w) => w.name === "intake")!;
    let stalled = 0;
    let failed = 0;
    worker.on("stalled", () => stalled++);
    worker.on("failed", () => failed++);
    const res = await fetch(`${t.url}/api/playground/groups/lianhua-05/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sender: "郑姐", text: stallText, clientMessageId: "stall-1" }) });
    expect(res.status).toBe(202);
    // The lock expired during the stall: BullMQ re-runs the job (the replay finds the message stored and does not
    // detect or reply again, or — if it overtook the first run — the unique key makes one of them a no-op).
    await waitFor(() => stalled >= 1, 20_000);
    await waitFor(async () => {
      const c = await t!.app.queues.intake.getJobCounts("wait", "active", "delayed");
      return c.wait + c.active + c.delayed === 0;
    }, 20_000);
    await waitFor(() => t!.app.prisma.outboundMessage.count().then((n) => n >= 1), 10_000);
    expect(await t.app.prisma.ticket.count()).toBe(1);
    expect(await t.app.prisma.message.count({ where: { messageId: "c-stall-1" } })).toBe(1);
    expect(await t.app.prisma.outboundMessage.count()).toBe(1);
    expect(await t.app.queues.intake.getFailedCount()).toBe(0);
    expect(failed).toBe(0);
  });
});
