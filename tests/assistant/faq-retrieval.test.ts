// FAQ retrieval on held-out phrasings (tests/fixtures/assistant-faq.tsv): the shipped lexicon/faq entries
// must answer other ways of asking, and must not answer service questions they do not cover (a wrong
// answer in a residents' group is worse than "I don't know").
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FAQ_MIN_SCORE } from "../../core/assistant/faq-live.js";
import { loadFaqDir } from "../../core/assistant/faq-store.js";
import { createRetriever } from "../../nlp/index.js";

const rows = fs.readFileSync(path.join(import.meta.dirname, "..", "fixtures", "assistant-faq.tsv"), "utf8").split(/\r?\n/).filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t") as [string, string]);

describe("FAQ retrieval", () => {
  it("answers held-out phrasings with the right entry: precision ≥ 0.95, recall ≥ 0.85 (measured 1.000 / 0.903)", () => {
    const entries = loadFaqDir();
    const index = createRetriever(entries.map((e) => ({ id: e.key, texts: e.questions })));
    const shipped = new Set(entries.flatMap((e) => e.questions));
    expect(rows.filter(([, q]) => shipped.has(q))).toEqual([]); // held out: none is a shipped question
    expect(rows.filter(([k]) => k !== "none" && !entries.some((e) => e.key === k))).toEqual([]);
    let tp = 0, fp = 0, fn = 0;
    const wrong: string[] = [];
    for (const [key, q] of rows) {
      const hit = index.search(q, { limit: 1, minScore: FAQ_MIN_SCORE })[0];
      if (hit && hit.id === key) tp++;
      else if (hit) { fp++; wrong.push(`${q} → ${hit.id}`); }
      if (key !== "none" && hit?.id !== key) fn++;
    }
    const precision = tp / (tp + fp), recall = tp / (tp + fn);
    console.log(`FAQ retrieval on ${rows.length} held-out questions: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (tp ${tp}, fp ${fp}, fn ${fn})${wrong.length ? "; wrong: " + wrong.join(", ") : ""}`);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.85);
  });
});
