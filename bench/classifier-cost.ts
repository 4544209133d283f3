// What one opinion of the learned second opinion costs: natural's own BayesClassifier (getClassifications on the
// features), trained on the same file, against the table nlp/classifier.ts folds from it — both in this process,
// on the project's held-out classifier lines (tests/fixtures/classifier-holdout.tsv), on normalised text.
//
//   node bin/run-ts.js bench/classifier-cost.ts [--rounds 5]
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { CLASSIFIER_TRAINING_FILE, ComplaintClassifier, classifierFeatures, normalize } from "../nlp/index.js";

const require = createRequire(import.meta.url);
const Bayes = require("natural/lib/natural/classifiers/bayes_classifier.js") as new (s?: unknown, smoothing?: number) => {
  classifier: { addExample(o: Record<number, string>, l: string): void; getClassifications(o: Record<number, string>): Array<{ label: string; value: number }> };
};
const at = process.argv.indexOf("--rounds");
const rounds = at > 0 ? Number(process.argv[at + 1]) : 5;

const natural = new Bayes(undefined, 0.1);
for (const raw of fs.readFileSync(CLASSIFIER_TRAINING_FILE, "utf8").split("\n")) {
  if (!raw.trim() || raw.startsWith("#")) continue;
  const [label, ...rest] = raw.split("\t");
  const f = classifierFeatures(rest.join("\t"));
  if (f.length) natural.classifier.addExample(Object.assign({}, [...new Set(f)]), label!);
}
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
const viaNatural = (s: string) => natural.classifier.getClassifications(Object.assign({}, [...new Set(classifierFeatures(s))]));
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
