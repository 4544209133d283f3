// English matching for English-speaking groups: lexicon surfaces compiled to Porter-stem sequences, the
// Latin words of a message, and the stem-sequence matcher. Beside english.ts (tokenizer and stemmer).
import { englishWords, stem, stemPhrase } from "./english.js";
import { GAP } from "./lexicon.js";
import { isLatin, type EnPattern, type Token } from "./pipeline.js";
import type { LexiconEntry } from "./types.js";

/** A lexicon surface as a stem sequence (`exact`: also the exact words, see EnPattern.words). */
export function compileEnglish(surface: string, entry: LexiconEntry | null, mask: number, exact = false): EnPattern | null {
  const parts = surface.split(GAP);
  const head = stemPhrase(parts[0]);
  const tail = parts[1] ? stemPhrase(parts[1]) : [];
  const stems = [...head, ...tail];
  if (stems.length === 0) return null;
  const words = exact ? parts.flatMap((p) => englishWords(p).map((w) => w.word)) : null;
  return { entry, mask, surface, stems, gapAt: tail.length ? head.length : -1, words };
}

/** A short prefix every inflection of a surface's most specific word shares (for the quick scan). */
export function englishPrefix(surface: string): string {
  let best = "";
  for (const w of englishWords(surface.replace(GAP, " "))) {
    const st = stem(w.word);
    let k = 0;
    while (k < st.length && k < w.word.length && st[k] === w.word[k]) k++;
    const pre = w.word.slice(0, Math.min(k, 4));
    if (pre.length > best.length) best = pre;
  }
  return best;
}

/** English token runs matching stem sequences (words must be adjacent but for whitespace, except at a gap). */
export function matchEnglish(latin: Token[], patterns: Map<string, EnPattern[]>, s: string): Array<{ p: EnPattern; start: number; end: number }> {
  const out: Array<{ p: EnPattern; start: number; end: number }> = [];
  for (let i = 0; i < latin.length; i++) {
    const list = patterns.get(latin[i].stem!);
    if (!list) continue;
    for (const p of list) {
      if (p.words && latin[i].text !== p.words[0]) continue;
      let j = i;
      let ok = true;
      for (let k = 1; k < p.stems.length && ok; k++) {
        if (k === p.gapAt) {
          let found = -1;
          for (let g = j + 1; g <= Math.min(latin.length - 1, j + 4); g++) if (latin[g].stem === p.stems[k] && (!p.words || latin[g].text === p.words[k])) { found = g; break; }
          if (found < 0) ok = false; else j = found;
          continue;
        }
        const nx = latin[j + 1];
        if (!nx || nx.stem !== p.stems[k] || (p.words && nx.text !== p.words[k]) || s.slice(latin[j].end, nx.start).trim() !== "") ok = false;
        else j++;
      }
      if (ok) out.push({ p, start: latin[i].start, end: latin[j].end });
    }
  }
  return out;
}

/** Latin-script words of the normalised text (natural's tokenizer), with Porter stems. */
export function latinTokens(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    if (!isLatin(s.charCodeAt(i))) { i++; continue; }
    let j = i;
    let letters = false; // punctuation-only runs (the commas of a Chinese line) have no words
    for (; j < s.length && isLatin(s.charCodeAt(j)); j++) if (s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) letters = true;
    if (letters) {
      for (const w of englishWords(s.slice(i, j))) tokens.push({ start: i + w.start, end: i + w.end, text: w.word, stem: stem(w.word) });
    }
    i = j;
  }
  return tokens;
}
