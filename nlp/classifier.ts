// The learned second opinion: a naive Bayes classifier (natural's BayesClassifier) over jieba tokens,
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
  addDocument(tokens: string[], label: string): void;
  train(): void;
  getClassifications(tokens: string[]): Array<{ label: string; value: number }>;
};

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

/** Features of a text: its jieba tokens with a Han character, two characters or more (no stop-word noise). */
export function features(text: string): string[] {
  const out: string[] = [];
  for (const t of cut(normalize(text))) if (t.length >= 2 && /\p{Script=Han}|[a-z]{3,}/u.test(t)) out.push(t);
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
      const tokens = features(rest.join("\t"));
      if (tokens.length) { this.bayes.addDocument(tokens, label); n++; }
    });
    this.documents = n;
    this.bayes.train();
  }

  /** The most likely label for a text, with its normalised probability; null for a text with no features. */
  classify(text: string): Opinion | null {
    const tokens = features(text);
    if (tokens.length === 0) return null;
    const all = this.bayes.getClassifications(tokens);
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
    for (const c of this.bayes.getClassifications(tokens)) {
      if (c.label === "chat" || c.label === "other") continue;
      total += c.value;
      if (!top || c.value > top.value) top = c;
    }
    return top && total > 0 ? { label: top.label as Category, p: top.value / total } : null;
  }
}

let shared: ComplaintClassifier | null = null;
/** The classifier over the shipped training file, trained once per process on first use (~10 ms). */
export function sharedClassifier(): ComplaintClassifier {
  shared ??= new ComplaintClassifier();
  return shared;
}
