// The quick scan in front of the detector may only skip messages that the full path (normalise, match,
// segment, guards) would find quiet. Compared here line by line against a detector without it, on the
// fixtures and on generated lines that put object terms and predicates or frames at every distance, across
// clause and sentence breaks, with invisible characters, emoji, full-width punctuation and expansions.
import { describe, expect, it } from "vitest";
import { createDetector, defaultDetector, loadLexiconDir, validateEntry, type Detection, type Detector, type Lexicon } from "../../nlp/index.js";
import { loadFixture } from "./fixture-set.js";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
const lexicon = loadLexiconDir();
const fast = defaultDetector();
const full = createDetector(lexicon, { prefilter: false });

/** The verdict without the explanation's wording for quiet object-only lines (the quick scan has no term list). */
function verdict(d: Detection): string {
  const objectOnly = !d.complaint && d.keywords.length === 0 && d.suppressed.length === 0 && /without a problem predicate$/.test(d.explanation);
  return JSON.stringify(objectOnly ? { ...d, explanation: "object term without a predicate" } : d);
}

function mismatches(texts: string[], a: Detector = fast, b: Detector = full): string[] {
  const out: string[] = [];
  for (const t of texts) if (verdict(a.detect(t)) !== verdict(b.detect(t))) out.push(t);
  return out;
}

/** A small seeded generator, so a failure names lines that can be re-run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("quick scan (prefilter)", () => {
  it("agrees with the full path on every fixture line", () => {
    const texts = ["detection.tsv", "detection-holdout.tsv", "detection-holdout2.tsv"]
      .flatMap((f) => loadFixture(path.join(FIXTURES, f)).map((l) => l.text));
    expect(texts.length).toBeGreaterThan(600);
    expect(mismatches(texts)).toEqual([]);
  });

  it("agrees on object terms with predicates and frames at every distance, across breaks and odd characters", () => {
    const rand = rng(20261121);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const objects = lexicon.entries.filter((e) => e.kind === "object" && e.lang === "zh" && !e.term.includes("…")).map((e) => e.term);
    const predicates = lexicon.guards.predicates ?? [];
    const frames = (lexicon.guards.frame ?? []).filter((f) => !f.includes("…"));
    expect(objects.length).toBeGreaterThan(20);
    expect(predicates.length).toBeGreaterThan(20);
    const filler = "我们楼下那个地方最近一直都是这样的情况大家";
    const seps = ["", "", "", "，", "。", "！", "？", ",", "、", "：", "\n", "\u200b", "😀", "…", " "];
    const texts: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const obj = pick(objects);
      const other = rand() < 0.75 ? pick(predicates) : pick(frames);
      const gap = filler.slice(0, Math.floor(rand() * 16));
      const cut = Math.floor(rand() * (gap.length + 1));
      const mid = gap.slice(0, cut) + pick(seps) + gap.slice(cut);
      const line = rand() < 0.5 ? `${pick(seps)}${obj}${mid}${other}了` : `${other}${mid}${obj}${pick(seps)}`;
      // Sometimes a second object or predicate elsewhere in the line, far or near.
      const extra = rand() < 0.3 ? pick(objects) + pick(seps) : rand() < 0.3 ? pick(predicates) + filler.slice(0, Math.floor(rand() * 12)) : "";
      texts.push(rand() < 0.5 ? extra + line : line + extra);
    }
    // The predicate must reach the full path when it is close: make sure the generator covers both outcomes.
    const complaints = texts.filter((t) => full.detect(t).complaint).length;
    expect(complaints).toBeGreaterThan(200);
    expect(complaints).toBeLessThan(texts.length - 200);
    expect(mismatches(texts)).toEqual([]);
  });

  it("agrees where raw and normalised places differ: combining marks, invisible characters, expansions", () => {
    const texts = [
      "电梯" + "e\u0301".repeat(8) + "坏了", // é merges two characters into one: distances shrink
      "电梯" + "ａ\u0301".repeat(6) + "坏了",
      "停" + "ᾇ".normalize("NFD").repeat(4) + "水", // 停…水 with its gap shrunk by composition
      "电梯" + "\u200b".repeat(14) + "还是坏了", // invisible characters vanish
      "电梯" + "…".repeat(5) + "坏了", // … becomes ...
      "x\ud800\u0301电梯坏了",
    ];
    expect(texts.filter((t) => full.detect(t).complaint).length).toBeGreaterThanOrEqual(4);
    expect(mismatches(texts)).toEqual([]);
  });

  it("agrees with admins' own terms: a break inside an object, an English frame, emoji in a predicate", () => {
    const base = loadLexiconDir();
    const lexicon: Lexicon = {
      ...base,
      entries: [...base.entries, validateEntry({ term: "水、电", category: "utilities", kind: "object", severity: 2 })],
      guards: { ...base.guards, predicates: [...(base.guards.predicates ?? []), "💢💢"], frame: [...(base.guards.frame ?? []), "petition"] },
    };
    const custom = createDetector(lexicon);
    const customFull = createDetector(lexicon, { prefilter: false });
    const texts = ["又坏了水、电", "petition 路灯", "我要 petition 电梯维修", "路灯💢💢", "电梯又坏💢"];
    expect(texts.filter((t) => customFull.detect(t).complaint).length).toBeGreaterThanOrEqual(4);
    expect(mismatches(texts, custom, customFull)).toEqual([]);
  });

  it("skips chatter whose object term and predicate cannot pair, and keeps the close ones", () => {
    // 电梯 (object) and 坏 (predicate): in one clause and close, a complaint; in two sentences, chatter.
    expect(fast.detect("电梯又坏了").complaint).toBe(true);
    // With the lexicon alone the quick scan answers these itself (its explanation names no term); the full
    // path agrees. With the learned second opinion on (the default) they take the full path, since the
    // classifier may read an object and a far predicate together — and still find them quiet.
    const lexiconOnly = createDetector(lexicon, { classifier: false });
    for (const t of ["电梯口见，我今天中午和朋友们一起去吃饭，心情坏了", "电梯口见。我的手机坏了"]) {
      expect(lexiconOnly.detect(t).explanation, t).toBe("not a complaint: an object term without a problem predicate");
      expect(full.detect(t).complaint, t).toBe(false);
      expect(fast.detect(t).complaint, t).toBe(false);
    }
    // One clause break away and close, the scan passes a predicate on (a comment clause may follow the
    // object: 「三号楼的外墙，安全堪忧」); the full path pairs it only when that clause is short, opens with the
    // predicate and names no object of its own — and both paths agree.
    for (const [t, want] of [["三号楼的外墙，安全堪忧", true], ["电梯口见，今天的菜真坏了心情", false], ["电梯口见，手机坏了", false], ["电梯口见，我在楼下等你，刚才手机摔坏了", false]] as const) {
      expect(full.detect(t).complaint, t).toBe(want);
      expect(fast.detect(t).complaint, t).toBe(want);
    }
  });
});
