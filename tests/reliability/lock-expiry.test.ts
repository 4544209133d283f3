// A job whose detection blocks the event loop longer than its lock lasts loses the lock and is run again by
// BullMQ. The slow detection is remembered by job id, so the re-run reuses it instead of freezing the process a
// second time, and the database's unique key keeps it to one ticket.

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
  it("runs its slow detection once, however often BullMQ re-runs the job, and opens one ticket", async () => {
    const calls = new Map<string, number>();
    const slowText = "SLOW 停电了";
    t = await createTestApp({
      gateways: [playgroundGateway],
      env: { INTAKE_LOCK_MS: "600", INTAKE_STALLED_CHECK_MS: "300" },
      detect: (text: string): Detection => {
        calls.set(text, (calls.get(text) ?? 0) + 1);
        if (text === slowText) {
          const until = Date.now() + 2000; // a detector that blocks the loop (what a super-linear input does)
          while (Date.now() < until);
        }
        const complaint = text.includes("停电");
        return { complaint, category: complaint ? "utilities" : null, severity: complaint ? 2 : 0, keywords: complaint ? [{ term: "停电" }] : [], suppressed: [], guards: { negated: false, notice: false, question: false }, score: complaint ? 1 : 0, explanation: "test" } as unknown as Detection;
      },
    });
    const worker = t.app.workers.find((w) => w.name === "intake")!;
    let stalled = 0;
    worker.on("stalled", () => stalled++);
    const res = await fetch(`${t.url}/api/playground/groups/lianhua-05/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sender: "郑姐", text: slowText, clientMessageId: "slow-1" }) });
    expect(res.status).toBe(202);
    await waitFor(() => stalled >= 1, 20_000); // the lock expired during the block: BullMQ re-runs the job
    await waitFor(async () => (await t!.app.queues.intake.getJobCounts("wait", "active", "delayed")).wait === 0 && (await t!.app.queues.intake.getActiveCount()) === 0, 20_000);
    await waitFor(() => t!.app.prisma.ticket.count().then((n) => n === 1), 10_000);
    expect(calls.get(slowText)).toBe(1);
    expect(await t.app.prisma.outboundMessage.count()).toBe(1);
  });
});
