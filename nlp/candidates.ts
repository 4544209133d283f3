// Steps 3 and 4, candidates and frames: what on the normalised text could be a complaint keyword, which
// of those lie on word boundaries, and the predicate or request / complaint frame each object term takes.
import { Automaton, type AcMatch } from "./automaton.js";
import type { CompiledLexicon } from "./compile.js";
import { latinTokens, matchEnglish } from "./english-match.js";
import {
  BREAKS, FRAME, GAP_MAX, HELP, PETITION, MAX_CUE_LENGTH, PRED, PRED_DISTANCE_EN, PRED_DISTANCE_ZH, byStart, firstCueFrom, hasBreak, sortStable, tailAt,
  type Candidate, type Cue, type EnPattern, type Token,
} from "./pipeline.js";
import { SegmentedText, cueValid } from "./tokens.js";
import type { Detection, LexiconEntry } from "./types.js";
import { quiet } from "./verdict.js";

/** What step 3 found on one message's normalised text. */
export interface Matches {
  s: string;
  cues: Cue[];
  frames: FrameIndex;
  latin: Token[];
  termMatches: AcMatch[];
  enTermHits: Array<{ p: EnPattern; start: number; end: number }>;
  /** Set when nothing could count: the verdict, reached without segmenting. */
  quiet: Detection | null;
}

/**
 * Step 3: keyword surfaces, guard words and predicates on the normalised text (one automaton pass), English
 * words by stems; `quiet` is set when nothing could count (no problem term, and no object term with a
 * predicate nearby or a frame in its sentence), so segmentation is never paid for it.
 */
export function findMatches(lex: CompiledLexicon, s: string): Matches {
  const termMatches: AcMatch[] = [];
  const cues: Cue[] = [];
  for (const m of lex.ac.search(s)) {
    if (m.pattern < lex.cueBase) { termMatches.push(m); continue; }
    const meta = lex.cueMeta[m.pattern - lex.cueBase];
    if (meta) cues.push(cue(meta.text, meta.mask, m.start, m.end, meta.punct, meta.punct ? 1 : -1, meta.tails, meta.remedies ?? null));
  }
  const latin = latinTokens(s);
  const enTermHits = latin.length ? matchEnglish(latin, lex.enTerms, s) : [];
  if (latin.length) for (const h of matchEnglish(latin, lex.enCues, s)) cues.push(cue(h.p.surface, h.p.mask, h.start, h.end, false, 1, null, null));
  sortStable(cues, byStart);
  const frames = new FrameIndex(s, cues);
  let viable = false;
  const objectsSeen: string[] = [];
  for (const m of termMatches) {
    const meta = lex.termMeta[m.pattern];
    if (meta.entry.kind === "problem") { if (!meta.tail || tailAt(s, meta.tail, m.end) >= 0) viable = true; }
    else if (predicateNear(s, cues, m.start, m.end, PRED_DISTANCE_ZH) || frameInSentence(s, cues, frames, m.start, m.end) !== null || commentNear(s, cues, m.end)) viable = true;
    else objectsSeen.push(meta.entry.term);
  }
  for (const h of enTermHits) {
    if (h.p.entry!.kind === "problem" || predicateNear(s, cues, h.start, h.end, PRED_DISTANCE_EN) || frameInSentence(s, cues, frames, h.start, h.end) !== null) viable = true;
    else objectsSeen.push(h.p.entry!.term);
  }
  if (!viable) {
    const why = objectsSeen.length === 0 ? quiet("no keyword") : quiet(`object term(s) ${[...new Set(objectsSeen)].join(", ")} without a problem predicate`, 0.1);
    return { s, cues, frames, latin, termMatches, enTermHits, quiet: why };
  }
  return { s, cues, frames, latin, termMatches, enTermHits, quiet: null };

}

/**
 * Step 4: keyword candidates on token boundaries (clauses segmented only when asked about), the longest
 * mention kept, each object term paired with its nearest predicate or, failing that, a frame of its sentence.
 */
export function findCandidates(lex: CompiledLexicon, m: Matches): { text: SegmentedText; kept: Candidate[] } {
  const { s, cues, frames, latin, termMatches, enTermHits } = m;
  const text = new SegmentedText(s, latin);
  const raw: Candidate[] = [];
  for (const m of termMatches) {
    const meta = lex.termMeta[m.pattern];
    if (!meta.tail) {
      if (text.isWord(m.start, m.end)) raw.push(cand(meta.entry, meta.surface, m.start, m.end, meta.place));
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
  // A place word (小区, 门口) takes a predicate only when no other object can: 「小区门口垃圾没人清理」 is the 垃圾's.
  sortStable(pairs, (a, b) => Number(a.obj.place === true) - Number(b.obj.place === true) || a.dist - b.dist || (b.pred.end - b.pred.start) - (a.pred.end - a.pred.start));
  // A predicate serves one object; overlapping predicates (坏 / 坏了) are one mention.
  const claimed = new Uint8Array(s.length + 1);
  for (const { obj, pred } of pairs) {
    if (obj.pred) continue;
    let free = true;
    for (let i = pred.start; i < pred.end && free; i++) free = claimed[i] === 0;
    if (!free) continue;
    obj.pred = { text: pred.text, start: pred.start, end: pred.end };
    claimed.fill(1, pred.start, pred.end);
    // A predicate that is a petition head (何时, 希望) with a remedy after it: the object is petitioned for.
    if (pred.mask & PETITION && remedyFollows(s, pred, frames)) { obj.petition = true; obj.pred.text = `${pred.text}…${pred.remedy}`; }
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
      if (free && cueValid(text, f)) {
        c.pred = { text: f.remedyOk ? `${f.text}…${f.remedy}` : f.text, start: f.start, end: f.end };
        c.framed = true;
        if (f.remedyOk) c.petition = true;
        break;
      }
    }
    if (!c.pred) {
      // A comment clause: the predicate opens the next clause of the sentence, close to the object, and that
      // clause names no object of its own (「三号楼的外墙，安全堪忧」): it is said of this one.
      const own = text.clauseOf(c.start);
      const next = text.clauseSpan(own + 1);
      if (next && text.sentenceOf(next.start) === text.sentenceOf(c.start) && next.end - next.start <= COMMENT_CLAUSE_MAX && !kept.some((o) => o.start >= next.start && o.start < next.end)) {
        for (let k = firstCueFrom(cues, next.start); k < cues.length && cues[k].start <= next.start + COMMENT_LEAD; k++) {
          const p = cues[k];
          if (!(p.mask & PRED) || p.mask & (HELP | PETITION) || p.start < next.start || p.end > next.end || p.start - c.end > PRED_DISTANCE_ZH) continue;
          if (!COMMENT_ADVERBS.test(s.slice(next.start, p.start))) continue; // 「手机坏了」 has a subject of its own
          let free = true;
          for (let i = p.start; i < p.end && free; i++) free = covered[i] === 0 && claimed[i] === 0;
          if (!free || !cueValid(text, p)) continue;
          c.pred = { text: p.text, start: p.start, end: p.end };
          c.framed = true;
          claimed.fill(1, p.start, p.end);
          break;
        }
      }
    }
    if (!c.pred) c.reason = "no_predicate";
  }
  // A petition asks for a remedy wherever its object stands: 「何时放开电动车上牌？」 is 「电动车上牌何时放开？」 — an object
  // whose nearest predicate is the remedy itself (放开) is still petitioned by the head before it.
  for (const c of kept) {
    if (c.entry.kind !== "object" || !c.pred || c.petition || c.framed) continue;
    if (petitionInSentence(s, cues, frames, text, c.start, c.end)) c.petition = true;
  }

  return { text, kept };
}

/** Before segmenting: is some predicate within `max` characters of [start, end), in the same clause? */
export function predicateNear(s: string, cues: Cue[], start: number, end: number, max: number): boolean {
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
export function frameInSentence(s: string, cues: Cue[], frames: FrameIndex, start: number, end: number, from = 0): number | null {
  const { a, b } = frames.sentenceAround(start, end);
  let tried = 0;
  for (let f = Math.max(frames.firstFrom(a), frames.firstIndexFrom(from)); f < frames.ids.length && tried < MAX_FRAMES_TRIED; f++) {
    const k = frames.ids[f];
    const c = cues[k];
    if (c.start >= b) break;
    if (c.end > b) continue;
    if (c.end > start && c.start < end) continue; // inside the object term itself
    tried++;
    if (c.mask & PETITION && remedyFollows(s, c, frames)) return k;
    if (!(c.mask & FRAME)) continue;
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

/** A comment clause may be at most this long (characters, its break included): 「，安全堪忧」「，太危险了」. */
const COMMENT_CLAUSE_MAX = 8;
/** ... and its predicate opens it, after at most COMMENT_LEAD adverbs (又, 也, 却, 太 …) — no subject of its own. */
const COMMENT_LEAD = 2;
const COMMENT_ADVERBS = /^[又也还都却太真很已仍就更总]{0,2}$/;

/** Before segmenting: a predicate after `end`, past one clause break (not a sentence's), within PRED_DISTANCE_ZH? */
function commentNear(s: string, cues: Cue[], end: number): boolean {
  for (let k = firstCueFrom(cues, end); k < cues.length && cues[k].start <= end + PRED_DISTANCE_ZH; k++) {
    const p = cues[k];
    if (!(p.mask & PRED) || p.mask & (HELP | PETITION) || p.start < end) continue;
    let breaks = 0;
    for (let i = end; i < p.start; i++) { const b = BREAKS[s.charCodeAt(i)]; if (b === 3) { breaks = 9; break; } if (b) breaks++; }
    if (breaks === 1) return true;
  }
  return false;
}

/** Is there a petition head with a remedy after it in the sentence of [start, end) (at most MAX_FRAMES_TRIED frames looked at)? */
function petitionInSentence(s: string, cues: Cue[], frames: FrameIndex, text: SegmentedText, start: number, end: number): boolean {
  const { a, b } = frames.sentenceAround(start, end);
  let tried = 0;
  for (let f = frames.firstFrom(a); f < frames.ids.length && tried < MAX_FRAMES_TRIED; f++) {
    const c = cues[frames.ids[f]];
    if (c.start >= b) break;
    if (c.end > b || !(c.mask & PETITION)) continue;
    tried++;
    if (remedyFollows(s, c, frames) && cueValid(text, c)) return true;
  }
  return false;
}

/** Does one of a petition head's remedies follow it in its sentence? Memoised on the cue. */
function remedyFollows(s: string, c: Cue, frames: FrameIndex): boolean {
  if (c.remedyOk === undefined) {
    c.remedyOk = false;
    const remedies = c.remedies;
    if (remedies?.length) {
      // The first remedy in list order that occurs inside [c.end, b): the message's remedy occurrences are
      // found once (one automaton pass shared by every head), not by one indexOf per head and remedy.
      const { b } = frames.sentenceAround(c.start, c.end);
      const hits = frames.remedyHits(remedies);
      let best = -1;
      for (let k = 0; k < hits.length; k += 3) {
        if (hits[k] >= c.end && hits[k + 1] <= b && (best < 0 || hits[k + 2] < best)) best = hits[k + 2];
      }
      if (best >= 0) { c.remedyOk = true; c.remedy = remedies[best]; }
    }
  }
  return c.remedyOk;
}

/** One automaton per remedy list (the compiled lexicon's, shared by all its petition heads). */
const REMEDY_AC = new WeakMap<readonly string[], Automaton>();

function remedyAutomaton(remedies: readonly string[]): Automaton {
  let ac = REMEDY_AC.get(remedies);
  if (!ac) { ac = new Automaton(remedies); REMEDY_AC.set(remedies, ac); }
  return ac;
}

/** Frames examined per object term: the nearest few in its sentence decide (bounds a long sentence of frames). */
export const MAX_FRAMES_TRIED = 8;

/** The frame cues of one message (indices into its sorted cue list) and its sentence bounds, built once. */
export class FrameIndex {
  /** Indices in `cues` of the frame cues, ascending (so by start). */
  readonly ids: number[] = [];
  /** Positions just after each sentence break (ascending). */
  private readonly breaks: number[] = [];
  constructor(private readonly s: string, private readonly cues: Cue[]) {
    cues.forEach((c, k) => { if (c.mask & (FRAME | PETITION)) this.ids.push(k); });
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

  private remedies: readonly string[] | null = null;
  private hits: number[] = [];

  /** Every occurrence of a remedy in the message as (start, end, index in `remedies`) triples, found once. */
  remedyHits(remedies: readonly string[]): number[] {
    if (this.remedies !== remedies) {
      this.remedies = remedies;
      this.hits = [];
      for (const m of remedyAutomaton(remedies).search(this.s)) this.hits.push(m.start, m.end, m.pattern);
    }
    return this.hits;
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

// Every field set at creation, the optional ones undefined, so that all cues (and all candidates) share one
// object shape: the steps after read them through monomorphic property accesses.
function cue(text: string, mask: number, start: number, end: number, punct: boolean, valid: number, tails: string[] | null, remedies: string[] | null): Cue {
  return { text, mask, start, end, punct, valid, tails, tailOk: undefined, remedies, remedyOk: undefined, remedy: undefined };
}

export function cand(entry: LexiconEntry, surface: string, start: number, end: number, place = false): Candidate {
  return { entry, surface, start, end, pred: null, framed: undefined, petition: undefined, reason: null, negatedBy: undefined, place: place ? true : undefined };
}

/** Longer candidates first; at equal length a problem term beats an object term, then the earlier one. */
export function byLengthThenProblem(a: Candidate, b: Candidate): number {
  return (b.end - b.start) - (a.end - a.start) || (a.entry.kind === b.entry.kind ? 0 : a.entry.kind === "problem" ? -1 : 1) || a.start - b.start;
}
