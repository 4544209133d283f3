// The two texts a poll is about, parsed without any I/O: the author's `问题？| 选项 | 选项` and a resident's reply
// that may be a vote (the option's number — ASCII, full-width or circled — or its text).

import { AppError } from "../infra/errors.js";
import { t, type Lang } from "../locale.js";

/** At most this many options (numbers 1–10 in chat). */
export const MAX_POLL_OPTIONS = 10;
/** An option's text is at most this long (a vote by text is a short reply). */
export const MAX_OPTION_CHARS = 30;

/** A poll's question and options as the author wrote them. */
export interface PollSpec {
  question: string;
  options: string[];
}

/** Full-width ASCII (０-９, Ａ-Ｚ, ＂) to half-width, ideographic space to space. */
const halfWidth = (s: string) => s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");

/** How an option and a reply are compared: half-width, trimmed, lower-case, no end punctuation or inner spaces. */
export function normalizeChoice(s: string): string {
  return halfWidth(s).trim().toLowerCase().replace(/^["'“”‘’「」【】\[\]()（）]+|["'“”‘’「」【】\[\]()（）]+$/g, "").replace(/[。.!！~～,，、;；]+$/g, "").replace(/\s+/g, "");
}

/**
 * Parse `是否同意加装电梯？| 同意 | 不同意 | 弃权` (also `｜`): a question and 2–10 distinct options of at most 30
 * characters. Bad input is a clear error in the author's language.
 */
export function parsePollSpec(text: string, lang: Lang = "zh"): PollSpec {
  const parts = text.split(/[|｜]/).map((p) => p.trim());
  const [question = "", ...options] = parts;
  const m = t(lang);
  const bad = (why: string) => new AppError("bad_request", { message: `poll must be "question | option | option …" with 2–${MAX_POLL_OPTIONS} distinct options of at most ${MAX_OPTION_CHARS} characters: ${why}`, userMessage: m.pollBadSpec });
  if (!question) throw bad("the question is missing");
  if (options.some((o) => !o)) throw bad("an option is empty");
  if (options.length < 2 || options.length > MAX_POLL_OPTIONS) throw bad(`${options.length} option(s)`);
  if (options.some((o) => o.length > MAX_OPTION_CHARS)) throw bad("an option is too long");
  if (new Set(options.map(normalizeChoice)).size !== options.length) throw bad("two options are the same");
  return { question, options };
}

const CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩";
const VOTE_PREFIX = /^(?:我选|我投|选择|选|投票|投|vote|option)[:：\s]*/i;

/** The longest reply that can be a vote (prefix + the longest option); anything longer is never looked up. */
export const MAX_VOTE_CHARS = MAX_OPTION_CHARS + 8;

/** Cheap shape check before any database work: could this text be a vote in some poll? */
export function mayBeVote(text: string): boolean {
  const s = text.trim();
  return s.length > 0 && s.length <= MAX_VOTE_CHARS && !s.includes("\n");
}

/**
 * The 0-based option a reply chooses, or undefined (then it is ordinary chatter). An option's exact text wins
 * over a number (options "5 | 10 | 15": 「10」 is the second option); otherwise 1…n, full-width １, circled ①,
 * with an optional 「选」「投」「我选」「vote」 before it. Out of range is not a vote.
 */
export function parseVote(text: string, options: readonly string[]): number | undefined {
  if (!mayBeVote(text)) return undefined;
  const bare = normalizeChoice(text);
  const byText = (s: string) => {
    const i = options.findIndex((o) => normalizeChoice(o) === s);
    return i >= 0 ? i : undefined;
  };
  const stripped = normalizeChoice(halfWidth(text).trim().replace(VOTE_PREFIX, ""));
  const exact = byText(bare) ?? byText(stripped);
  if (exact !== undefined) return exact;
  const circled = CIRCLED.indexOf(stripped);
  const n = circled >= 0 && stripped.length === 1 ? circled + 1 : /^\d{1,2}(?:号|项)?$/.test(stripped) ? Number.parseInt(stripped, 10) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= options.length ? n - 1 : undefined;
}
