// Configuration, read once from the environment and validated with zod.
// Every variable is listed with its default in .env.example; keep the two in step.

import { z } from "zod";

const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", ""])
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

/** The environment variables Gridlink reads, with defaults. */
export const configSchema = z.object({
  // === Core
  PORT: int(3000, 0),
  HOST: z.string().default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/i, "must be a SQLite url starting with file: or a PostgreSQL url starting with postgresql://")
    .default("file:./data/gridlink.db"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").default("redis://127.0.0.1:6379"),
  /** Start a child redis-server when nothing answers at REDIS_URL (embedded default). */
  REDIS_AUTOSTART: bool(true),
  REDIS_DATA_DIR: z.string().default("./data/redis"),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, - or _").default("gridlink"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  INTAKE_CONCURRENCY: int(4, 1),
  /** How long a worker's claim on a job lasts without renewal; a crashed worker's jobs resume after it. */
  INTAKE_LOCK_MS: int(30_000, 500),
  /** How often workers look for jobs whose worker died. */
  INTAKE_STALLED_CHECK_MS: int(30_000, 200),
  // === Reliability (issue 9): every bound and health threshold in one place
  /** Every Redis command on a producer/queue connection fails after this (never hangs a job or a request). */
  REDIS_COMMAND_TIMEOUT_MS: int(5000, 100),
  /** Longest wait for each step of a shutdown (workers, gateways, queues) before it is forced. */
  STOP_STEP_TIMEOUT_MS: int(10000, 100),
  /** How long a gateway waits for Redis to acknowledge (or verifiably refuse) an inbound message. */
  SUBMIT_TIMEOUT_MS: int(1500, 100),
  /** /healthz: unhealthy when intake has waiting jobs and finished none for this long. */
  HEALTH_STALL_MS: int(30_000, 100),
  /** /healthz: unhealthy when the oldest waiting intake job is older than this. */
  HEALTH_MAX_WAIT_MS: int(300_000, 100),
  /** How often the outbox reconciler re-queues replies left "queued" without a job. */
  RECONCILE_EVERY_MS: int(60_000, 100),
  /** A queued reply younger than this may still be on its way into the queue; the reconciler leaves it. */
  RECONCILE_MIN_AGE_MS: int(30_000, 0),
  /** An outbox job's lock: after a crash, another worker takes its in-flight sends over once it expires. */
  OUTBOX_LOCK_MS: int(30_000, 1000),
  /** A broadcast's progress line goes to the author's chat at most this often (the final report always). */
  BROADCAST_PROGRESS_EVERY_MS: int(60_000, 1000),
  /** A chat broadcast preview waits this long for 「确认」. */
  BROADCAST_CONFIRM_TTL_MS: int(600_000, 1000),
  /** How long dead-lettered intake jobs (text masked) are kept for `gridlink queue retry`. */
  DEAD_LETTER_KEEP_HOURS: int(72, 1),
  /** SQLite busy timeout: a synchronous main-thread wait, so short; Gridlink retries asynchronously after it. */
  SQLITE_BUSY_TIMEOUT_MS: int(40, 0),
  /** Letter in front of ticket numbers (A0012). */
  TICKET_PREFIX: z.string().regex(/^[A-Z]{1,3}$/, "must be 1–3 capital letters").default("A"),
  /** Messages longer than this are truncated for storage (still classified whole). */
  MAX_STORED_CHARS: int(2000, 100),
  /** The built-in local channel with 20 simulated groups: on|off; unset = on while HOST is loopback, off otherwise. */
  PLAYGROUND: z.enum(["on", "off", ""]).optional(),
  /** Older spelling of PLAYGROUND (true|false); PLAYGROUND wins when both are set. */
  PLAYGROUND_ENABLED: z.enum(["true", "false", "1", "0", "yes", "no", ""]).optional(),

  /** A simulated platform pace for the playground (ms per send; 0 = instant): demos and fault tests of broadcasts. */
  PLAYGROUND_SEND_DELAY_MS: int(0, 0),

  // === Access (issue 11)
  /** Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed (comma-separated IPs/CIDRs, or "true" for any); unset = none. */
  TRUST_PROXY: optionalString,
  /** A web session ends after this long without a request. */
  SESSION_IDLE_MINUTES: int(120, 1),
  /** A web session ends this long after login, however busy. */
  SESSION_MAX_HOURS: int(12, 1),
  /** Login attempts allowed per client address per LOGIN_WINDOW_MINUTES. */
  LOGIN_MAX_PER_IP: int(30, 1),
  /** Login attempts allowed per username per LOGIN_WINDOW_MINUTES. */
  LOGIN_MAX_PER_ACCOUNT: int(10, 1),
  LOGIN_WINDOW_MINUTES: int(15, 1),
  /** Residents' text and names on tickets closed longer ago than this are replaced by a masked excerpt and a pseudonym. */
  RETENTION_DAYS: int(180, 1),

  // === Telegram
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: z.string().url().default("https://api.telegram.org"),
  /** Public https URL of this server's webhook route; unset = long polling. */
  TELEGRAM_WEBHOOK_URL: optionalString,
  TELEGRAM_WEBHOOK_SECRET: optionalString,
  TELEGRAM_GLOBAL_PER_SECOND: int(30, 1),
  TELEGRAM_PER_CHAT_PER_MINUTE: int(20, 1),
  TELEGRAM_PER_CHAT_PER_SECOND: int(1, 1),

  // === WeChat
  /** e.g. wechaty-puppet-wechat4u, wechaty-puppet-service, wechaty-puppet-mock; unset = WeChat off. */
  WECHATY_PUPPET: optionalString,
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  WECHATY_NAME: z.string().default("gridlink"),
  /** A second account that takes over sending while the first is logged out. */
  WECHATY_STANDBY_PUPPET: optionalString,
  WECHATY_STANDBY_PUPPET_SERVICE_TOKEN: optionalString,
  /** More sending accounts (comma-separated names, each its own session and login): rooms go to the accounts
   * in them and every account sends at its own pace. They use WECHATY_PUPPET. */
  WECHATY_EXTRA_ACCOUNTS: optionalString,
  /** Puppet-service tokens of the extra accounts, in the same order (comma-separated). */
  WECHATY_EXTRA_PUPPET_SERVICE_TOKENS: optionalString,
  /** Room id or topic where account alerts are posted. */
  WECHAT_ADMIN_ROOM: optionalString,
  WECHAT_MIN_GAP_MS: int(3000),
  WECHAT_MAX_GAP_MS: int(5000),
  WECHAT_PER_MINUTE: int(40, 1),
  WECHAT_SAME_ROOM_GAP_MS: int(1000),
  WECHAT_DAILY_CAP: int(3000, 1),
  /** The faster pace urgent notices (and only they) may use: mean ms between two urgent sends of one account. */
  WECHAT_URGENT_MS_PER_MESSAGE: int(1500, 0),

  // === Assistant (answers residents' questions from tickets, notices and the FAQ; core/assistant)
  ASSISTANT_ENABLED: bool(true),
  /** Answers per group per minute; more questions in that minute get no answer. */
  ASSISTANT_PER_GROUP_PER_MINUTE: int(6, 1),
  /** Notices (broadcasts) this many days old or newer answer questions. */
  ASSISTANT_NOTICE_DAYS: int(7, 1),
  /** Times in answers are shown in this zone. */
  ASSISTANT_TIME_ZONE: z.string().default("Asia/Shanghai"),
  /** OpenAI-compatible chat-completions endpoint (…/v1); unset = templates only. */
  LLM_BASE_URL: optionalString,
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  /** Per attempt; the whole phrasing (with retries) is bounded by LLM_TOTAL_TIMEOUT_MS. */
  LLM_TIMEOUT_MS: int(2500, 100),
  LLM_TOTAL_TIMEOUT_MS: int(4000, 100),
  LLM_RETRIES: int(1, 0),
  /** Phrasings longer than this are refused (the template is sent). */
  LLM_MAX_CHARS: int(300, 20),
  /** Consecutive failures that open the circuit, and how long it stays open. */
  LLM_BREAKER_FAILURES: int(3, 1),
  LLM_BREAKER_COOLDOWN_MS: int(30_000, 100),

  // === Ticket cycle (issue 12): SLA clocks and the city 12345 hotline bridge (Open311 GeoReport v2)
  /** The length of one SLA minute in ms (60000 in production; tests shrink it so an hour passes in a second). */
  SLA_MINUTE_MS: int(60_000, 1),
  /** How often recently changed tickets' clocks are re-armed if their job is missing (every open ticket at start and every 30th pass). */
  SLA_SWEEP_EVERY_MS: int(60_000, 100),
  /** The hotline's Open311 GeoReport v2 endpoint (…/open311/v2); unset = tickets escalated past the district wait there unfiled. */
  OPEN311_BASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  OPEN311_API_KEY: optionalString,
  OPEN311_JURISDICTION_ID: optionalString,
  /** service_code per category, e.g. "utilities=201,safety=202"; a category not listed files as its own name. */
  OPEN311_SERVICE_CODES: z.string().default(""),
  /** How often filed requests are polled for status and notes. */
  OPEN311_POLL_MS: int(300_000, 100),
  /** One Open311 call's bound. */
  OPEN311_TIMEOUT_MS: int(10_000, 100),
  // === Residents' side of the ticket cycle (issue 12)
  /** A complaint this close (either way) to an open ticket of the same incident joins it instead of opening one. */
  CLUSTER_WINDOW_MINUTES: int(120, 1),
  /** A resolved ticket nobody rated closes as rated-by-default after this long (fractions allowed: tests use seconds). */
  RATING_TIMEOUT_HOURS: z.coerce.number().positive("must be more than 0").default(72),
  /** A rating at or above this publishes the outcome card to the group automatically (0 = never). */
  AUTO_PUBLISH_MIN_RATING: int(4, 0),
  /** The hour (China time, 0–23) the daily digest goes to each grid's staff. */
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  /** Points for the first reporter of a resolved ticket, and for each later reporter of the same incident. */
  POINTS_FIRST: int(10, 0),
  POINTS_LATER: int(4, 0),
  /** Multipliers by severity 1,2,3 (comma-separated), applied to the points above and rounded. */
  POINTS_SEVERITY_WEIGHTS: z
    .string()
    .default("1,1.5,2")
    .refine((v) => /^\s*\d+(\.\d+)?\s*(,\s*\d+(\.\d+)?\s*){2}$/.test(v), "must be three numbers, e.g. 1,1.5,2")
    .transform((v) => v.split(",").map(Number) as [number, number, number]),
});

/** Validated configuration (PLAYGROUND_ENABLED resolved from PLAYGROUND, PLAYGROUND_ENABLED and HOST). */
export type Config = Omit<z.infer<typeof configSchema>, "PLAYGROUND_ENABLED"> & { PLAYGROUND_ENABLED: boolean };

/** True for a loopback host name or address (127.0.0.0/8, ::1, localhost). */
export const isLoopbackHost = (host: string): boolean => host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);

/** A comma-separated setting as a list (empty entries dropped). */
export const splitList = (v: string | undefined): string[] => (v ?? "").split(/[,，]/).map((x) => x.trim()).filter(Boolean);

/** Parse configuration from an env object; throws one readable error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const { PLAYGROUND_ENABLED: legacy, ...rest } = result.data;
  const playground = rest.PLAYGROUND ? rest.PLAYGROUND === "on" : legacy ? ["true", "1", "yes"].includes(legacy) : isLoopbackHost(rest.HOST);
  const cfg: Config = { ...rest, PLAYGROUND_ENABLED: playground };
  if (cfg.WECHAT_MAX_GAP_MS < cfg.WECHAT_MIN_GAP_MS) {
    throw new Error("Invalid configuration:\n  WECHAT_MAX_GAP_MS: must be ≥ WECHAT_MIN_GAP_MS");
  }
  const extra = splitList(cfg.WECHATY_EXTRA_ACCOUNTS);
  const tokens = splitList(cfg.WECHATY_EXTRA_PUPPET_SERVICE_TOKENS);
  if (tokens.length > 0 && tokens.length !== extra.length) {
    throw new Error("Invalid configuration:\n  WECHATY_EXTRA_PUPPET_SERVICE_TOKENS: must list one token per name in WECHATY_EXTRA_ACCOUNTS");
  }
  if (new Set([cfg.WECHATY_NAME, ...extra]).size !== extra.length + 1) {
    throw new Error("Invalid configuration:\n  WECHATY_EXTRA_ACCOUNTS: names must differ from each other and from WECHATY_NAME");
  }
  return cfg;
}
