// Gridlink's NLP: normalisation, segmentation, the lexicon model and complaint detection.
// Pure and synchronous after load; no database, no network. Core codes against this file only.
import { createDetector } from "./detector.js";
import { loadLexiconDir } from "./lexicon.js";
import type { Detection, Detector } from "./types.js";

export { CATEGORIES, LexiconError, isCategory } from "./types.js";
export type { Category, Detection, Detector, Guards, KeywordHit, Lexicon, LexiconEntry, SuppressReason } from "./types.js";
export { CATEGORY_LABELS } from "./categories.js";
export { normalize } from "./normalize.js";
export { highlight } from "./highlight.js";
export { MAX_ANALYSED_CHARS, createDetector } from "./detector.js";
export { ComplaintClassifier, TRAINING_FILE as CLASSIFIER_TRAINING_FILE, features as classifierFeatures, words as textFeatures } from "./classifier.js";
export type { DetectorOptions } from "./detector.js";
export {
  DEFAULT_LEXICON_DIR, emptyGuards, formatLexicon, langOf, canonicalSurface, loadGuards, loadLexiconDir, mergeLexicon, parseLexiconFile,
  validateEntry,
} from "./lexicon.js";
export type { EntryInput, ParsedLexiconFile } from "./lexicon.js";

let shipped: Detector | null = null;

/** The detector over the shipped lexicon/ files, built on first use (loads jieba: ~1 s, ~300 MB, once). */
export function defaultDetector(): Detector {
  shipped ??= createDetector(loadLexiconDir());
  return shipped;
}

/** Detect with the shipped lexicon. Core's live detector (DB-curated terms) uses createDetector instead. */
export function detect(text: string): Detection {
  return defaultDetector().detect(text);
}
export * from "./intent/index.js";
