// Lexicon curation reaches running workers: a keyword added over the web admin API in one process changes
// what another process's intake worker detects, without a restart.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createApp, type App } from "../../core/app.js";
import { loadConfig } from "../../core/infra/config.js";
import { createLogger } from "../../core/infra/log.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

let web: TestApp | undefined;
let worker: App | undefined;
afterEach(async () => {
  await worker?.stop();
  await web?.cleanup();
  worker = web = undefined;
});

describe("live lexicon across processes", () => {
  it("a keyword added through /api/lexicon in the web process is used by a separate worker process", async () => {
    web = await createTestApp({ gateways: [playgroundGateway], roles: { workers: false } });
    worker = await createApp({ config: loadConfig({ ...process.env, DATABASE_URL: web.config.DATABASE_URL, REDIS_URL: web.config.REDIS_URL, QUEUE_PREFIX: web.config.QUEUE_PREFIX, REDIS_AUTOSTART: "false" }), roles: { http: false, gateways: false }, log: createLogger("silent") });
    await worker.start();
    const say = (messageId: string, text: string) =>
      web!.app.queues.submit({ platform: "playground", chatId: "lianhua-08", messageId, sender: { id: "pg-周阿姨", name: "周阿姨" }, text, sentAt: Date.now() });

    // The word is unknown: chatter, nothing stored.
    expect(worker.live!.detect("楼下那只鸽子又来了").complaint).toBe(false);
    const added = await fetch(`${web.url}/api/lexicon`, { method: "POST", headers: { "content-type": "application/json", ...web.auth }, body: JSON.stringify({ term: "鸽子", category: "noise", severity: 1 }) });
    expect(added.status).toBe(201);
    // New keywords start in shadow mode: the worker matches it but acts on it only once it is promoted.
    await waitFor(() => worker!.live!.detect("楼下那只鸽子又来了").suppressed.some((h) => h.reason === "shadow"), 5000);
    expect(worker.live!.detect("楼下那只鸽子又来了").complaint).toBe(false);
    const promoted = await fetch(`${web.url}/api/lexicon/${encodeURIComponent("鸽子")}/promote`, { method: "POST", headers: web.auth });
    expect(promoted.status).toBe(200);

    await waitFor(() => worker!.live!.detect("楼下那只鸽子又来了").complaint, 5000);
    await say("pigeon-1", "楼下那只鸽子又来了");
    const ticket = await waitFor(() => web!.app.prisma.ticket.findFirst());
    expect(ticket.category).toBe("noise");
    expect(JSON.parse(ticket.keywords)).toContain("鸽子");
    const audit = await web.app.prisma.auditEvent.findFirst({ where: { subject: "keyword:鸽子", action: "lexicon.add" } });
    expect(audit?.actor).toBe("token:test-admin"); // the change names who made it: the admin token the request carried
    const term = await web.app.prisma.lexiconTerm.findUnique({ where: { term: "鸽子" } });
    expect(term?.hits).toBe(1);
  });
});
