// The shipped lexicon and its file format: validation names file and line; export round-trips.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  CATEGORIES, CATEGORY_LABELS, LexiconError, createDetector, formatLexicon, loadLexiconDir, mergeLexicon, parseLexiconFile,
} from "../../nlp/index.js";

function lexiconError(fn: () => unknown): LexiconError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LexiconError);
    return err as LexiconError;
  }
  throw new Error("expected a LexiconError");
}

describe("shipped lexicon", () => {
  const lx = loadLexiconDir();

  it("has at least 230 distinct keywords with severities, variants, English entries and both kinds", () => {
    const terms = new Set(lx.entries.map((e) => e.term));
    expect(terms.size).toBe(lx.entries.length);
    expect(terms.size).toBeGreaterThanOrEqual(230);
    expect(lx.entries.every((e) => [1, 2, 3].includes(e.severity))).toBe(true);
    expect(lx.entries.filter((e) => e.variants.length > 0).length).toBeGreaterThan(200);
    expect(lx.entries.filter((e) => e.lang === "en").length).toBeGreaterThanOrEqual(40);
    expect(lx.entries.filter((e) => e.kind === "object").length).toBeGreaterThanOrEqual(30);
    for (const c of CATEGORIES) expect(lx.entries.some((e) => e.category === c), c).toBe(true);
    for (const t of ["停电", "漏水", "失业", "欠薪", "power outage", "no water", "lost my job", "leak", "broken elevator"])
      expect(terms.has(t), t).toBe(true);
    expect(lx.entries.find((e) => e.term === "电梯")?.kind).toBe("object");
  });

  it("has every guard list", () => {
    for (const [k, v] of Object.entries(lx.guards)) expect(v.length, k).toBeGreaterThan(0);
    expect(lx.guards.negation).toContain("没");
    expect(lx.guards.notice).toContain("通知");
    expect(lx.guards.question).toContain("吗");
    expect(lx.guards.grievance).toContain("又");
  });

  it("is found from the module, not the working directory", () => {
    const cwd = process.cwd();
    try {
      process.chdir(os.tmpdir());
      expect(loadLexiconDir().entries.length).toBe(lx.entries.length);
    } finally {
      process.chdir(cwd);
    }
  });

  it("labels every category in Chinese and English", () => {
    for (const c of CATEGORIES) {
      expect(CATEGORY_LABELS[c].zh).toMatch(/\p{Script=Han}/u);
      expect(CATEGORY_LABELS[c].en.length).toBeGreaterThan(0);
    }
  });
});

describe("lexicon file format", () => {
  it("parses terms, kinds, variants, gaps, English and the off flag", () => {
    const p = parseLexiconFile("# c\n[utilities]\n停電 | 2 | problem | 断电, 停…电  # trailing comment\n电表 | 1 | object\nno power | 2 |  | blackout | off\n", "t.txt");
    expect(p.entries).toHaveLength(3);
    expect(p.entries[0]).toMatchObject({ term: "停电", severity: 2, kind: "problem", lang: "zh", variants: ["断电", "停…电"], enabled: true, source: "t.txt:3" });
    expect(p.entries[1]).toMatchObject({ term: "电表", kind: "object", variants: [] });
    expect(p.entries[2]).toMatchObject({ term: "no power", lang: "en", kind: "problem", enabled: false });
  });

  it("names file and line for a malformed line, unknown category, duplicate, bad severity or kind", () => {
    let e = lexiconError(() => parseLexiconFile("[utilities]\n停电 | 2\n停电 | 3 | problem\n", "a.txt"));
    expect([e.file, e.line]).toEqual(["a.txt", 3]);
    expect(e.message).toMatch(/^a\.txt:3: duplicate term "停电"/);
    e = lexiconError(() => parseLexiconFile("\n[weather]\n下雨 | 1\n", "b.txt"));
    expect([e.file, e.line]).toEqual(["b.txt", 2]);
    expect(e.message).toMatch(/unknown category/);
    e = lexiconError(() => parseLexiconFile("[noise]\n吵 | 1 | problem | a | off | extra\n", "c.txt"));
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/malformed/);
    e = lexiconError(() => parseLexiconFile("[noise]\n\n噪音 | 5\n", "d.txt"));
    expect(e.message).toBe("d.txt:3: severity must be 1, 2 or 3, got \"5\"");
    e = lexiconError(() => parseLexiconFile("[noise]\n噪音 | 1 | thing\n", "e.txt"));
    expect(e.message).toMatch(/^e\.txt:2: kind must be/);
    e = lexiconError(() => parseLexiconFile("噪音 | 1\n", "f.txt"));
    expect(e.message).toMatch(/^f\.txt:1: line outside/);
    e = lexiconError(() => parseLexiconFile("[noise]\n噪音 | 1 | problem | 吵…\n", "g.txt"));
    expect(e.message).toMatch(/gapped/);
  });

  it("catches a duplicate across files (also after normalisation: 停電 = 停电)", () => {
    const a = { file: "a.txt", ...parseLexiconFile("[utilities]\n停电 | 2\n", "a.txt") };
    const b = { file: "b.txt", ...parseLexiconFile("[housing]\n\n漏水 | 2 | problem | 停電\n", "b.txt") };
    const e = lexiconError(() => mergeLexicon([a, b]));
    expect([e.file, e.line]).toEqual(["b.txt", 3]);
    expect(e.message).toMatch(/already defined at a\.txt:2/);
  });

  it("loadLexiconDir reports the offending file relative to the working directory", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lexicon-"));
    try {
      fs.mkdirSync(path.join(dir, "keywords"));
      fs.writeFileSync(path.join(dir, "keywords", "x.txt"), "[noise]\n噪音 | 1\n噪音 | 2\n");
      const e = lexiconError(() => loadLexiconDir(dir));
      expect(e.file).toMatch(/keywords[\\/]x\.txt$/);
      expect(e.line).toBe(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("export writes the same format back (round trip of the shipped lexicon)", () => {
    const lx = loadLexiconDir();
    const text = formatLexicon(lx.entries);
    const again = parseLexiconFile(text, "export.txt").entries;
    expect(again.map(({ source: _s, ...e }) => e)).toEqual(lx.entries.map(({ source: _s, ...e }) => e));
  });
});

describe("createDetector", () => {
  it("builds from given entries; disabled entries are ignored; rebuilding adds new words", () => {
    const guards = loadLexiconDir().guards;
    const base = { term: "楼道堆物", category: "disputes" as const, severity: 1 as const, kind: "problem" as const, lang: "zh" as const, variants: [], enabled: true };
    const one = createDetector({ entries: [base], guards });
    expect(one.detect("楼道堆物没人管").category).toBe("disputes");
    expect(one.detect("3栋又停电了").complaint).toBe(false); // not in this lexicon
    const off = createDetector({ entries: [{ ...base, enabled: false }], guards });
    expect(off.detect("楼道堆物没人管").complaint).toBe(false);
    const more = createDetector({ entries: [base, { ...base, term: "鸽子扰民", category: "environment" }], guards });
    expect(more.detect("对面鸽子扰民太严重了").category).toBe("environment");
    expect(more.lexicon.entries).toHaveLength(2);
  });
});
