// Step 5, guards: negation, resolved, notice, question, hypothetical — and the grievance / help cues that
// keep a question or a notice a complaint. Each is looked up (and its clause segmented) only when it can
// change the verdict.
import { DEMAND, FOLLOW_UP, GRIEVANCE, HELP, HYPOTHETICAL, NOTICE, QUESTION, RESOLVED, type Candidate, type Cue } from "./pipeline.js";
import { cueValid, type SegmentedText } from "./tokens.js";

/** Durations and repeats make a grievance: 停了三天, 两个小时了, 跑了三趟, for 3 days. Not 两天后 (a plan). */
export const DURATION_ZH = /(?:[0-9]+|[一二两三四五六七八九十几半]+)个?多?(?:天|小时|钟头|星期|礼拜|周|月|年|晚上|晚|次|趟|遍|回)(?![后内以之])/g;

export const DURATION_EN = /\b(?:\d+|two|three|four|five|six|several|a few|many)\s+(?:days?|hours?|weeks?|months?|nights?)\b/g;

/** After 几点, the nouns that make it "several points" (几点建议) rather than a question of time. */
export const POINTS_OF = /^(?:建议|意见|疑问|看法|思考|诉求|问题|要求|想法|请求|质疑)/;

/** Lazy guard lookups for one message: which cue kinds occur (validly) in which clauses or sentences. */
export class GuardContext {
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
      const key = id * 8192 + bit * 2 + (scope === "clause" ? 1 : 0);
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
    // 「几点建议」「几点疑问」: the points of a letter, not 几点 (what time?).
    if (bit === QUESTION && c.text === "几点" && POINTS_OF.test(this.text.s.slice(c.end, c.end + 2))) return false;
    if (bit === RESOLVED) {
      if (this.text.negationBefore(c.start, this.negation, this.skip, this.questions)) return false;
      // 修好了吗？ / when will it be fixed / 希望尽快恢复正常: a repair asked about or demanded, not reported.
      const clause = [this.text.clauseOf(c.start)];
      if (this.has(DEMAND, "clause", clause)) return false;
      if (this.has(QUESTION, "clause", clause)) { this.asked.add(this.text.sentenceOf(c.start)); return false; }
    }
    this.seen |= bit;
    return true;
  }

  /** Sentences holding a "resolved" word that is asked about, not demanded (filled as RESOLVED is looked up). */
  readonly asked = new Set<number>();

  /** Is a repair asked about in these sentences (修好了吗)? Only after has(RESOLVED, …) on them. */
  askedIn(sentences: number[]): boolean {
    return this.asked.size > 0 && sentences.some((s) => this.asked.has(s));
  }

  /**
   * A demand (尽快, 马上, 务必, please …) in these clauses that is not itself a question word (什么时候, when):
   * 「能不能尽快修一下？」 asks for the repair, it does not wonder about it.
   */
  demandIn(clauses: number[]): boolean {
    const buckets = this.bucket("clause");
    for (const id of clauses) for (const c of buckets.get(id) ?? []) if (c.mask & DEMAND && !(c.mask & QUESTION) && cueValid(this.text, c)) return true;
    return false;
  }

  /** A grievance cue or a duration (停了三天) in these sentences, or anywhere. */
  grievance(sentences: number[] | null): boolean {
    const durations = this.durationSentences();
    if (durations.size && (!sentences || sentences.some((sid) => durations.has(sid)))) return true;
    return this.has(GRIEVANCE, sentences ? "sentence" : null, sentences);
  }
}

/** The guard words the guard step needs, as sets (compiled once per lexicon). */
export interface GuardWords {
  negation: Set<string>;
  skip: Set<string>;
  questions: Set<string>;
}

/**
 * Decide each candidate's guard reason (negated, resolved, notice, question, hypothetical) in place, and
 * return the message's guard flags and the grievance / help words seen, for the verdict.
 */
export function applyGuards(text: SegmentedText, cues: Cue[], kept: Candidate[], words: GuardWords): { flags: number; cueWords: string[] } {
  const { negation, skip, questions } = words;
  const ctx = new GuardContext(text, cues, negation, skip, questions);
  for (const c of kept) {
  if (c.reason) continue;
  // A frame is not the object's predicate: the negation that counts is the one before the object.
  const at = c.pred && !c.framed && c.pred.start > c.start ? c.pred.start : c.start;
  // ... and a negated frame frames nothing (没有申请过驾驶证).
  const neg = text.negationBefore(at, negation, skip, questions) ??
    (c.framed ? text.negationBefore(c.pred!.start, negation, skip, questions) : null);
  const sentences = c.pred ? [text.sentenceOf(c.start), text.sentenceOf(c.pred.start)] : [text.sentenceOf(c.start)];
  const clauses = c.pred ? [text.clauseOf(c.start), text.clauseOf(c.pred.start)] : [text.clauseOf(c.start)];
  if (neg) { c.reason = "negated"; c.negatedBy = neg; continue; }
  if (ctx.has(RESOLVED, "sentence", sentences)) { c.reason = "resolved"; continue; }
    // 我上周报的停电修好了吗？: a question about an earlier report (or whether it was fixed) — not a new
    // complaint, and not a report that it was resolved either. A grievance keeps it a complaint (又停电了，修好了吗).
    if ((ctx.askedIn(sentences) || (ctx.has(FOLLOW_UP, "sentence", sentences) && ctx.has(QUESTION, "sentence", sentences))) && !ctx.grievance(sentences)) {
      c.reason = "follow_up";
      continue;
    }
  if (ctx.has(NOTICE, null, null) && !ctx.grievance(null)) { c.reason = "notice"; continue; }
  const hypothetical = ctx.has(HYPOTHETICAL, "clause", clauses);
  // A question framed as a petition (何时…开通？ 能否…增设？) asks the responsible body for a remedy: a request.
  // So is a question that demands (能不能尽快…？): the demand word makes it a request.
  const question = !hypothetical && c.entry.severity < 3 && !c.petition && ctx.has(QUESTION, "clause", clauses) && !ctx.demandIn(clauses);
  if ((hypothetical || question) && !ctx.grievance(sentences) && !ctx.has(HELP, "sentence", sentences))
    c.reason = hypothetical ? "hypothetical" : "question";
  }
  // A shadow keyword that would have counted is reported, never acted on.
  for (const c of kept) if (!c.reason && c.entry.shadow) c.reason = "shadow";
  // Report which guards the message carries (not only those that decided), for people reading the result.
  if (kept.length) for (const bit of [NOTICE, QUESTION, HYPOTHETICAL]) if (!(ctx.seen & bit)) ctx.has(bit, null, null);
  const grievanceWords = cues.filter((c) => c.valid === 1 && c.mask & (GRIEVANCE | HELP)).map((c) => c.text);
  // The grievance flag only feeds an accepted complaint's score and explanation: without one, its cues'
  // clauses are not segmented just to find it.
  const anyAccepted = kept.some((c) => !c.reason);
  const flags = (ctx.seen & (NOTICE | QUESTION | HYPOTHETICAL)) | (anyAccepted && ctx.grievance(null) ? GRIEVANCE : 0);
  return { flags, cueWords: grievanceWords };
}
