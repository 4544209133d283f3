// The learned second opinion: a naive Bayes classifier (natural's BayesClassifier) over character pairs,
// trained when first needed on lexicon/classifier/train.tsv — text this project wrote and labelled, never
// third-party data. It never overrides the lexicon: a line the lexicon did not flag is flagged only when the
// classifier is confident AND the message holds a problem predicate, and the explanation says so.
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

/** A trained classifier over the project's own labelled lines. */
export class ComplaintClassifier {
  private readonly bayes = new BayesClassifier(undefined, SMOOTHING);
  readonly documents: number;

  /** Train on `label TAB text` lines (comments with #); throws on an unknown label, naming the line. */
  constructor(file = TRAINING_FILE) {
    let n = 0;
    fs.readFileSync(file, "utf8").split("\n").forEach((raw, i) => {
      if (raw.trim() === "" || raw.startsWith("#")) return;
      const [label, ...rest] = raw.split("\t");
      if (label !== "chat" && !isCategory(label)) throw new Error(`${file}:${i + 1}: unknown label "${label}"`);
      const feats = features(rest.join("\t"));
      if (feats.length) { this.bayes.classifier.addExample(observation(feats), label); n++; }
    });
    this.documents = n;
  }

  /** The most likely label for a text, with its normalised probability; null for a text with no features. */
  classify(text: string): Opinion | null {
    const tokens = features(text);
    if (tokens.length === 0) return null;
    const all = this.bayes.classifier.getClassifications(observation(tokens));
    let total = 0;
    for (const c of all) total += c.value;
    const top = all.reduce((a, b) => (b.value > a.value ? b : a));
    return { label: top.label as Category | "chat", p: total > 0 ? top.value / total : 0 };
  }

  /**
   * The most likely complaint category (never chat, never other) and its share of the probability among
   * those categories — asked only about a line the lexicon already flagged with generic cues alone.
   */
  categoryOf(text: string): { label: Category; p: number } | null {
    const tokens = features(text);
    if (tokens.length === 0) return null;
    let total = 0;
    let top: { label: string; value: number } | null = null;
    for (const c of this.bayes.classifier.getClassifications(observation(tokens))) {
      if (c.label === "chat" || c.label === "other") continue;
      total += c.value;
      if (!top || c.value > top.value) top = c;
    }
    return top && total > 0 ? { label: top.label as Category, p: top.value / total } : null;
  }
}

let shared: ComplaintClassifier | null = null;
/** The classifier over the shipped training file, trained once per process on first use (≈ 10 ms). */
export function sharedClassifier(): ComplaintClassifier {
  shared ??= new ComplaintClassifier();
  return shared;
}

