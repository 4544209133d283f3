// Generalisation on tests/fixtures/detection-holdout.tsv: 79 chat lines written after the last tuning
// round and never used to tune. Measured when written: P 0.96, R 0.47, F1 0.63, category 0.86 on the
// detected lines (two earlier held-out rounds measured R 0.63 and 0.53 before they joined the tuning set).
// The detector is built for precision (a false ticket costs a grid worker a visit; a missed grumble is
// usually repeated), so the floors keep precision high and guard recall against falling further:
// P ≥ 0.90 (at most ~2 false alarms among 32 chatter lines), R ≥ 0.40, F1 ≥ 0.55, category ≥ 0.80.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { detect } from "../../nlp/index.js";
import { loadFixture, score } from "./fixture-set.js";

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "detection-holdout.tsv");

describe("held-out fixture", () => {
  it("scores above the floors", () => {
    const lines = loadFixture(FILE);
    expect(lines.length).toBeGreaterThanOrEqual(75);
    const r = score(lines, detect);
    const report = `P ${r.precision.toFixed(3)} R ${r.recall.toFixed(3)} F1 ${r.f1.toFixed(3)} category ${r.categoryAccuracy.toFixed(3)}\n${r.mistakes.join("\n")}`;
    expect(r.precision, report).toBeGreaterThanOrEqual(0.9);
    expect(r.recall, report).toBeGreaterThanOrEqual(0.4);
    expect(r.f1, report).toBeGreaterThanOrEqual(0.55);
    expect(r.categoryAccuracy, report).toBeGreaterThanOrEqual(0.8);
  });
});
