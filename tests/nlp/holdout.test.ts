// Generalisation on held-out fixtures: chat lines written before a tuning round and never used to tune.
//
// tests/fixtures/detection-holdout.tsv: 79 lines written after the third tuning round. Measured when written:
// P 0.96, R 0.47, F1 0.63, category 0.86 on the detected lines (two earlier held-out rounds measured R 0.63
// and 0.53 before they joined the tuning set).
// tests/fixtures/detection-holdout2.tsv: 102 lines (62 complaints, 40 chatter lines, many with keywords:
// notices, negations, questions, casual use) written before the general-vocabulary round. Measured when
// written, before that round: P 0.964, R 0.435, F1 0.600, category 0.815.
// After the general-vocabulary round (tuned without looking at either file's mistakes):
// holdout P 0.964 R 0.574 F1 0.720 category 0.889; holdout2 P 0.979 R 0.758 F1 0.855 category 0.915.
// After jieba stopped losing dictionary words to the lexicon's user words (小学, 学位 — nlp/segment.ts):
// holdout P 0.966 R 0.596 F1 0.737 category 0.893; holdout2 unchanged.
// The detector is built for precision (a false ticket costs a grid worker a visit; a missed grumble is
// usually repeated), so the floors keep precision high and guard recall against falling back:
// P ≥ 0.90 (at most ~2–3 false alarms among the chatter lines); recall floors leave about three (holdout,
// 47 complaints) and five (holdout2, 62 complaints) lines of drift below the measured value, F1 and category
// follow from those.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { detect } from "../../nlp/index.js";
import { loadFixture, score } from "./fixture-set.js";

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

const ROUNDS = [
  { file: "detection-holdout.tsv", minLines: 75, precision: 0.9, recall: 0.5, f1: 0.65, category: 0.8 },
  { file: "detection-holdout2.tsv", minLines: 80, precision: 0.9, recall: 0.65, f1: 0.75, category: 0.85 },
  // English (30 complaints, 20 chatter / repaired lines), written before the English demand change:
  // measured P 1.000 R 0.400 before it (demands read as repairs), P 1.000 R 0.967 category 1.000 after.
  { file: "detection-en.tsv", minLines: 50, precision: 0.9, recall: 0.85, f1: 0.88, category: 0.9 },
  // Petitions (58 requests and policy questions to the authorities, 30 chat lines about the same services),
  // written after the petition rule was built and before it was measured here; never tuned on. Measured:
  // P 0.975 R 0.672 category 0.897 with the detector before round 3, P 0.978 R 0.776 category 0.844 after;
  // round 6 (the classifier on lines with a complaint shape): P 0.980 R 0.845 category 0.857; with round 6's
  // category rules on top, category 0.878 (npm run eval).
  { file: "detection-petitions.tsv", minLines: 85, precision: 0.9, recall: 0.78, f1: 0.8, category: 0.78 },
  // Shapes (30 complaints with the shape of one — a right denied, money withheld, work lost, a question to whoever
  // serves — often with no object term, 30 chat lines with the same shapes), written in round 6 before the
  // round's detector was measured on them; never tuned on. Measured: P 0.857 R 0.400 category 0.917 at the
  // round's start, P 0.895 R 0.567 category 0.941 after.
  { file: "detection-shapes.tsv", minLines: 60, precision: 0.85, recall: 0.5, f1: 0.62, category: 0.85 },
];

describe("held-out fixtures", () => {
  for (const round of ROUNDS) {
    it(`${round.file} scores above the floors`, () => {
      const lines = loadFixture(path.join(DIR, round.file));
      expect(lines.length).toBeGreaterThanOrEqual(round.minLines);
      const r = score(lines, detect);
      const report = `P ${r.precision.toFixed(3)} R ${r.recall.toFixed(3)} F1 ${r.f1.toFixed(3)} category ${r.categoryAccuracy.toFixed(3)}\n${r.mistakes.join("\n")}`;
      expect(r.precision, report).toBeGreaterThanOrEqual(round.precision);
      expect(r.recall, report).toBeGreaterThanOrEqual(round.recall);
      expect(r.f1, report).toBeGreaterThanOrEqual(round.f1);
      expect(r.categoryAccuracy, report).toBeGreaterThanOrEqual(round.category);
    });
  }
});
