// Incident clustering on the labelled pairs (tests/fixtures/cluster-pairs.tsv): precision, recall, the
// misses, and the decision's cost per pair against a baseline (the detector alone) in the same run.
// Run: node bin/run-ts.js bench/cluster.ts
import { performance } from "node:perf_hooks";
import { detect } from "../nlp/index.js";
import { sameIncident } from "../core/tickets/cluster.js";
import { evaluateClusterPairs, readClusterPairs } from "./cluster-eval.js";

const pairs = readClusterPairs();
const r = evaluateClusterPairs(detect, pairs);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`cluster pairs: ${r.n} (${pairs.filter((p) => p.expect === "join").length} join, ${pairs.filter((p) => p.expect === "apart").length} apart)`);
console.log(`precision ${r.truePositive}/${r.truePositive + r.falsePositive} = ${pct(r.precision)}   recall ${r.truePositive}/${r.truePositive + r.falseNegative} = ${pct(r.recall)}   (a side not detected as a complaint: ${r.undetected})`);
for (const w of r.wrong) console.log(`  ${w.expect === "join" ? "missed" : "WRONG JOIN"} line ${w.line} [${w.where}, ${w.minutes} min] 「${w.first}」 / 「${w.later}」: ${w.reason}`);

// Cost: the decision per pair vs detecting the later complaint (what intake does anyway), same run.
const items = pairs.map((p) => {
  const d = detect(p.later);
  return { text: p.later, category: d.category ?? "other", keywords: d.keywords.map((k) => k.term), groupId: 1, grid: "g", at: new Date() };
});
const rounds = 200;
let t = performance.now();
for (let i = 0; i < rounds; i++) for (const p of pairs) detect(p.later);
const detectUs = ((performance.now() - t) * 1000) / (rounds * pairs.length);
t = performance.now();
for (let i = 0; i < rounds; i++) for (let j = 0; j < items.length; j++) sameIncident(items[j], items[(j + 1) % items.length]);
const decideUs = ((performance.now() - t) * 1000) / (rounds * items.length);
console.log(`decision ${decideUs.toFixed(1)} µs/pair vs detector ${detectUs.toFixed(1)} µs/line (baseline): ratio ${(decideUs / detectUs).toFixed(2)}`);
