// Bot API failures mapped to SendError kinds, once.

import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { SendError } from "../../core/ports/chat.js";
import { toSendError } from "../../bots/telegram/send-errors.js";

const apiError = (error_code: number, description: string, parameters: Record<string, number> = {}) =>
  new GrammyError(`Call to 'sendMessage' failed! (${error_code}: ${description})`, { ok: false, error_code, description, parameters }, "sendMessage", {});

describe("toSendError", () => {
  it("429 → rate_limited with retry_after in ms", () => {
    const e = toSendError(apiError(429, "Too Many Requests: retry after 7", { retry_after: 7 }));
    expect(e.kind).toBe("rate_limited");
    expect(e.retryAfterMs).toBe(7000);
  });

  it("403 → chat_gone", () => {
    expect(toSendError(apiError(403, "Forbidden: bot was kicked from the group chat")).kind).toBe("chat_gone");
    expect(toSendError(apiError(403, "Forbidden: bot is not a member of the supergroup chat")).kind).toBe("chat_gone");
  });

  it("400 with migrate_to_chat_id → migrated with the new chat id", () => {
    const e = toSendError(apiError(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: -1002468013579 }));
    expect(e.kind).toBe("migrated");
    expect(e.newChatId).toBe("-1002468013579");
  });

  it("400 chat not found / deactivated → chat_gone", () => {
    expect(toSendError(apiError(400, "Bad Request: chat not found")).kind).toBe("chat_gone");
    expect(toSendError(apiError(400, "Bad Request: group chat was deactivated")).kind).toBe("chat_gone");
  });

  it("5xx and network failures → transient", () => {
    expect(toSendError(apiError(502, "Bad Gateway")).kind).toBe("transient");
    expect(toSendError(apiError(500, "Internal Server Error")).kind).toBe("transient");
    expect(toSendError(new HttpError("Network request for 'sendMessage' failed!", new Error("ECONNREFUSED"))).kind).toBe("transient");
  });

  it("other 4xx → permanent", () => {
    expect(toSendError(apiError(400, "Bad Request: message text is empty")).kind).toBe("permanent");
    expect(toSendError(apiError(401, "Unauthorized")).kind).toBe("permanent");
    expect(toSendError(apiError(404, "Not Found")).kind).toBe("permanent");
  });

  it("keeps a SendError and the original cause", () => {
    const original = new SendError("chat_gone", "x");
    expect(toSendError(original)).toBe(original);
    const cause = apiError(403, "Forbidden");
    expect(toSendError(cause).cause).toBe(cause);
  });
});
