// Step 1, the quick scan: the raw text through the compiled automaton, folding each character on the fly,
// so that chatter is settled without normalising, segmenting or allocating.
import type { Automaton } from "./automaton.js";
import { COMPLEX, DROP, astralNeedsWork, tables } from "./normalize.js";
import {
  BREAKS, GAP_MAX, MAX_CUE_LENGTH, PRED_DISTANCE_ZH, Q_COMMENT, Q_ENGLISH, Q_FRAME, Q_GAPPED, Q_GO, Q_LOOSE, Q_OBJECT, Q_PREDICATE, Q_PROBLEM,
  Q_ASK, Q_SHAPE, SCAN_MAYBE, SCAN_NOTHING, SCAN_OBJECT_ONLY, SCAN_OBJECT_SHAPE, SCAN_SHAPE,
} from "./pipeline.js";

/**
 * QuickMatcher.unit marker: the code unit needs a closer look — it vanishes, is a surrogate or a combining
 * mark, or needs the full normaliser.
 */
export const SPECIAL = 0xffff;

/** Scan result bit (not a pattern flag): an object term with a predicate close enough, or a frame, to count. */
export const Q_NEAR = 1024;

/** Scan result bit: a question (Q_ASK) in the same clause (ASK_LEVEL) as an object term — a shape for the classifier. */
export const Q_ASKED = 4096;
/** The question must share the object term's clause (1), not just its sentence: chat joins a question to anything. */
const ASK_LEVEL = 1;

/**
 * An automaton run over the raw text, folding each character on the fly (width, case, invisible
 * characters) so that chatter is rejected without normalising or allocating. Returns the OR of the flags
 * of what it saw; Q_GO as soon as a problem term (or a gapped head with its tail close by) appears, or a
 * character needs the full normaliser (traditional Chinese, math letters).
 */
export class QuickMatcher {
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
  private readonly masks: Uint16Array;
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
    let lastObject = -1, lastPredicate = -1, lastFrame = -1, lastAsk = -1;
    // A sentence break already found after the last frame / object: every later object / frame is past it
    // too, so the (unbounded) look back is done once per frame or object, keeping the scan linear.
    let frameCut = false, objectCut = false;
    // Index of the low half of the surrogate pair being read (-1: none).
    let low = -1;
    for (let i = 0; i < n; i++) {
      let k = unit[text.charCodeAt(i)];
      // Class 0: a character in no pattern always leads back to the root, whose mask is empty — no table read.
      if (k === 0) { st = 0; continue; }
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
      // A question and an object term in one clause (the question's last character, ？ itself, not counted as its break).
      if (m & Q_ASK) {
        if (lastObject >= 0 && !(seen & Q_ASKED) && !this.breakIn(text, lastObject, i, ASK_LEVEL)) seen |= Q_ASKED;
        lastAsk = i;
      }
      if (m & Q_OBJECT && lastAsk >= 0 && !(seen & Q_ASKED) && !this.breakIn(text, lastAsk, i, ASK_LEVEL)) seen |= Q_ASKED;
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
        // (a problem predicate may stand past one clause break: a comment clause, 「三号楼的外墙，安全堪忧」 — candidates.ts decides)
        if (lastObject >= 0 && end - lastObject <= PRED_DISTANCE_ZH + this.maxPredicate && !this.breakIn(text, lastObject, end, m & Q_COMMENT ? 3 : 1)) seen |= this.near(lastObject - this.maxObject);
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

/**
 * Could this message be a complaint? A superset test on the raw text: it may say SCAN_MAYBE for chatter,
 * never SCAN_NOTHING / SCAN_OBJECT_ONLY for a complaint (tests/nlp/prefilter.test.ts checks it).
 */
export function quickScan(quick: QuickMatcher, text: string): number {
  const seen = quick.scan(text);
  if (seen & (Q_GO | Q_ENGLISH)) return SCAN_MAYBE;
  if (!(seen & Q_OBJECT)) return seen & Q_SHAPE ? SCAN_SHAPE : SCAN_NOTHING;
  return seen & (Q_NEAR | Q_LOOSE) ? SCAN_MAYBE : seen & (Q_SHAPE | Q_ASKED) ? SCAN_OBJECT_SHAPE : SCAN_OBJECT_ONLY;
}

export let RAW_BREAK: Uint8Array | null = null;

/** BREAKS of each raw code unit's folded form; the fold table is the process's, so this is built once. */
export function rawBreaks(fold: Uint16Array): Uint8Array {
  if (!RAW_BREAK) {
    RAW_BREAK = new Uint8Array(65536);
    for (let c = 0; c < 65536; c++) if (fold[c] !== DROP && fold[c] !== COMPLEX) RAW_BREAK[c] = BREAKS[fold[c]];
  }
  return RAW_BREAK;
}
