// The assistant, wired: intent recogniser (trained once per process), live FAQ, per-group rate limiter and
// the optional language model. `route` is the one call intake makes for a non-command line.
import type { Redis } from "ioredis";
import { createRequire } from "node:module";
import type { ChatMessage } from "../ports/chat.js";
import type { Config } from "../infra/config.js";
import { cycleSettingsOf } from "../tickets/cycle-settings.js";
import type { Db } from "../infra/db.js";
import type { Logger } from "../infra/log.js";
import type { Queues } from "../infra/queues.js";
import { createIntentRecogniser, type Detection, type IntentRecogniser } from "../../nlp/index.js";
import { answerQuestion, type AssistantDeps, type AssistantRoute } from "./answer-question.js";
import { createLiveFaq, faqChannel, type LiveFaq } from "./faq-live.js";
import { createNoticeCache } from "./notice-cache.js";

// The one limiter module, not the package index (which loads every store: Mongo, MySQL, Postgres, Etcd… ≈ 60 ms).
const RateLimiterRedis = createRequire(import.meta.url)("rate-limiter-flexible/lib/RateLimiterRedis.js") as typeof import("rate-limiter-flexible").RateLimiterRedis;

export type { AssistantOutcome, AssistantRoute } from "./answer-question.js";

/** What intake calls: the assistant's verdict on one non-command line. */
export interface Assistant {
  route(msg: ChatMessage, detection: Detection): Promise<AssistantRoute>;
  readonly faq: LiveFaq;
  readonly recogniser: IntentRecogniser;
  close(): Promise<void>;
}

/** What createAssistant needs from the app. */
export interface AssistantOptions {
  prisma: Db;
  redis: Redis;
  queues: Queues;
  log: Logger;
  config: Config;
  detect(text: string): Detection;
  /** FAQ seed folder. @defaultValue lexicon/faq */
  faqDir?: string;
}

let shippedRecogniser: IntentRecogniser | undefined;

/** Build the assistant: train the recogniser (once per process), load the FAQ, set up limiter and model. */
export async function createAssistant(opts: AssistantOptions): Promise<Assistant> {
  const { config, log } = opts;
  const recogniser = config.TICKET_PREFIX === "A" ? (shippedRecogniser ??= createIntentRecogniser()) : createIntentRecogniser({ ticketPrefix: config.TICKET_PREFIX });
  const faq = await createLiveFaq({ prisma: opts.prisma, redis: opts.redis, channel: faqChannel(config.QUEUE_PREFIX), dir: opts.faqDir, onError: (err) => log.error({ err: err.message }, "FAQ rebuild failed; keeping the previous one") });
  const limiter = new RateLimiterRedis({ storeClient: opts.redis, keyPrefix: `${config.QUEUE_PREFIX}:assist-rl`, points: config.ASSISTANT_PER_GROUP_PER_MINUTE, duration: 60 });
  // The model client (and cockatiel) is loaded only when a model is configured: not on every start.
  const phraser = config.LLM_BASE_URL && config.LLM_MODEL
    ? (await import("./llm.js")).createLlmPhraser({
        baseUrl: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY, model: config.LLM_MODEL, timeoutMs: config.LLM_TIMEOUT_MS, totalTimeoutMs: config.LLM_TOTAL_TIMEOUT_MS,
        retries: config.LLM_RETRIES, maxChars: config.LLM_MAX_CHARS, breakerFailures: config.LLM_BREAKER_FAILURES, breakerCooldownMs: config.LLM_BREAKER_COOLDOWN_MS, log,
      })
    : undefined;
  const deps: AssistantDeps = {
    prisma: opts.prisma, queues: opts.queues, log, recogniser, faq, notices: createNoticeCache({ noticeDays: config.ASSISTANT_NOTICE_DAYS }), limiter, detect: opts.detect, phraser, ticketPrefix: config.TICKET_PREFIX, cycleSettings: cycleSettingsOf(config),
    maxStoredChars: config.MAX_STORED_CHARS, noticeDays: config.ASSISTANT_NOTICE_DAYS, timeZone: config.ASSISTANT_TIME_ZONE,
  };
  return {
    route: (msg, detection) => answerQuestion(deps, msg, detection),
    faq,
    recogniser,
    close: () => faq.close(),
  };
}
