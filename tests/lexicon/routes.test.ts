// /api/lexicon over Fastify's inject: declared actions, CRUD with audit actor, test, export and import.
import fs from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import type { Db } from "../../core/infra/db.js";
import { createLiveDetector, type LiveDetector } from "../../core/lexicon/live.js";
import { isLoopback } from "../../core/transports/http/loopback.js";
import { lexiconRoutes } from "../../core/lexicon/routes.js";
import { testDb, testRedis, tinyLexiconDir } from "./helpers.js";
import { findAuditEvents } from "../../core/audit/find-audit-events.js";

let prisma: Db;
let cleanup: () => Promise<void>;
let redis: Redis;
let live: LiveDetector;
let server: FastifyInstance;
let dir: string;

beforeEach(async () => {
  ({ prisma, cleanup } = await testDb());
  const r = testRedis();
  redis = r.redis;
  dir = tinyLexiconDir();
  live = await createLiveDetector({ prisma, redis, channel: r.channel, lexiconDir: dir, pollMs: 0 });
  server = Fastify();
  await server.register(lexiconRoutes, { prisma, live });
  await server.ready();
});
afterEach(async () => {
  await server.close();
  await live.close();
  redis.disconnect();
  await cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("/api/lexicon", () => {
  // The loopback-only rule was replaced by login (issue 11): who may read or edit is decided by the server's auth
  // hook from each route's declared action (lexicon.read / lexicon.edit) — see tests/access/matrix.test.ts.
  it("recognises loopback addresses; every route declares its lexicon action", async () => {
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::ffff:127.0.0.5")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("10.0.0.5")).toBe(false);
    expect(isLoopback("128.0.0.1")).toBe(false);
    const declared = Fastify();
    const actions: Array<string | undefined> = [];
    declared.addHook("onRoute", (r) => void actions.push((r.config as { action?: string } | undefined)?.action));
    await declared.register(lexiconRoutes, { prisma, live });
    await declared.ready();
    await declared.close();
    expect(actions.length).toBeGreaterThan(8);
    expect([...new Set(actions)].sort()).toEqual(["lexicon.edit", "lexicon.read"]);
    const near = await server.inject({ method: "GET", url: "/api/lexicon" });
    expect(near.statusCode).toBe(200);
    expect(near.json().terms).toHaveLength(3);
  });

  it("adds, lists by category, patches, disables, enables and deletes — audited, live", async () => {
    const add = await server.inject({ method: "POST", url: "/api/lexicon", payload: { term: "漏水", category: "housing", severity: 2, variants: ["渗水"] } });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ term: "漏水", category: "housing", severity: 2, variants: ["渗水"], precision: null, shadow: true });
    // A new keyword starts in shadow mode: matched and counted, not acted on, until promoted.
    expect(live.detect("楼上渗水了")).toMatchObject({ complaint: false, suppressed: [{ term: "漏水", reason: "shadow" }] });
    const promoted = await server.inject({ method: "POST", url: `/api/lexicon/${encodeURIComponent("漏水")}/promote` });
    expect(promoted.json()).toMatchObject({ term: "漏水", shadow: false });
    expect((await server.inject({ method: "POST", url: `/api/lexicon/${encodeURIComponent("漏水")}/promote` })).statusCode).toBe(400);
    expect(live.detect("楼上渗水了").category).toBe("housing");

    const list = await server.inject({ method: "GET", url: "/api/lexicon?category=housing" });
    expect(list.json().terms.map((t: { term: string }) => t.term)).toEqual(["漏水"]);

    const patch = await server.inject({ method: "PATCH", url: `/api/lexicon/${encodeURIComponent("漏水")}`, payload: { severity: 3 } });
    expect(patch.json().severity).toBe(3);
    expect((await server.inject({ method: "POST", url: `/api/lexicon/${encodeURIComponent("漏水")}/disable` })).json().enabled).toBe(false);
    expect(live.detect("楼上渗水了").complaint).toBe(false);
    expect((await server.inject({ method: "POST", url: `/api/lexicon/${encodeURIComponent("漏水")}/enable` })).json().enabled).toBe(true);
    expect((await server.inject({ method: "DELETE", url: `/api/lexicon/${encodeURIComponent("漏水")}` })).statusCode).toBe(204);
    expect(live.detect("楼上渗水了").complaint).toBe(false);

    const audits = (await findAuditEvents({ db: prisma, subject: "keyword:漏水" })).reverse();
    expect(audits.map((a) => a.action)).toEqual(["lexicon.add", "lexicon.promote", "lexicon.update", "lexicon.disable", "lexicon.enable", "lexicon.remove"]);
    expect(audits[0].actor).toBe("http:127.0.0.1");
  });

  it("maps bad input to 400, unknown terms to 404 and taken surfaces to 409", async () => {
    expect((await server.inject({ method: "POST", url: "/api/lexicon", payload: { term: "x", category: "weather" } })).statusCode).toBe(400);
    expect((await server.inject({ method: "POST", url: "/api/lexicon", payload: { term: "x", category: "noise", severity: 7 } })).statusCode).toBe(400);
    expect((await server.inject({ method: "POST", url: "/api/lexicon", payload: { term: "停电", category: "utilities" } })).statusCode).toBe(409);
    expect((await server.inject({ method: "PATCH", url: `/api/lexicon/${encodeURIComponent("无此词")}`, payload: { severity: 2 } })).statusCode).toBe(404);
    const badJson = await server.inject({ method: "POST", url: "/api/lexicon", headers: { "content-type": "application/json" }, payload: "{" });
    expect(badJson.statusCode).toBe(400);
  });

  it("tests a sentence with hits highlighted", async () => {
    const res = await server.inject({ method: "POST", url: "/api/lexicon/test", payload: { text: "3栋又停电了" } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ highlighted: "3栋又【停电】了", detection: { complaint: true, category: "utilities" } });
  });

  it("exports the file format and imports a file (as text or JSON)", async () => {
    const exp = await server.inject({ method: "GET", url: "/api/lexicon/export" });
    expect(exp.headers["content-type"]).toMatch(/^text\/plain/);
    expect(exp.body).toMatch(/^停电 \| 2 \| problem \| 断电$/m);
    const imp = await server.inject({ method: "POST", url: "/api/lexicon/import", headers: { "content-type": "text/plain" }, payload: "[noise]\n噪音 | 1 | problem | 太吵了\n" });
    expect(imp.json()).toEqual({ added: ["噪音"], updated: [], unchanged: 0 });
    expect(live.detect("楼下太吵了").complaint).toBe(false); // imported: shadow mode
    await server.inject({ method: "POST", url: `/api/lexicon/${encodeURIComponent("噪音")}/promote` });
    expect(live.detect("楼下太吵了").category).toBe("noise");
    const bad = await server.inject({ method: "POST", url: "/api/lexicon/import", payload: { text: "[noise]\n吵 | 9\n", fileName: "x.txt" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^x\.txt:2:/);
  });
});

describe("openLiveContext", () => {
  it("opens database, Redis and live detector for the CLI, and closes them", async () => {
    const { openLiveContext } = await import("../../core/infra/live-table.js");
    const { lexiconChannel } = await import("../../core/lexicon/live.js");
    const { freshDatabase, TEST_REDIS_URL } = await import("../helpers/harness.js");
    const db = freshDatabase();
    const ctx = await openLiveContext({ databaseUrl: db.url, redisUrl: TEST_REDIS_URL }, (prisma, redis) => createLiveDetector({ prisma, redis, channel: lexiconChannel("t-ctx"), lexiconDir: dir, pollMs: 0 }));
    try {
      expect(lexiconChannel("t-ctx")).toBe("t-ctx:lexicon");
      expect(ctx.live.detect("3栋又停电了").category).toBe("utilities");
      expect(await ctx.prisma.lexiconTerm.count()).toBe(3);
    } finally {
      await ctx.close();
      fs.rmSync(db.dir, { recursive: true, force: true });
    }
  });
});
