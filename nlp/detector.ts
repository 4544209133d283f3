// The complaint detector: lexicon → compiled matcher → detect(text) → Detection.
//
// Pipeline for one message (each step only runs when the previous one found something):
//   1. quick scan: the raw text, folded character by character (width, case, invisible characters),
//      through an Aho-Corasick automaton of every keyword surface. Chatter with no candidate stops here
//      without normalising, segmenting or allocating.
//   2. normalise (NFKC, invisible characters, width, traditional → simplified, case) with an offset map.
//   3. candidates: keyword surfaces again, now on the normalised text; if nothing could count (no problem
//      term, and no object term with a predicate nearby) stop before segmentation.
//   4. tokens: jieba `cut(text, true)` for Chinese runs, natural's tokenizer + Porter stems for Latin runs;
//      a Chinese keyword counts only when it starts and ends on token boundaries.
//   5. guards per sentence: negation right before the keyword, resolved, notice, question — and the
//      grievance / help cues that keep a question or notice a complaint.
import { Automaton } from "./automaton.js";
import { englishWords, stem, stemPhrase } from "./english.js";
import { GAP } from "./lexicon.js";
import { COMPLEX, DROP, astralNeedsWork, normalizeWithMap, tables, type Normalized } from "./normalize.js";
import { addUserWords, cut, loadSegmenter } from "./segment.js";
import type { Category, Detection, Detector, Guards, KeywordHit, Lexicon, LexiconEntry, SuppressReason } from "./types.js";

// === Tunables

/** Most characters between a gapped pattern's two parts: 停[了三天]水. */
const GAP_MAX = 4;
/** Most characters between an object term and its predicate (Chinese / English). */
const PRED_DISTANCE_ZH = 10;
const PRED_DISTANCE_EN = 30;
/** Filler tokens allowed between a negation and the keyword: 没有[再][出现][过]停电. */
const NEGATION_SKIP_MAX = 3;

const SENTENCE_BREAK = new Set([..."。!?;\n"].map((c) => c.charCodeAt(0)));
const CLAUSE_BREAK = new Set([..."。!?;\n,、:"].map((c) => c.charCodeAt(0)));

/** Durations make a grievance: 停了三天, 两个小时了, for 3 days. Not 两天后 (a plan). */
const DURATION_ZH = /(?:[0-9]+|[一二两三四五六七八九十几半]+)个?多?(?:天|小时|钟头|星期|礼拜|周|月|年|晚上|晚)(?![后内以之])/g;
const DURATION_EN = /\b(?:\d+|two|three|four|five|six|several|a few|many)\s+(?:days?|hours?|weeks?|months?|nights?)\b/g;

// === Cue kinds (bit flags)

const NEG = 1, SKIP = 2, RESOLVED = 4, NOTICE = 8, QUESTION = 16, GRIEVANCE = 32, HELP = 64, PRED = 128;
const GUARD_BITS: Array<[keyof Guards, number]> = [
  ["negation", NEG], ["negationSkip", SKIP], ["resolved", RESOLVED], ["notice", NOTICE],
  ["question", QUESTION], ["grievance", GRIEVANCE], ["help", HELP | PRED], ["predicates", PRED],
];

// === Compiled forms

interface ZhPattern {
  entry: LexiconEntry;
  surface: string;
  /** For gapped patterns: the part after the gap. */
  tail: string | null;
}

interface EnPattern {
  entry: LexiconEntry | null;
  mask: number;
  surface: string;
  stems: string[];
  /** Index in `stems` before which up to 3 tokens may be skipped (gapped); -1 if none. */
  gapAt: number;
}

interface Token {
  start: number;
  end: number;
  text: string;
  /** Porter stem for Latin words, null for jieba tokens. */
  stem: string | null;
}

/** A keyword candidate on the normalised text. */
interface Candidate {
  entry: LexiconEntry;
  surface: string;
  start: number;
  end: number;
  pred: { text: string; start: number; end: number } | null;
  reason: SuppressReason | null;
  negatedBy?: string;
}

const isLatin = (c: number): boolean => c < 0x80 && !(c >= 48 && c <= 57);

// === Building

/**
 * Compile a lexicon into a detector. Cheap enough to call on every lexicon change: the jieba dictionary
 * loads once per process and only words it has not seen are inserted.
 */
export function createDetector(lexicon: Lexicon): Detector {
  return new CompiledDetector(lexicon);
}

class CompiledDetector implements Detector {
  readonly lexicon: Lexicon;
  private readonly fold: Uint16Array;
  /** zh keyword surfaces (gapped: the head) + English prefixes, for the quick scan and candidates. */
  private readonly termAc: Automaton;
  private readonly termMeta: Array<ZhPattern | null>;
  private readonly cueAc: Automaton;
  private readonly cueMeta: Array<{ text: string; mask: number; punct: boolean }>;
  private readonly enTerms = new Map<string, EnPattern[]>();
  private readonly enCues = new Map<string, EnPattern[]>();
  private readonly negationWords: Set<string>;
  private readonly skipWords: Set<string>;

  constructor(lexicon: Lexicon) {
    this.lexicon = lexicon;
    this.fold = tables().fold;
    loadSegmenter();
    const userWords: string[] = [];
    const termPatterns: string[] = [];
    this.termMeta = [];
    const enPrefixes = new Set<string>();

    for (const entry of lexicon.entries) {
      if (!entry.enabled) continue;
      for (const surface of [entry.term, ...entry.variants]) {
        if (/\p{Script=Han}/u.test(surface)) {
          const [head, tail] = surface.split(GAP).map((s) => s.trim());
          termPatterns.push(head);
          this.termMeta.push({ entry, surface, tail: tail ?? null });
          userWords.push(head);
          if (tail) userWords.push(tail);
        } else {
          const p = compileEnglish(surface, entry, 0);
          if (!p) continue;
          pushMap(this.enTerms, p.stems[0], p);
          enPrefixes.add(englishPrefix(surface));
        }
      }
    }
    // English prefixes only wake the quick scan; candidates come from the token stage.
    for (const pre of enPrefixes) if (pre) { termPatterns.push(pre); this.termMeta.push(null); }
    this.termAc = new Automaton(termPatterns);

    const cuePatterns: string[] = [];
    this.cueMeta = [];
    const zhCueIndex = new Map<string, number>();
    for (const [key, bit] of GUARD_BITS) {
      for (const word of lexicon.guards[key] ?? []) {
        if (/\p{Script=Han}/u.test(word) || !/[a-z0-9]/.test(word)) {
          const at = zhCueIndex.get(word);
          if (at !== undefined) { this.cueMeta[at].mask |= bit; continue; }
          zhCueIndex.set(word, cuePatterns.length);
          cuePatterns.push(word);
          this.cueMeta.push({ text: word, mask: bit, punct: !/[\p{L}\p{N}]/u.test(word) });
          userWords.push(word);
        } else {
          const p = compileEnglish(word, null, bit);
          if (p) pushMap(this.enCues, p.stems[0], p);
        }
      }
    }
    this.cueAc = new Automaton(cuePatterns);
    this.negationWords = new Set(lexicon.guards.negation ?? []);
    this.skipWords = new Set(lexicon.guards.negationSkip ?? []);
    addUserWords(userWords);
  }

  // === Detection

  detect(text: string): Detection {
    if (typeof text !== "string" || text.length === 0) return quiet("empty message");
    try {
      if (!this.quickScan(text)) return quiet("no keyword");
      return this.analyse(text);
    } catch (err) {
      // Never throw into intake: a detector bug must not drop a message on the floor.
      return quiet(`detector error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Step 1: could any keyword occur? Folds on the fly; anything unusual defers to the full path. */
  private quickScan(text: string): boolean {
    const fold = this.fold;
    const ac = this.termAc;
    let st = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const f = fold[c];
      if (f === COMPLEX) {
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
          const d = text.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            if (astralNeedsWork(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) return true;
            i++;
            st = 0;
            continue;
          }
        }
        if (c >= 0xd800 && c <= 0xdfff) { st = 0; continue; }
        return true; // traditional or compatibility character: normalise properly first
      }
      if (f === DROP) continue;
      st = ac.step(st, f);
      if (st !== 0 && ac.accepts(st)) return true;
    }
    return false;
  }

  private analyse(original: string): Detection {
    const norm = normalizeWithMap(original);
    const s = norm.text;
    const n = s.length;

    // --- Step 3: candidates on the normalised text, and whether segmentation can change anything.
    const termMatches = this.termAc.search(s);
    let hasLatin = false;
    for (let i = 0; i < n && !hasLatin; i++) { const c = s.charCodeAt(i); hasLatin = (c >= 97 && c <= 122); }
    const cueMatches = this.cueAc.search(s);
    let hasPredicate = false;
    for (const m of cueMatches) if (this.cueMeta[m.pattern].mask & PRED) { hasPredicate = true; break; }
    let viable = hasLatin;
    const objectsSeen: ZhPattern[] = [];
    for (const m of termMatches) {
      const meta = this.termMeta[m.pattern];
      if (!meta) continue;
      if (meta.entry.kind === "problem" && (!meta.tail || s.indexOf(meta.tail, m.end) >= 0)) viable = true;
      else if (meta.entry.kind === "object") { if (hasPredicate) viable = true; else objectsSeen.push(meta); }
    }
    if (!viable) {
      if (objectsSeen.length === 0) return quiet("no keyword");
      const names = [...new Set(objectsSeen.map((o) => o.entry.term))].join(", ");
      return quiet(`object term(s) ${names} without a problem predicate`, 0.1);
    }

    // --- Step 4: tokens and boundaries.
    const tokens = tokenize(s);
    const boundary = new Uint8Array(n + 1);
    const tokenAt = new Int32Array(n + 1).fill(-1);
    tokens.forEach((t, k) => { boundary[t.start] = 1; boundary[t.end] = 1; tokenAt[t.start] = k; });
    boundary[0] = 1; boundary[n] = 1;

    const sentence = new Int32Array(n + 1);
    const clause = new Int32Array(n + 1);
    let sid = 0, cid = 0;
    for (let i = 0; i < n; i++) {
      sentence[i] = sid; clause[i] = cid;
      const c = s.charCodeAt(i);
      if (SENTENCE_BREAK.has(c)) sid++;
      if (CLAUSE_BREAK.has(c)) cid++;
    }
    sentence[n] = sid; clause[n] = cid;

    // Cues (guards and predicates), validated on token boundaries.
    const cues: Array<{ text: string; mask: number; start: number; end: number }> = [];
    for (const m of cueMatches) {
      const meta = this.cueMeta[m.pattern];
      if (meta.punct || (boundary[m.start] && boundary[m.end])) cues.push({ text: meta.text, mask: meta.mask, start: m.start, end: m.end });
    }
    const latin = tokens.filter((t) => t.stem !== null);
    for (const hit of matchEnglish(latin, this.enCues, s)) cues.push({ text: hit.p.surface, mask: hit.p.mask, start: hit.start, end: hit.end });

    const sentFlags = new Map<number, number>();
    let messageFlags = 0;
    const flag = (pos: number, bits: number): void => {
      const k = sentence[Math.min(pos, n)];
      sentFlags.set(k, (sentFlags.get(k) ?? 0) | bits);
      messageFlags |= bits;
    };
    for (const c of cues) flag(c.start, c.mask & (RESOLVED | NOTICE | QUESTION | GRIEVANCE | HELP));
    for (const re of [DURATION_ZH, DURATION_EN]) {
      re.lastIndex = 0;
      for (let m = re.exec(s); m; m = re.exec(s)) flag(m.index, GRIEVANCE);
    }

    // Keyword candidates: Chinese on token boundaries (gapped: head, then tail within GAP_MAX).
    const raw: Candidate[] = [];
    for (const m of termMatches) {
      const meta = this.termMeta[m.pattern];
      if (!meta || !boundary[m.start] || !boundary[m.end]) continue;
      if (!meta.tail) { raw.push(cand(meta.entry, meta.surface, m.start, m.end)); continue; }
      const limit = Math.min(n, m.end + GAP_MAX + meta.tail.length);
      const at = s.indexOf(meta.tail, m.end + 1);
      if (at < 0 || at + meta.tail.length > limit || !boundary[at + meta.tail.length]) continue;
      if (clause[at] !== clause[m.start] || hasBreak(s, m.end, at)) continue;
      raw.push(cand(meta.entry, meta.surface, m.start, at + meta.tail.length));
    }
    for (const hit of matchEnglish(latin, this.enTerms, s)) raw.push(cand(hit.p.entry!, hit.p.surface, hit.start, hit.end));

    // Longest first; a candidate inside a longer one is the same mention (电梯 inside 电梯坏了).
    raw.sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
    const kept: Candidate[] = [];
    for (const c of raw) if (!kept.some((k) => c.start < k.end && k.start < c.end)) kept.push(c);
    kept.sort((a, b) => a.start - b.start);

    // Object terms need a predicate in the same clause, close by, not overlapping another keyword.
    const preds = cues.filter((c) => c.mask & PRED);
    for (const c of kept) {
      if (c.entry.kind !== "object") continue;
      const max = c.entry.lang === "en" ? PRED_DISTANCE_EN : PRED_DISTANCE_ZH;
      let best: (typeof preds)[number] | null = null;
      let bestDist = Infinity;
      for (const p of preds) {
        if (clause[p.start] !== clause[c.start] || (p.start < c.end && c.start < p.end)) continue;
        if (kept.some((k) => k !== c && p.start < k.end && k.start < p.end)) continue;
        const dist = p.start >= c.end ? p.start - c.end : c.start - p.end;
        if (dist >= 0 && dist <= max && dist < bestDist) { best = p; bestDist = dist; }
      }
      if (best) c.pred = { text: best.text, start: best.start, end: best.end };
      else c.reason = "no_predicate";
    }

    // --- Step 5: guards.
    for (const c of kept) {
      if (c.reason) continue;
      const neg = this.negationBefore(tokens, tokenAt, c.pred && c.pred.start > c.start ? c.pred.start : c.start, s);
      const f = sentFlags.get(sentence[c.start]) ?? 0;
      const fp = c.pred ? sentFlags.get(sentence[c.pred.start]) ?? 0 : 0;
      const flags = f | fp;
      if (neg) { c.reason = "negated"; c.negatedBy = neg; }
      else if (flags & RESOLVED) c.reason = "resolved";
      else if ((messageFlags & NOTICE) && !(messageFlags & GRIEVANCE)) c.reason = "notice";
      else if ((flags & QUESTION) && !(flags & (GRIEVANCE | HELP))) c.reason = "question";
    }

    return this.verdict(original, norm, kept, messageFlags, cues);
  }

  /** The negation word right before position `at` (skipping fillers), or null. */
  private negationBefore(tokens: Token[], tokenAt: Int32Array, at: number, s: string): string | null {
    let k = tokenAt[at];
    if (k < 0) return null;
    let skipped = 0;
    for (k = k - 1; k >= 0; k--) {
      const t = tokens[k];
      if (t.text.trim() === "") continue;
      if (t.end < at && hasBreak(s, t.end, at)) return null;
      if (this.negationWords.has(t.text)) return t.text;
      if (this.skipWords.has(t.text) && skipped < NEGATION_SKIP_MAX) { skipped++; continue; }
      return null;
    }
    return null;
  }

  // === Verdict

  private verdict(original: string, norm: Normalized, cands: Candidate[], flags: number, cues: Array<{ text: string; mask: number }>): Detection {
    const toHit = (c: Candidate): KeywordHit => {
      const hit: KeywordHit = {
        term: c.entry.term, category: c.entry.category, surface: original.slice(origStart(norm, c.start), origEnd(norm, c.end)),
        start: origStart(norm, c.start), end: origEnd(norm, c.end),
      };
      if (c.pred) hit.predicate = { text: c.pred.text, start: origStart(norm, c.pred.start), end: origEnd(norm, c.pred.end) };
      return hit;
    };
    const accepted = cands.filter((c) => !c.reason);
    const suppressed = cands.filter((c) => c.reason).map((c) => ({ ...toHit(c), reason: c.reason! }));
    const guards = {
      negated: cands.some((c) => c.reason === "negated" || c.reason === "resolved"),
      notice: (flags & NOTICE) !== 0,
      question: (flags & QUESTION) !== 0,
    };
    if (accepted.length === 0) {
      const why = cands.length === 0 ? "no keyword on a word boundary"
        : cands.map((c) => `${c.entry.term} ${reasonText(c)}`).join("; ");
      return { ...quiet(why, cands.length ? 0.2 : 0), suppressed, guards };
    }

    // Category: the heaviest non-generic category; generic cues (投诉, 没人管) borrow an object's category.
    const weight = new Map<Category, number>();
    for (const c of accepted) if (c.entry.category !== "other") weight.set(c.entry.category, (weight.get(c.entry.category) ?? 0) + c.entry.severity);
    let category: Category = "other";
    let best = 0;
    for (const [cat, w] of weight) if (w > best) { best = w; category = cat; }
    if (category === "other") {
      const obj = cands.find((c) => c.entry.kind === "object" && c.reason === "no_predicate" && c.entry.category !== "other");
      if (obj) category = obj.entry.category;
    }
    const severity = Math.max(...accepted.map((c) => c.entry.severity));
    const grievance = (flags & GRIEVANCE) !== 0;
    const score = Math.min(1, 0.5 + 0.1 * severity + 0.1 * Math.min(2, accepted.length - 1) + (grievance ? 0.1 : 0));
    const parts = accepted.map((c) => `${c.entry.term}${c.pred ? "+" + c.pred.text : ""} (${c.entry.category}, severity ${c.entry.severity})`);
    const cueWords = cues.filter((c) => c.mask & (GRIEVANCE | HELP)).map((c) => c.text);
    let explanation = `complaint: ${parts.join(", ")}`;
    if (cueWords.length && (flags & (QUESTION | NOTICE))) explanation += `; kept despite ${flags & QUESTION ? "question" : "notice"} by ${[...new Set(cueWords)].join(", ")}`;
    else if (grievance) explanation += "; grievance";
    const ignored = cands.filter((c) => c.reason && c.reason !== "no_predicate");
    if (ignored.length) explanation += `; ignored: ${ignored.map((c) => `${c.entry.term} ${reasonText(c)}`).join(", ")}`;
    return { complaint: true, category, severity, keywords: accepted.map(toHit), suppressed, guards, score: round(score), explanation };
  }
}

// === Helpers

function quiet(explanation: string, score = 0): Detection {
  return {
    complaint: false, category: null, severity: 0, keywords: [], suppressed: [],
    guards: { negated: false, notice: false, question: false }, score, explanation: `not a complaint: ${explanation}`,
  };
}

function cand(entry: LexiconEntry, surface: string, start: number, end: number): Candidate {
  return { entry, surface, start, end, pred: null, reason: null };
}

function reasonText(c: Candidate): string {
  switch (c.reason) {
    case "negated": return `negated${c.negatedBy ? ` by ${c.negatedBy}` : ""}`;
    case "resolved": return "already resolved";
    case "notice": return "in a notice or plan";
    case "question": return "in a question without grievance";
    case "no_predicate": return "without a problem predicate";
    default: return "";
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;

function origStart(norm: Normalized, i: number): number {
  return i < norm.origStart.length ? norm.origStart[i] : norm.origEnd[norm.origEnd.length - 1] ?? 0;
}
function origEnd(norm: Normalized, i: number): number {
  return i > 0 ? norm.origEnd[i - 1] : 0;
}

function hasBreak(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (CLAUSE_BREAK.has(s.charCodeAt(i))) return true;
  return false;
}

function pushMap<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v); else m.set(k, [v]);
}

function compileEnglish(surface: string, entry: LexiconEntry | null, mask: number): EnPattern | null {
  const parts = surface.split(GAP);
  const head = stemPhrase(parts[0]);
  const tail = parts[1] ? stemPhrase(parts[1]) : [];
  const stems = [...head, ...tail];
  if (stems.length === 0) return null;
  return { entry, mask, surface, stems, gapAt: tail.length ? head.length : -1 };
}

/** A short prefix every inflection of a surface's most specific word shares (for the quick scan). */
function englishPrefix(surface: string): string {
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
function matchEnglish(latin: Token[], patterns: Map<string, EnPattern[]>, s: string): Array<{ p: EnPattern; start: number; end: number }> {
  const out: Array<{ p: EnPattern; start: number; end: number }> = [];
  for (let i = 0; i < latin.length; i++) {
    const list = patterns.get(latin[i].stem!);
    if (!list) continue;
    for (const p of list) {
      let j = i;
      let ok = true;
      for (let k = 1; k < p.stems.length && ok; k++) {
        if (k === p.gapAt) {
          let found = -1;
          for (let g = j + 1; g <= Math.min(latin.length - 1, j + 4); g++) if (latin[g].stem === p.stems[k]) { found = g; break; }
          if (found < 0) ok = false; else j = found;
          continue;
        }
        const nx = latin[j + 1];
        if (!nx || nx.stem !== p.stems[k] || s.slice(latin[j].end, nx.start).trim() !== "") ok = false;
        else j++;
      }
      if (ok) out.push({ p, start: latin[i].start, end: latin[j].end });
    }
  }
  return out;
}

/** Tokens of the normalised text: jieba for non-Latin runs, natural's word tokenizer for Latin runs. */
function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const latinRun = isLatin(s.charCodeAt(i));
    let j = i + 1;
    while (j < s.length && isLatin(s.charCodeAt(j)) === latinRun) j++;
    const run = s.slice(i, j);
    if (latinRun) {
      for (const w of englishWords(run)) tokens.push({ start: i + w.start, end: i + w.end, text: w.word, stem: stem(w.word) });
    } else {
      let pos = 0;
      for (const t of cut(run)) {
        const at = run.startsWith(t, pos) ? pos : run.indexOf(t, pos);
        if (at < 0 || t.length === 0) continue;
        tokens.push({ start: i + at, end: i + at + t.length, text: t, stem: null });
        pos = at + t.length;
      }
    }
    i = j;
  }
  return tokens;
}
