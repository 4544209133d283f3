// The complaint detector: lexicon → compiled matcher → detect(text) → Detection.
//
// Pipeline for one message (each step only runs when the previous one found something), one file each:
//   1. quick-scan.ts: the raw text, folded character by character (width, case, invisible characters),
//      through an Aho-Corasick automaton of every keyword surface. Chatter with no candidate stops here
//      without normalising, segmenting or allocating.
//   2. normalize.ts: NFKC, invisible characters, width, traditional → simplified, case, with an offset map.
//   3. candidates.ts (findMatches): keyword surfaces again, now on the normalised text; if nothing could
//      count (no problem term, and no object term with a predicate nearby) stop before segmentation.
//   4. candidates.ts (findCandidates) on tokens.ts: jieba `cut(text, true)` for Chinese runs, natural's
//      tokenizer + Porter stems for Latin runs (english-match.ts); a Chinese keyword counts only when it
//      starts and ends on token boundaries; objects take a predicate or a frame.
//   5. guards.ts: negation right before the keyword, resolved, notice, question — and the grievance /
//      help cues that keep a question or notice a complaint.
//   6. verdict.ts: category, severity, score, explanation.
// compile.ts builds what every step reads from the lexicon; pipeline.ts holds what they share.
import { findCandidates, findMatches, type Matches } from "./candidates.js";
import { CATEGORY_CONFIDENCE, CLASSIFIER_CONFIDENCE, sharedClassifier, type ComplaintClassifier, type Opinion } from "./classifier.js";
import { compileLexicon, type CompiledLexicon } from "./compile.js";
import { applyGuards } from "./guards.js";
import { normalizeWithMap } from "./normalize.js";
import { BREAKS, FRAME, SHAPE, GRIEVANCE, HELP, HYPOTHETICAL, NOTICE, PETITION, PRED, QUESTION, RESOLVED, SCAN_MAYBE, SCAN_NOTHING, SCAN_OBJECT_ONLY, SCAN_OBJECT_SHAPE, SCAN_SHAPE, isShapeCue, type Cue } from "./pipeline.js";
import { quickScan } from "./quick-scan.js";
import { SegmentedText, cueValid } from "./tokens.js";
import type { Category, Detection, Detector, Lexicon } from "./types.js";
import { QUIET_NO_KEYWORD, QUIET_OBJECT_ONLY, quiet, shiftDetection, verdict } from "./verdict.js";

// === Building

/**
 * Compile a lexicon into a detector. Cheap enough to call on every lexicon change: the jieba dictionary
 * loads once per process and only words it has not seen are inserted.
 */
export function createDetector(lexicon: Lexicon, options: DetectorOptions = {}): Detector {
  const { prefilter, maxChars, classifier } = { prefilter: true, maxChars: MAX_ANALYSED_CHARS, classifier: true, ...definedOnly(options) };
  if (!(maxChars >= 100)) throw new RangeError("maxChars must be a number ≥ 100");
  const second = classifier === true ? sharedClassifier() : classifier === false ? null : classifier;
  return new CompiledDetector(lexicon, prefilter, maxChars, second);
}

/**
 * Characters of a message that are analysed (normalised, matched, segmented). A longer message is
 * quick-scanned whole, then analysed in one window this long from where the scan woke up, cut at a
 * sentence or clause break when one is close; its explanation says which characters. The playground
 * accepts 200,000 characters, and every step is linear, but segmenting 200,000 characters alone costs
 * ~0.1–0.4 s (bench/detect-sizes.ts).
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
   * Characters analysed per message (default MAX_ANALYSED_CHARS, at least 100); the rest of a longer one
   * is ignored and the explanation says so. The size bench raises it to show the analysis itself is linear.
   */
  maxChars?: number;
  /**
   * false: no learned second opinion (nlp/classifier.ts), the lexicon alone decides. Default true: the
   * classifier trained once per process on lexicon/classifier/train.tsv; or a ComplaintClassifier of one's own.
   */
  classifier?: boolean | ComplaintClassifier;
}

class CompiledDetector implements Detector {
  readonly lexicon: Lexicon;
  private readonly c: CompiledLexicon;

  constructor(
    lexicon: Lexicon,
    private readonly prefilter: boolean,
    private readonly maxChars: number,
    private readonly classifier: ComplaintClassifier | null,
  ) {
    this.lexicon = lexicon;
    this.c = compileLexicon(lexicon);
  }

  // === Detection

  detect(text: string): Detection {
    if (typeof text !== "string" || text.length === 0) return quiet("empty message");
    try {
      if (text.length > this.maxChars) return this.detectLong(text);
      const scan = this.prefilter ? quickScan(this.c.quick, text) : SCAN_MAYBE;
      if (scan === SCAN_NOTHING) return QUIET_NO_KEYWORD;
      if (scan === SCAN_OBJECT_ONLY) return QUIET_OBJECT_ONLY;
      // A complaint shape with nothing the lexicon could flag: only the classifier could, and only when sure
      // — asked first on the normalised text (≈ 1 µs), so that chatter with a 请 or 坏了 stops here.
      if (scan === SCAN_SHAPE || scan === SCAN_OBJECT_SHAPE) {
        // Normalised once: the full path below reuses the text and the classifier's opinion of it.
        const norm = this.classifier ? normalizeWithMap(text) : null;
        const opinion = norm && this.classifier!.classifyNormalized(norm.text);
        if (!norm || !confident(opinion)) return scan === SCAN_SHAPE ? QUIET_NO_KEYWORD : QUIET_OBJECT_ONLY;
        return this.analyse(text, true, norm, opinion);
      }
      if (this.prefilter) return this.analyse(text, true);
      const unfiltered = quickScan(this.c.quick, text);
      return this.analyse(text, unfiltered !== SCAN_NOTHING && unfiltered !== SCAN_OBJECT_ONLY);
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
    const scan = quickScan(this.c.quick, text);
    if (this.prefilter && scan === SCAN_NOTHING) return QUIET_NO_KEYWORD;
    if (this.prefilter && scan === SCAN_OBJECT_ONLY) return QUIET_OBJECT_ONLY;
    const wake = Math.max(0, this.c.quick.wakeAt);
    let from = Math.max(0, wake - WINDOW_BACK);
    for (let i = wake - 1; i > from; i--) if (sentenceEndAt(text, i)) { from = i + 1; break; }
    if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
    const to = from + cutPoint(text.slice(from), this.maxChars);
    const d = shiftDetection(this.analyse(text.slice(from, to), scan !== SCAN_NOTHING && scan !== SCAN_OBJECT_ONLY), from);
    const note = `only characters ${from}–${to} of ${text.length} were analysed (the cap is ${this.maxChars})`;
    return { ...d, explanation: `${d.explanation} (${note})` };
  }

  /**
   * Steps 2–6 on one message. `secondOpinion`: the classifier may look at a quiet verdict — only on lines
   * the quick scan passes, so that `prefilter: false` gives the same verdicts as the default.
   */
  private analyse(original: string, secondOpinion: boolean, norm = normalizeWithMap(original), opinion: Opinion | null = null): Detection {
    const found = findMatches(this.c, norm.text);
    let d: Detection;
    let text: SegmentedText | null = null;
    if (found.quiet) d = found.quiet;
    else {
      const r = findCandidates(this.c, found);
      text = r.text;
      const { flags, cueWords } = applyGuards(r.text, found.cues, r.kept, this.c.guardWords);
      d = verdict(original, norm, r.kept, flags, cueWords);
    }
    if (d.complaint) return d.category === "other" && this.classifier ? this.categoryOpinion(d, found.s) : d;
    if (!this.classifier || !secondOpinion) return d;
    return this.secondOpinion(d, found, text ?? new SegmentedText(found.s, found.latin), opinion);
  }

  /**
   * A lexicon complaint whose keywords are all generic (投诉, 请求解决, 违规 — category "other") and that holds
   * no object of a category: the classifier names the category when it gives one (not chat, not other)
   * CATEGORY_CONFIDENCE of the probability. The lexicon still decided that it IS a complaint; the explanation
   * says where the category came from.
   */
  private categoryOpinion(d: Detection, s: string): Detection {
    // The classifier agreeing that nothing more specific is meant (its own top label is other) settles it.
    const opinion = this.classifier!.categoryOfNormalized(s, true);
    if (!opinion || opinion.p < CATEGORY_CONFIDENCE) return d;
    return { ...d, category: opinion.label, explanation: `${d.explanation}; category from the learned classifier: ${opinion.label} p ${opinion.p.toFixed(2)}` };
  }

  /**
   * The learned classifier's say on a line the lexicon left quiet: only when no guard suppressed a keyword
   * (negated, resolved, notice, question, hypothetical, follow-up all stand), a complaint shape is on a word
   * boundary somewhere in the message — a problem predicate, a request frame or a petition head (the
   * lexicon needs an object term next to it) — and the classifier gives one category
   * CLASSIFIER_CONFIDENCE of the probability. Lines with no object term get here too (quick scan
   * SCAN_SHAPE), once the classifier, asked first, is sure.
   */
  private secondOpinion(d: Detection, found: Matches, text: SegmentedText, known: Opinion | null): Detection {
    if (d.suppressed.some((h) => h.reason !== "no_predicate")) return d;
    // The explanation names a problem predicate when there is one, else the first shape; failing both, a
    // question in the sentence of an object term (「公积金能在外地贷款吗？」 asks whoever serves it).
    const pred = found.cues.find((c) => c.mask & PRED && !(c.mask & HELP) && cueValid(text, c)) ?? found.cues.find((c) => isShapeCue(c.mask) && cueValid(text, c));
    const asked = pred ? null : this.questionAbout(found, text);
    const cue = pred ?? asked?.cue;
    if (!cue) return d;
    // The lexicon's guards hold for the classifier too: a negated predicate (没坏), or a notice, question or
    // hypothetical in its sentence (明天…的话…取消) is no complaint whoever reads it.
    const g = this.c.guardWords;
    if (pred && text.negationBefore(pred.start, g.negation, g.skip, g.questions)) return d;
    const sentence = text.sentenceOf(cue.start);
    const inSentence = (mask: number) => found.cues.some((c) => c.mask & mask && text.sentenceOf(c.start) === sentence && cueValid(text, c));
    if (inSentence(NOTICE | HYPOTHETICAL | RESOLVED)) return d;
    // A question stays a complaint when its sentence asks for help, grieves or petitions (as for the lexicon), or
    // asks about a right or a rule ([shape]: 合法吗, 有效吗, 是多少) — or is itself the question about an object.
    if (pred && inSentence(QUESTION) && !inSentence(HELP | GRIEVANCE | PETITION | SHAPE)) return d;
    const opinion = known ?? this.classifier!.classifyNormalized(found.s);
    if (!confident(opinion)) return d;
    const lexicon = d.explanation.replace(/^not a complaint: /, "");
    const shape = !pred ? `the question ${cue.text} about ${asked!.object}` : pred.mask & PRED ? `the problem predicate ${pred.text}` : pred.mask & FRAME ? `the request frame ${pred.text}` : pred.mask & PETITION ? `the petition head ${pred.text}` : `the complaint shape ${pred.text}`;
    return {
      ...d, complaint: true, category: opinion.label as Category, severity: 1, score: 0.5, decidedBy: "classifier",
      explanation: `complaint (learned classifier): ${opinion.label} p ${opinion.p.toFixed(2)} with ${shape}; the lexicon alone: ${lexicon}`,
    };
  }

  /** A question cue (吗, ？, 是否 …) on a word boundary in the same clause as an object term, and that object. */
  private questionAbout(found: Matches, text: SegmentedText): { cue: Cue; object: string } | null {
    for (const c of found.cues) {
      if (!(c.mask & QUESTION) || !cueValid(text, c)) continue;
      const clause = text.clauseOf(c.start);
      const m = found.termMatches.find((t) => this.c.termMeta[t.pattern]!.entry.kind === "object" && text.clauseOf(t.start) === clause);
      if (m) return { cue: c, object: found.s.slice(m.start, m.end) };
    }
    return null;
  }
}

/** Does the classifier's opinion flag a line (a complaint label with CLASSIFIER_CONFIDENCE of the probability)? */
function confident(o: Opinion | null): o is Opinion {
  return o !== null && o.label !== "chat" && o.p >= CLASSIFIER_CONFIDENCE;
}

// === Long messages

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
