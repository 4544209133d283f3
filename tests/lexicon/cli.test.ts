// `gridlink lexicon …` and `gridlink classify …` through commander, with captured output.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { classifyCommand, lexiconCommand, type LexiconContext } from "../../bin/lexicon-cli.js";
import type { Db } from "../../core/infra/db.js";
import { createLiveDetector } from "../../core/lexicon/live.js";
import { testDb, testRedis, tinyLexiconDir } from "./helpers.js";
import { findAuditEvents } from "../../core/audit/find-audit-events.js";

function capture(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

describe("gridlink lexicon", () => {
  let prisma: Db;
  let cleanup: () => Promise<void>;
  let redis: Redis;
  let channel: string;
  let dir: string;
  let opens = 0;
  let closes = 0;
  const open = async (): Promise<LexiconContext> => {
    opens++;
    const live = await createLiveDetector({ prisma, redis, channel, lexiconDir: dir, pollMs: 0 });
    return { prisma, live, close: async () => { closes++; await live.close(); } };
  };
  const run = async (...args: string[]) => {
    const out = capture();
    await lexiconCommand(open, { stdout: out.stream }).parseAsync(args, { from: "user" });
    return out.text();
  };

  beforeEach(async () => {
    ({ prisma, cleanup } = await testDb());
    ({ redis, channel } = testRedis());
    dir = tinyLexiconDir();
  });
  afterEach(async () => {
    redis.disconnect();
    await cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("test shows a utilities complaint with the hit highlighted", async () => {
    const out = await run("test", "3栋又停电了");
    expect(out).toMatch(/^3栋又【停电】了$/m);
    expect(out).toMatch(/complaint: utilities \(水电气暖\), severity 2/);
    expect(opens).toBe(closes);
  });

  it("add, list (with precision), disable, enable, remove, export and import", async () => {
    expect(await run("add", "漏水", "--category", "housing", "--severity", "2", "--variants", "渗水,漏雨")).toMatch(/added 漏水 \(housing, severity 2, problem\)/);
    expect(await run("test", "楼上漏雨了")).toMatch(/not a complaint: 漏水 would have flagged it \(a shadow keyword/);
    expect(await run("list", "--category", "housing")).toMatch(/^漏水\s+housing\s+2\s+problem\s+yes\s+0\s+0\s+0\s+-\s+shadow \(1 would-be hits; promote to act on it\)$/m); // the test above, counted
    expect(await run("promote", "漏水")).toMatch(/promoted 漏水/);
    await prisma.lexiconTerm.update({ where: { term: "漏水" }, data: { hits: 4, confirmed: 3, dismissed: 1 } });
    const list = await run("list", "--category", "housing");
    expect(list).toMatch(/^漏水\s+housing\s+2\s+problem\s+yes\s+4\s+3\s+1\s+75%\s*$/m);
    expect(list).toMatch(/1 keyword\(s\)/);
    await prisma.lexiconTerm.update({ where: { term: "漏水" }, data: { hits: 10, confirmed: 2, dismissed: 6 } });
    expect(await run("list", "--category", "housing")).toMatch(/^漏水\s+.*25%\s+REVIEW: precision under 50%$/m);
    expect(await run("disable", "漏水")).toMatch(/disabled 漏水/);
    expect(await run("test", "楼上漏雨了")).toMatch(/not a complaint/);
    await run("enable", "漏水");
    expect(await run("test", "楼上漏雨了")).toMatch(/complaint: housing/);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lexicon-export-")), "out.txt");
    await run("export", file);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^漏水 \| 2 \| problem \| 渗水, 漏雨$/m);
    fs.writeFileSync(file, "[noise]\n噪音 | 1\n");
    expect(await run("import", file)).toMatch(/1 added, 0 updated, 0 unchanged/);
    expect(await run("remove", "噪音")).toMatch(/removed 噪音/);
    const audits = [...(await findAuditEvents({ db: prisma, subject: "keyword:漏水" })), ...(await findAuditEvents({ db: prisma, subject: "keyword:噪音" }))];
    expect(audits.every((a) => a.actor.startsWith("cli:") && a.channel === "cli")).toBe(true);
    expect(audits.map((a) => a.action).sort()).toEqual(["lexicon.add", "lexicon.disable", "lexicon.enable", "lexicon.import", "lexicon.promote", "lexicon.remove"]);
    // history: the same events from the audit trail, newest first
    expect((await run("history", "漏水")).trim().split("\n").map((l) => l.split("\t")[3])).toEqual(["lexicon.enable", "lexicon.disable", "lexicon.promote", "lexicon.add"]);
    expect(await run("history", "--limit", "1")).toMatch(/^\S+\tcli:\S+\t-\tlexicon\.remove\tkeyword:噪音\t\{.*\} → null\n$/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("errors reject (for callers that handle them) and still close the context", async () => {
    await expect(run("remove", "无此词")).rejects.toThrow(/no keyword/);
    expect(opens).toBe(closes);
  });

  it("in the real CLI (exitOnError) bad input is one line on stderr and exit code 1, not a stack trace", async () => {
    const out = capture();
    const err = capture();
    const before = process.exitCode;
    try {
      await lexiconCommand(open, { stdout: out.stream, stderr: err.stream, exitOnError: true }).parseAsync(["remove", "无此词"], { from: "user" });
      expect(err.text()).toBe('gridlink lexicon: no keyword "无此词"\n');
      expect(process.exitCode).toBe(1);
      expect(out.text()).toBe("");
      expect(opens).toBe(closes);
    } finally {
      process.exitCode = before;
    }
  });
});

describe("gridlink classify", () => {
  const expected = (text: string) => expect.objectContaining({ text });

  it("classifies arguments, one exact JSON object per line", async () => {
    const out = capture();
    await classifyCommand({ stdout: out.stream }).parseAsync(["3栋又停电了", "电梯口见"], { from: "user" });
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('{"text":"3栋又停电了","complaint":true,"category":"utilities","severity":2,"keywords":["停电"]}');
    expect(JSON.parse(lines[1])).toEqual({ text: "电梯口见", complaint: false, category: null, severity: 0, keywords: [] });
  });

  it("reads stdin one message per line when given no arguments", async () => {
    const out = capture();
    await classifyCommand({ stdin: Readable.from(["楼上漏水了\n今天没停电吧\r\n", "\nthe lift is broken again\n"]), stdout: out.stream }).parseAsync([], { from: "user" });
    const rows = out.text().trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toEqual([expected("楼上漏水了"), expected("今天没停电吧"), expected(""), expected("the lift is broken again")]);
    expect(rows.map((r) => r.complaint)).toEqual([true, false, false, true]);
    expect(Object.keys(rows[0])).toEqual(["text", "complaint", "category", "severity", "keywords"]);
  });
});
