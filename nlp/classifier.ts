// The learned second opinion: a naive Bayes classifier (natural's BayesClassifier) over character pairs,
// trained when first needed on lexicon/classifier/train.tsv — text this project wrote and labelled, never
// third-party data. It never overrides the lexicon: a line the lexicon did not flag is flagged only when the
// classifier is confident AND the message has a complaint shape (a problem predicate, a request frame, a
// petition head, a [shape] word, a question about an object term: nlp/detector.ts), and the explanation says so.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { DEFAULT_LEXICON_DIR } from "./lexicon.js";
import { normalize } from "./normalize.js";
import { cut } from "./segment.js";
import { isCategory, type Category } from "./types.js";

const require = createRequire(import.meta.url);
// The one module, not natural's index (which loads every classifier, stemmer and storage adapter).
const BayesClassifier = require("natural/lib/natural/classifiers/bayes_classifier.js") as new (stemmer?: unknown, smoothing?: number) => {
  /** natural's typed handle on the underlying model (apparatus), which also takes sparse observations. */
  classifier: {
    addExample(observation: Record<number, string>, label: string): void;
    getClassifications(observation: Record<number, string>): Array<{ label: string; value: number }>;
  };
};

/**
 * A feature list as the sparse observation natural's model takes (an object, not an array: its values are
 * the features present). natural's own `addDocument`/`train` turn every document into a dense vector over the
 * whole vocabulary (documents × vocabulary work: 0.25 s for 330 lines, quadratic as the file grows); the
 * sparse form is the same model, trained and asked in time linear in the tokens.
 */
function observation(feats: string[]): Record<number, string> {
  return Object.assign({}, [...new Set(feats)]);
}

/** The training file: `label TAB text` per line, label a category code or `chat`. */
export const TRAINING_FILE = path.join(DEFAULT_LEXICON_DIR, "classifier", "train.tsv");

/**
 * Count given to a feature a class never saw (natural's default is 1, which, with ~10 lines per class,
 * flattens every opinion towards uniform; 0.1 lets two or three telling tokens decide).
 */
const SMOOTHING = 0.1;

/** Share of the (normalised) probability the top category needs to count as confident. */
export const CLASSIFIER_CONFIDENCE = 0.9;

/** Share the top category needs to name the category of a lexicon complaint whose keywords are all generic. */
export const CATEGORY_CONFIDENCE = 0.5;

/** One opinion: the most likely label and its share of the probability over all labels. */
export interface Opinion {
  label: Category | "chat";
  p: number;
}

/**
 * The words of a text: its jieba tokens with a Han character, two characters or more, and Latin words of
 * three letters or more — what `gridlink lexicon suggest` proposes as keywords (core/lexicon/suggest.ts).
 */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const t of cut(normalize(text))) if (t.length >= 2 && /\p{Script=Han}|[a-z]{3,}/u.test(t)) out.push(t);
  return out;
}

/**
 * Features of a text, normalised: every pair of neighbouring Han characters in a run (电梯坏了 gives 电梯,
 * 梯坏, 坏了 — the object, the object with its predicate, the predicate) and Latin words of three letters or
 * more. Character pairs, not jieba tokens: jieba's tokens change when a lexicon's terms are inserted as user
 * words (楼道灯坏了 comes out whole), so a model trained on tokens before a detector compiled its lexicon read
 * the same words differently when asked; pairs do not depend on any dictionary, need no segmentation, and
 * measured better on lines the model never saw (nlp/README.md, round 5).
 */
export function features(text: string): string[] {
  const out: string[] = [];
  for (const run of normalize(text).match(/\p{Script=Han}+|[a-z]{3,}/gu) ?? []) {
    if (run.charCodeAt(0) < 0x80) { out.push(run); continue; }
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/** Per BMP code unit: 1 when it is a Han character (the runs `features` pairs), else 0 — built once. */
const HAN = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) if (c < 0xd800 || c > 0xdfff) HAN[c] = /\p{Script=Han}/u.test(String.fromCharCode(c)) ? 1 : 0;

/**
 * A trained classifier over the project's own labelled lines. natural's BayesClassifier learns the counts;
 * asking it (`getClassifications`) builds a string per feature and walks every class's feature object, so
 * the trained counts are folded once into a table — per feature, per class, the log-ratio of its count to
 * the smoothing — and a line is scored with one Map read per character pair (an integer key, no string).
 * The same model: natural's score for a class is log prior + Σ over the line's features of
 * log((count or smoothing) / class total); the table holds that sum as n·log(smoothing / total) plus the
 * ratios of the features the class saw. Probabilities are normalised in log space (natural's own product
 * underflows to 0 past ~100 features, which it then reads as no opinion).
 */
export class ComplaintClassifier {
  readonly documents: number;
  private readonly labels: Array<Category | "chat">;
  /** Per class: log prior, and log(smoothing / class total) — what a feature the class never saw adds. */
  private readonly prior: Float64Array;
  private readonly unseen: Float64Array;
  /** Per BMP code unit: its index among the Han characters the training saw, plus one (0: never seen). */
  private readonly charIndex = new Uint16Array(65536);
  private readonly chars: number;
  /** Pair (first index × chars + second index) → its row; the other features (Latin words, astral pairs) → row. */
  private readonly pairs = new Map<number, number>();
  private readonly others = new Map<string, number>();
  /** Rows of per-class log(count / smoothing), `labels.length` per row. */
  private readonly rows: Float32Array;
  /** Scratch, reused per call: the call's stamp per row (a feature counts once), unseen pairs, scores. */
  private readonly stamp: Uint32Array;
  private call = 0;
  private readonly unknown = new Float64Array(64);
  /** Unseen pairs past the first 64 of a long text, and unseen Latin words, of the current call. */
  private readonly extra: number[] = [];
  private readonly words = new Set<string>();
  private readonly scores: Float64Array;

  /** Train on `label TAB text` lines (comments with #); throws on an unknown label, naming the line. */
  constructor(file = TRAINING_FILE) {
    const bayes = new BayesClassifier(undefined, SMOOTHING);
    let n = 0;
    fs.readFileSync(file, "utf8").split("\n").forEach((raw, i) => {
      if (raw.trim() === "" || raw.startsWith("#")) return;
      const [label, ...rest] = raw.split("\t");
      if (label !== "chat" && !isCategory(label)) throw new Error(`${file}:${i + 1}: unknown label "${label}"`);
      const feats = features(rest.join("\t"));
      if (feats.length) { bayes.classifier.addExample(observation(feats), label); n++; }
    });
    this.documents = n;
    const model = bayes.classifier as unknown as { classFeatures: Record<string, Record<string, number>>; classTotals: Record<string, number>; totalExamples: number; smoothing: number };
    this.labels = Object.keys(model.classFeatures) as Array<Category | "chat">;
    const k = this.labels.length;
    this.prior = new Float64Array(k);
    this.unseen = new Float64Array(k);
    this.scores = new Float64Array(k);
    let chars = 0;
    const vocabulary = new Set<string>();
    for (const label of this.labels) for (const feat of Object.keys(model.classFeatures[label]!)) vocabulary.add(feat);
    for (const feat of vocabulary) if (bmpPair(feat)) for (let j = 0; j < 2; j++) { const c = feat.charCodeAt(j); if (!this.charIndex[c]) this.charIndex[c] = ++chars; }
    this.chars = chars + 1;
    const rowOf = new Map<string, number>();
    for (const feat of vocabulary) {
      const row = rowOf.size;
      rowOf.set(feat, row);
      if (bmpPair(feat)) this.pairs.set(this.charIndex[feat.charCodeAt(0)]! * this.chars + this.charIndex[feat.charCodeAt(1)]!, row);
      else this.others.set(feat, row);
    }
    this.rows = new Float32Array(rowOf.size * k);
    this.stamp = new Uint32Array(rowOf.size);
    this.labels.forEach((label, c) => {
      const total = model.classTotals[label]!;
      this.prior[c] = Math.log(total / model.totalExamples);
      this.unseen[c] = Math.log(model.smoothing / total);
      for (const [feat, count] of Object.entries(model.classFeatures[label]!)) this.rows[rowOf.get(feat)! * k + c] = Math.log(count / model.smoothing);
    });
  }

  /**
   * Fill `scores` with each class's log score for a normalised text; returns how many distinct features it
   * has. The same features as `features()`: pairs of neighbouring Han characters within a run, Latin words
   * of three letters or more (a text with an astral character is read by `features()` itself).
   */
  private score(s: string): number {
    const { scores, charIndex, chars, pairs, stamp, words } = this;
    scores.set(this.prior);
    if (words.size) words.clear();
    const call = ++this.call;
    let n = 0, unknown = 0;
    let astral = false;
    for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c >= 0xd800 && c <= 0xdfff) { astral = true; break; } }
    if (astral) {
      for (const f of new Set(features(s))) {
        const row = bmpPair(f) ? pairs.get(charIndex[f.charCodeAt(0)]! * chars + charIndex[f.charCodeAt(1)]!) : this.others.get(f);
        n++;
        if (row !== undefined) this.addRow(row);
      }
    } else {
      let latinFrom = -1;
      for (let i = 0; i <= s.length; i++) {
        const c = i < s.length ? s.charCodeAt(i) : 0;
        if (c >= 97 && c <= 122) { if (latinFrom < 0) latinFrom = i; continue; }
        if (latinFrom >= 0) {
          if (i - latinFrom >= 3) {
            const w = s.slice(latinFrom, i);
            const row = this.others.get(w);
            if (row === undefined) { if (!words.has(w)) { words.add(w); n++; } }
            else if (stamp[row] !== call) { stamp[row] = call; n++; this.addRow(row); }
          }
          latinFrom = -1;
        }
        if (!HAN[c] || i + 1 >= s.length) continue;
        const d = s.charCodeAt(i + 1);
        if (!HAN[d]) continue;
        const a = charIndex[c]!, b = charIndex[d]!;
        const row = a && b ? pairs.get(a * chars + b) : undefined;
        if (row === undefined) { if (this.firstUnknown(c * 65536 + d, unknown)) { n++; unknown++; } }
        else if (stamp[row] !== call) { stamp[row] = call; n++; this.addRow(row); }
      }
    }
    for (let c = 0; c < scores.length; c++) scores[c] += n * this.unseen[c]!;
    return n;
  }

  private addRow(row: number): void {
    const { scores, rows } = this;
    const k = scores.length, at = row * k;
    for (let c = 0; c < k; c++) scores[c] += rows[at + c]!;
  }

  /** Is this pair the model never saw new in the call (a repeated one counts once)? Remembers it. */
  private firstUnknown(key: number, count: number): boolean {
    const u = this.unknown;
    if (count >= u.length) { for (const k of this.extra) if (k === key) return false; this.extra.push(key); return true; }
    for (let j = 0; j < count; j++) if (u[j] === key) return false;
    u[count] = key;
    if (count === 0) this.extra.length = 0;
    return true;
  }

  /** The most likely label for a text, with its normalised probability; null for a text with no features. */
  classify(text: string): Opinion | null {
    return this.classifyNormalized(normalize(text));
  }

  /** `classify` for text already normalised (nlp/normalize.ts), as the detector holds it. */
  classifyNormalized(s: string): Opinion | null {
    if (this.score(s) === 0) return null;
    return this.top(false);
  }

  /**
   * The most likely complaint category (never chat, never other) and its share of the probability among
   * those categories — asked only about a line the lexicon already flagged with generic cues alone.
   */
  categoryOf(text: string): { label: Category; p: number } | null {
    return this.categoryOfNormalized(normalize(text));
  }

  /**
   * `categoryOf` for text already normalised, scored once; with `unlessOther`, null too when the top label
   * over every class is other (the classifier agreeing that nothing more specific is meant).
   */
  categoryOfNormalized(s: string, unlessOther = false): { label: Category; p: number } | null {
    if (this.score(s) === 0) return null;
    if (unlessOther && this.top(false)!.label === "other") return null;
    const o = this.top(true);
    return o ? { label: o.label as Category, p: o.p } : null;
  }

  /** The top label and its share of the probability (log-sum-exp over the labels considered). */
  private top(categoriesOnly: boolean): Opinion | null {
    const { scores, labels } = this;
    let best = -1;
    for (let c = 0; c < scores.length; c++) {
      if (categoriesOnly && (labels[c] === "chat" || labels[c] === "other")) continue;
      if (best < 0 || scores[c]! > scores[best]!) best = c;
    }
    if (best < 0) return null;
    let total = 0;
    for (let c = 0; c < scores.length; c++) {
      if (categoriesOnly && (labels[c] === "chat" || labels[c] === "other")) continue;
      total += Math.exp(scores[c]! - scores[best]!);
    }
    return { label: labels[best]!, p: 1 / total };
  }
}

/** Is a feature a pair of two BMP Han characters (the pair table's keys)? */
function bmpPair(f: string): boolean {
  return f.length === 2 && HAN[f.charCodeAt(0)] === 1 && HAN[f.charCodeAt(1)] === 1;
}

let shared: ComplaintClassifier | null = null;
/** The classifier over the shipped training file, trained once per process on first use (≈ 10 ms). */
export function sharedClassifier(): ComplaintClassifier {
  shared ??= new ComplaintClassifier();
  return shared;
}

