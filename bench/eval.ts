// Evaluate the detector: the dev data split once into a tuning and a check half (bench/eval-sets.ts),
// reported separately — recall on complaint titles and on every row, mapped-category accuracy, a
// confusion matrix of board label × detected category, chat false alarms — then the project's own
// fixtures (P/R/F1, category accuracy).
//
//   npm run eval                      # GRIDLINK_EVAL_DIR overrides the data folder
//   npm run eval -- --misses          # also print the TUNING half's misses and wrong categories (never the check half's)
//   npm run eval -- --flagged         # print every flagged chat line of both halves (to tell false alarms from real grumbles)
import fs from "node:fs";
import path from "node:path";
import { CATEGORIES, detect } from "../nlp/index.js";
import { DEV_DIR } from "./dev-data.js";
import { FIXTURES, FIXTURE_DIR, evaluateHalf, loadFixture, score, type HalfReport } from "./eval-sets.js";

const showMisses = process.argv.includes("--misses");
const showFlagged = process.argv.includes("--flagged");
const pct = (a: number, b: number): string => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(1)}%`);

detect("预热"); // load jieba before anything else

function print(r: HalfReport): void {
  console.log(`== ${r.half} half`);
  console.log(`  titles:  recall ${r.titles.hit}/${r.titles.n} = ${pct(r.titles.hit, r.titles.n)}   mapped category ${r.titles.right}/${r.titles.hit} = ${pct(r.titles.right, r.titles.hit)}`);
  console.log(`  all rows: recall ${r.rows.hit}/${r.rows.n} = ${pct(r.rows.hit, r.rows.n)}   mapped category ${r.rows.right}/${r.rows.hit} = ${pct(r.rows.right, r.rows.hit)}`);
  console.log(`  chat lines flagged ${r.chat.flagged}/${r.chat.n} = ${pct(r.chat.flagged, r.chat.n)} (upper bound of the false-alarm rate: a few are real grumbles)`);
  const cats = CATEGORIES.filter((c) => [...r.confusion.values()].some((m) => m.has(c)));
  console.log(`  confusion (board label × detected category; rows of this half):`);
  console.log(`    ${"".padEnd(8, "　")} ${cats.map((c) => c.slice(0, 6).padStart(6)).join(" ")} missed`);
  for (const [label, m] of [...r.confusion].sort((a, b) => b[0].localeCompare(a[0]))) {
    console.log(`    ${label.padEnd(8, "　")} ${cats.map((c) => String(m.get(c) ?? "").padStart(6)).join(" ")} ${String(m.get("(missed)") ?? 0).padStart(6)}`);
  }
}

console.log(`data: ${DEV_DIR} (split by FNV-1a of the id: even → tuning, odd → check)`);
const tuning = evaluateHalf("tuning", detect);
const check = evaluateHalf("check", detect);
print(tuning);
print(check);
console.log(`== fixtures written for this project (${FIXTURE_DIR})`);
for (const f of FIXTURES) {
  if (!fs.existsSync(path.join(FIXTURE_DIR, f.file))) { console.log(`  ${f.file}: missing`); continue; }
  const r = score(loadFixture(f.file), detect);
  console.log(`  ${f.file.padEnd(24)} ${f.role.padEnd(18)} n=${r.tp + r.fp + r.fn + r.tn}  P ${r.precision.toFixed(3)}  R ${r.recall.toFixed(3)}  F1 ${r.f1.toFixed(3)}  category ${r.categoryAccuracy.toFixed(3)}`);
}
if (showFlagged) for (const r of [tuning, check]) { console.log(`flagged chat lines, ${r.half} half:`); for (const f of r.flaggedChat) console.log(`    ${f}`); }
if (showMisses) {
  console.log(`tuning half: missed (${tuning.misses.length})`);
  for (const m of tuning.misses) console.log(`    ${m}`);
  console.log(`tuning half: wrong category (${tuning.wrongCategory.length})`);
  for (const m of tuning.wrongCategory) console.log(`    ${m}`);
}
