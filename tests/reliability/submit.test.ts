// Findings 1 and 5: a message answered 503 ("nothing was accepted") never becomes a ticket, and a client may
// always retry with its clientMessageId: exactly one ticket whatever it was told. The add is made to go
// unanswered by freezing Redis (SIGSTOP): the command is written but nobody reads it.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { countIntakeDone, createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { postUntilAccepted } from "../support/load.js";
import { startOwnRedis, type OwnRedis } from "../support/redis-server.js";

let t: TestApp | undefined;
let redis: OwnRedis | undefined;
afterEach(async () => {
  redis?.thaw();
  await t?.cleanup();
  await redis?.cleanup();
  t = undefined;
  redis = undefined;
});

const post = (url: string, body: Record<string, string>) =>
  fetch(`${url}/api/playground/groups/lianhua-04/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sender: "孙阿姨", ...body }), signal: AbortSignal.timeout(20_000) });

describe("submit: 503 only when certainly not queued", () => {
  it("an add Redis received but did not answer is 503 maybeQueued; it lands later, and the retry with the same id is the same single ticket", async () => {
    redis = await startOwnRedis();
    t = await createTestApp({ env: { REDIS_URL: redis.url, SUBMIT_TIMEOUT_MS: "1500" }, gateways: [playgroundGateway] });
    redis.freeze();
    const during = await post(t.url, { text: "3栋又停电了，什么时候来电？", clientMessageId: "m5-frozen" });
    const body = (await during.json()) as { maybeQueued?: boolean };
    expect(during.status).toBe(503);
    expect(body.maybeQueued).toBe(true); // it was written; it may land — and it does once Redis reads it
    redis.thaw();
    await waitFor(() => t!.app.prisma.ticket.count().then((n) => n === 1), 20_000);
    const retry = await post(t.url, { text: "3栋又停电了，什么时候来电？", clientMessageId: "m5-frozen" });
    expect(retry.status).toBe(202);
    const done = countIntakeDone(t.app);
    // A later message goes through: the retry (if it produced a job at all) had its chance to double.
    expect((await post(t.url, { text: "楼下的水管漏水了", clientMessageId: "m5-later" })).status).toBe(202);
    await waitFor(() => t!.app.prisma.ticket.count().then((n) => n === 2), 20_000);
    await waitFor(() => done() >= 1, 10_000);
    expect(await t.app.prisma.ticket.count({ where: { text: "3栋又停电了，什么时候来电？" } })).toBe(1);
  });

  it("an add in flight when Redis is killed is re-sent after the restart and answered for what it is: 202 and one ticket", async () => {
    redis = await startOwnRedis();
    t = await createTestApp({ env: { REDIS_URL: redis.url, SUBMIT_TIMEOUT_MS: "6000" }, gateways: [playgroundGateway] });
    redis.freeze();
    const pending = post(t.url, { text: "楼道里有人飞线充电，太危险了", clientMessageId: "m5-lost" });
    await new Promise((r) => setTimeout(r, 1200)); // the add is written and unanswered
    await redis.kill(); // never read by the dead server
    await redis.start(); // back within the submit budget: re-sent, then checked
    const during = await pending;
    expect(during.status).toBe(202);
    await waitFor(() => t!.app.prisma.ticket.count().then((n) => n === 1), 20_000);
    // The client's retry with the same id is accepted and changes nothing.
    expect((await post(t.url, { text: "楼道里有人飞线充电，太危险了", clientMessageId: "m5-lost" })).status).toBe(202);
    expect((await post(t.url, { text: "楼下的水管漏水了", clientMessageId: "m5-after" })).status).toBe(202);
    await waitFor(() => t!.app.prisma.ticket.count().then((n) => n === 2), 20_000);
    expect(await t.app.prisma.ticket.count({ where: { text: "楼道里有人飞线充电，太危险了" } })).toBe(1);
  });

  it("an add while Redis is down is refused unwritten: a plain 503 at once, and it never becomes a ticket", async () => {
    redis = await startOwnRedis();
    t = await createTestApp({ env: { REDIS_URL: redis.url }, gateways: [playgroundGateway] });
    await redis.kill();
    const started = Date.now();
    const during = await post(t.url, { text: "楼道里有人飞线充电，太危险了", clientMessageId: "m5-down" });
    const body = (await during.json()) as { maybeQueued?: boolean; message: string };
    expect(during.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(body.maybeQueued).toBeUndefined();
    expect(body.message).toMatch(/nothing was accepted/);
    await redis.start();
    expect((await postUntilAccepted(t.url, { clientId: "m5-up", group: "lianhua-04", text: "楼下的水管漏水了" })).status).toBe(202);
    await waitFor(() => t!.app.prisma.ticket.count().then((n) => n === 1), 20_000);
    await waitFor(async () => (await t!.app.queues.intake.getJobCounts("wait", "active", "delayed")).wait === 0, 10_000);
    expect(await t.app.prisma.ticket.count({ where: { text: "楼道里有人飞线充电，太危险了" } })).toBe(0);
  });
});
