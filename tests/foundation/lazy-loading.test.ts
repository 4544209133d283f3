// Bug 2: every CLI command took 8–9 s — each imported every gateway (Wechaty alone ~2 s), spawned the Prisma CLI
// to migrate and, for some, loaded jieba (~1 s). A command that needs no segmentation loads neither jieba nor
// Wechaty now; `start` with WeChat off does not load Wechaty. (Times are measured by bench/start.ts, not here.)

import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshDatabase, uniquePrefix } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";
import { ROOT, runGridlink, spawnGridlink, untilReady } from "../support/gridlink-process.js";
import { TEST_REDIS_URL } from "../support/redis.js";

const TRACE = ["--import", path.join(ROOT, "tests", "support", "trace-register.mjs")];
let dir: string;
let env: Record<string, string>;

beforeEach(() => {
  const db = freshDatabase({ seeded: true });
  dir = db.dir;
  env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_AUTOSTART: "false", QUEUE_PREFIX: uniquePrefix(), LOG_LEVEL: "warn", GRIDLINK_TRACE_FILE: path.join(dir, "trace.txt") };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const loaded = (): string[] => (fs.existsSync(env.GRIDLINK_TRACE_FILE) ? fs.readFileSync(env.GRIDLINK_TRACE_FILE, "utf8").split("\n").filter(Boolean) : []);
const loads = (pkg: string) => loaded().some((u) => u.includes(`/node_modules/${pkg}/`));

describe("each command loads what it needs", () => {
  it.each([
    [["staff", "add", "--playground", "李网格", "--role", "grid_leader"]],
    [["staff", "list"]],
    [["group", "list"]],
    [["queue", "status"]],
  ])("gridlink %j loads neither jieba nor Wechaty nor the Prisma CLI", async (args) => {
    const r = await runGridlink(args, env, TRACE);
    expect(r.code, r.output).toBe(0);
    expect(loaded().length).toBeGreaterThan(10); // the tracer works
    expect(loads("nodejieba")).toBe(false);
    expect(loads("wechaty")).toBe(false);
    expect(loads("prisma")).toBe(false); // the CLI package (migrate deploy); the client is @prisma/client
    expect(loads("pg") || loads("@prisma/adapter-pg")).toBe(false); // on SQLite, nothing of PostgreSQL
    expect(loaded().some((u) => u.includes("/prisma/postgres/generated/"))).toBe(false);
  }, 60_000);

  it("lexicon test does load jieba (the tracer sees it)", async () => {
    const r = await runGridlink(["lexicon", "test", "3栋又停电了"], env, TRACE);
    expect(r.code, r.output).toBe(0);
    expect(loads("nodejieba")).toBe(true);
    expect(loads("wechaty")).toBe(false);
  }, 60_000);

  it("start with WeChat off does not load Wechaty; with no model configured not the model client; of the rate limiter only its Redis store", async () => {
    const p = spawnGridlink(["start"], { ...env, LOG_LEVEL: "info", PORT: String(await freePort()) }, TRACE);
    try {
      await untilReady(p);
    } finally {
      await p.stop();
    }
    expect(loads("nodejieba")).toBe(true);
    expect(loads("wechaty")).toBe(false);
    expect(loads("wechaty-puppet-mock")).toBe(false);
    expect(loads("cockatiel")).toBe(false); // the LLM client's circuit breaker: only with LLM_BASE_URL
    expect(loads("pg") || loaded().some((u) => u.includes("/prisma/postgres/generated/"))).toBe(false); // SQLite: no PostgreSQL client
    expect(loaded().some((u) => u.includes("/node_modules/rate-limiter-flexible/lib/RateLimiterRedis.js"))).toBe(true);
    expect(loaded().some((u) => u.includes("/node_modules/rate-limiter-flexible/lib/RateLimiterMongo.js"))).toBe(false);
  }, 90_000);
});
