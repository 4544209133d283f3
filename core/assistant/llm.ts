// The optional language model: any OpenAI-compatible chat-completions endpoint phrases a template answer in
// friendlier words. It sees only the facts and the masked question, and its text is checked before use —
// every number, time, date and ticket number must appear in the facts, ticket numbers must stay, length is
// capped — otherwise the template is sent. Per-attempt and total timeouts, retries and a circuit breaker
// (cockatiel) keep a slow or broken model from delaying replies by more than a few seconds.
import {
  BrokenCircuitError, ConsecutiveBreaker, ExponentialBackoff, TaskCancelledError, TimeoutStrategy, circuitBreaker, handleAll, retry, timeout, wrap,
} from "cockatiel";
import type { Lang } from "../locale.js";
import type { Logger } from "../infra/log.js";
import { definedOnly } from "../infra/options.js";
import { maskPersonal } from "../privacy.js";
import { numbersIn } from "../../nlp/index.js";

/** Options of createLlmPhraser; the defaults match .env.example. */
export interface LlmOptions {
  /** e.g. http://127.0.0.1:8080/v1 (…/chat/completions is appended). */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** @defaultValue 2500 */
  timeoutMs?: number;
  /** @defaultValue 4000 */
  totalTimeoutMs?: number;
  /** @defaultValue 1 */
  retries?: number;
  /** @defaultValue 300 */
  maxChars?: number;
  /** @defaultValue 3 */
  breakerFailures?: number;
  /** @defaultValue 30000 */
  breakerCooldownMs?: number;
  log?: Logger;
}

/** What phrase() returns: the model's text when it passed the check, else the template and why. */
export type Phrasing = { text: string; by: "llm" } | { text: string; by: "template"; reason: string };

/** A phraser. */
export interface LlmPhraser {
  phrase(input: { question: string; template: string; facts: string[]; ticketNumbers: string[]; lang: Lang }): Promise<Phrasing>;
}

/** Why a phrasing was refused, or undefined when it may be sent. */
export function checkPhrasing(text: string, input: { template: string; facts: string[]; ticketNumbers: string[] }, maxChars: number): string | undefined {
  const s = text.trim();
  if (!s) return "empty";
  if ([...s].length > maxChars) return `longer than ${maxChars} characters`;
  const allowed = new Set(numbersIn([input.template, ...input.facts].join("\n")));
  const invented = numbersIn(s).filter((n) => !allowed.has(n));
  if (invented.length) return `not in the facts: ${[...new Set(invented)].join(", ")}`;
  const missing = input.ticketNumbers.filter((n) => !s.toUpperCase().includes(n.toUpperCase()));
  if (missing.length) return `ticket number left out: ${missing.join(", ")}`;
  if (/https?:\/\//i.test(s) && !/https?:\/\//i.test(input.template)) return "a link not in the facts";
  return undefined;
}

const SYSTEM = {
  zh: "你是社区网格的群助手。只根据“事实”改写“答复”，语气亲切简洁，使用中文。不得加入事实中没有的时间、日期、数字、人名、承诺或链接；保留工单号。只输出答复本身。",
  en: "You are a neighbourhood grid office's group assistant. Rephrase ANSWER using only FACTS, friendly and short, in English. Never add a time, date, number, name, promise or link that is not in FACTS; keep ticket numbers. Output only the reply.",
};

/** Build a phraser over an OpenAI-compatible endpoint. */
export function createLlmPhraser(opts: LlmOptions): LlmPhraser {
  const o = { timeoutMs: 2500, totalTimeoutMs: 4000, retries: 1, maxChars: 300, breakerFailures: 3, breakerCooldownMs: 30_000, ...definedOnly(opts) };
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const breaker = circuitBreaker(handleAll, { halfOpenAfter: o.breakerCooldownMs, breaker: new ConsecutiveBreaker(o.breakerFailures) });
  const policy = wrap(
    timeout(o.totalTimeoutMs, TimeoutStrategy.Aggressive),
    breaker,
    retry(handleAll, { maxAttempts: o.retries, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 400 }) }),
    timeout(o.timeoutMs, TimeoutStrategy.Aggressive),
  );
  breaker.onBreak(() => o.log?.warn({ cooldownMs: o.breakerCooldownMs }, "language model failing: templates only until the cooldown ends"));

  const call = async (signal: AbortSignal, body: unknown): Promise<string> => {
    const res = await fetch(url, {
      method: "POST",
      signal,
      headers: { "content-type": "application/json", ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`language model answered HTTP ${res.status}`);
    const json = (await res.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const content = json.choices?.[0]?.message?.content;
    if (typeof content !== "string") throw new Error("language model answer has no choices[0].message.content");
    return content;
  };

  return {
    async phrase(input) {
      const facts = input.facts.map(maskPersonal);
      const body = {
        model: o.model,
        temperature: 0.2,
        max_tokens: 400,
        messages: [
          { role: "system", content: SYSTEM[input.lang] },
          { role: "user", content: JSON.stringify({ question: maskPersonal(input.question), facts, answer: maskPersonal(input.template) }) },
        ],
      };
      let text: string;
      try {
        text = await policy.execute(({ signal }) => call(signal, body));
      } catch (err) {
        const reason = err instanceof BrokenCircuitError ? "circuit open" : err instanceof TaskCancelledError ? "timed out" : (err as Error).message;
        o.log?.warn({ reason }, "language model not used for this answer");
        return { text: input.template, by: "template", reason };
      }
      const refused = checkPhrasing(text, { template: input.template, facts, ticketNumbers: input.ticketNumbers }, o.maxChars);
      if (refused) {
        o.log?.warn({ reason: refused }, "language model phrasing refused; template sent");
        return { text: input.template, by: "template", reason: refused };
      }
      return { text: text.trim(), by: "llm" };
    },
  };
}
