// Detection time per input size for the worst shapes found (issue 9 finding 2: keywords and guard words
// mixed in one long clause once took 9 s at 16 K characters and never finished at 64 K). Prints numbers
// only, no assertions. For each shape and size: `detect` with the shipped cap (MAX_ANALYSED_CHARS), the
// same detector with no cap (the analysis itself over the whole input, to show it is linear), and two
// linear baselines over the same input in the same process: `normalize(text)` and a plain scan that
// reads every code unit. Each figure is the median of --reps runs (default 5).
//
//   node bin/run-ts.js bench/detect-sizes.ts [--reps 5] [--max 200000] [--no-uncapped]
import { MAX_ANALYSED_CHARS, createDetector, loadLexiconDir, normalize } from "../nlp/index.js";

// === Options

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const REPS = arg("reps", 5);
const MAX = arg("max", 200_000);
const UNCAPPED = !process.argv.includes("--no-uncapped");
const SIZES = [1_000, 4_000, 16_000, 64_000, 200_000].filter((n) => n <= MAX);

// === Shapes (written for this bench; no third-party text)

const lexicon = loadLexiconDir();
const capped = createDetector(lexicon);
const uncapped = createDetector(lexicon, { maxChars: Number.POSITIVE_INFINITY });

let seed = 20261201;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** Every keyword surface and guard word of the shipped lexicon, in random order: the densest possible clause. */
const words: string[] = [];
for (const e of lexicon.entries) words.push(e.term, ...e.variants.map((v) => v.replace("…", "了三")));
for (const list of Object.values(lexicon.guards) as string[][]) words.push(...list.map((v) => v.replace("…", "了")));
function soup(n: number, sep: string): string {
  let s = "";
  while (s.length < n) s += words[Math.floor(rand() * words.length)] + sep;
  return s.slice(0, n);
}

const SHAPES: Array<[string, (n: number) => string]> = [
  ["keywords+guards, no punctuation", (n) => fill("电梯坏了没停电吗又漏水了如果停水怎么办反映社保关于问题希望解决", n)],
  ["one keyword repeated (停电)", (n) => fill("停电", n)],
  ["objects + frames (反映社保电梯学位)", (n) => fill("反映社保电梯学位", n)],
  ["object + predicate (电梯坏了)", (n) => fill("电梯坏了", n)],
  ["lexicon soup, no punctuation", (n) => soup(n, "")],
  ["lexicon soup, question marks", (n) => soup(n, "吗")],
  ["durations (三天停电了。)", (n) => fill("三天停电了。", n)],
  ["random CJK", (n) => Array.from({ length: n }, () => String.fromCharCode(0x4e00 + Math.floor(rand() * 20902))).join("")],
  ["English demands", (n) => fill("the lift is broken again fix it now ", n)],
  ["chatter, complaint at the end", (n) => fill("今天天气不错，大家出去走走吧。", n - 8) + "3栋又停电了。"],
];

// === Measuring

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(f: () => unknown): number {
  const runs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = process.hrtime.bigint();
    f();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(runs);
}
/** The plain-scan baseline: one read per code unit (what any linear pass must at least cost). */
function plainScan(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}

capped.detect("预热：电梯坏了"); // load jieba before timing anything
for (const [, make] of SHAPES) for (const n of SIZES.slice(0, 2)) { capped.detect(make(n)); uncapped.detect(make(n)); normalize(make(n)); }

console.log(`cap: ${MAX_ANALYSED_CHARS} characters analysed per message; median of ${REPS} runs per cell (ms)`);
console.log(`${"shape".padEnd(36)} ${"chars".padStart(7)} ${"detect".padStart(8)} ${"no cap".padStart(8)} ${"normalize".padStart(9)} ${"scan".padStart(6)} ${"no cap µs/char".padStart(14)}  verdict`);
let worst = 0;
for (const [name, make] of SHAPES) {
  for (const n of SIZES) {
    const text = make(n);
    const d = capped.detect(text);
    const tCapped = time(() => capped.detect(text));
    const tUncapped = UNCAPPED ? time(() => uncapped.detect(text)) : NaN;
    const tNorm = time(() => normalize(text));
    const tScan = time(() => plainScan(text));
    worst = Math.max(worst, tCapped);
    const perChar = UNCAPPED ? ((tUncapped * 1000) / n).toFixed(2) : "-";
    console.log(
      `${name.padEnd(36)} ${String(n).padStart(7)} ${tCapped.toFixed(1).padStart(8)} ${(UNCAPPED ? tUncapped.toFixed(1) : "-").padStart(8)} ${tNorm.toFixed(1).padStart(9)} ${tScan.toFixed(2).padStart(6)} ${perChar.padStart(14)}  ${d.complaint ? `complaint/${d.category}` : "quiet"}`,
    );
  }
}
console.log(`slowest capped detect: ${worst.toFixed(1)} ms (target ≤ 200 ms for any 200,000-character line)`);
console.log(`"no cap µs/char" flat across sizes = linear analysis; "normalize" and "scan" are the linear baselines of the same input.`);
