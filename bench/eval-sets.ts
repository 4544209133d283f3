// The measurement behind `npm run eval` and the floors in tests/nlp/eval-floors.test.ts.
//
// The third-party dev rows (../shared/data/dev, read at run time, never copied) are split ONCE into a
// tuning half and a check half by a fixed hash of each row's id (FNV-1a 32, lowest bit): look only at the
// tuning half's misses, judge every change by the check half and by the project's own fixtures.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Category, Detection } from "../nlp/index.js";
import { readDevCsv } from "./dev-data.js";

/** Which half a dev row belongs to. */
export type Half = "tuning" | "check";

/** FNV-1a 32 of the id; even → tuning, odd → check. Fixed: never re-split after looking at results. */
export function halfOf(id: string): Half {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h & 1 ? "check" : "tuning";
}

/** The board's first-level labels → Gridlink categories counted as right (from the data README). */
export const LABEL_MAP: Record<string, Category[]> = {
  城乡建设: ["housing", "utilities", "safety", "traffic"],
  环境保护: ["environment", "noise"],
  交通运输: ["traffic"],
  教育文体: ["education"],
  劳动和社会保障: ["employment", "social_security"],
  商贸旅游: ["market"],
  卫生计生: ["health"],
};

/** One half's figures: recall on titles and on every row, mapped-category accuracy, chat false-alarm rate. */
export interface HalfReport {
  half: Half;
  titles: { n: number; hit: number; right: number };
  rows: { n: number; hit: number; right: number };
  chat: { n: number; flagged: number };
  /** board label → detected category (null: missed) → count, over every row of the half. */
  confusion: Map<string, Map<string, number>>;
  misses: string[];
  wrongCategory: string[];
  flaggedChat: string[];
}

/** Score one half of the dev data with a detector. */
export function evaluateHalf(half: Half, detect: (t: string) => Detection): HalfReport {
  const r: HalfReport = {
    half, titles: { n: 0, hit: 0, right: 0 }, rows: { n: 0, hit: 0, right: 0 }, chat: { n: 0, flagged: 0 },
    confusion: new Map(), misses: [], wrongCategory: [], flaggedChat: [],
  };
  for (const row of readDevCsv("citizen_messages_zh.csv")) {
    if (halfOf(row.id) !== half) continue;
    const d = detect(row.short ?? "");
    const sets = row.short_kind === "title" ? [r.titles, r.rows] : [r.rows];
    const ok = d.complaint && (LABEL_MAP[row.label] ?? []).includes(d.category!);
    for (const s of sets) { s.n++; if (d.complaint) s.hit++; if (ok) s.right++; }
    const byLabel = r.confusion.get(row.label) ?? new Map<string, number>();
    const key = d.complaint ? d.category! : "(missed)";
    byLabel.set(key, (byLabel.get(key) ?? 0) + 1);
    r.confusion.set(row.label, byLabel);
    if (!d.complaint) r.misses.push(`${row.label}\t${row.short}\t${d.explanation}`);
    else if (!ok) r.wrongCategory.push(`${row.label} → ${d.category}\t${row.short}\t${d.explanation}`);
  }
  for (const row of readDevCsv("chat_lines_zh.csv")) {
    if (halfOf(row.id) !== half) continue;
    r.chat.n++;
    const d = detect(row.text ?? "");
    if (d.complaint) { r.chat.flagged++; r.flaggedChat.push(`${row.id}\t${d.category}\t${d.keywords.map((k) => k.term).join(",")}\t${row.text}`); }
  }
  return r;
}

// === The project's own labelled fixtures

/** One labelled line of a fixture file: complaint (1/0) TAB category (- for none) TAB text. */
export interface LabelledLine {
  line: number;
  complaint: boolean;
  category: Category | null;
  text: string;
}

export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "tests", "fixtures");

/** Parse a fixture file; \uXXXX escapes stand for invisible characters. */
export function loadFixture(file: string): LabelledLine[] {
  const out: LabelledLine[] = [];
  fs.readFileSync(path.isAbsolute(file) ? file : path.join(FIXTURE_DIR, file), "utf8").split("\n").forEach((raw, i) => {
    if (raw.trim() === "" || raw.startsWith("#")) return;
    const [label, category, ...rest] = raw.split("\t");
    const text = rest.join("\t").replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    out.push({ line: i + 1, complaint: label === "1", category: category === "-" ? null : (category as Category), text });
  });
  return out;
}

/** Precision, recall, F1 of the complaint flag and category accuracy on true positives, plus the mistakes. */
export function score(lines: LabelledLine[], detect: (t: string) => Detection) {
  let tp = 0, fp = 0, fn = 0, tn = 0, catRight = 0;
  const mistakes: string[] = [];
  for (const l of lines) {
    const d = detect(l.text);
    if (d.complaint && l.complaint) {
      tp++;
      if (d.category === l.category) catRight++;
      else mistakes.push(`line ${l.line} category ${d.category} ≠ ${l.category}: ${l.text}`);
    } else if (d.complaint) { fp++; mistakes.push(`line ${l.line} false alarm (${d.explanation}): ${l.text}`); }
    else if (l.complaint) { fn++; mistakes.push(`line ${l.line} missed (${d.explanation}): ${l.text}`); }
    else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, tn, precision, recall, f1, categoryAccuracy: tp ? catRight / tp : 1, mistakes };
}

/** The fixture files `npm run eval` reports: the tuning fixture and the held-out ones. */
export const FIXTURES = [
  { file: "detection.tsv", role: "tuning fixture" },
  { file: "detection-holdout.tsv", role: "held out" },
  { file: "detection-holdout2.tsv", role: "held out" },
  { file: "detection-en.tsv", role: "English, held out" },
  { file: "detection-petitions.tsv", role: "petitions, held out" },
  { file: "detection-shapes.tsv", role: "shapes, held out" },
] as const;
