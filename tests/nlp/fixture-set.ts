// Labelled fixture files written for this project (tests/fixtures/*.tsv) and their scoring: one
// implementation, shared with `npm run eval` (bench/eval-sets.ts).
import path from "node:path";
import { FIXTURE_DIR, loadFixture as load, score } from "../../bench/eval-sets.js";

export type { LabelledLine } from "../../bench/eval-sets.js";
export { score };

/** Parse a fixture file (default tests/fixtures/detection.tsv); \uXXXX escapes stand for invisible characters. */
export function loadFixture(file = path.join(FIXTURE_DIR, "detection.tsv")) {
  return load(file);
}
