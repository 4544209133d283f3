// Intent recognition for the assistant: is a group line a progress enquiry, a question a notice answers, a
// service (FAQ) question, a reply about a ticket, a request to register — or none of these (chatter,
// complaints)? natural's naive Bayes classifier on jieba tokens, trained on examples the project writes
// (training.tsv), with rules for ticket numbers, time words and question cues around it. Pure and
// synchronous after load.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { englishWords, stem } from "../english.js";
import { normalize } from "../normalize.js";
import { cut } from "../segment.js";
import {
  FAQ_ANCHOR, FEEDBACK_BAD_ANCHOR, FEEDBACK_OK_ANCHOR, NOTICE_ANCHOR, PROGRESS_ANCHOR, asksOwnReport, asksTime, conceptsOf, dayOffsets, hasGrievance, hasQuestionCue,
  isRegisterReply, placesIn, ratingOf, ticketNumbersIn, type Concept,
} from "./rules.js";

const require = createRequire(import.meta.url);
// The classifier module alone: natural's index pulls in every classifier and storage adapter.
const BayesClassifier = require("natural/lib/natural/classifiers/bayes_classifier.js") as new (stemmer?: unknown, smoothing?: number) => {
  addDocument(tokens: string[], label: string): void;
  train(): void;
  getClassifications(tokens: string[]): Array<{ label: string; value: number }>;
  /** Feature counts, in the order natural numbers its features. */
  features: Record<string, number>;
  /** The underlying apparatus classifier; it also takes a sparse observation (an object of feature indices). */
  classifier: { getClassifications(observation: Record<number, number>): Array<{ label: string; value: number }> };
};

// === Types

/** What a line asks for. `none` covers chatter and plain complaints: the assistant stays silent on them. */
export type IntentKind = "progress" | "notice" | "faq" | "feedback" | "register" | "none";

/** The labels the classifier is trained on (feedback is split by its polarity). */
export const INTENT_LABELS = ["progress", "notice", "faq", "feedback_ok", "feedback_bad", "none"] as const;
/** One training or fixture label. */
export type IntentLabel = (typeof INTENT_LABELS)[number] | "register";

/** A resident's verdict on a ticket the bot told them about. */
export type Feedback = "satisfied" | "not_fixed";

/** What recognise() found in one line. */
export interface Intent {
  kind: IntentKind;
  /** For feedback: satisfied (满意, 谢谢，来电了) or not fixed (还是没修好). */
  feedback?: Feedback;
  /** Classifier's share for the chosen label (0…1); 1 for rule decisions. */
  confidence: number;
  /** Ticket numbers written in the line (A0012). */
  ticketNumbers: string[];
  /** Services named (power, water, elevator…). */
  concepts: Concept[];
  /** Places named (3栋, 2单元). */
  places: string[];
  /** Day offsets named (0 today, 1 tomorrow). */
  days: number[];
  asksTime: boolean;
  /** The problem is still there (还没, 都三天了): with nothing open, the line is a complaint. */
  grievance: boolean;
  /** About the asker's own report (我报的, 我反映的, "my report"): only the asker's ticket answers it. */
  ownReport: boolean;
  lang: "zh" | "en";
  /** Why, for logs and the FAQ test command. */
  reason: string;
}

/** Options of createIntentRecogniser. */
export interface IntentOptions {
  /** Labelled training lines (label, text). @defaultValue the shipped nlp/intent/training.tsv */
  examples?: ReadonlyArray<readonly [IntentLabel, string]>;
  /** The installation's ticket prefix. @defaultValue "A" */
  ticketPrefix?: string;
  /** Minimum classifier share to act on a label. @defaultValue 0.5 */
  minConfidence?: number;
  /** Longer lines are never enquiries (they are reports or chatter). @defaultValue 60 */
  maxChars?: number;
}

/** A trained recogniser. */
export interface IntentRecogniser {
  recognise(text: string): Intent;
}

// === Tokens

const PUNCT = /^[\s\p{P}\p{S}]+$/u;

/** The tokens the classifier and retrieval see: jieba words for Chinese, Porter stems for Latin words. */
export function intentTokens(text: string): string[] {
  const norm = normalize(text);
  const out: string[] = [];
  for (const run of norm.split(/([A-Za-z][A-Za-z' -]*[A-Za-z]|[A-Za-z])/)) {
    if (!run) continue;
    if (/^[A-Za-z]/.test(run)) {
      for (const w of englishWords(run)) out.push(stem(w.word));
    } else {
      for (const tok of cut(run)) {
        const t = tok.trim();
        if (!t || PUNCT.test(t)) continue;
        out.push(/^\d+$/.test(t) ? "<num>" : t);
      }
    }
  }
  return out;
}

/** Rule features added to the tokens, so the classifier learns how cues combine with words. */
function ruleFeatures(text: string, prefix: string): string[] {
  const f: string[] = [];
  if (hasQuestionCue(text)) f.push("__question");
  if (asksTime(text)) f.push("__time");
  if (ticketNumbersIn(text, prefix).length) f.push("__ticket");
  if (conceptsOf(text).length) f.push("__service");
  if (hasGrievance(text)) f.push("__grievance");
  if (dayOffsets(text).length) f.push("__day");
  return f;
}

// === Training data

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Read a labelled TSV (label<TAB>text; # comments and blank lines skipped). Throws naming the bad line. */
export function readIntentTsv(file: string): Array<[IntentLabel, string]> {
  const rows: Array<[IntentLabel, string]> = [];
  fs.readFileSync(file, "utf8").split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.startsWith("#")) return;
    const tab = line.indexOf("\t");
    const label = line.slice(0, tab) as IntentLabel;
    if (tab < 0 || (!INTENT_LABELS.includes(label as never) && label !== "register")) throw new Error(`${file}:${i + 1}: expected "<label>\\t<text>" with a label of ${INTENT_LABELS.join(", ")}, register`);
    rows.push([label, line.slice(tab + 1)]);
  });
  return rows;
}

/** The shipped training lines (nlp/intent/training.tsv). */
export const shippedExamples = (): Array<[IntentLabel, string]> => readIntentTsv(path.join(HERE, "training.tsv"));

// === Recogniser

/** Offices whose hours the FAQ knows (a shop's opening hours are not ours). */
const OFFICE = /街道|社区|居委|服务中心|办事|办公|网格|政务|大厅|office|centre|center/i;

/** Train a recogniser (a few milliseconds for a few hundred lines). */
export function createIntentRecogniser(opts: IntentOptions = {}): IntentRecogniser {
  const { ticketPrefix, minConfidence, maxChars } = { ticketPrefix: "A", minConfidence: 0.5, maxChars: 60, ...definedOnly(opts) };
  const examples = opts.examples ?? shippedExamples();
  const bayes = new BayesClassifier();
  for (const [label, text] of examples) {
    if (label === "register") continue; // a rule, not a model decision
    bayes.addDocument([...intentTokens(text), ...ruleFeatures(text, ticketPrefix)], label);
  }
  bayes.train();
  // natural turns each observation into a dense 0/1 vector over every feature (a scan per token); the same
  // classifier takes the indices of the features present, which is what naive Bayes counts anyway.
  const featureIndex = new Map(Object.keys(bayes.features).map((f, i) => [f, i]));
  const classify = (tokens: string[]) => {
    const sparse: Record<number, number> = {};
    let n = 0;
    for (const t of new Set(tokens)) {
      const i = featureIndex.get(t);
      if (i !== undefined) sparse[n++] = i;
    }
    return n === 0 ? [] : bayes.classifier.getClassifications(sparse);
  };

  const recognise = (raw: string): Intent => {
    // A line far past the limit is never an enquiry: judge it before normalising 100 KB of it.
    if (typeof raw !== "string" || raw.length > maxChars * 4) return { kind: "none", confidence: 1, reason: "too long for an enquiry", ticketNumbers: [], concepts: [], places: [], days: [], asksTime: false, grievance: false, ownReport: false, lang: "zh" };
    const text = normalize(raw).trim();
    const base = {
      ticketNumbers: ticketNumbersIn(text, ticketPrefix),
      concepts: conceptsOf(text),
      places: placesIn(text),
      days: dayOffsets(text),
      asksTime: asksTime(text),
      grievance: hasGrievance(text),
      ownReport: asksOwnReport(text),
      lang: /[\u3400-\u9fff]/.test(text) || !/[A-Za-z]/.test(text) ? ("zh" as const) : ("en" as const),
    };
    const none = (reason: string, confidence = 1): Intent => ({ kind: "none", confidence, reason, ...base });
    if (!text) return none("empty");
    if ([...text].length > maxChars) return none("too long for an enquiry");
    if (isRegisterReply(text)) return { kind: "register", confidence: 1, reason: "register reply", ...base };

    const rating = ratingOf(text);
    if (rating) return { kind: "feedback", feedback: rating, confidence: 1, reason: "rating words", ...base };

    // Every answer needs a question, a ticket number, a time question or a verdict word: without one the line
    // is chatter or a statement, and the classifier is not asked (most group lines end here, in microseconds).
    const question = hasQuestionCue(text);
    if (!question && base.ticketNumbers.length === 0 && !base.asksTime && !FEEDBACK_OK_ANCHOR.test(text) && !FEEDBACK_BAD_ANCHOR.test(text)) return none("no question, number or verdict");

    const tokens = [...intentTokens(text), ...ruleFeatures(text, ticketPrefix)];
    const ranked = classify(tokens);
    const total = ranked.reduce((s, r) => s + r.value, 0);
    if (!(total > 0)) return none("no known words");
    const top = ranked[0];
    const share = top.value / total;
    if (top.label === "none") return none(`classifier: none (${share.toFixed(2)})`, share);
    if (share < minConfidence) return none(`classifier unsure: ${top.label} ${share.toFixed(2)}`, share);

    const service = base.concepts.length > 0;
    if (top.label === "feedback_ok" || top.label === "feedback_bad") {
      // A reply about a ticket is short and says how it went ("满意", "还是没修好"); "谢谢你" alone is politeness.
      if ([...text].length > 30) return none("feedback too long", share);
      const anchor = top.label === "feedback_ok" ? FEEDBACK_OK_ANCHOR : FEEDBACK_BAD_ANCHOR;
      if (!anchor.test(text)) return none(`no ${top.label} word`, share);
      if (question && !/[还仍]是?没|没修好|不满意/.test(text)) return none("feedback phrased as a question", share);
      return { kind: "feedback", feedback: top.label === "feedback_ok" ? "satisfied" : "not_fixed", confidence: share, reason: `classifier: ${top.label}`, ...base };
    }
    // An enquiry asks (a question cue, a ticket number or a time question) about something the assistant
    // knows of: a service, a ticket, planned work or a public service. "几点跳舞" asks, about nothing of ours.
    if (!question && base.ticketNumbers.length === 0 && !base.asksTime) return none(`no question cue for ${top.label}`, share);
    const status = service || base.ticketNumbers.length > 0 || base.grievance || PROGRESS_ANCHOR.test(text) || NOTICE_ANCHOR.test(text);
    // Office hours and the like read as "when" questions; with nothing of a ticket or outage in them they are FAQ.
    if ((top.label === "progress" || top.label === "notice") && !status && FAQ_ANCHOR.test(text) && OFFICE.test(text)) {
      return { kind: "faq", confidence: share, reason: `classifier: ${top.label} ${share.toFixed(2)}, service words → faq`, ...base };
    }
    const anchored = top.label === "faq" ? FAQ_ANCHOR.test(text) : status;
    if (!anchored) return none(`nothing of ours in a ${top.label} question`, share);
    return { kind: top.label as IntentKind, confidence: share, reason: `classifier: ${top.label} ${share.toFixed(2)}`, ...base };
  };
  return { recognise };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
