// Telegram update → ChatMessage. Pure: no network, no Redis, no grammY context — so it is unit-tested with
// recorded payloads and the same function serves long polling and the webhook.

import type { Message, Update, User } from "grammy/types";
import { CONFIRM_REPLY, DISCARD_REPLY, wellFormedMessage, type ChatMessage } from "../../core/ports/index.js";

/** Options for {@link toChatMessage}. */
export interface ToChatMessageOptions {
  /**
   * This bot's username (without "@"). When known, `/cmd@ThisBot …` becomes `/cmd …` and `/cmd@OtherBot …`
   * is dropped: in a group with several bots, a command addressed to another bot is neither ours nor a
   * complaint. When unknown, commands pass through untouched.
   */
  botUsername?: string;
}

/** Group chat types Gridlink listens in; private chats and channels are not neighbourhood groups. */
const GROUP_TYPES = new Set(["group", "supergroup"]);

/** What may be a command (core parses it): `/accept A0012`, `#受理 A0012`. */
const COMMAND_LIKE = /^\s*[/#＃]/;

/** `/cmd@Bot` at the very start of a message (Telegram's bot_command syntax: 1–32 letters, digits, _). */
const ADDRESSED_COMMAND = /^\/([A-Za-z0-9_]{1,32})@([A-Za-z0-9_]{1,64})(?=\s|$)/;

/** How a resident is called in replies: first + last name as Telegram shows it, else @username, else the id. */
export function displayName(user: User): string {
  const name = [user.first_name, user.last_name].filter((p) => p && p.trim() !== "").join(" ").trim();
  if (name) return name;
  if (user.username) return `@${user.username}`;
  return String(user.id);
}

/**
 * Translate one Telegram update into a platform-neutral ChatMessage, or `undefined` when it carries nothing
 * for intake: channels, private chats except commands (`direct`: a grid leader answering the 派单 message with
 * `/accept A0012`) and a bare 「确认」/「取消」 (a notice a leader drafted there waits for it), stickers, photos/voice without a caption, service messages
 * (joins, title changes, migrations — the registry handles those), messages from bots. Never throws on
 * shapes it does not know. Edited messages keep their message id and set `edited: true` with the edit time
 * as `sentAt`, so each edit is its own intake job and updates the stored message instead of opening a
 * second ticket.
 */
export function toChatMessage(update: Update, opts: ToChatMessageOptions = {}): ChatMessage | undefined {
  const edited = update.message === undefined && update.edited_message !== undefined;
  const msg: Message | undefined = update.message ?? update.edited_message;
  if (!msg || typeof msg !== "object") return undefined;
  const chat = msg.chat;
  const direct = chat?.type === "private";
  if (!chat || (!direct && !GROUP_TYPES.has(chat.type))) return undefined;
  const from = msg.from;
  if (!from || from.is_bot) return undefined;

  const raw = typeof msg.text === "string" ? msg.text : typeof msg.caption === "string" ? msg.caption : undefined;
  if (raw === undefined || raw.trim() === "") return undefined;
  if (direct && (edited || !(COMMAND_LIKE.test(raw) || CONFIRM_REPLY.test(raw.trim()) || DISCARD_REPLY.test(raw.trim())))) return undefined;

  const text = addressCommand(raw, opts.botUsername);
  if (text === undefined) return undefined;

  const seconds = edited && typeof msg.edit_date === "number" ? msg.edit_date : msg.date;
  const out: ChatMessage = {
    platform: "telegram",
    chatId: String(chat.id),
    messageId: String(msg.message_id),
    sender: { id: String(from.id), name: displayName(from) },
    text,
    sentAt: seconds * 1000,
  };
  if ("title" in chat && typeof chat.title === "string" && chat.title !== "") out.chatTitle = chat.title;
  if (edited) out.edited = true;
  if (direct) out.direct = true;
  return wellFormedMessage(out);
}

/**
 * Strip our own `@BotName` from a leading command; `undefined` when the command is addressed to another bot.
 * Exported for the unit tests of the addressing rule.
 */
export function addressCommand(text: string, botUsername: string | undefined): string | undefined {
  if (!botUsername) return text;
  const m = ADDRESSED_COMMAND.exec(text);
  if (!m) return text;
  if (m[2].toLowerCase() !== botUsername.replace(/^@/, "").toLowerCase()) return undefined;
  return `/${m[1]}${text.slice(m[0].length)}`;
}
