// What the learned second opinion (nlp/classifier.ts) contributes: the shipped detector against the same
// lexicon with `classifier: false`, on both dev halves (aggregates only: the check half's lines are never
// printed) and on the project's fixtures. Counts lines the classifier alone flags (complaint rows = right,
// chat lines = wrong) and the category decisions it makes (right / wrong against the lexicon's own).
//
//   node bin/run-ts.js bench/classifier-contrib.ts [--train file.tsv]
import { ComplaintClassifier, createDetector, loadLexiconDir, type Detection } from "../nlp/index.js";
import { readDevCsv } from "./dev-data.js";
import { FIXTURES, LABEL_MAP, halfOf, loadFixture, type Half } from "./eval-sets.js";

const at = process.argv.indexOf("--train");
const lexicon = loadLexiconDir();
const without = createDetector(lexicon, { classifier: false });
without.detect("电梯坏了三天没人修"); // load jieba and the normaliser's tables first
const t0 = performance.now();
const classifier = at > 0 ? new ComplaintClassifier(process.argv[at + 1]) : new ComplaintClassifier();
console.log(`classifier trained on ${classifier.documents} lines in ${(performance.now() - t0).toFixed(0)} ms`);
const withC = createDetector(lexicon, { classifier });

interface Tally { alone: number; aloneRight: number; chatAlone: number; cat: number; catRight: number; catWasRight: number; recall: [number, number]; catAll: [number, number] }
const fresh = (): Tally => ({ alone: 0, aloneRight: 0, chatAlone: 0, cat: 0, catRight: 0, catWasRight: 0, recall: [0, 0], catAll: [0, 0] });

function compare(a: Detection, b: Detection, ok: (d: Detection) => boolean, t: Tally, chat: boolean): void {
  if (a.complaint && !b.complaint) {
    if (chat) t.chatAlone++;
    else { t.alone++; if (ok(a)) t.aloneRight++; }
  } else if (a.complaint && b.complaint && a.category !== b.category) {
    t.cat++; if (ok(a)) t.catRight++; if (ok(b)) t.catWasRight++;
  }
}

for (const half of ["tuning", "check"] as Half[]) {
  const t = fresh();
  for (const row of readDevCsv("citizen_messages_zh.csv")) {
    if (halfOf(row.id) !== half) continue;
    const a = withC.detect(row.short ?? ""), b = without.detect(row.short ?? "");
    const ok = (d: Detection) => d.complaint && (LABEL_MAP[row.label] ?? []).includes(d.category!);
    compare(a, b, ok, t, false);
    t.recall[1]++; if (a.complaint) t.recall[0]++; if (ok(a)) t.catAll[0]++;
  }
  for (const row of readDevCsv("chat_lines_zh.csv")) {
    if (halfOf(row.id) !== half) continue;
    compare(withC.detect(row.text ?? ""), without.detect(row.text ?? ""), () => false, t, true);
  }
  console.log(`${half.padEnd(6)} half: classifier alone flags ${t.alone} rows (${t.aloneRight} in a right category), ${t.chatAlone} chat lines; ` +
    `changes the category of ${t.cat} rows (now right ${t.catRight}, right before ${t.catWasRight}); rows flagged ${t.recall[0]}/${t.recall[1]}, right category ${t.catAll[0]}`);
}
for (const f of FIXTURES) {
  let alone = 0, aloneFalse = 0, cat = 0, catRight = 0, catWasRight = 0;
  for (const l of loadFixture(f.file)) {
    const a = withC.detect(l.text), b = without.detect(l.text);
    if (a.complaint && !b.complaint) { if (l.complaint) alone++; else aloneFalse++; }
    else if (a.complaint && b.complaint && a.category !== b.category && l.complaint) { cat++; if (a.category === l.category) catRight++; if (b.category === l.category) catWasRight++; }
  }
  console.log(`${f.file.padEnd(24)} classifier alone: ${alone} complaints, ${aloneFalse} false alarms; category changed ${cat} (now right ${catRight}, right before ${catWasRight})`);
}
