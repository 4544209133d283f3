// The webhook route, mounted on core's Fastify server. Telegram proves itself with the secret it was given
// in setWebhook (X-Telegram-Bot-Api-Secret-Token); we answer 200 only once the update is handled — i.e.
// the message is durably queued — so Telegram re-sends anything we could not take.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import { bounded } from "../../core/ports/index.js";

/** Telegram waits for our answer; past this we answer 503 (it re-sends the same update, deduplicated by id). */
export const WEBHOOK_ANSWER_MS = 1500;

/** Default path of the webhook route; TELEGRAM_WEBHOOK_URL should point here (through any proxy). */
export const DEFAULT_WEBHOOK_PATH = "/telegram/webhook";

/** The header Telegram sets on every webhook request when setWebhook was given a secret_token. */
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/** Telegram accepts 1–256 characters of A-Z, a-z, 0-9, _ and - as secret_token. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * The secret to hand Telegram: TELEGRAM_WEBHOOK_SECRET when set, otherwise one derived from the bot token
 * (HMAC), so every process of one installation agrees on it without another variable to manage.
 */
export function webhookSecret(token: string, configured: string | undefined): string {
  if (configured !== undefined) {
    if (!SECRET_SHAPE.test(configured)) throw new Error("TELEGRAM_WEBHOOK_SECRET must be 1–256 characters of A-Z, a-z, 0-9, _ or -");
    return configured;
  }
  return createHmac("sha256", token).update("gridlink-telegram-webhook").digest("hex");
}

/** Constant-time comparison of the presented secret with ours (hashing first hides the length too). */
export function secretMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== "string" || presented === "") return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** What the route needs from the gateway. */
export interface WebhookDeps {
  path: string;
  secret: string;
  log: Logger;
  /** Handle one update (dedupe, registry, intake); resolves once it is queued, throws if it could not be. */
  handleUpdate(update: Update): Promise<void>;
  /** False until getMe answered: updates cannot be handled before the bot knows its own username. */
  ready(): boolean;
  /** Answer 503 when the update is not queued within this. @defaultValue WEBHOOK_ANSWER_MS (1500) */
  answerWithinMs?: number;
}

/**
 * Fastify plugin with `POST <path>`: 401 (checked before the body is even parsed) for a missing or wrong
 * secret, 400 for a body that is not an update, 503 when the bot is not ready or the update could not be
 * queued within answerWithinMs (Telegram retries the same update; its id makes that harmless), 200 once handled.
 */
export function webhookRoutes(deps: WebhookDeps): FastifyPluginAsync {
  return async (app) => {
    app.post(
      deps.path,
      {
        onRequest: async (req, reply) => {
          if (!secretMatches(req.headers[SECRET_HEADER], deps.secret)) {
            deps.log.warn({ ip: req.ip }, "webhook request with a missing or wrong secret refused");
            return reply.code(401).send({ error: "unauthorized", message: "missing or wrong X-Telegram-Bot-Api-Secret-Token" });
          }
        },
      },
      async (req, reply) => {
        const update = req.body as Update | undefined;
        if (!update || typeof update !== "object" || !Number.isSafeInteger((update as { update_id?: unknown }).update_id)) {
          return reply.code(400).send({ error: "bad_request", message: "body must be a Telegram Update with an integer update_id" });
        }
        if (!deps.ready()) {
          return reply.code(503).send({ error: "unavailable", message: "telegram gateway is starting" });
        }
        try {
          await bounded(deps.handleUpdate(update), deps.answerWithinMs ?? WEBHOOK_ANSWER_MS, "the webhook update");
        } catch (err) {
          const cause = err instanceof Error && "error" in err ? (err as { error: unknown }).error : err;
          deps.log.warn({ updateId: update.update_id, err: cause instanceof Error ? cause.message : String(cause) }, "webhook update not queued; Telegram will retry");
          return reply.code(503).send({ error: "unavailable", message: "update could not be queued; retry later" });
        }
        return reply.code(200).send({ ok: true });
      },
    );
  };
}
