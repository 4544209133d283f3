// English words for English-speaking groups: natural's word tokenizer and Porter stemmer, so that
// "leaking", "leaked" and "leak" are one keyword.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// Import the two modules directly: natural's index pulls in every classifier and storage adapter.
const { WordTokenizer } = require("natural/lib/natural/tokenizers/regexp_tokenizer.js") as {
  WordTokenizer: new () => { tokenize(s: string): string[] };
};
const PorterStemmer = require("natural/lib/natural/stemmers/porter_stemmer.js") as { stem(s: string): string };

const tokenizer = new WordTokenizer();
const stemCache = new Map<string, string>();

/** Porter stem of one lower-case word (cached: chat vocabularies are small). */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = PorterStemmer.stem(word);
    if (stemCache.size < 50_000) stemCache.set(word, s);
  }
  return s;
}

/** Words of a Latin-script span with their offsets inside it. "isn't" gives "isn" + "not". */
export function englishWords(span: string): Array<{ word: string; start: number; end: number }> {
  const words: Array<{ word: string; start: number; end: number }> = [];
  let pos = 0;
  for (const w of tokenizer.tokenize(span)) {
    const at = span.indexOf(w, pos);
    if (at < 0) continue;
    pos = at + w.length;
    const word = w === "t" && span[at - 1] === "'" ? "not" : w.toLowerCase();
    words.push({ word, start: at, end: pos });
  }
  return words;
}

/** The stems of a lexicon surface ("power outages" → ["power", "outag"]). */
export function stemPhrase(phrase: string): string[] {
  return englishWords(phrase).map((w) => stem(w.word));
}
