// The curated lexicon in a real SQLite file: seeding, audited changes, precision, export/import.
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../core/infra/db.js";
import { AppError } from "../../core/infra/errors.js";
import {
  addTerm, disableTerm, enableTerm, enabledEntries, exportLexicon, getTerm, importLexicon, listTerms, removeTerm, seedLexicon, updateTerm,
} from "../../core/lexicon/store.js";
import { loadLexiconDir } from "../../nlp/index.js";
import { testDb, tinyLexiconDir } from "./helpers.js";
import { findAuditEvents } from "../../core/audit/find-audit-events.js";

let prisma: Db;
let cleanup: () => Promise<void>;
const dirs: string[] = [];
beforeEach(async () => ({ prisma, cleanup } = await testDb()));
afterEach(async () => {
  await cleanup();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tiny = (extra = "") => {
  const d = tinyLexiconDir(extra);
  dirs.push(d);
  return d;
};

async function expectAppError(p: Promise<unknown>, code: string): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

describe("seeding", () => {
  it("copies every shipped keyword into an empty table (shipped data: no audit events)", async () => {
    const added = await seedLexicon(prisma);
    const shipped = loadLexiconDir().entries;
    expect(added.length).toBe(shipped.length);
    expect(await prisma.lexiconTerm.count()).toBe(shipped.length);
    expect(await prisma.lexiconTerm.count({ where: { source: "seed" } })).toBe(shipped.length);
    expect(await prisma.auditEvent.count()).toBe(0); // shipped data, not an administrative change
    const row = await getTerm(prisma, "停电");
    expect(row).toMatchObject({ category: "utilities", severity: 2, kind: "problem", source: "seed", enabled: true });
    expect(row!.variants).toContain("断电");
    expect(await seedLexicon(prisma)).toEqual([]); // idempotent
  });

  it("never clobbers an admin's edit or brings back a removed term, but adds terms never seen", async () => {
    await seedLexicon(prisma, { dir: tiny() });
    await updateTerm(prisma, "停电", { severity: 3 }, "admin:li");
    await removeTerm(prisma, "停水", "admin:li");
    const added = await seedLexicon(prisma, { dir: tiny("漏水 | 2 | problem\n") });
    expect(added).toEqual(["漏水"]);
    expect((await getTerm(prisma, "停电"))!).toMatchObject({ severity: 3, source: "admin" });
    expect(await getTerm(prisma, "停水")).toBeNull();
  });
});

describe("changes", () => {
  beforeEach(async () => {
    await seedLexicon(prisma, { dir: tiny() });
  });

  it("add, update, enable, disable, remove — each audited with actor, before and after", async () => {
    const row = await addTerm(prisma, { term: "飞線充電", category: "safety", severity: 3, variants: ["私拉电线"] }, "admin:wang");
    expect(row).toMatchObject({ term: "飞线充电", lang: "zh", source: "admin", variants: ["私拉电线"] }); // normalised
    await updateTerm(prisma, "飞线充电", { severity: 2, variants: ["私拉电线", "拉线充电"] }, "admin:wang");
    await disableTerm(prisma, "飞线充电", "admin:wang");
    expect((await getTerm(prisma, "飞线充电"))!.enabled).toBe(false);
    expect((await enabledEntries(prisma)).some((e) => e.term === "飞线充电")).toBe(false);
    await enableTerm(prisma, "飞线充电", "admin:wang");
    await removeTerm(prisma, "飞线充电", "admin:wang");
    const audits = (await findAuditEvents({ db: prisma, subject: "keyword:飞线充电" })).reverse();
    expect(audits.map((a) => a.action)).toEqual(["lexicon.add", "lexicon.update", "lexicon.disable", "lexicon.enable", "lexicon.remove"]);
    expect(audits.every((a) => a.actor === "system:admin:wang" && a.at instanceof Date)).toBe(true); // no known channel: a system actor
    expect(audits[0].before).toBeNull();
    expect(audits[1].before).toMatchObject({ severity: 3, variants: ["私拉电线"] });
    expect(audits[1].after).toMatchObject({ severity: 2, variants: ["私拉电线", "拉线充电"] });
    expect(audits[4].before).toMatchObject({ term: "飞线充电", enabled: true });
    expect(audits[4].after).toBeNull();
  });

  it("rejects bad input, unknown terms and surfaces that belong to another keyword — without auditing", async () => {
    const before = await prisma.auditEvent.count();
    await expectAppError(addTerm(prisma, { term: "x", category: "weather" }, "a"), "bad_request");
    await expectAppError(addTerm(prisma, { term: "噪音", category: "noise", severity: 5 }, "a"), "bad_request");
    await expectAppError(addTerm(prisma, { term: "停电", category: "utilities" }, "a"), "conflict");
    await expectAppError(addTerm(prisma, { term: "没电", category: "utilities", variants: ["断电"] }, "a"), "conflict");
    await expectAppError(updateTerm(prisma, "不存在", { severity: 2 }, "a"), "not_found");
    await expectAppError(removeTerm(prisma, "不存在", "a"), "not_found");
    expect(await prisma.auditEvent.count()).toBe(before);
  });

  it("lists by category with hits, confirmed, dismissed and precision", async () => {
    await prisma.lexiconTerm.update({ where: { term: "停电" }, data: { hits: 10, confirmed: 6, dismissed: 2 } });
    const rows = await listTerms(prisma, { category: "utilities" });
    expect(rows.map((r) => r.term).sort()).toEqual(["停水", "停电", "电梯"].sort());
    const r = rows.find((x) => x.term === "停电")!;
    expect(r).toMatchObject({ hits: 10, confirmed: 6, dismissed: 2 });
    expect(r.precision).toBeCloseTo(0.75);
    expect(rows.find((x) => x.term === "停水")!.precision).toBeNull();
    expect(await listTerms(prisma, { category: "noise" })).toEqual([]);
  });

  it("export writes the file format; import adds and updates in one audited transaction", async () => {
    await disableTerm(prisma, "停水", "a");
    const text = await exportLexicon(prisma);
    expect(text).toMatch(/^\[utilities\]$/m);
    expect(text.split("\n")).toContain("停水 | 2 | problem |  | off");
    const r = await importLexicon(prisma, `${text}\n[noise]\n广场舞扰民 | 1\n`, "mine.txt", "admin:zhao");
    expect(r).toEqual({ added: ["广场舞扰民"], updated: [], unchanged: 3 });
    const r2 = await importLexicon(prisma, "[utilities]\n停电 | 3 | problem | 断电, 跳闸\n", "fix.txt", "admin:zhao");
    expect(r2.updated).toEqual(["停电"]);
    expect((await getTerm(prisma, "停电"))!).toMatchObject({ severity: 3, variants: ["断电", "跳闸"] });
    expect(await prisma.auditEvent.count({ where: { action: "lexicon.import", actor: "system:admin:zhao" } })).toBe(2);
  });

  it("a bad import line changes nothing and names file and line", async () => {
    const count = await prisma.lexiconTerm.count();
    const err = await expectAppError(importLexicon(prisma, "[noise]\n噪音 | 1\n吵 | 9\n", "bad.txt", "a"), "bad_request");
    expect(err.message).toMatch(/^bad\.txt:3: severity/);
    expect(await prisma.lexiconTerm.count()).toBe(count);
  });
});
