// Evaluate the detector on the third-party development data in ../shared/data/dev (read at run time,
// never copied into the repo): recall on citizen_messages_zh.csv's `short` column (every row is a
// complaint), mapped-category accuracy on those hits, and the false-alarm rate on chat_lines_zh.csv,
// printing every flagged chat line so a human can tell false alarms from real grumbles.
//
//   npm run eval                      # GRIDLINK_EVAL_DIR overrides the data folder
//   npm run eval -- --misses          # also print the complaints the detector missed
import { detect, type Category } from "../nlp/index.js";
import { DEV_DIR, readDevCsv } from "./dev-data.js";

// === Inputs

const showMisses = process.argv.includes("--misses");

/** The board's first-level labels → Gridlink categories counted as right (from the data README). */
const LABEL_MAP: Record<string, Category[]> = {
  城乡建设: ["housing", "utilities", "safety", "traffic"],
  环境保护: ["environment", "noise"],
  交通运输: ["traffic"],
  教育文体: ["education"],
  劳动和社会保障: ["employment", "social_security"],
  商贸旅游: ["market"],
  卫生计生: ["health"],
};

const pct = (a: number, b: number): string => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(1)}%`);

// === Citizen messages: recall and category accuracy

detect("预热"); // load jieba before timing anything
const citizens = readDevCsv("citizen_messages_zh.csv");
let hits = 0;
let rightCategory = 0;
const perLabel = new Map<string, { n: number; hit: number; right: number }>();
const confusion = new Map<string, number>();
const misses: string[] = [];
for (const row of citizens) {
  const d = detect(row.short ?? "");
  const stat = perLabel.get(row.label) ?? { n: 0, hit: 0, right: 0 };
  stat.n++;
  if (d.complaint) {
    hits++;
    stat.hit++;
    const ok = (LABEL_MAP[row.label] ?? []).includes(d.category!);
    if (ok) { rightCategory++; stat.right++; } else confusion.set(`${row.label} → ${d.category}`, (confusion.get(`${row.label} → ${d.category}`) ?? 0) + 1);
  } else misses.push(`${row.label}\t${row.short}\t${d.explanation}`);
  perLabel.set(row.label, stat);
}

// === Chat lines: false alarms

const chats = readDevCsv("chat_lines_zh.csv");
const flagged: string[] = [];
const t0 = process.hrtime.bigint();
for (const row of chats) {
  const d = detect(row.text ?? "");
  if (d.complaint) flagged.push(`${row.id}\t${d.category}\t${d.keywords.map((k) => k.term).join(",")}\t${row.text}`);
}
const chatMs = Number(process.hrtime.bigint() - t0) / 1e6;

// === Report

console.log(`data: ${DEV_DIR}`);
console.log(`citizen_messages_zh.csv short: ${citizens.length} complaints`);
console.log(`  recall                      ${hits}/${citizens.length} = ${pct(hits, citizens.length)}`);
console.log(`  mapped-category accuracy    ${rightCategory}/${hits} = ${pct(rightCategory, hits)} of detected`);
console.log(`  per label (recall, category accuracy):`);
for (const [label, s] of [...perLabel].sort((a, b) => b[1].n - a[1].n))
  console.log(`    ${label.padEnd(8, "　")} n=${String(s.n).padStart(3)}  recall ${pct(s.hit, s.n).padStart(6)}  category ${pct(s.right, s.hit).padStart(6)}`);
console.log(`  most common category confusions:`);
for (const [k, v] of [...confusion].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    ${v}\t${k}`);
console.log(`chat_lines_zh.csv: ${chats.length} everyday lines (${(chatMs / chats.length * 1000).toFixed(1)} µs/line)`);
console.log(`  flagged as complaints       ${flagged.length}/${chats.length} = ${pct(flagged.length, chats.length)} (upper bound of the false-alarm rate; check by hand below)`);
for (const f of flagged) console.log(`    ${f}`);
if (showMisses) {
  console.log(`missed complaints (${misses.length}):`);
  for (const m of misses) console.log(`    ${m}`);
}
