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
import { Automaton, type AcMatch } from "./automaton.js";
import { englishWords, stem, stemPhrase } from "./english.js";
import { GAP } from "./lexicon.js";
import { COMPLEX, DROP, astralNeedsWork, normalizeWithMap, originalEnd, originalStart, tables, type Normalized } from "./normalize.js";
import { addUserWords, cut, loadSegmenter, subwords } from "./segment.js";
import type { Category, Detection, Detector, Guards, KeywordHit, Lexicon, LexiconEntry, SuppressReason } from "./types.js";

// === Tunables

/** Most characters between a gapped pattern's two parts: 停[了三天]水. */
const GAP_MAX = 4;
/** Most characters between an object term and its predicate (Chinese / English). */
const PRED_DISTANCE_ZH = 10;
const PRED_DISTANCE_EN = 30;
/** Filler tokens allowed between a negation and the keyword: 没有[再][出现][过]停电. */
const NEGATION_SKIP_MAX = 3;

/** BREAKS[c]: 1 ends a clause (，、：), 3 ends a sentence too (。！？；newline) — after normalisation. */
const BREAKS = new Uint8Array(65536);
for (const c of "。!?;\n") BREAKS[c.charCodeAt(0)] = 3;
for (const c of ",、:") BREAKS[c.charCodeAt(0)] = 1;

/** Durations and repeats make a grievance: 停了三天, 两个小时了, 跑了三趟, for 3 days. Not 两天后 (a plan). */
const DURATION_ZH = /(?:[0-9]+|[一二两三四五六七八九十几半]+)个?多?(?:天|小时|钟头|星期|礼拜|周|月|年|晚上|晚|次|趟|遍|回)(?![后内以之])/g;
const DURATION_EN = /\b(?:\d+|two|three|four|five|six|several|a few|many)\s+(?:days?|hours?|weeks?|months?|nights?)\b/g;

// === Cue kinds (bit flags)

/** Quick-scan outcomes. */
const SCAN_NOTHING = 0, SCAN_OBJECT_ONLY = 1, SCAN_MAYBE = 2;
/** Quick-scan pattern flags; Q_GO: stop scanning, take the full path. */
const Q_PROBLEM = 1, Q_OBJECT = 2, Q_PREDICATE = 4, Q_GAPPED = 8, Q_ENGLISH = 16, Q_GO = 32;
/** Quick-scan flags, cont.: a frame (any distance, same sentence); a predicate whose place is not checked. */
const Q_FRAME = 64, Q_LOOSE = 128;

const NEG = 1, SKIP = 2, RESOLVED = 4, NOTICE = 8, QUESTION = 16, GRIEVANCE = 32, HELP = 64, PRED = 128, HYPOTHETICAL = 256, FRAME = 512;
const GUARD_BITS: Array<[keyof Guards, number]> = [
  ["negation", NEG], ["negationSkip", SKIP], ["resolved", RESOLVED], ["notice", NOTICE],
  ["question", QUESTION], ["hypothetical", HYPOTHETICAL], ["grievance", GRIEVANCE], ["help", HELP | PRED], ["predicates", PRED],
  ["frame", FRAME],
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
  /** The predicate is a request / complaint frame of the sentence ([frame] cue), not a problem word. */
  framed?: boolean;
  reason: SuppressReason | null;
  negatedBy?: string;
}

function isLatin(c: number): boolean {
  return c < 0x80 && !(c >= 48 && c <= 57);
}

// === Building

/**
 * Compile a lexicon into a detector. Cheap enough to call on every lexicon change: the jieba dictionary
 * loads once per process and only words it has not seen are inserted.
 */
export function createDetector(lexicon: Lexicon, options: DetectorOptions = {}): Detector {
  const { prefilter, maxChars } = { prefilter: true, maxChars: MAX_ANALYSED_CHARS, ...definedOnly(options) };
  if (!(maxChars >= 100)) throw new RangeError("maxChars must be a number ≥ 100");
  return new CompiledDetector(lexicon, prefilter, maxChars);
}

/**
 * Characters of a message that are analysed (scanned, normalised, segmented). Longer messages are cut
 * there, at a sentence or clause break when one is close, and their explanation says so: the playground
 * accepts 200,000 characters, and a resident states a complaint in its first lines, not after 5,000
 * characters.
 */
export const MAX_ANALYSED_CHARS = 5_000;

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface DetectorOptions {
  /**
   * false: every message takes the full path (normalise, match, segment). Verdicts are the same, only
   * slower — the quick scan may only skip messages the full path would find quiet; tests check that.
   */
  prefilter?: boolean;
  /**
   * Characters analysed per message (default MAX_ANALYSED_CHARS); the rest is ignored and the explanation
   * says so. The size bench raises it to show the analysis itself is linear.
   */
  maxChars?: number;
}

class CompiledDetector implements Detector {
  readonly lexicon: Lexicon;
  /**
   * One automaton for every surface: pattern ids [0, cueBase) are zh keyword surfaces (gapped: the head,
   * described by termMeta), [cueBase, cueBase + cueMeta.length) zh guard words and predicates, the rest
   * English prefixes that only wake the quick scan. The quick scan runs it over the raw text, candidate
   * search over the normalised text: one pass each, through one dense table.
   */
  private readonly ac: Automaton;
  private readonly termMeta: ZhPattern[];
  private readonly cueBase: number;
  private readonly cueMeta: Array<{ text: string; mask: number; punct: boolean; tails: string[] | null }>;
  /** Quick scan over `ac`: flags for keyword surfaces, English prefixes and problem predicates. */
  private readonly quick: QuickMatcher;
  private readonly enTerms = new Map<string, EnPattern[]>();
  private readonly enCues = new Map<string, EnPattern[]>();
  private readonly negationWords: Set<string>;
  private readonly skipWords: Set<string>;
  private readonly questionWords: Set<string>;

  constructor(lexicon: Lexicon, private readonly prefilter: boolean, private readonly maxChars: number) {
    this.lexicon = lexicon;
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

    const cuePatterns: string[] = [];
    this.cueMeta = [];
    const zhCueIndex = new Map<string, number>();
    for (const [key, bit] of GUARD_BITS) {
      for (const entry of lexicon.guards[key] ?? []) {
        // A gapped frame (关于…问题): the head is the cue, the tail must follow in the same sentence.
        const [word, tail] = bit === FRAME && entry.includes(GAP) ? entry.split(GAP).map((w) => w.trim()) : [entry, undefined];
        if (!word) continue;
        if (/\p{Script=Han}/u.test(word) || !/[a-z0-9]/.test(word)) {
          const at = zhCueIndex.get(word);
          if (at !== undefined) {
            const meta = this.cueMeta[at];
            if (tail) { if (!(meta.mask & FRAME)) meta.tails = [tail]; else if (meta.tails) meta.tails.push(tail); }
            else if (bit === FRAME) meta.tails = null;
            meta.mask |= bit;
            continue;
          }
          zhCueIndex.set(word, cuePatterns.length);
          cuePatterns.push(word);
          this.cueMeta.push({ text: word, mask: bit, punct: !/[\p{L}\p{N}]/u.test(word), tails: tail ? [tail] : null });
          userWords.push(word);
          if (tail) userWords.push(tail);
        } else {
          const p = compileEnglish(word, null, bit);
          if (p) pushMap(this.enCues, p.stems[0], p);
        }
      }
    }

    // Quick scan: a message can only matter with a problem term, an English word, or an object AND a predicate.
    const quickFlags: number[] = [];
    // A problem surface containing a shorter problem surface adds nothing to a yes/no scan (我要投诉 ⊃ 投诉).
    const problems = this.termMeta.filter((m) => m.entry.kind === "problem" && !m.tail).map((m) => m.surface);
    for (const m of this.termMeta) {
      const redundant = m.entry.kind === "problem" && !m.tail && problems.some((p) => p.length < m.surface.length && m.surface.includes(p));
      quickFlags.push(redundant ? 0 : m.tail ? Q_GAPPED : m.entry.kind === "problem" ? Q_PROBLEM : Q_OBJECT);
    }
    // English prefixes only wake the quick scan; English candidates come from the token stage.
    const quickOnly: string[] = [];
    // Predicates and frames wake the full path only where they can serve an object term (see QuickMatcher).
    for (const meta of this.cueMeta) quickFlags.push((meta.mask & PRED ? Q_PREDICATE : 0) | (meta.mask & FRAME ? Q_FRAME : 0));
    for (const pre of enPrefixes) if (pre) { quickOnly.push(pre); quickFlags.push(Q_ENGLISH); }
    for (const [, list] of this.enCues) {
      for (const p of list) {
        const pre = p.mask & (PRED | FRAME) ? englishPrefix(p.surface) : "";
        if (pre) { quickOnly.push(pre); quickFlags.push(Q_LOOSE); }
      }
    }
    this.cueBase = termPatterns.length;
    const patterns = [...termPatterns, ...cuePatterns, ...quickOnly];
    this.ac = new Automaton(patterns);
    const tails = quickFlags.map((_, id) => (id < this.cueBase ? this.termMeta[id].tail : null));
    this.quick = new QuickMatcher(this.ac, patterns, quickFlags, tails);

    this.negationWords = new Set(lexicon.guards.negation ?? []);
    this.skipWords = new Set(lexicon.guards.negationSkip ?? []);
    this.questionWords = new Set(lexicon.guards.question ?? []);
    addUserWords(userWords);
  }

  // === Detection

  detect(text: string): Detection {
    if (typeof text !== "string" || text.length === 0) return quiet("empty message");
    try {
      if (text.length > this.maxChars) return this.detectLong(text);
      const scan = this.prefilter ? this.quickScan(text) : SCAN_MAYBE;
      if (scan === SCAN_NOTHING) return QUIET_NO_KEYWORD;
      if (scan === SCAN_OBJECT_ONLY) return QUIET_OBJECT_ONLY;
      return this.analyse(text);
    } catch (err) {
      // Never throw into intake: a detector bug must not drop a message on the floor.
      return quiet(`detector error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * A message longer than `maxChars`: the quick scan reads all of it (linear, no allocation); when it finds
   * nothing the verdict holds for the whole text. Otherwise only a window of `maxChars` is analysed —
   * from the sentence where the scan woke up (at most WINDOW_BACK characters before it) — and the
   * explanation says which characters. Offsets stay those of the whole text.
   */
  private detectLong(text: string): Detection {
    const scan = this.quickScan(text);
    if (this.prefilter && scan === SCAN_NOTHING) return QUIET_NO_KEYWORD;
    if (this.prefilter && scan === SCAN_OBJECT_ONLY) return QUIET_OBJECT_ONLY;
    const wake = Math.max(0, this.quick.wakeAt);
    let from = Math.max(0, wake - WINDOW_BACK);
    for (let i = wake - 1; i > from; i--) if (sentenceEndAt(text, i)) { from = i + 1; break; }
    if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
    const to = from + cutPoint(text.slice(from), this.maxChars);
    const d = shiftDetection(this.analyse(text.slice(from, to)), from);
    const note = `only characters ${from}–${to} of ${text.length} were analysed (the cap is ${this.maxChars})`;
    return { ...d, explanation: `${d.explanation} (${note})` };
  }

  /**
   * Step 1: could this message be a complaint? A superset test on the raw text (see QuickMatcher): it may
   * say yes for chatter, never no for a complaint.
   */
  private quickScan(text: string): number {
    const seen = this.quick.scan(text);
    if (seen & (Q_GO | Q_ENGLISH)) return SCAN_MAYBE;
    if (!(seen & Q_OBJECT)) return SCAN_NOTHING;
    return seen & (Q_NEAR | Q_LOOSE) ? SCAN_MAYBE : SCAN_OBJECT_ONLY;
  }

  private analyse(original: string): Detection {
    const norm = normalizeWithMap(original);
    const s = norm.text;

    // --- Step 3: candidates on the normalised text, and whether segmentation can change anything.
    const termMatches: AcMatch[] = [];
    const cues: Cue[] = [];
    for (const m of this.ac.search(s)) {
      if (m.pattern < this.cueBase) { termMatches.push(m); continue; }
      const meta = this.cueMeta[m.pattern - this.cueBase];
      if (meta) cues.push({ text: meta.text, mask: meta.mask, start: m.start, end: m.end, punct: meta.punct, valid: meta.punct ? 1 : -1, tails: meta.tails });
    }
    const latin = latinTokens(s);
    const enTermHits = latin.length ? matchEnglish(latin, this.enTerms, s) : [];
    if (latin.length) for (const h of matchEnglish(latin, this.enCues, s)) cues.push({ text: h.p.surface, mask: h.p.mask, start: h.start, end: h.end, punct: false, valid: 1, tails: null });
    sortStable(cues, byStart);
    const frames = new FrameIndex(s, cues);
    let viable = false;
    const objectsSeen: string[] = [];
    for (const m of termMatches) {
      const meta = this.termMeta[m.pattern];
      if (meta.entry.kind === "problem") { if (!meta.tail || tailAt(s, meta.tail, m.end) >= 0) viable = true; }
      else if (predicateNear(s, cues, m.start, m.end, PRED_DISTANCE_ZH) || frameInSentence(s, cues, frames, m.start, m.end) !== null) viable = true;
      else objectsSeen.push(meta.entry.term);
    }
    for (const h of enTermHits) {
      if (h.p.entry!.kind === "problem" || predicateNear(s, cues, h.start, h.end, PRED_DISTANCE_EN) || frameInSentence(s, cues, frames, h.start, h.end) !== null) viable = true;
      else objectsSeen.push(h.p.entry!.term);
    }
    if (!viable) {
      if (objectsSeen.length === 0) return quiet("no keyword");
      return quiet(`object term(s) ${[...new Set(objectsSeen)].join(", ")} without a problem predicate`, 0.1);
    }

    // --- Step 4: keyword candidates on token boundaries; clauses are segmented only when asked about.
    const text = new SegmentedText(s, latin);
    const raw: Candidate[] = [];
    for (const m of termMatches) {
      const meta = this.termMeta[m.pattern];
      if (!meta.tail) {
        if (text.isWord(m.start, m.end)) raw.push(cand(meta.entry, meta.surface, m.start, m.end));
        continue;
      }
      // Gapped (停…水): head on boundaries, tail within GAP_MAX in the same clause, ending on a boundary.
      const at = tailAt(s, meta.tail, m.end);
      const end = at + meta.tail.length;
      if (at < 0 || hasBreak(s, m.end, at)) continue;
      if (text.isWord(m.start, m.end) && text.isBoundary(end)) raw.push(cand(meta.entry, meta.surface, m.start, end));
    }
    for (const hit of enTermHits) raw.push(cand(hit.p.entry!, hit.p.surface, hit.start, hit.end));

    // Longest first; a candidate inside a longer one is the same mention (电梯 inside 电梯坏了).
    sortStable(raw, byLengthThenProblem);
    const kept: Candidate[] = [];
    const covered = new Uint8Array(s.length + 1); // positions inside a kept candidate: linear, not pairwise
    for (const c of raw) {
      let free = true;
      for (let i = c.start; i < c.end && free; i++) free = covered[i] === 0;
      if (!free) continue;
      covered.fill(1, c.start, c.end);
      kept.push(c);
    }
    sortStable(kept, byStart);

    // Object terms need a predicate in the same clause, close by, not overlapping another keyword; a
    // predicate belongs to the nearest object (地下室的安全出口被堵了: 堵 is the 安全出口's).
    const pairs: Array<{ obj: Candidate; pred: Cue; dist: number }> = [];
    for (const c of kept) {
      if (c.entry.kind !== "object") continue;
      const max = c.entry.lang === "en" ? PRED_DISTANCE_EN : PRED_DISTANCE_ZH;
      for (let k = firstCueFrom(cues, c.start - max - MAX_CUE_LENGTH); k < cues.length && cues[k].start <= c.end + max; k++) {
        const p = cues[k];
        if (!(p.mask & PRED) || text.clauseOf(p.start) !== text.clauseOf(c.start)) continue;
        let free = true;
        for (let i = p.start; i < p.end && free; i++) free = covered[i] === 0;
        if (!free) continue;
        const dist = p.start >= c.end ? p.start - c.end : c.start - p.end;
        if (dist >= 0 && dist <= max && cueValid(text, p)) pairs.push({ obj: c, pred: p, dist });
      }
    }
    sortStable(pairs, (a, b) => a.dist - b.dist || (b.pred.end - b.pred.start) - (a.pred.end - a.pred.start));
    // A predicate serves one object; overlapping predicates (坏 / 坏了) are one mention.
    const claimed = new Uint8Array(s.length + 1);
    for (const { obj, pred } of pairs) {
      if (obj.pred) continue;
      let free = true;
      for (let i = pred.start; i < pred.end && free; i++) free = claimed[i] === 0;
      if (!free) continue;
      obj.pred = { text: pred.text, start: pred.start, end: pred.end };
      claimed.fill(1, pred.start, pred.end);
    }
    // An object with no predicate in a sentence framed as a request or complaint (反映…, 申请…, 关于…问题,
    // 社保转移怎么办理) counts, the frame standing in for the predicate; it may frame several objects.
    for (const c of kept) {
      if (c.entry.kind !== "object" || c.pred) continue;
      for (let from = 0, tries = 0; tries < MAX_FRAMES_TRIED; tries++) {
        const k = frameInSentence(s, cues, frames, c.start, c.end, from);
        if (k === null) break;
        from = k + 1;
        const f = cues[k];
        let free = true;
        for (let i = f.start; i < f.end && free; i++) free = covered[i] === 0;
        if (free && cueValid(text, f)) { c.pred = { text: f.text, start: f.start, end: f.end }; c.framed = true; break; }
      }
      if (!c.pred) c.reason = "no_predicate";
    }

    // --- Step 5: guards, each looked up (and its clause segmented) only when it can change the verdict.
    const ctx = new GuardContext(text, cues, this.negationWords, this.skipWords, this.questionWords);
    for (const c of kept) {
      if (c.reason) continue;
      // A frame is not the object's predicate: the negation that counts is the one before the object.
      const at = c.pred && !c.framed && c.pred.start > c.start ? c.pred.start : c.start;
      // ... and a negated frame frames nothing (没有申请过驾驶证).
      const neg = text.negationBefore(at, this.negationWords, this.skipWords, this.questionWords) ??
        (c.framed ? text.negationBefore(c.pred!.start, this.negationWords, this.skipWords, this.questionWords) : null);
      const sentences = c.pred ? [text.sentenceOf(c.start), text.sentenceOf(c.pred.start)] : [text.sentenceOf(c.start)];
      const clauses = c.pred ? [text.clauseOf(c.start), text.clauseOf(c.pred.start)] : [text.clauseOf(c.start)];
      if (neg) { c.reason = "negated"; c.negatedBy = neg; continue; }
      if (ctx.has(RESOLVED, "sentence", sentences)) { c.reason = "resolved"; continue; }
      if (ctx.has(NOTICE, null, null) && !ctx.grievance(null)) { c.reason = "notice"; continue; }
      const hypothetical = ctx.has(HYPOTHETICAL, "clause", clauses);
      const question = !hypothetical && c.entry.severity < 3 && ctx.has(QUESTION, "clause", clauses);
      if ((hypothetical || question) && !ctx.grievance(sentences) && !ctx.has(HELP, "sentence", sentences))
        c.reason = hypothetical ? "hypothetical" : "question";
    }
    // Report which guards the message carries (not only those that decided), for people reading the result.
    if (kept.length) for (const bit of [NOTICE, QUESTION, HYPOTHETICAL]) if (!(ctx.seen & bit)) ctx.has(bit, null, null);
    const grievanceWords = cues.filter((c) => c.valid === 1 && c.mask & (GRIEVANCE | HELP)).map((c) => c.text);
    // The grievance flag only feeds an accepted complaint's score and explanation: without one, its cues'
    // clauses are not segmented just to find it.
    const anyAccepted = kept.some((c) => !c.reason);
    const flags = (ctx.seen & (NOTICE | QUESTION | HYPOTHETICAL)) | (anyAccepted && ctx.grievance(null) ? GRIEVANCE : 0);
    return this.verdict(original, norm, kept, flags, grievanceWords);
  }

  // === Verdict

  private verdict(original: string, norm: Normalized, cands: Candidate[], flags: number, cueWords: string[]): Detection {
    const accepted = cands.filter((c) => !c.reason);
    const suppressed = cands.filter((c) => c.reason).map((c) => toHit(c, original, norm, c.reason!));
    const guards = {
      negated: cands.some((c) => c.reason === "negated" || c.reason === "resolved"),
      notice: (flags & NOTICE) !== 0,
      question: (flags & (QUESTION | HYPOTHETICAL)) !== 0,
    };
    if (accepted.length === 0) {
      const why = cands.length === 0 ? "no keyword on a word boundary"
        : listSome(cands.map((c) => `${c.entry.term} ${reasonText(c)}`), "; ");
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
    let explanation = `complaint: ${listSome(parts, ", ")}`;
    if (cueWords.length && (flags & (QUESTION | HYPOTHETICAL | NOTICE))) explanation += `; kept despite ${flags & NOTICE ? "notice" : "question"} by ${[...new Set(cueWords)].join(", ")}`;
    else if (grievance) explanation += "; grievance";
    const ignored = cands.filter((c) => c.reason && c.reason !== "no_predicate");
    if (ignored.length) explanation += `; ignored: ${listSome(ignored.map((c) => `${c.entry.term} ${reasonText(c)}`), ", ")}`;
    return { complaint: true, category, severity, keywords: accepted.map((c) => toHit(c, original, norm)), suppressed, guards, score: round(score), explanation };
  }
}

// === Quick scan

/**
 * QuickMatcher.unit marker: the code unit needs a closer look — it vanishes, is a surrogate or a combining
 * mark, or needs the full normaliser.
 */
const SPECIAL = 0xffff;
/** Scan result bit (not a pattern flag): an object term with a predicate close enough, or a frame, to count. */
const Q_NEAR = 256;

/**
 * An automaton run over the raw text, folding each character on the fly (width, case, invisible
 * characters) so that chatter is rejected without normalising or allocating. Returns the OR of the flags
 * of what it saw; Q_GO as soon as a problem term (or a gapped head with its tail close by) appears, or a
 * character needs the full normaliser (traditional Chinese, math letters).
 */
class QuickMatcher {
  /** The automaton as a dense table (null for a lexicon too large for one; then `ac.step`). */
  private readonly next: Uint16Array | null;
  private readonly width: number;
  /**
   * Per raw code unit, folding included: its column in `next` (without a table: its folded code unit), or
   * SPECIAL when it folds to nothing, is a surrogate or a combining mark, or needs the slow path. One
   * lookup per character, where fold + class would be two (measured: 0.28 → 0.17 µs per 30-character
   * chatter line).
   */
  private readonly unit = new Uint16Array(65536);
  private readonly masks: Uint8Array;
  /** Per state: the tails of the gapped patterns whose head ends there (null: none). */
  private readonly stateTails: Array<string[] | null>;
  /** BREAKS of each raw code unit's folded form (one table per process). */
  private readonly rawBreak: Uint8Array;
  /** The normaliser's tables (normalize.ts): fold, expansions (… → ...), combining marks. */
  private readonly fold: Uint16Array;
  private readonly expand: Map<number, string>;
  private readonly marks: Uint8Array;
  /** Column in `next` (without a table: the code unit itself) of each surrogate code unit, for emoji in patterns. */
  private readonly surrogate = new Uint16Array(0x800);
  /**
   * Longest object term and predicate: an object and a predicate can only pair (predicateNear) when their
   * ends are at most PRED_DISTANCE_ZH plus the length of whichever comes later apart.
   */
  private readonly maxObject: number;
  private readonly maxPredicate: number;
  /** false when some object term, predicate or frame holds a break character: places are not checked then. */
  private readonly placeable: boolean;

  constructor(
    private readonly ac: Automaton,
    patterns: readonly string[],
    flags: number[],
    tails: Array<string | null>,
  ) {
    const { fold, expand, marks } = tables();
    this.fold = fold;
    this.expand = expand;
    this.marks = marks;
    const dense = ac.dense;
    this.next = dense?.next ?? null;
    this.width = dense?.width ?? 0;
    for (let c = 0; c < 65536; c++) {
      const f = fold[c];
      // Combining marks too: the normaliser may merge one with the character before it (e + ◌́ → é).
      this.unit[c] = f === DROP || f === COMPLEX || marks[c] ? SPECIAL : dense ? dense.classOf[f] : f;
    }
    for (let c = 0xd800; c <= 0xdfff; c++) this.surrogate[c - 0xd800] = dense ? dense.classOf[c] : c;
    this.masks = this.ac.stateMasks(flags);
    this.stateTails = Array.from(this.masks, (m, st) => {
      const list = m & Q_GAPPED ? this.ac.outputs(st).map((id) => tails[id]).filter((t): t is string => t !== null) : [];
      return list.length ? list : null;
    });
    this.rawBreak = rawBreaks(fold);
    let maxObject = 0, maxPredicate = 0, placeable = true;
    patterns.forEach((p, id) => {
      const f = flags[id];
      if (!(f & (Q_OBJECT | Q_PREDICATE | Q_FRAME))) return;
      for (let k = 0; k < p.length; k++) if (BREAKS[p.charCodeAt(k)] !== 0) placeable = false;
      if (f & Q_OBJECT) maxObject = Math.max(maxObject, p.length);
      if (f & Q_PREDICATE) maxPredicate = Math.max(maxPredicate, p.length);
    });
    this.maxObject = maxObject;
    this.maxPredicate = maxPredicate;
    this.placeable = placeable;
  }

  /** Is there a break of at least this level (1: clause, 3: sentence) in raw text [from, to)? */
  private breakIn(text: string, from: number, to: number, level: number): boolean {
    for (let i = from; i < to; i++) if (this.rawBreak[text.charCodeAt(i)] >= level) return true;
    return false;
  }

  /**
   * Where the last scan found what sends the message on (a problem term, an object with its predicate or
   * frame, an English word, a character needing the normaliser); -1: nothing. A message longer than the
   * analysed length is analysed from there (see CompiledDetector.detect).
   */
  wakeAt = -1;

  private wake(seen: number, at: number): number {
    if (this.wakeAt < 0 || at < this.wakeAt) this.wakeAt = at;
    return seen;
  }

  private near(at: number): number {
    if (this.wakeAt < 0 || at < this.wakeAt) this.wakeAt = Math.max(0, at);
    return Q_NEAR;
  }

  /** The OR of the flags seen in `text` (see the class comment); sets `wakeAt`. */
  scan(text: string): number {
    this.wakeAt = -1;
    const { unit, ac, masks, next, width } = this;
    const n = text.length;
    let st = 0;
    let seen = 0;
    let dropped = false;
    let expanded = false;
    // Ends of the last object term, predicate and frame seen (-1: none yet).
    let lastObject = -1, lastPredicate = -1, lastFrame = -1;
    // A sentence break already found after the last frame / object: every later object / frame is past it
    // too, so the (unbounded) look back is done once per frame or object, keeping the scan linear.
    let frameCut = false, objectCut = false;
    // Index of the low half of the surrogate pair being read (-1: none).
    let low = -1;
    for (let i = 0; i < n; i++) {
      let k = unit[text.charCodeAt(i)];
      if (k === SPECIAL) {
        // Rare: an invisible character, an astral one (emoji), a combining mark, or one the full normaliser must handle.
        const c = text.charCodeAt(i);
        if (this.fold[c] === DROP) { dropped = true; continue; }
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            if (astralNeedsWork(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) return this.wake(seen | Q_GO, i);
            low = i + 1; // an emoji stays as it is: both halves go through the automaton
          } else if (i !== low) { st = 0; continue; } // a lone surrogate becomes U+FFFD, in no pattern
          k = this.surrogate[c - 0xd800];
        } else if (this.marks[c]) {
          return this.wake(seen | Q_GO, i); // a combining mark: the normaliser may merge it, so places and surfaces change
        } else {
          const ex = this.expand.get(c); // … → ...
          if (ex === undefined) return this.wake(seen | Q_GO, i); // a traditional character: normalise properly first
          expanded = true;
          for (let k = 0; k < ex.length; k++) {
            st = ac.step(st, ex.charCodeAt(k));
            seen |= masks[st];
          }
          if (seen & (Q_PROBLEM | Q_GAPPED)) return this.wake(seen | Q_GO, i);
          continue;
        }
      }
      st = next !== null ? next[st * width + k] : ac.step(st, k);
      const m = masks[st];
      if (m === 0) continue;
      seen |= m;
      if (m & (Q_ENGLISH | Q_LOOSE) && this.wakeAt < 0) this.wakeAt = i;
      if (m & Q_PROBLEM) return this.wake(seen | Q_GO, i);
      if ((m & Q_GAPPED) && (dropped || this.gapTailNear(text, st, i))) return this.wake(seen | Q_GO, i);
      if (!(m & (Q_OBJECT | Q_PREDICATE | Q_FRAME)) || seen & Q_NEAR) continue;
      // Could an object term pair with a predicate (same clause, close) or a frame (same sentence)? Each is
      // checked against the nearest one of the other kind before it, which is the best placed.
      const end = i + 1;
      if (m & Q_OBJECT) {
        if (lastPredicate >= 0 && end - lastPredicate <= PRED_DISTANCE_ZH + this.maxObject && !this.breakIn(text, lastPredicate, end, 1)) seen |= this.near(lastPredicate - this.maxPredicate);
        if (lastFrame >= 0 && !frameCut) { if (this.breakIn(text, lastFrame, end, 3)) frameCut = true; else seen |= this.near(lastFrame - MAX_CUE_LENGTH); }
        lastObject = end;
        objectCut = false;
      }
      if (m & Q_PREDICATE) {
        if (lastObject >= 0 && end - lastObject <= PRED_DISTANCE_ZH + this.maxPredicate && !this.breakIn(text, lastObject, end, 1)) seen |= this.near(lastObject - this.maxObject);
        lastPredicate = end;
      }
      if (m & Q_FRAME) {
        if (lastObject >= 0 && !objectCut) { if (this.breakIn(text, lastObject, end, 3)) objectCut = true; else seen |= this.near(lastObject - this.maxObject); }
        lastFrame = end;
        frameCut = false;
      }
    }
    // Raw places are not the normalised text's when characters vanished (distances shrink) or expanded
    // (matches inside an expansion are not placed): any object with any predicate or frame counts then.
    if ((dropped || expanded || !this.placeable) && seen & Q_OBJECT && seen & (Q_PREDICATE | Q_FRAME)) seen |= this.near(0);
    return seen;
  }


  /** After a gapped head (停 of 停…水) ending at i: does its tail follow closely in the raw text? */
  private gapTailNear(text: string, st: number, i: number): boolean {
    for (const tail of this.stateTails[st] ?? []) {
      // Raw text may still hold invisible characters, hence a wider window than GAP_MAX.
      for (let at = i + 1; at <= i + 1 + GAP_MAX + 8 && at < text.length; at++) if (text.startsWith(tail, at)) return true;
    }
    return false;
  }
}

// === Helpers

let RAW_BREAK: Uint8Array | null = null;
/** BREAKS of each raw code unit's folded form; the fold table is the process's, so this is built once. */
function rawBreaks(fold: Uint16Array): Uint8Array {
  if (!RAW_BREAK) {
    RAW_BREAK = new Uint8Array(65536);
    for (let c = 0; c < 65536; c++) if (fold[c] !== DROP && fold[c] !== COMPLEX) RAW_BREAK[c] = BREAKS[fold[c]];
  }
  return RAW_BREAK;
}

/** Shared immutable verdicts for the quick path (no allocation per chatter line). Callers must not mutate. */
const QUIET_NO_KEYWORD: Detection = deepFreeze(quiet("no keyword"));
const QUIET_OBJECT_ONLY: Detection = deepFreeze(quiet("an object term without a problem predicate", 0.1));

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === "object") deepFreeze(v as object);
  return Object.freeze(o);
}

/**
 * A candidate as reported: term, category and offsets in the original text; with the reason it did not
 * count, for a suppressed one (set here rather than spread into a copy: spreading is measurably slower).
 */
function toHit(c: Candidate, original: string, norm: Normalized): KeywordHit;
function toHit(c: Candidate, original: string, norm: Normalized, reason: SuppressReason): KeywordHit & { reason: SuppressReason };
function toHit(c: Candidate, original: string, norm: Normalized, reason?: SuppressReason): KeywordHit & { reason?: SuppressReason } {
  const start = originalStart(norm, c.start, original.length);
  const end = originalEnd(norm, c.end);
  const hit: KeywordHit & { reason?: SuppressReason } = { term: c.entry.term, category: c.entry.category, surface: original.slice(start, end), start, end };
  if (c.pred) hit.predicate = { text: c.pred.text, start: originalStart(norm, c.pred.start, original.length), end: originalEnd(norm, c.pred.end) };
  if (reason) hit.reason = reason;
  return hit;
}

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
    case "hypothetical": return "in a hypothetical";
    case "no_predicate": return "without a problem predicate";
    default: return "";
  }
}

/** Items shown in one list of an explanation; a message with hundreds of hits gets "… and N more". */
const EXPLAIN_ITEMS = 8;

/** The first EXPLAIN_ITEMS items joined, and how many more there are. */
function listSome(items: string[], sep: string): string {
  if (items.length <= EXPLAIN_ITEMS) return items.join(sep);
  return `${items.slice(0, EXPLAIN_ITEMS).join(sep)}${sep}… and ${items.length - EXPLAIN_ITEMS} more`;
}

/** Characters before the quick scan's wake-up point that a long message's window still takes in (its sentence). */
const WINDOW_BACK = 300;

/** Does a sentence end at position i of the raw text (。！？!?; or a newline, full or half width)? */
function sentenceEndAt(text: string, i: number): boolean {
  const c = text[i];
  return BREAKS[text.charCodeAt(i)] === 3 || c === "。" || c === "！" || c === "？" || c === "；";
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** A detection on a window starting at `by` of a longer text, with offsets into the whole text. */
function shiftDetection(d: Detection, by: number): Detection {
  if (by === 0) return d;
  const move = <T extends KeywordHit>(h: T): T => ({
    ...h, start: h.start + by, end: h.end + by,
    ...(h.predicate ? { predicate: { ...h.predicate, start: h.predicate.start + by, end: h.predicate.end + by } } : {}),
  });
  return { ...d, keywords: d.keywords.map(move), suppressed: d.suppressed.map(move) };
}

/**
 * Where to cut a message longer than `max`: after the last sentence (else clause) break in its final 200
 * characters, else at `max` — never between the halves of a surrogate pair.
 */
function cutPoint(text: string, max: number): number {
  if (text.length <= max) return text.length;
  let clause = -1;
  for (let i = max - 1; i >= max - 200 && i > 0; i--) {
    if (sentenceEndAt(text, i)) return i + 1;
    if (clause < 0 && (BREAKS[text.charCodeAt(i)] === 1 || text[i] === "，" || text[i] === "、")) clause = i + 1;
  }
  if (clause > 0) return clause;
  const c = text.charCodeAt(max - 1);
  return c >= 0xd800 && c <= 0xdbff ? max - 1 : max;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}


/** Where a gapped pattern's tail starts: 1 … GAP_MAX characters after the head ends at `from`; -1 if not. */
function tailAt(s: string, tail: string, from: number): number {
  for (let at = from + 1; at <= from + 1 + GAP_MAX && at < s.length; at++) if (s.startsWith(tail, at)) return at;
  return -1;
}

/** Longest guard word or predicate that can start before a keyword and still end near it. */
const MAX_CUE_LENGTH = 64;

/**
 * Sort in place, stably (as Array.prototype.sort). A chat line's lists hold a handful of items, where
 * insertion sort is ~4× cheaper than the builtin's call overhead (measured: 0.12 vs 0.52 µs for 10
 * items); long messages get the builtin.
 */
function sortStable<T>(xs: T[], cmp: (a: T, b: T) => number): void {
  if (xs.length > 24) { xs.sort(cmp); return; }
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i];
    let j = i - 1;
    while (j >= 0 && cmp(xs[j], x) > 0) { xs[j + 1] = xs[j]; j--; }
    xs[j + 1] = x;
  }
}

function byStart(a: { start: number }, b: { start: number }): number {
  return a.start - b.start;
}

/** Index of the first cue starting at or after `pos` (cues sorted by start). */
function firstCueFrom(cues: Cue[], pos: number): number {
  let lo = 0, hi = cues.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cues[mid].start < pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Before segmenting: is some predicate within `max` characters of [start, end), in the same clause? */
function predicateNear(s: string, cues: Cue[], start: number, end: number, max: number): boolean {
  for (let k = firstCueFrom(cues, start - max - MAX_CUE_LENGTH); k < cues.length && cues[k].start <= end + max; k++) {
    const p = cues[k];
    if (!(p.mask & PRED)) continue;
    const gap = p.start >= end ? p.start - end : start - p.end;
    if (gap >= 0 && gap <= max && !hasBreak(s, Math.min(end, p.end), Math.max(start, p.start))) return true;
  }
  return false;
}

/**
 * Index (in `cues`, from `from` on) of a request / complaint frame (a [frame] cue) in the sentence
 * of [start, end), or null. Only asked for an object term with no predicate nearby, so chatter never pays.
 * Linear in the message: the sentence comes from `sentences` (computed once), only frame cues are visited
 * (`frames`, their indices in `cues`), at most MAX_FRAMES_TRIED of them, and each frame's tail is looked up
 * once (memoised on the cue).
 */
function frameInSentence(s: string, cues: Cue[], frames: FrameIndex, start: number, end: number, from = 0): number | null {
  const { a, b } = frames.sentenceAround(start, end);
  let tried = 0;
  for (let f = Math.max(frames.firstFrom(a), frames.firstIndexFrom(from)); f < frames.ids.length && tried < MAX_FRAMES_TRIED; f++) {
    const k = frames.ids[f];
    const c = cues[k];
    if (c.start >= b) break;
    if (c.end > b) continue;
    if (c.end > start && c.start < end) continue; // inside the object term itself
    tried++;
    if (c.tails) {
      if (c.tailOk === undefined) {
        c.tailOk = false;
        for (const t of c.tails) { const at = s.indexOf(t, c.end); if (at >= 0 && at + t.length <= b) { c.tailOk = true; break; } }
      }
      if (!c.tailOk) continue;
    }
    return k;
  }
  return null;
}

/** Frames examined per object term: the nearest few in its sentence decide (bounds a long sentence of frames). */
const MAX_FRAMES_TRIED = 8;

/** The frame cues of one message (indices into its sorted cue list) and its sentence bounds, built once. */
class FrameIndex {
  /** Indices in `cues` of the frame cues, ascending (so by start). */
  readonly ids: number[] = [];
  /** Positions just after each sentence break (ascending). */
  private readonly breaks: number[] = [];
  constructor(private readonly s: string, private readonly cues: Cue[]) {
    cues.forEach((c, k) => { if (c.mask & FRAME) this.ids.push(k); });
    if (this.ids.length) for (let i = 0; i < s.length; i++) if (BREAKS[s.charCodeAt(i)] === 3) this.breaks.push(i + 1);
  }

  /** First entry of `ids` whose cue starts at or after `pos`. */
  firstFrom(pos: number): number {
    let lo = 0, hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cues[this.ids[mid]].start < pos) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** First entry of `ids` that is at least `k`. */
  firstIndexFrom(k: number): number {
    let lo = 0, hi = this.ids.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.ids[mid] < k) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** The sentence [a, b) holding [start, end): from just after the break before `start` to the break at or after `end`. */
  sentenceAround(start: number, end: number): { a: number; b: number } {
    const br = this.breaks;
    let lo = 0, hi = br.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (br[mid] <= start) lo = mid + 1; else hi = mid; }
    const a = lo > 0 ? br[lo - 1] : 0;
    // The sentence ends at the first break character at or after `end` (its position is breaks[j] - 1).
    let j = lo;
    while (j < br.length && br[j] - 1 < end) j++;
    const b = j < br.length ? br[j] - 1 : this.s.length;
    return { a, b };
  }
}

function hasBreak(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (BREAKS[s.charCodeAt(i)] !== 0) return true;
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

/**
 * Function characters jieba's HMM sometimes glues onto a keyword (又坏了, 坏了的): they do not make it a
 * different word, unlike 口 in 电梯口 or 场 in 停车场.
 */
const GLUE = new Set([..."又也都就还了的得地很太真好再全被把给啊呀吧呢啦"]);
function isGlue(piece: string): boolean {
  for (const ch of piece) if (!GLUE.has(ch)) return false;
  return true;
}

/** Longer candidates first; at equal length a problem term beats an object term, then the earlier one. */
function byLengthThenProblem(a: Candidate, b: Candidate): number {
  return (b.end - b.start) - (a.end - a.start) || (a.entry.kind === b.entry.kind ? 0 : a.entry.kind === "problem" ? -1 : 1) || a.start - b.start;
}

const SUBWORD_CACHE = new Map<string, Set<string>>();
/** jieba search-mode sub-words of a token, cached (the same compounds recur). */
function subwordSet(token: string): Set<string> {
  let words = SUBWORD_CACHE.get(token);
  if (!words) {
    words = new Set(subwords(token).filter((w) => w.length >= 2 && w !== token));
    if (SUBWORD_CACHE.size > 20_000) SUBWORD_CACHE.clear();
    SUBWORD_CACHE.set(token, words);
  }
  return words;
}

/** Longest token piece `splitsInto` examines: jieba's words are a few characters; a longer run is no word. */
const MAX_SPLIT_LENGTH = 32;

/**
 * Can `s` be written as a sequence of the given words? Dynamic programming over end positions, so at most
 * MAX_SPLIT_LENGTH² steps (the plain recursion was exponential on a long token of repeated characters).
 */
function splitsInto(s: string, words: Set<string>): boolean {
  if (s === "") return true;
  if (s.length > MAX_SPLIT_LENGTH) return false;
  const ok = new Uint8Array(s.length + 1);
  ok[0] = 1;
  for (let j = 2; j <= s.length; j++) for (let i = 0; i <= j - 2 && !ok[j]; i++) if (ok[i] && words.has(s.slice(i, j))) ok[j] = 1;
  return ok[s.length] === 1;
}

/** Latin-script words of the normalised text (natural's tokenizer), with Porter stems. */
function latinTokens(s: string): Token[] {
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

/** A cue (guard word or predicate) occurrence; `valid` is 1/0 once its boundaries were checked, -1 before. */
interface Cue {
  text: string;
  mask: number;
  start: number;
  end: number;
  punct: boolean;
  valid: number;
  /** A gapped frame's tails (关于…问题: 问题): one must follow the cue in its sentence. */
  tails: string[] | null;
  /** Memo: does one of `tails` follow in the sentence? (undefined: not looked up yet) */
  tailOk?: boolean;
}

function cueValid(text: SegmentedText, c: Cue): boolean {
  if (c.valid < 0) c.valid = text.isWord(c.start, c.end) ? 1 : 0;
  return c.valid === 1;
}

/** Lazy guard lookups for one message: which cue kinds occur (validly) in which clauses or sentences. */
class GuardContext {
  /** Cue kinds found valid so far (reported in Detection.guards). */
  seen = 0;
  private durations: Set<number> | null = null;
  constructor(
    private readonly text: SegmentedText,
    private readonly cues: Cue[],
    private readonly negation: Set<string>,
    private readonly skip: Set<string>,
    private readonly questions: Set<string>,
  ) {}

  /** Sentences holding a duration (停了三天, 两个小时, for 3 days) — computed on first need. */
  private durationSentences(): Set<number> {
    if (!this.durations) {
      this.durations = new Set<number>();
      for (const re of [DURATION_ZH, DURATION_EN]) {
        re.lastIndex = 0;
        for (let m = re.exec(this.text.s); m; m = re.exec(this.text.s)) this.durations.add(this.text.sentenceOf(m.index));
      }
    }
    return this.durations;
  }

  /**
   * Is there a valid cue of this kind (one bit) in these clauses / sentences (scope null: anywhere)? A negated
   * "resolved" cue does not count (还没修好了, nobody fixed it). Cues are bucketed by clause and sentence
   * once, so a long message with many keywords stays linear.
   */
  has(bit: number, scope: "clause" | "sentence" | null, ids: number[] | null): boolean {
    if (!scope || !ids) {
      if (!(this.anywhereKnown & bit)) {
        this.anywhereKnown |= bit;
        for (const c of this.cues) if (this.counts(c, bit)) { this.anywhereFound |= bit; break; }
      }
      return (this.anywhereFound & bit) !== 0;
    }
    const buckets = this.bucket(scope);
    for (const id of ids) {
      const key = id * 2048 + bit * 2 + (scope === "clause" ? 1 : 0);
      let hit = this.scoped.get(key);
      if (hit === undefined) {
        hit = false;
        for (const c of buckets.get(id) ?? []) if (this.counts(c, bit)) { hit = true; break; }
        this.scoped.set(key, hit);
      }
      if (hit) return true;
    }
    return false;
  }

  private readonly scoped = new Map<number, boolean>();

  /** Cue kinds (one bit each) already looked up anywhere in the message, and those found. */
  private anywhereKnown = 0;
  private anywhereFound = 0;
  private clauseBuckets: Map<number, Cue[]> | null = null;
  private sentenceBuckets: Map<number, Cue[]> | null = null;

  private bucket(scope: "clause" | "sentence"): Map<number, Cue[]> {
    let b = scope === "clause" ? this.clauseBuckets : this.sentenceBuckets;
    if (!b) {
      b = new Map();
      for (const c of this.cues) {
        const id = scope === "clause" ? this.text.clauseOf(c.start) : this.text.sentenceOf(c.start);
        const list = b.get(id);
        if (list) list.push(c); else b.set(id, [c]);
      }
      if (scope === "clause") this.clauseBuckets = b; else this.sentenceBuckets = b;
    }
    return b;
  }

  private counts(c: Cue, bit: number): boolean {
    if (!(c.mask & bit) || !cueValid(this.text, c)) return false;
    if (bit === RESOLVED && this.text.negationBefore(c.start, this.negation, this.skip, this.questions)) return false;
    this.seen |= bit;
    return true;
  }

  /** A grievance cue or a duration (停了三天) in these sentences, or anywhere. */
  grievance(sentences: number[] | null): boolean {
    const durations = this.durationSentences();
    if (durations.size && (!sentences || sentences.some((sid) => durations.has(sid)))) return true;
    return this.has(GRIEVANCE, sentences ? "sentence" : null, sentences);
  }
}

/**
 * The normalised message with clause and sentence indices, segmented clause by clause on demand.
 * jieba splits at punctuation itself, so cutting one clause gives exactly the tokens cutting the whole
 * message would give there — chat lines whose other clauses hold no keyword never pay for them.
 */
class SegmentedText {
  readonly n: number;
  /** Start of each clause (plus a sentinel n + 1), and the sentence each clause belongs to. */
  private readonly clauseStart: number[] = [0];
  private readonly clauseSentence: number[] = [0];
  private readonly segmented: Uint8Array;
  private readonly boundary: Uint8Array;
  // Plain arrays, not Int32Array: a typed array over 64 bytes is allocated off the V8 heap, which costs
  // more than the rest of this constructor for a chat line (measured: 0.25 vs 0.09 µs for 30 entries).
  private readonly tokenEndingAt: number[];
  private cover: number[] | null = null;
  private readonly tokens: Token[] = [];

  constructor(readonly s: string, latin: Token[]) {
    const n = (this.n = s.length);
    let sid = 0;
    for (let i = 0; i < n; i++) {
      const b = BREAKS[s.charCodeAt(i)];
      if (b === 0) continue;
      if (b === 3) sid++;
      this.clauseStart.push(i + 1);
      this.clauseSentence.push(sid);
    }
    this.clauseStart.push(n + 1);
    this.segmented = new Uint8Array(this.clauseStart.length);
    this.boundary = new Uint8Array(n + 1);
    this.tokenEndingAt = new Array<number>(n + 1).fill(-1);
    this.boundary[0] = 1;
    this.boundary[n] = 1;
    for (const t of latin) this.addToken(t);
  }

  /** Index of the clause holding position p (a break character closes its clause). */
  clauseOf(p: number): number {
    const cs = this.clauseStart;
    let lo = 0, hi = cs.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cs[mid] <= p) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** Index of the sentence holding position p. */
  sentenceOf(p: number): number {
    return this.clauseSentence[this.clauseOf(p)];
  }

  private addToken(t: Token): void {
    const k = this.tokens.length;
    this.tokens.push(t);
    this.boundary[t.start] = 1;
    this.boundary[t.end] = 1;
    this.tokenEndingAt[t.end] = k;
    if (this.cover) for (let i = t.start; i < t.end; i++) this.cover[i] = k;
  }

  /** Segment one clause's non-Latin runs with jieba (once). */
  private ensure(cid: number): void {
    if (this.segmented[cid]) return;
    this.segmented[cid] = 1;
    const s = this.s;
    const end = Math.min(this.n, this.clauseStart[cid + 1]);
    let i = this.clauseStart[cid];
    while (i < end) {
      if (isLatin(s.charCodeAt(i))) { this.boundary[i] = 1; i++; this.boundary[i] = 1; continue; }
      let j = i + 1;
      while (j < end && !isLatin(s.charCodeAt(j))) j++;
      const run = s.slice(i, j);
      let pos = 0;
      for (const t of cut(run)) {
        const at = run.startsWith(t, pos) ? pos : run.indexOf(t, pos);
        if (at < 0 || t.length === 0) continue;
        this.addToken({ start: i + at, end: i + at + t.length, text: t, stem: null });
        pos = at + t.length;
      }
      i = j;
    }
  }

  /** Is position p a token boundary? */
  isBoundary(p: number): boolean {
    this.ensure(this.clauseOf(Math.max(0, p - 1)));
    this.ensure(this.clauseOf(p));
    return this.boundary[p] === 1;
  }

  /**
   * Is [start, end) a word of the text? Yes when both ends are token boundaries; also when it lies inside
   * one longer token that jieba's search mode splits exactly into it plus other dictionary words
   * (噪声|污染, 环境污染|问题) — a part of a compositional compound, not a keyword inside an unrelated word
   * (电梯口, 停车场).
   */
  isWord(start: number, end: number): boolean {
    if (this.isBoundary(start) && this.isBoundary(end)) return true;
    if (!this.cover) {
      this.cover = new Array<number>(this.n + 1).fill(-1);
      this.tokens.forEach((t, k) => { for (let i = t.start; i < t.end; i++) this.cover![i] = k; });
    }
    const k = this.cover[start];
    if (k < 0 || k !== this.cover[end - 1]) return false;
    const t = this.tokens[k];
    if (t.stem !== null || t.end - t.start < 3 || t.end - t.start > 2 * MAX_SPLIT_LENGTH) return false;
    const words = subwordSet(t.text);
    const before = t.text.slice(0, start - t.start);
    const after = t.text.slice(end - t.start);
    const inner = t.text.slice(start - t.start, end - t.start);
    return (splitsInto(before, words) || isGlue(before)) && (splitsInto(after, words) || isGlue(after)) &&
      (words.has(inner) || splitsInto(inner, words));
  }

  /** The negation word right before position `at` in its clause (skipping fillers), or null. */
  negationBefore(at: number, negation: Set<string>, skip: Set<string>, questions: Set<string>): string | null {
    this.ensure(this.clauseOf(at));
    const s = this.s;
    let p = at;
    for (let skipped = 0; ; ) {
      while (p > 0 && (s[p - 1] === " " || s[p - 1] === "\t")) p--;
      if (p === 0 || BREAKS[s.charCodeAt(p - 1)] !== 0) return null;
      const k = this.tokenEndingAt[p];
      if (k < 0) return null;
      const t = this.tokens[k];
      const k2 = this.tokenEndingAt[t.start];
      const joined = k2 >= 0 ? this.tokens[k2].text + t.text : "";
      // 是|不是, 是|不|是, 有|没有: an A-not-A question (是不是, 有没有), not a negation.
      const k3 = k2 >= 0 ? this.tokenEndingAt[this.tokens[k2].start] : -1;
      if (joined && (questions.has(joined) || (k3 >= 0 && questions.has(this.tokens[k3].text + joined)))) return null;
      if (negation.has(t.text)) return t.text;
      // jieba may split a negation word in two (不|让): try it with the token before.
      if (joined && negation.has(joined)) return joined;
      if (!skip.has(t.text) || skipped >= NEGATION_SKIP_MAX) return null;
      skipped++;
      p = t.start;
    }
  }
}
