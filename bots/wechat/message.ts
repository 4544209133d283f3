// Inbound translation: a Wechaty Message → the plain facts we need → a ChatMessage (or nothing).
// `extractWechatMessage` is the only part that touches the SDK; `toChatMessage` is pure, so it is unit-tested
// with recorded payloads (tests/wechat/fixtures) and no puppet at all.

import type { Message } from "wechaty";
import { wellFormedMessage, type ChatMessage } from "../../core/ports/index.js";

// === Facts

/** The Wechaty message types we care about (values of wechaty-puppet's `types.Message`, stable since 0.x). */
export const WECHAT_MESSAGE_TYPE = {
  Unknown: 0,
  Attachment: 1,
  Audio: 2,
  Contact: 3,
  ChatHistory: 4,
  Emoticon: 5,
  Image: 6,
  Text: 7,
  Location: 8,
  MiniProgram: 9,
  GroupNote: 10,
  Transfer: 11,
  RedEnvelope: 12,
  Recalled: 13,
  Url: 14,
  Video: 15,
  Post: 16,
} as const;

/** Everything `toChatMessage` needs, copied out of a Wechaty Message so the translation can be pure and recorded. */
export interface WechatMessageFacts {
  id: string;
  /** wechaty-puppet `types.Message` value. */
  type: number;
  text: string;
  /** Puppet timestamp: epoch milliseconds, or seconds for some puppets (normalised here). */
  timestamp: number;
  talkerId: string;
  /** The talker's group nickname when set, else their WeChat name. */
  talkerName?: string;
  /** The bot account's remark alias for the talker and their WeChat ID, when known (staff match on these). */
  talkerAliases?: string[];
  /** Absent for direct (one-to-one) messages. */
  roomId?: string;
  roomTopic?: string;
  /** The logged-in account's contact id: its own messages are never intake. */
  selfId?: string;
  /** The bot's own display names (WeChat name, group nickname): a leading "@<name>" is stripped. */
  selfNames?: string[];
}

/** Copy the facts out of a Wechaty Message; never throws (missing names fall back to ids). */
export async function extractWechatMessage(message: Message): Promise<WechatMessageFacts> {
  const payload = message.payload;
  const room = message.room();
  let talkerId = payload?.talkerId ?? "";
  let talkerName: string | undefined;
  const talkerAliases: string[] = [];
  try {
    const talker = message.talker();
    talkerId = talker.id;
    talkerName = talker.name() || undefined;
    const alias = await talker.alias().catch(() => undefined);
    if (alias) talkerAliases.push(alias);
    // The WeChat ID ("handle"); weixin() is its deprecated name and prints a warning with a stack trace.
    const handle = talker.handle();
    if (handle) talkerAliases.push(handle);
    if (room) talkerName = (await room.alias(talker).catch(() => undefined)) || talkerName;
  } catch {
    // A payload without a talker (system notices in some puppets): leave the name empty.
  }
  const selfId = message.wechaty.isLoggedIn ? message.wechaty.currentUser.id : undefined;
  const selfNames: string[] = [];
  if (selfId) {
    const me = message.wechaty.currentUser;
    const name = me.name();
    if (name) selfNames.push(name);
    if (room) {
      const nick = await room.alias(me).catch(() => undefined);
      if (nick && nick !== name) selfNames.push(nick);
    }
  }
  return {
    id: message.id,
    type: message.type(),
    text: message.text() ?? "",
    timestamp: payload?.timestamp ?? Date.now(),
    talkerId,
    talkerName,
    talkerAliases,
    roomId: room?.id,
    roomTopic: room ? await room.topic().catch(() => undefined) : undefined,
    selfId,
    selfNames,
  };
}

// === Translation

/** WeChat's quote separator as puppets render a native "quote reply": a line of fifteen "- ". */
const QUOTE_SEPARATOR = /\n?[ \t]*-(?: -){5,}[ \t]*\n?/;
/** The separator a mention is followed by in WeChat text (U+2005 FOUR-PER-EM SPACE), or a plain space. */
const MENTION_GAP = /^[\u2005\u0020\u00a0]+/;

/**
 * Drop a native WeChat quote block ("「张三：原文」" plus the dashed separator, before or after the reply) so
 * quoting an old complaint does not report it again; keeps the resident's own words.
 */
export function stripQuote(text: string): string {
  const m = QUOTE_SEPARATOR.exec(text);
  if (!m) return text;
  const before = text.slice(0, m.index).trim();
  const after = text.slice(m.index + m[0].length).trim();
  const isQuote = (s: string) => s.startsWith("「") && s.endsWith("」");
  if (isQuote(before) && !isQuote(after)) return after;
  if (isQuote(after) && !isQuote(before)) return before;
  return text;
}

/** Remove a leading "@<bot name>" so "@网格助手 #进度 A0012" parses as the command "#进度 A0012". */
export function stripSelfMention(text: string, selfNames: readonly string[] = []): string {
  let out = text.trimStart();
  for (const name of selfNames) {
    const at = `@${name}`;
    if (name && out.startsWith(at)) {
      const rest = out.slice(at.length);
      if (rest === "" || MENTION_GAP.test(rest)) {
        out = rest.replace(MENTION_GAP, "");
        break;
      }
    }
  }
  return out;
}

/** Puppets disagree on seconds vs milliseconds; anything before 1973 in ms is really seconds. */
export function timestampToMs(ts: number): number {
  if (!Number.isFinite(ts) || ts <= 0) return Date.now();
  return ts < 1e11 ? ts * 1000 : ts;
}

/**
 * A room text message from someone else → ChatMessage. Everything else — images, voice, emoticons,
 * mini-programs, recalled messages, direct messages, the bot's own messages, empty text — → undefined.
 */
export function toChatMessage(facts: WechatMessageFacts): ChatMessage | undefined {
  if (!facts.roomId) return undefined;
  if (facts.type !== WECHAT_MESSAGE_TYPE.Text) return undefined;
  if (facts.selfId && facts.talkerId === facts.selfId) return undefined;
  if (!facts.talkerId) return undefined;
  const text = stripSelfMention(stripQuote(facts.text ?? ""), facts.selfNames).trim();
  if (!text) return undefined;
  return wellFormedMessage<ChatMessage>({
    platform: "wechat",
    chatId: facts.roomId,
    chatTitle: facts.roomTopic || undefined,
    messageId: facts.id,
    sender: { id: facts.talkerId, name: facts.talkerName || facts.talkerId, ...(facts.talkerAliases?.length ? { aliases: facts.talkerAliases } : {}) },
    text,
    sentAt: timestampToMs(facts.timestamp),
  });
}
