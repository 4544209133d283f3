// Chinese word segmentation. The ONLY file that imports nodejieba (it is native, ~0.9 s and ~300 MB
// to load): the dictionary is loaded once per process and lexicon terms are inserted as user words
// into that same instance, so rebuilding a detector after a lexicon change costs milliseconds.
import { fileURLToPath } from "node:url";
import nodejieba from "nodejieba";

/**
 * jieba's keyword extractor (idf.utf8, 6 MB) is never used here; loading a one-entry stand-in instead takes
 * over a second off every start (bench/start.ts, "dictionaries"). Segmentation reads only jieba.dict and the HMM.
 */
const IDF_STUB = fileURLToPath(new URL("./jieba-idf-stub.utf8", import.meta.url));

let loaded = false;
/** Words already considered: inserted, or found to be dictionary words. */
const known = new Set<string>();

/** Load the jieba dictionaries if this process has not yet. */
export function loadSegmenter(): void {
  if (loaded) return;
  nodejieba.load({ idfDict: IDF_STUB });
  loaded = true;
}

/**
 * Add user words so lexicon terms come out as tokens. Only words jieba would split on their own are
 * inserted: inserting a word it already knows replaces that word's dictionary frequency with the (much
 * lower) user-word default, and then 「个小学学位」 came out as 个|小|学学|位 — 小学 and 学位 lost.
 * Words already added are skipped; jieba cannot forget a word, so a removed term stays a user word —
 * harmless, it only keeps that string in one piece.
 */
export function addUserWords(words: Iterable<string>): number {
  loadSegmenter();
  let added = 0;
  for (const w of words) {
    if (w.length < 2 || known.has(w)) continue;
    known.add(w);
    const alone = nodejieba.cut(w, false);
    if (alone.length === 1 && alone[0] === w) continue; // a dictionary word already
    nodejieba.insertWord(w);
    added++;
  }
  return added;
}

/** jieba's precise mode with HMM for unknown words: `cut(text, true)`. */
export function cut(text: string): string[] {
  loadSegmenter();
  return nodejieba.cut(text, true);
}

/**
 * Dictionary sub-words of one long token (jieba's search mode): 「噪声污染」→ 噪声, 污染. The detector
 * uses them to accept a keyword that is one part of a compositional compound, never one that is
 * glued to a stray character (电梯口, 停车场).
 */
export function subwords(token: string): string[] {
  loadSegmenter();
  return nodejieba.cutForSearch(token, true);
}
