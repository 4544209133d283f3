// Telegram failures → SendError kinds, in one place. Core's outbox maps each kind to queue behaviour
// (pause, deactivate the group, migrate and resend, retry, fail).

import { GrammyError, HttpError } from "grammy";
import { SendError } from "../../core/ports/index.js";

/** Descriptions of 400s that mean the bot cannot write there (deleted or deactivated group, muted bot); a
 * later my_chat_member update (unmuted, re-added) makes the group active again. */
const GONE_400 = [/chat not found/i, /group chat was deactivated/i, /chat_write_forbidden/i, /not enough rights to send/i];

/**
 * Map anything `bot.api.sendMessage` can throw to a SendError:
 * 429 → rate_limited (retryAfterMs from `retry_after`); 403 → chat_gone (kicked, blocked, not a member);
 * 400 with `migrate_to_chat_id` → migrated; 400 "chat not found"/"deactivated" → chat_gone;
 * 5xx, network errors and timeouts (HttpError) → transient; any other 4xx → permanent.
 * A SendError passes through unchanged; unknown throwables are treated as transient (a retry is cheap,
 * a lost message is not).
 */
export function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  if (err instanceof GrammyError) {
    const code = err.error_code;
    const params = err.parameters ?? {};
    const what = `Telegram ${err.method}: ${code} ${err.description}`;
    if (code === 429) {
      const seconds = typeof params.retry_after === "number" && params.retry_after > 0 ? params.retry_after : 1;
      return new SendError("rate_limited", what, { retryAfterMs: seconds * 1000, cause: err });
    }
    if (typeof params.migrate_to_chat_id === "number") {
      return new SendError("migrated", what, { newChatId: String(params.migrate_to_chat_id), cause: err });
    }
    if (code === 403) return new SendError("chat_gone", what, { cause: err });
    if (code === 400 && GONE_400.some((re) => re.test(err.description))) return new SendError("chat_gone", what, { cause: err });
    if (code >= 500) return new SendError("transient", what, { cause: err });
    return new SendError("permanent", what, { cause: err });
  }
  if (err instanceof HttpError) {
    return new SendError("transient", `Telegram unreachable: ${err.message}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SendError("transient", `Telegram send failed: ${message}`, { cause: err });
}
