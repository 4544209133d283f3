// Detector speed and memory on a realistic group-chat mix, against bare segmentation in the same process.
// Prints numbers only (no assertions): messages/s for `nodejieba.cut(text, true)` and for `detect(text)`,
// their ratio, p50/p99 per message, and RSS after load. Target: detect ≥ 10× bare cut, p99 ≤ 1 ms.
//
//   node bin/run-ts.js bench/detect.ts [--messages 20000] [--complaints 0.03] [--keyword-chatter 0.07] [--rounds 41] [--warmup-ms 3000] [--dev]
//
// The mix is generated from templates written for this project (no third-party text): mostly chatter,
// some of it mentioning keywords (notices, negations, questions, 电梯口见), and a share of complaints,
// each padded to about 30 characters.
import nodejieba from "nodejieba"; // the baseline only; nlp/segment.ts is the detector's single import
import { defaultDetector } from "../nlp/index.js";
import { readDevCsv } from "./dev-data.js";

// === Options

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const MESSAGES = arg("messages", 20000);
const COMPLAINT_SHARE = arg("complaints", 0.03);
const KEYWORD_CHATTER_SHARE = arg("keyword-chatter", 0.07);

// === The mix

// mulberry32: a small seeded generator, so every run measures the same mix.
let seed = 20240611;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const CHATTER = [
  "今天下午三点在小区门口集合，大家别迟到啊", "谢谢王阿姨送的饺子，很好吃", "有没有人一起去买菜的？",
  "孩子放学了吗？我在校门口等着呢", "明天天气怎么样，要不要带伞", "收到，谢谢社区的工作人员辛苦了",
  "晚上七点楼下广场见，带上孩子一起来玩", "哈哈哈这个视频太好笑了", "周末有人去爬山吗？约一下",
  "刚才的快递是谁的，放在门卫那里了", "新开的那家面馆味道不错，推荐大家去尝尝", "早上好各位邻居👋",
  "好的好的，我马上下来", "群里有人知道哪里修自行车吗", "这周六社区有免费理发活动，老人可以去",
  "我家孩子的作业本落在你家了", "下雨了，晾的衣服赶紧收一下", "👍👍👍", "有谁家的小狗跑出来了，白色的",
  "今天菜市场的西红柿很便宜", "ok，收到", "感谢大家的帮忙，东西已经找到了", "几点开会？我可能晚点到",
];
const KEYWORD_CHATTER = [
  "电梯口见，我穿红衣服", "停电通知：明早8点至12点线路检修，请提前做好准备", "明天几点停水？要不要提前接点水",
  "今天没停电吧？我在外面", "物业说电梯已经修好了，谢谢物业", "学校明天开家长会，记得去", "医院的体检报告出来了",
  "社区明天下午有消防安全宣传活动", "我刚从超市回来，买了好多水果", "老师说作业要家长签字", "老板今天请客吃饭",
  "如果停电的话记得把冰箱里的东西拿出来", "燃气公司通知下周入户安全检查", "公交车上人好多啊",
];
const COMPLAINTS = [
  "3栋又停电了，已经两个小时了", "楼道里有人飞线充电，太危险了", "失业了去哪登记，有人知道吗",
  "电梯又坏了，老人上不了楼", "楼上漏水漏到我家天花板了", "停了三天水了有人管吗？", "小区门口的路灯不亮好几天了",
  "垃圾桶满了没人清理，臭死了", "楼下装修太吵了，大清早就开始砸墙", "有人在楼道里堆杂物，堵了消防通道",
  "工地半夜施工，吵得睡不着觉", "公司拖欠工资三个月了，怎么办", "下水道堵了，污水都冒出来了", "有车一直违停堵住出口",
  "闻到一股煤气味，是不是燃气泄漏了", "独居的李奶奶摔倒了，快来人帮忙",
];
const PAD = "，大家看看吧。";

function message(): { text: string; kind: Kind } {
  const r = rand();
  const kind = r < COMPLAINT_SHARE ? "complaint" : r < COMPLAINT_SHARE + KEYWORD_CHATTER_SHARE ? "keyword-chatter" : "chatter";
  let text = pick(kind === "complaint" ? COMPLAINTS : kind === "keyword-chatter" ? KEYWORD_CHATTER : CHATTER);
  // Pad or join to about 30 characters, as chat lines are.
  while (text.length < 24) text += kind === "chatter" ? "，" + pick(CHATTER) : PAD;
  // Flatten: chat messages arrive as flat strings from JSON, not as the rope V8 builds for `+=`.
  return { text: Buffer.from(text.slice(0, 40)).toString(), kind };
}

type Kind = "chatter" | "keyword-chatter" | "complaint";

/**
 * `--dev`: instead of the templates, real lines from ../shared/data/dev (read at run time, never copied):
 * chat_lines_zh.csv's lines as they are (shorter than 30 characters: ~15), and after every
 * 1 / COMPLAINT_SHARE of them a `short` from citizen_messages_zh.csv (complaint titles, ~22 characters).
 */
function devMix(): Array<{ text: string; kind: Kind }> {
  const chat = readDevCsv("chat_lines_zh.csv").map((r) => r.text).filter(Boolean);
  const complaints = readDevCsv("citizen_messages_zh.csv").map((r) => r.short).filter(Boolean);
  const out: Array<{ text: string; kind: Kind }> = [];
  const every = Math.round(1 / COMPLAINT_SHARE);
  for (let i = 0; out.length < MESSAGES; i++) {
    out.push({ text: chat[i % chat.length], kind: "chatter" });
    if (i % every === every - 1) out.push({ text: complaints[(i / every) % complaints.length | 0], kind: "complaint" });
  }
  return out.slice(0, MESSAGES);
}

const DEV = process.argv.includes("--dev");
const mix = DEV ? devMix() : Array.from({ length: MESSAGES }, message);
const counts = { chatter: 0, "keyword-chatter": 0, complaint: 0 };
for (const m of mix) counts[m.kind]++;
const avgLen = mix.reduce((a, m) => a + m.text.length, 0) / mix.length;

// === Measure
// Throughput: ROUNDS passes over the whole mix without per-message timers, the baseline's and the
// detector's passes alternating (cut, detect, cut, detect …) so that a burst of load on this shared machine
// lands on both sides rather than on whichever ran at that moment; each side reports its median pass, and
// the ratio is also given as the median of the per-round ratios.
// Warm-up: V8 compiles the detector's full path (10% of the lines) only after thousands of calls, so one
// pass is not enough to reach the speed a long-running worker has; both sides alternate untimed passes for
// WARMUP_MS first (each side's first pass is printed too, as the cold figure).
// Latency: one more pass per side timing each message, for p50/p99.

const ROUNDS = arg("rounds", 41);
const WARMUP_MS = arg("warmup-ms", 3000);

interface Side { label: string; fn: (s: string) => unknown; passes: number[] }

function pass(fn: (s: string) => unknown): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < mix.length; i++) fn(mix[i].text);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function latencies(fn: (s: string) => unknown): { p50: number; p99: number } {
  const lat = new Float64Array(mix.length);
  for (let i = 0; i < mix.length; i++) {
    const a = process.hrtime.bigint();
    fn(mix[i].text);
    lat[i] = Number(process.hrtime.bigint() - a) / 1e3;
  }
  lat.sort();
  return { p50: lat[Math.floor(lat.length * 0.5)], p99: lat[Math.floor(lat.length * 0.99)] };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(sides: Side[]): void {
  const cold = sides.map((side) => pass(side.fn));
  console.log(`first pass after load (cold): ${sides.map((side, k) => `${side.label} ${Math.round(mix.length / cold[k]).toLocaleString("en")} msg/s`).join(", ")}`);
  for (const start = Date.now(); Date.now() - start < WARMUP_MS; ) for (const side of sides) pass(side.fn);
  for (let r = 0; r < ROUNDS; r++) for (const side of sides) side.passes.push(pass(side.fn));
  for (const side of sides) {
    const { p50, p99 } = latencies(side.fn);
    const sorted = [...side.passes].sort((a, b) => a - b);
    const perSec = mix.length / median(side.passes);
    const spread = `${Math.round(mix.length / sorted[sorted.length - 1]).toLocaleString("en")}–${Math.round(mix.length / sorted[0]).toLocaleString("en")}`;
    console.log(`${side.label.padEnd(26)} ${Math.round(perSec).toLocaleString("en").padStart(11)} msg/s (passes ${spread})   p50 ${p50.toFixed(1).padStart(5)} µs   p99 ${p99.toFixed(1).padStart(6)} µs`);
  }
}

const t0 = Date.now();
nodejieba.load();
const detector = defaultDetector();
const loadMs = Date.now() - t0;
const rss = process.memoryUsage().rss;

console.log(`mix${DEV ? " (--dev: real lines from ../shared/data/dev)" : ""}: ${mix.length} messages, avg ${avgLen.toFixed(1)} chars — ${counts.chatter} chatter, ${counts["keyword-chatter"]} chatter with keywords, ${counts.complaint} complaints`);
console.log(`load (jieba dictionaries + lexicon): ${loadMs} ms; RSS after load ${(rss / 2 ** 20).toFixed(0)} MB`);
const base: Side = { label: "nodejieba.cut(text, true)", fn: (s) => nodejieba.cut(s, true), passes: [] };
const det: Side = { label: "detect(text)", fn: (s) => detector.detect(s), passes: [] };
measure([base, det]);
const flagged = mix.filter((m) => detector.detect(m.text).complaint).length;
// Where detect's time goes: the best of several passes over each kind of message.
const perKind: string[] = [];
for (const kind of ["chatter", "keyword-chatter", "complaint"] as const) {
  const texts = mix.filter((m) => m.kind === kind).map((m) => m.text);
  if (texts.length === 0) continue;
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (const t of texts) detector.detect(t);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / texts.length);
  }
  perKind.push(`${kind} ${best.toFixed(2)} µs`);
}
console.log(`detect per message by kind (best pass): ${perKind.join(", ")}`);
const ratio = median(base.passes) / median(det.passes);
const paired = median(base.passes.map((t, r) => t / det.passes[r]));
console.log(`ratio detect / cut: ${ratio.toFixed(1)}× (median of per-round ratios ${paired.toFixed(1)}×)   (complaints flagged ${flagged}; RSS now ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB)`);
