// What one opinion of the learned second opinion costs: natural's own BayesClassifier (getClassifications on the
// features), trained on the same file, against the table nlp/classifier.ts folds from it — both in this process,
// on the project's held-out classifier lines (tests/fixtures/classifier-holdout.tsv), on normalised text.
//
//   node bin/run-ts.js bench/classifier-cost.ts [--rounds 5]
import fs from "node:fs";
import path from "node:path";
import { ComplaintClassifier, normalize } from "../nlp/index.js";
import { observationOf, trainNatural } from "./support/natural-twin.js";

const at = process.argv.indexOf("--rounds");
const rounds = at > 0 ? Number(process.argv[at + 1]) : 5;

const natural = trainNatural();
const table = new ComplaintClassifier();

const fixture = path.resolve(import.meta.dirname, "../tests/fixtures/classifier-holdout.tsv");
const lines = fs.readFileSync(fixture, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#")).map((l) => normalize(l.split("\t").slice(1).join("\t")));
const chars = lines.reduce((s, l) => s + l.length, 0) / lines.length;

/** Microseconds per line over `reps` passes of every line. */
function time(ask: (s: string) => unknown, reps: number): number {
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) for (const s of lines) ask(s);
  return Number(process.hrtime.bigint() - t0) / 1000 / (reps * lines.length);
}
const viaNatural = (s: string) => natural.getClassifications(observationOf(s));
const viaTable = (s: string) => table.classifyNormalized(s);
time(viaNatural, 20); time(viaTable, 200); // warm up both

console.log(`${lines.length} held-out lines, ${chars.toFixed(1)} characters on average; best of ${rounds} rounds`);
let bestNatural = Infinity, bestTable = Infinity;
for (let r = 0; r < rounds; r++) {
  bestNatural = Math.min(bestNatural, time(viaNatural, 50));
  bestTable = Math.min(bestTable, time(viaTable, 2000));
}
console.log(`natural getClassifications (features + opinion)  ${bestNatural.toFixed(2)} µs/line`);
console.log(`the folded table (classifyNormalized)            ${bestTable.toFixed(2)} µs/line`);
console.log(`ratio natural / table: ${(bestNatural / bestTable).toFixed(1)}×`);
