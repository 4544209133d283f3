// Compiling a lexicon: one Aho-Corasick automaton over every Chinese keyword surface, guard word and
// predicate (plus English prefixes that wake the quick scan), the quick scan's flags, English stem
// patterns and the guard word sets. Built once per lexicon change; jieba user words inserted here.
import { Automaton } from "./automaton.js";
import { compileEnglish, englishPrefix } from "./english-match.js";
import type { GuardWords } from "./guards.js";
import { GAP } from "./lexicon.js";
import { Q_ASK, QUESTION, FRAME, GUARD_BITS, HELP, PETITION, PRED, RESOLVED, isShapeCue, Q_SHAPE, Q_COMMENT, Q_ENGLISH, Q_FRAME, Q_GAPPED, Q_LOOSE, Q_OBJECT, Q_PREDICATE, Q_PROBLEM, pushMap, type EnPattern, type ZhPattern } from "./pipeline.js";
import { QuickMatcher } from "./quick-scan.js";
import { addUserWords, loadSegmenter } from "./segment.js";
import type { Lexicon } from "./types.js";

/** A guard word or predicate of the automaton: its cue kinds, and a gapped frame's tails. */
export interface CueMeta {
  text: string;
  mask: number;
  punct: boolean;
  tails: string[] | null;
  /** A petition head's remedies (请 … 安装, 修建 …): one must follow in the sentence; null: not a petition head. */
  remedies?: string[] | null;
}

/**
 * A compiled lexicon. Pattern ids [0, cueBase) of `ac` are zh keyword surfaces (gapped: the head,
 * described by termMeta), [cueBase, cueBase + cueMeta.length) zh guard words and predicates, the rest
 * English prefixes that only wake the quick scan. The quick scan runs `ac` over the raw text, candidate
 * search over the normalised text: one pass each, through one dense table.
 */
export interface CompiledLexicon {
  lexicon: Lexicon;
  ac: Automaton;
  termMeta: ZhPattern[];
  cueBase: number;
  cueMeta: CueMeta[];
  /** Quick scan over `ac`: flags for keyword surfaces, English prefixes and problem predicates. */
  quick: QuickMatcher;
  enTerms: Map<string, EnPattern[]>;
  enCues: Map<string, EnPattern[]>;
  guardWords: GuardWords;
}

/** Compile a lexicon (loads jieba once per process; inserts only words it has not seen). */
export function compileLexicon(lexicon: Lexicon): CompiledLexicon {
  const enTerms = new Map<string, EnPattern[]>();
  const enCues = new Map<string, EnPattern[]>();
      loadSegmenter();
  const userWords: string[] = [];
  const termPatterns: string[] = [];
  const termMeta: ZhPattern[] = [];
  const places = new Set(lexicon.guards.place ?? []);
  const enPrefixes = new Set<string>();

  for (const entry of lexicon.entries) {
    if (!entry.enabled) continue;
    for (const surface of [entry.term, ...entry.variants]) {
      if (/\p{Script=Han}/u.test(surface)) {
        const [head, tail] = surface.split(GAP).map((s) => s.trim());
        termPatterns.push(head);
        termMeta.push({ entry, surface, tail: tail ?? null, place: places.has(surface) });
        userWords.push(head);
        if (tail) userWords.push(tail);
      } else {
        const p = compileEnglish(surface, entry, 0);
        if (!p) continue;
        pushMap(enTerms, p.stems[0], p);
        enPrefixes.add(englishPrefix(surface));
      }
    }
  }

  const cuePatterns: string[] = [];
  const cueMeta: CueMeta[] = [];
  const zhCueIndex = new Map<string, number>();
  for (const [key, bit] of GUARD_BITS) {
    for (const entry of lexicon.guards[key] ?? []) {
      // A gapped frame (关于…问题): the head is the cue, the tail must follow in the same sentence.
      const [word, tail] = bit === FRAME && entry.includes(GAP) ? entry.split(GAP).map((w) => w.trim()) : [entry, undefined];
      if (!word) continue;
      if (/\p{Script=Han}/u.test(word) || !/[a-z0-9]/.test(word)) {
        const at = zhCueIndex.get(word);
        if (at !== undefined) {
          const meta = cueMeta[at];
          if (tail) { if (!(meta.mask & FRAME)) meta.tails = [tail]; else if (meta.tails) meta.tails.push(tail); }
          else if (bit === FRAME) meta.tails = null;
          meta.mask |= bit;
          continue;
        }
        zhCueIndex.set(word, cuePatterns.length);
        cuePatterns.push(word);
        cueMeta.push({ text: word, mask: bit, punct: !/[\p{L}\p{N}]/u.test(word), tails: tail ? [tail] : null });
        userWords.push(word);
        if (tail) userWords.push(tail);
      } else {
        const p = compileEnglish(word, null, bit, bit === RESOLVED);
        if (p) pushMap(enCues, p.stems[0], p);
      }
    }
  }

  // Petitions: each head (请, 何时 …) a cue whose remedies (安装, 开通 …) must follow it in the sentence.
  const remedies = [...new Set((lexicon.guards.petitionRemedy ?? []).filter((w) => w.length > 0))];
  if (remedies.length) {
    for (const head of lexicon.guards.petitionHead ?? []) {
      const at = zhCueIndex.get(head);
      if (at !== undefined) { cueMeta[at].mask |= PETITION; cueMeta[at].remedies = remedies; continue; }
      zhCueIndex.set(head, cuePatterns.length);
      cuePatterns.push(head);
      cueMeta.push({ text: head, mask: PETITION, punct: false, tails: null, remedies });
      userWords.push(head);
    }
    userWords.push(...remedies);
  }

  // Quick scan: a message can only matter with a problem term, an English word, or an object AND a predicate.
  const quickFlags: number[] = [];
  // A problem surface containing a shorter problem surface adds nothing to a yes/no scan (我要投诉 ⊃ 投诉).
  const problems = termMeta.filter((m) => m.entry.kind === "problem" && !m.tail).map((m) => m.surface);
  for (const m of termMeta) {
    const redundant = m.entry.kind === "problem" && !m.tail && problems.some((p) => p.length < m.surface.length && m.surface.includes(p));
    quickFlags.push(redundant ? 0 : m.tail ? Q_GAPPED : m.entry.kind === "problem" ? Q_PROBLEM : Q_OBJECT);
  }
  // English prefixes only wake the quick scan; English candidates come from the token stage.
  const quickOnly: string[] = [];
  // Predicates and frames wake the full path only where they can serve an object term (see QuickMatcher).
  for (const meta of cueMeta) quickFlags.push((meta.mask & PRED ? Q_PREDICATE : 0) | (meta.mask & PRED && !(meta.mask & (HELP | PETITION)) ? Q_COMMENT : 0) | (meta.mask & (FRAME | PETITION) ? Q_FRAME : 0) | (isShapeCue(meta.mask) ? Q_SHAPE : 0) | (meta.mask & QUESTION ? Q_ASK : 0));
  for (const pre of enPrefixes) if (pre) { quickOnly.push(pre); quickFlags.push(Q_ENGLISH); }
  for (const [, list] of enCues) {
    for (const p of list) {
      const pre = p.mask & (PRED | FRAME) ? englishPrefix(p.surface) : "";
      if (pre) { quickOnly.push(pre); quickFlags.push(Q_LOOSE); }
    }
  }
  const cueBase = termPatterns.length;
  const patterns = [...termPatterns, ...cuePatterns, ...quickOnly];
  const ac = new Automaton(patterns);
  const tails = quickFlags.map((_, id) => (id < cueBase ? termMeta[id].tail : null));
  const quick = new QuickMatcher(ac, patterns, quickFlags, tails);

  const guardWords: GuardWords = {
    negation: new Set(lexicon.guards.negation ?? []),
    skip: new Set(lexicon.guards.negationSkip ?? []),
    questions: new Set(lexicon.guards.question ?? []),
  };
  addUserWords(userWords);
  return { lexicon, ac, termMeta, cueBase, cueMeta, quick, enTerms, enCues, guardWords };

}
