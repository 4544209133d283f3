// The FAQ curated like the lexicon: YAML files seed the database (never-seen keys only), changes are audited,
// every process follows a change within a second (pub/sub), /api/faq routes declare their actions, and
// `gridlink faq list|add|remove|test` works against the same store.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { faqCommand } from "../../bin/faq-cli.js";
import { createLiveFaq, type LiveFaq } from "../../core/assistant/faq-live.js";
import { loadFaqDir, parseFaqFile, putFaq, removeFaq, seedFaq } from "../../core/assistant/faq-store.js";
import { faqRoutes } from "../../core/assistant/routes.js";
import type { Db } from "../../core/infra/db.js";
import { waitFor } from "../helpers/harness.js";
import { testDb, testRedis } from "../lexicon/helpers.js";

let prisma: Db;
let cleanup: () => Promise<void>;
let redis: Redis;
let channel: string;
let dir: string;
const lives: LiveFaq[] = [];

const ENTRY = `- key: residence-permit
  category: social_security
  questions: [居住证怎么办, 居住证在哪里办理]
  answer: 居住证请到社区事务受理服务中心办理。
  answer_en: Apply for a residence permit at the community service centre.
`;

beforeEach(async () => {
  ({ prisma, cleanup } = await testDb());
  ({ redis, channel } = testRedis());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-faq-"));
  fs.writeFileSync(path.join(dir, "a.yaml"), ENTRY);
});
afterEach(async () => {
  for (const l of lives.splice(0)) await l.close();
  redis.disconnect();
  await cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

const live = async (seed = true) => {
  const l = await createLiveFaq({ prisma, redis, channel, dir, seed, pollMs: 0 });
  lives.push(l);
  return l;
};

describe("FAQ files", () => {
  it("parse the shipped lexicon/faq folder: every entry has questions and an answer, keys are unique", () => {
    const shipped = loadFaqDir();
    expect(shipped.length).toBeGreaterThanOrEqual(10);
    expect(shipped.map((e) => e.key)).toContain("residence-permit");
    expect(new Set(shipped.map((e) => e.key)).size).toBe(shipped.length);
  });

  it("reject bad files with the file and entry named", () => {
    expect(() => parseFaqFile("- key: a\n  questions: [x y]\n", "bad.yaml")).toThrow(/bad\.yaml: entry 1: answer/);
    expect(() => parseFaqFile("key: a", "map.yaml")).toThrow(/must be a list/);
    expect(() => parseFaqFile("- key: [", "broken.yaml")).toThrow(/broken\.yaml: not valid YAML/);
    expect(() => parseFaqFile("- key: Bad Key\n  questions: [居住证]\n  answer: 好的好的\n", "k.yaml")).toThrow(/key/);
    fs.writeFileSync(path.join(dir, "b.yaml"), ENTRY);
    expect(() => loadFaqDir(dir)).toThrow(/key residence-permit is already used in a\.yaml/);
  });
});

describe("FAQ store", () => {
  it("seeds never-seen keys only: an admin's removal is not undone by the next start", async () => {
    expect(await seedFaq(prisma, { dir })).toBe(1);
    expect(await seedFaq(prisma, { dir })).toBe(0);
    await removeFaq(prisma, "residence-permit", "cli:test");
    expect(await seedFaq(prisma, { dir })).toBe(0);
    expect(await prisma.faq.count()).toBe(0);
    const audit = await prisma.faqAudit.findMany({ orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([["seed", "system:seed"], ["remove", "cli:test"]]);
    expect(JSON.parse(audit[1].before!)).toMatchObject({ key: "residence-permit", answer: "居住证请到社区事务受理服务中心办理。" });
  });

  it("adds and updates with before/after in the audit, and refuses bad input with a clear message", async () => {
    const added = await putFaq(prisma, { key: "dog-licence", questions: ["养狗怎么办证"], answer: "养犬登记请到派出所办理。" }, "http:127.0.0.1");
    expect(added.created).toBe(true);
    const updated = await putFaq(prisma, { key: "dog-licence", questions: ["养狗怎么办证", "狗证在哪办"], answer: "养犬登记请到辖区派出所办理。" }, "cli:x");
    expect(updated.created).toBe(false);
    const audit = await prisma.faqAudit.findMany({ where: { key: "dog-licence" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["add", "update"]);
    expect(JSON.parse(audit[1].before!).answer).toBe("养犬登记请到派出所办理。");
    await expect(putFaq(prisma, { key: "x", questions: [], answer: "好的" }, "t")).rejects.toThrow(/questions: must have at least one question/);
    await expect(removeFaq(prisma, "nope", "t")).rejects.toThrow(/no FAQ entry nope/);
  });
});

describe("live FAQ", () => {
  it("matches questions by TF-IDF and follows a change made in another process within a second", async () => {
    const a = await live();
    const b = await live(false);
    expect(a.match("居住证怎么办")?.entry.key).toBe("residence-permit");
    expect(a.match("今天天气怎么样")).toBeUndefined();
    expect(b.match("狗证在哪办")).toBeUndefined();
    await putFaq(prisma, { key: "dog-licence", questions: ["养狗怎么办证", "狗证在哪办"], answer: "养犬登记请到辖区派出所办理。" }, "t");
    await a.publishChange();
    expect(a.match("狗证在哪办")?.entry.key).toBe("dog-licence");
    await waitFor(() => b.match("狗证在哪办")?.entry.key === "dog-licence", 2000);
    await removeFaq(prisma, "dog-licence", "t");
    await a.publishChange();
    await waitFor(() => b.match("狗证在哪办") === undefined, 2000);
  });
});

describe("/api/faq", () => {
  let server: FastifyInstance;
  beforeEach(async () => {
    server = Fastify();
    await server.register(faqRoutes, { prisma, faq: await live() });
    await server.ready();
  });
  afterEach(async () => server.close());

  it("lists, tests, adds, replaces and removes — every route declares its action (the auth hook decides who), audited, 400s naming the field", async () => {
    // Who may change the FAQ is the server's auth hook's call from the declared action (admins: lexicon.edit),
    // walked for every role in tests/access/matrix.test.ts; no route is loopback-only any more.
    const declared = Fastify();
    const actions: string[] = [];
    declared.addHook("onRoute", (r) => void actions.push(`${String(r.method)} ${r.url} ${(r.config as { action?: string } | undefined)?.action}`));
    await declared.register(faqRoutes, { prisma, faq: await live() });
    await declared.ready();
    await declared.close();
    expect(actions.filter((a) => !a.startsWith("HEAD")).sort()).toEqual(["DELETE /api/faq/:key lexicon.edit", "GET /api/faq lexicon.read", "POST /api/faq lexicon.edit", "POST /api/faq/test lexicon.read"]);
    expect((await server.inject({ method: "GET", url: "/api/faq" })).json().entries.map((e: { key: string }) => e.key)).toEqual(["residence-permit"]);
    const body = { key: "dog-licence", category: "other", questions: ["狗证在哪办"], answer: "养犬登记请到辖区派出所办理。" };
    const created = await server.inject({ method: "POST", url: "/api/faq", payload: body, remoteAddress: "203.0.113.9" });
    expect(created.statusCode).toBe(201);
    expect((await server.inject({ method: "POST", url: "/api/faq", payload: body })).statusCode).toBe(200);
    const bad = await server.inject({ method: "POST", url: "/api/faq", payload: { key: "x", questions: ["狗证"], answer: "" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/answer/);
    const tested = await server.inject({ method: "POST", url: "/api/faq/test", payload: { text: "狗证在哪里办" } });
    expect(tested.json().answers).toBe("dog-licence");
    expect((await server.inject({ method: "DELETE", url: "/api/faq/dog-licence" })).statusCode).toBe(204);
    expect((await server.inject({ method: "DELETE", url: "/api/faq/dog-licence" })).statusCode).toBe(404);
    const actors = (await prisma.faqAudit.findMany({ where: { key: "dog-licence" } })).map((a) => a.actor);
    expect(actors).toEqual(["http:203.0.113.9", "http:127.0.0.1", "http:127.0.0.1"]);
  });
});

describe("gridlink faq", () => {
  const run = async (...args: string[]) => {
    const chunks: Buffer[] = [];
    const stdout = new PassThrough();
    stdout.on("data", (c: Buffer) => chunks.push(c));
    const open = async () => {
      const faq = await live();
      return { prisma, faq, close: async () => undefined };
    };
    await faqCommand(open, { stdout }).parseAsync(args, { from: "user" });
    return Buffer.concat(chunks).toString("utf8");
  };

  it("list, add (flags or a YAML file), test and remove", async () => {
    expect(await run("list")).toMatch(/residence-permit\s+social_security\s+on\s+2 q\s+居住证怎么办/);
    expect(await run("add", "dog-licence", "-q", "养狗怎么办证", "-q", "狗证在哪办", "-a", "养犬登记请到辖区派出所办理。")).toBe("added dog-licence (2 questions)\n");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-faq-add-")), "more.yaml");
    fs.writeFileSync(file, "- key: bulky-waste\n  questions: [大件垃圾怎么扔]\n  answer: 放到小区大件垃圾堆放点。\n");
    expect(await run("add", "--file", file)).toBe("added bulky-waste (1 question)\n");
    expect(await run("test", "狗证在哪里办")).toMatch(/answers with dog-licence: 养犬登记请到辖区派出所办理。/);
    expect(await run("test", "明天天气如何")).toMatch(/no entry is close enough/);
    expect(await run("remove", "dog-licence")).toBe("removed dog-licence\n");
    expect(await run("list")).toMatch(/2 entries/);
    await expect(run("add", "x", "-a", "好的好的")).rejects.toThrow(/questions/);
  });
});
