// The Telegram gateway: grammY in, Telegram's limits out. Translates only — commands, tickets and replies
// are core's. Long polling by default; webhook when TELEGRAM_WEBHOOK_URL is set.

import { setTimeout as delay } from "node:timers/promises";
import { createHash } from "node:crypto";
import { Bot, GrammyError, type Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "pino";
import { definedOnly, paceStatusKey, type ChatGateway, type Config, type GatewayFactory, type GatewayHost, type OutgoingMessage, type SendResult } from "../../core/ports/index.js";
import { TelegramLimiter } from "./limiter.js";
import { Poller } from "./polling.js";
import { TelegramSender } from "./sender.js";
import { ALLOWED_UPDATES, dedupeUpdates, groupRegistry, intake, type BotContext } from "./updates.js";
import { DEFAULT_WEBHOOK_PATH, webhookRoutes, webhookSecret } from "./webhook.js";

/** The pure translation and mapping functions, re-exported for tools and tests that only need those. */
export { toChatMessage } from "./to-chat-message.js";
export { splitText } from "./split-text.js";
export { toSendError } from "./send-errors.js";

/** Knobs that are not configuration for operators but matter to tests and benches. */
export interface TelegramGatewayOptions {
  /** Path of the webhook route. @defaultValue "/telegram/webhook" */
  webhookPath?: string;
  /** How long an update_id is remembered for deduplication (Telegram keeps updates 24 h). @defaultValue 86400 */
  updateTtlSeconds?: number;
  /** Long-poll timeout. @defaultValue 30 */
  pollTimeoutSeconds?: number;
  /** Pause after an instant empty getUpdates (emulators do not long-poll). @defaultValue 100 */
  pollIdleMs?: number;
  /** HTTP timeout of one Bot API call; must exceed pollTimeoutSeconds. @defaultValue 45 */
  requestTimeoutSeconds?: number;
  /** Retry delays for an update that fails in polling mode. @defaultValue 500 / 30000 */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** grammY's Node typings name the abort-controller polyfill's AbortSignal; the runtime takes Node's own. */
type GrammySignal = NonNullable<Parameters<Api["getMe"]>[0]>;
const grammySignal = (s: AbortSignal): GrammySignal => s as unknown as GrammySignal;

const DEFAULTS = {
  webhookPath: DEFAULT_WEBHOOK_PATH,
  updateTtlSeconds: 24 * 3600,
  pollTimeoutSeconds: 30,
  pollIdleMs: 100,
  requestTimeoutSeconds: 45,
  retryBaseMs: 500,
  retryMaxMs: 30_000,
} satisfies Required<TelegramGatewayOptions>;

/** The bot id is the part of the token before ":"; it namespaces Redis keys without a network call. */
export function botIdFromToken(token: string): string {
  const id = token.split(":")[0];
  return /^\d+$/.test(id) ? id : createHash("sha256").update(token).digest("hex").slice(0, 12);
}

/** Gridlink's Telegram gateway; built by {@link telegramGateway} or {@link createTelegramGateway}. */
export class TelegramGateway implements ChatGateway {
  readonly platform = "telegram" as const;
  /** The grammY bot (its api is the only door to Telegram). */
  readonly bot: Bot<BotContext>;
  /** The cross-process limiter every send of this bot goes through. */
  readonly limiter: TelegramLimiter;
  /** Long polling unless TELEGRAM_WEBHOOK_URL is set. */
  readonly mode: "polling" | "webhook";
  /**
   * Sends the outbox worker keeps in flight. The limiter, not the worker, paces Telegram; several in flight
   * keep one group that waits for its per-chat budget from holding up every other group.
   */
  readonly sendConcurrency: number;
  /** The webhook route (webhook mode only), mounted by core on its HTTP server. */
  readonly routes?: ChatGateway["routes"];
  private readonly sender: TelegramSender;
  private readonly log: Logger;
  private readonly opts: Required<TelegramGatewayOptions>;
  private poller: Poller | undefined;
  private started = false;
  private starting: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private lastWebhookUpdateAt: number | undefined;
  private lastRateLimit: { at: number; retryAfterMs: number } | undefined;

  constructor(
    private readonly host: GatewayHost,
    private readonly config: Config & { TELEGRAM_BOT_TOKEN: string },
    options: TelegramGatewayOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...definedOnly(options) };
    if (this.opts.requestTimeoutSeconds <= this.opts.pollTimeoutSeconds) {
      throw new Error("requestTimeoutSeconds must be greater than pollTimeoutSeconds");
    }
    this.log = host.log.child({ name: "gridlink:telegram" });
    const token = config.TELEGRAM_BOT_TOKEN;
    const keyPrefix = `${host.prefix}:telegram:${botIdFromToken(token)}`;
    this.bot = new Bot<BotContext>(token, {
      client: { apiRoot: config.TELEGRAM_API_ROOT.replace(/\/+$/, ""), timeoutSeconds: this.opts.requestTimeoutSeconds },
    });
    this.bot.use(
      dedupeUpdates({ redis: host.redis, keyPrefix, ttlSeconds: this.opts.updateTtlSeconds, log: this.log }),
      groupRegistry(host, this.log),
      intake(host),
    );
    this.limiter = new TelegramLimiter({
      redis: host.redis,
      keyPrefix,
      globalPerSecond: config.TELEGRAM_GLOBAL_PER_SECOND,
      perChatPerMinute: config.TELEGRAM_PER_CHAT_PER_MINUTE,
      perChatPerSecond: config.TELEGRAM_PER_CHAT_PER_SECOND,
    });
    this.sender = new TelegramSender({
      api: this.bot.api,
      limiter: this.limiter,
      redis: host.redis,
      keyPrefix,
      log: this.log,
      onRateLimited: (retryAfterMs, chatId) => {
        this.lastRateLimit = { at: Date.now(), retryAfterMs };
        void this.alert(`Telegram answered 429 (chat ${chatId}); every sender of this bot waits ${retryAfterMs} ms`);
      },
    });
    this.sendConcurrency = Math.min(64, Math.max(4, config.TELEGRAM_GLOBAL_PER_SECOND));
    this.mode = config.TELEGRAM_WEBHOOK_URL ? "webhook" : "polling";
    if (this.mode === "webhook") {
      const url = new URL(config.TELEGRAM_WEBHOOK_URL!);
      if (url.protocol !== "https:") this.log.warn({ url: url.href }, "Telegram only delivers webhooks to https URLs");
      if (url.pathname !== this.opts.webhookPath) {
        this.log.warn({ url: url.href, route: this.opts.webhookPath }, "TELEGRAM_WEBHOOK_URL's path differs from Gridlink's webhook route; make sure the proxy in front rewrites it");
      }
      const secret = webhookSecret(token, config.TELEGRAM_WEBHOOK_SECRET);
      this.routes = webhookRoutes({
        path: this.opts.webhookPath,
        secret,
        log: this.log,
        ready: () => this.bot.isInited(),
        handleUpdate: async (update) => {
          await this.bot.handleUpdate(update);
          this.lastWebhookUpdateAt = Date.now();
        },
      });
    }
  }

  /** The bot's username once getMe answered (commands addressed `/cmd@<username>` are ours). */
  get username(): string | undefined {
    return this.bot.isInited() ? this.bot.botInfo.username : undefined;
  }

  /**
   * Learn who the bot is (getMe), then start long polling or register the webhook. A rejected token fails
   * here, loudly; an unreachable Bot API does not block the rest of Gridlink: the gateway keeps trying in
   * the background and reports it in health().
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // Publish the pace for broadcast ETAs (core reads it; it never derives Telegram's pace from settings).
    await this.host.redis
      .hset(paceStatusKey(this.host.prefix, "telegram"), { msPerMessage: Math.ceil(1000 / this.config.TELEGRAM_GLOBAL_PER_SECOND), pausedUntil: 0, updatedAt: Date.now() })
      .catch((err: Error) => this.log.warn({ err: err.message }, "could not publish the sending pace"));
    try {
      await this.init();
    } catch (err) {
      if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
        this.started = false;
        throw new Error(`TELEGRAM_BOT_TOKEN was rejected by ${this.config.TELEGRAM_API_ROOT} (${err.error_code} ${err.description})`);
      }
      if (err instanceof GrammyError && err.method === "setWebhook" && err.error_code === 400) {
        this.started = false;
        throw new Error(`Telegram refused TELEGRAM_WEBHOOK_URL=${this.config.TELEGRAM_WEBHOOK_URL} (${err.description})`);
      }
      this.log.warn({ err: (err as Error).message }, "Telegram Bot API unreachable; will keep trying");
      void this.alert(`Telegram Bot API unreachable at start (${(err as Error).message}); retrying in the background`);
      this.starting = this.retryInit();
      return;
    }
  }

  /** Take no more sends: every send waiting for a rate-limit slot wakes and throws SendError("stopping"). */
  stopSending(): void {
    this.limiter.close();
  }

  /**
   * Stop polling and wake any send waiting for a rate-limit slot (SendError "stopping": core requeues it).
   * Final: a stopped gateway is not started again (core builds a new one).
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.stopSending();
    await this.poller?.stop();
    await this.starting?.catch(() => undefined);
    this.started = false;
  }

  /** Send one message within Telegram's limits; throws SendError. */
  send(msg: OutgoingMessage): Promise<SendResult> {
    return this.sender.send(msg);
  }

  /** Whether this outbound row was sent in full already (its progress record; see TelegramSender.sentBefore). */
  sentBefore(msg: OutgoingMessage): Promise<SendResult | undefined> {
    return this.sender.sentBefore(msg);
  }

  /** Facts for /healthz. */
  health(): Record<string, unknown> {
    return {
      mode: this.mode,
      username: this.username,
      ready: this.bot.isInited(),
      lastUpdateAt: iso(this.poller?.lastUpdateAt ?? this.lastWebhookUpdateAt),
      ...(this.poller?.pollingError ? { pollingError: this.poller.pollingError } : {}),
      ...(this.poller?.stuckUpdateId !== undefined ? { stuckUpdateId: this.poller.stuckUpdateId } : {}),
      ...(this.lastRateLimit ? { lastRateLimitAt: iso(this.lastRateLimit.at), lastRetryAfterMs: this.lastRateLimit.retryAfterMs } : {}),
      limits: this.limiter.limits,
    };
  }

  private async init(): Promise<void> {
    if (!this.bot.isInited()) {
      const me: UserFromGetMe = await this.bot.api.getMe(grammySignal(this.stopping.signal));
      this.bot.botInfo = me;
      this.log.info({ username: me.username, mode: this.mode }, "telegram bot identified");
    }
    if (this.mode === "webhook") {
      await this.bot.api.setWebhook(this.config.TELEGRAM_WEBHOOK_URL!, {
        secret_token: webhookSecret(this.config.TELEGRAM_BOT_TOKEN, this.config.TELEGRAM_WEBHOOK_SECRET),
        allowed_updates: [...ALLOWED_UPDATES],
      }, grammySignal(this.stopping.signal));
      this.log.info({ url: this.config.TELEGRAM_WEBHOOK_URL }, "telegram webhook registered");
    } else {
      // A webhook left over from an earlier configuration makes getUpdates answer 409.
      await this.bot.api.deleteWebhook({ drop_pending_updates: false }, grammySignal(this.stopping.signal));
      this.poller = new Poller(this.bot, {
        log: this.log,
        alert: (m) => void this.alert(m),
        allowedUpdates: ALLOWED_UPDATES,
        timeoutSeconds: this.opts.pollTimeoutSeconds,
        idleMs: this.opts.pollIdleMs,
        retryBaseMs: this.opts.retryBaseMs,
        retryMaxMs: this.opts.retryMaxMs,
      });
      this.poller.start();
    }
  }

  private async retryInit(): Promise<void> {
    let waitMs = 1000;
    while (!this.stopping.signal.aborted) {
      await sleep(waitMs, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      try {
        await this.init();
        this.log.info("Telegram Bot API reachable again");
        return;
      } catch (err) {
        this.log.warn({ err: (err as Error).message, waitMs }, "Telegram Bot API still unreachable");
        waitMs = Math.min(60_000, waitMs * 2);
      }
    }
  }

  private async alert(message: string): Promise<void> {
    try {
      await this.host.alert("telegram", message);
    } catch (err) {
      this.log.error({ err, message }, "could not raise alert");
    }
  }
}

/** Build the Telegram gateway with explicit options (tests, benches); undefined when no token is configured. */
export function createTelegramGateway(host: GatewayHost, config: Config, options: TelegramGatewayOptions = {}): TelegramGateway | undefined {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) return undefined;
  return new TelegramGateway(host, { ...config, TELEGRAM_BOT_TOKEN: token }, options);
}

/** Core's gateway factory for Telegram: off (undefined) unless TELEGRAM_BOT_TOKEN is set. */
export const telegramGateway: GatewayFactory = (host, config) => createTelegramGateway(host, config);

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Wait ms, or less if the signal aborts (stop()); never rejects. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

