// The detector's public types. Core, the CLI and the web admin code against these; keep names stable.

/** Gridlink's complaint categories (codes are stable; display names live in categories.ts). */
export type Category =
  | "utilities" | "safety" | "employment" | "social_security" | "housing" | "environment" | "noise"
  | "traffic" | "public_order" | "health" | "education" | "market" | "disputes" | "vulnerable" | "other";

/** Every category, in display order; `other` last because it is the fallback. */
export const CATEGORIES: readonly Category[] = Object.freeze([
  "utilities", "safety", "employment", "social_security", "housing", "environment", "noise",
  "traffic", "public_order", "health", "education", "market", "disputes", "vulnerable", "other",
] as const);

/** True when `s` is a category code — used to validate lexicon files, API input and DB rows. */
export function isCategory(s: string): s is Category {
  return (CATEGORIES as readonly string[]).includes(s);
}

/**
 * One curated keyword. `problem` terms are complaints on their own (停电); `object` terms need a problem
 * predicate in the same clause (电梯 + 坏了) so that 「电梯口见」 stays quiet.
 */
export interface LexiconEntry {
  term: string;
  category: Category;
  severity: 1 | 2 | 3;
  kind: "problem" | "object";
  lang: "zh" | "en";
  /** Other surfaces and synonyms; `A…B` is a gapped pattern (停…水 matches 停了三天水). */
  variants: string[];
  enabled: boolean;
  /**
   * Shadow mode: matched and reported (suppressed with reason "shadow"), never acted on — a new keyword
   * proves itself on real traffic before an admin promotes it. Absent: acted on.
   */
  shadow?: boolean;
  /** Where the entry was read from (file:line), when it came from a file — for error messages. */
  source?: string;
}

/** Guard word lists (see lexicon/guards.txt for what each one does). */
export interface Guards {
  /** Right before a keyword, cancels it: 没 没有 不 未 … */
  negation: string[];
  /** Filler tokens allowed between a negation and its keyword: 再 又 有 … */
  negationSkip: string[];
  /** The problem is over: 已经恢复 修好了 … */
  resolved: string[];
  /** Notices and plans: 通知 公告 预计 检修 … */
  notice: string[];
  /** Questions: 吗 会不会 几点 … (urgent, severity-3 keywords still count) */
  question: string[];
  /** Hypotheticals: 如果 万一 … (silence even urgent keywords) */
  hypothetical: string[];
  /** Grievance cues that keep a question or notice a complaint: 又 一直 有人管吗 … */
  grievance: string[];
  /** Help-seeking cues: a question asking for help is a request (失业了去哪登记). Also count as predicates. */
  help: string[];
  /** Problem predicates for object terms: 坏 不亮 堵 … */
  predicates: string[];
  /**
   * Request / complaint frames: an object term with no predicate nearby still counts when its sentence
   * is framed as a request or complaint (反映 申请 希望 关于…问题 …). `A…B`: A with B later in the sentence.
   */
  frame: string[];
  /**
   * Petitions: a request or question word addressed to whoever is responsible (请, 希望, 何时, 能否 …) …
   */
  petitionHead: string[];
  /**
   * … with a public remedy later in the same sentence (安装, 修建, 开通, 落实, 出台 …): frames any object term
   * of the sentence like a [frame] cue, and a question so framed (何时…开通？) is a request, not chatter.
   */
  petitionRemedy: string[];
  /**
   * Place words (小区, 楼道, 门口 …): an object term written as one of these never decides the category
   * while another object is wrong in the message, and takes a predicate only when no other object can.
   */
  place: string[];
  /** An earlier report referred to (报的, 反映过 …): with a question, a follow-up, not a new complaint. */
  followUp: string[];
  /** Demands (请, 尽快, please, need …): a "resolved" word in a clause with one is asked for, not reported. */
  demand: string[];
  /**
   * Complaint shapes for the learned classifier alone (不予, 拒绝, 涨价, 开除, 殴打 …): never a predicate for the
   * lexicon, they let the classifier read a line (it flags it only when sure). Predicates, frames and
   * petition heads are shapes too.
   */
  shape?: string[];
}

/** A whole lexicon: keyword entries plus guard lists. */
export interface Lexicon {
  entries: LexiconEntry[];
  guards: Guards;
}

/** A matched keyword. Offsets are UTF-16 indices into the ORIGINAL text (so highlighting works). */
export interface KeywordHit {
  term: string;
  category: Category;
  start: number;
  end: number;
  /** The text actually matched (a variant, or the term itself). */
  surface?: string;
  /** For object terms: the problem predicate that made it a hit. */
  predicate?: { text: string; start: number; end: number };
}

/** Why a candidate keyword did not count. */
export type SuppressReason = "negated" | "resolved" | "notice" | "question" | "hypothetical" | "no_predicate" | "follow_up" | "shadow";

/** The detector's verdict on one message. */
export interface Detection {
  complaint: boolean;
  category: Category | null;
  /** 0 when not a complaint, else 1 (nuisance) … 3 (urgent). */
  severity: number;
  /** Keywords that made this a complaint (empty when it is not one). */
  keywords: KeywordHit[];
  /** Keywords found but not counted, with the reason — what `lexicon test` shows for a quiet line. */
  suppressed: Array<KeywordHit & { reason: SuppressReason }>;
  /** Guards found in a message that had keywords: a keyword was negated or resolved; the message is a notice; it asks or supposes. */
  guards: { negated: boolean; notice: boolean; question: boolean };
  /** 0 … 1: 0 no candidate, < 0.5 candidates that were all suppressed, ≥ 0.5 a complaint. An ordering, not a probability. */
  score: number;
  /** One line a human can read: what matched and which guard decided. */
  explanation: string;
  /**
   * Who flagged a complaint: the lexicon (its keywords explain it), or the learned classifier (confident,
   * with a problem predicate present, where no keyword paired). Absent on quiet verdicts.
   */
  decidedBy?: "lexicon" | "classifier";
}

/** A compiled lexicon; `detect` is pure and synchronous. */
export interface Detector {
  /** Never throws. Treat the result as read-only: chatter gets one shared, frozen "no keyword" detection. */
  detect(text: string): Detection;
  readonly lexicon: Lexicon;
}

/** A lexicon file problem; the message names the file and line. */
export class LexiconError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "LexiconError";
    this.file = file;
    this.line = line;
  }
}
