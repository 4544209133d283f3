// Outbound translation: an OutgoingMessage → the text parts a room.say() needs, and a send failure → SendError.
// Pure functions, unit-tested without a puppet.

import { SendError, type OutgoingMessage } from "../../core/ports/index.js";

// === Rendering

/** The dashed line WeChat itself draws under a quoted message; residents recognise it as a quote. */
export const QUOTE_RULE = "- - - - - - - - - - - - - - -";
/** Quote excerpts longer than this are cut with "…" (a quote is a reminder, not a copy). */
export const MAX_EXCERPT_CHARS = 40;

/** What to say: an optional quote block, then (if mentioning) "@name", then the body. */
export interface RenderedWechatText {
  /** Text before the @-mention (the quote block), possibly empty. */
  head: string;
  /** Text after the @-mention. */
  body: string;
  /** The contact to @-mention; absent when nobody is addressed. */
  mention?: { userId: string; name: string };
}

/** Cut an excerpt to `max` characters (code points, so emoji are not split). */
export function cutExcerpt(text: string, max = MAX_EXCERPT_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max).join("")}…`;
}

/**
 * WeChat bots cannot quote natively, so the resident's words go above the reply the way WeChat draws a quote:
 * 「王阿姨：3栋又停电了」, a dashed rule, then "@王阿姨 收到…".
 */
export function renderOutgoing(msg: OutgoingMessage): RenderedWechatText {
  const head = msg.replyTo ? `「${msg.replyTo.senderName}：${cutExcerpt(msg.replyTo.excerpt)}」\n${QUOTE_RULE}\n` : "";
  return msg.mention ? { head, body: ` ${msg.text}`, mention: msg.mention } : { head, body: msg.text };
}

/** The whole text as residents will see it when the mention is plain text (fallback when the contact is unknown). */
export function renderPlain(r: RenderedWechatText): string {
  return r.mention ? `${r.head}@${r.mention.name}${r.body}` : `${r.head}${r.body}`;
}

// === Failure mapping

/** "Sending too often" in the words puppets pass through from WeChat (wechat4u Ret 1205, pad/ipad protocols). */
const TOO_FREQUENT = /频繁|过快|too\s*(?:frequent|fast|many)|frequency|rate.?limit|\b1205\b|操作太快/i;
/** The room is gone or the account is no longer in it. */
const CHAT_GONE = /no payload found|not (?:a )?member|not in (?:the )?room|room (?:not found|not exist)|not exist|不在群|被移出|已退出|群聊不存在|已解散/i;
/** The account is not logged in (logout raced the send). */
const LOGGED_OUT = /not logged in|logout|未登录|login required|need login/i;

/** The classes of send failure the gateway distinguishes before mapping to core's SendError kinds. */
export type WechatFailure = "too_frequent" | "chat_gone" | "logged_out" | "transient";

/** Classify a puppet/SDK send error by its message (puppets expose no codes we can rely on). */
export function classifySendFailure(err: unknown): WechatFailure {
  const text = err instanceof Error ? `${err.message} ${String((err as { code?: unknown }).code ?? "")}` : String(err);
  if (TOO_FREQUENT.test(text)) return "too_frequent";
  if (CHAT_GONE.test(text)) return "chat_gone";
  if (LOGGED_OUT.test(text)) return "logged_out";
  return "transient";
}

/** Map a failure class to core's SendError (rate_limited carries how long to pause the queue). */
export function toSendError(failure: WechatFailure, err: unknown, retryAfterMs: number): SendError {
  const message = err instanceof Error ? err.message : String(err);
  switch (failure) {
    case "too_frequent":
      return new SendError("rate_limited", `WeChat says too frequent: ${message}`, { retryAfterMs, cause: err });
    case "logged_out":
      return new SendError("rate_limited", `WeChat account logged out: ${message}`, { retryAfterMs, cause: err });
    case "chat_gone":
      return new SendError("chat_gone", `room gone or bot not in room: ${message}`, { cause: err });
    default:
      return new SendError("transient", `WeChat send failed: ${message}`, { cause: err });
  }
}
