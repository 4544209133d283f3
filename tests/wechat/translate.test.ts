// Pure translation, both ways: recorded Wechaty message facts → ChatMessage (or nothing), OutgoingMessage →
// the text a room will show, and puppet failures → SendError kinds.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SendError } from "../../core/ports/chat.js";
import { stripQuote, stripSelfMention, timestampToMs, toChatMessage, type WechatMessageFacts } from "../../bots/wechat/message.js";
import { classifySendFailure, cutExcerpt, QUOTE_RULE, renderOutgoing, renderPlain, toSendError } from "../../bots/wechat/render.js";

const fixtures = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "messages.json"), "utf8"),
) as Record<string, WechatMessageFacts>;

describe("toChatMessage (recorded payloads)", () => {
  it("turns a resident's room text into a ChatMessage", () => {
    const f = fixtures.text;
    expect(toChatMessage(f)).toEqual({
      platform: "wechat",
      chatId: f.roomId,
      chatTitle: "莲花社区1号楼业主群",
      messageId: f.id,
      sender: { id: "wxid_wang", name: "王阿姨" },
      text: "3栋又停电了，什么时候来电？",
      sentAt: f.timestamp,
    });
  });

  it("strips a leading @-mention of the bot so the command parses", () => {
    expect(toChatMessage(fixtures.command)?.text).toBe("#办结 A0012 已恢复供电");
  });

  it("keeps only the resident's words from a native quote reply", () => {
    expect(toChatMessage(fixtures.quoteReply)?.text).toBe("还是没电啊");
  });

  it.each(["image", "voice", "emoticon", "miniProgram", "recalled", "url"])("skips a %s message without error", (kind) => {
    expect(fixtures[kind]).toBeDefined();
    expect(toChatMessage(fixtures[kind])).toBeUndefined();
  });

  it("skips direct (non-room) messages", () => {
    expect(fixtures.direct.roomId).toBeUndefined();
    expect(toChatMessage(fixtures.direct)).toBeUndefined();
  });

  it("ignores the bot's own messages", () => {
    expect(fixtures.own.talkerId).toBe(fixtures.own.selfId);
    expect(toChatMessage(fixtures.own)).toBeUndefined();
  });

  it("skips a message that is only a mention of the bot", () => {
    expect(toChatMessage(fixtures.emptyMention)).toBeUndefined();
  });

  it("falls back to the talker id when the puppet gives no name, and normalises second timestamps", () => {
    const msg = toChatMessage({ ...fixtures.text, talkerName: undefined, timestamp: 1_700_000_000 });
    expect(msg?.sender).toEqual({ id: "wxid_wang", name: "wxid_wang" });
    expect(msg?.sentAt).toBe(1_700_000_000_000);
  });
});

describe("text helpers", () => {
  it("stripQuote handles the quote after the reply too, and leaves ordinary dashes alone", () => {
    expect(stripQuote(`楼道灯还是不亮\n${QUOTE_RULE}\n「王阿姨：楼道灯坏了」`)).toBe("楼道灯还是不亮");
    expect(stripQuote("价格 - 便宜 - 好")).toBe("价格 - 便宜 - 好");
  });

  it("stripSelfMention only strips the bot's own name at the start", () => {
    expect(stripSelfMention("@网格助手 #进度", ["网格助手"])).toBe("#进度");
    expect(stripSelfMention("@网格助手小号 你好", ["网格助手"])).toBe("@网格助手小号 你好");
    expect(stripSelfMention("@王阿姨\u2005你好", ["网格助手"])).toBe("@王阿姨\u2005你好");
  });

  it("timestampToMs keeps milliseconds", () => {
    expect(timestampToMs(1_795_255_890_057)).toBe(1_795_255_890_057);
  });
});

describe("renderOutgoing", () => {
  it("puts the quoted resident above an @-mention and the reply", () => {
    const r = renderOutgoing({
      outboundId: 1,
      platform: "wechat",
      chatId: "r@chatroom",
      text: "收到，已登记为工单 #A0012。",
      replyTo: { messageId: "m1", senderName: "王阿姨", excerpt: "3栋又停电了，什么时候来电？" },
      mention: { userId: "wxid_wang", name: "王阿姨" },
    });
    expect(r.head).toBe(`「王阿姨：3栋又停电了，什么时候来电？」\n${QUOTE_RULE}\n`);
    expect(r.mention).toEqual({ userId: "wxid_wang", name: "王阿姨" });
    expect(renderPlain(r)).toBe(`「王阿姨：3栋又停电了，什么时候来电？」\n${QUOTE_RULE}\n@王阿姨 收到，已登记为工单 #A0012。`);
  });

  it("sends plain text when there is nothing to quote or mention, and cuts long excerpts", () => {
    expect(renderPlain(renderOutgoing({ outboundId: 2, platform: "wechat", chatId: "r", text: "停水通知" }))).toBe("停水通知");
    expect(cutExcerpt("一".repeat(50))).toBe(`${"一".repeat(40)}…`);
  });
});

describe("send failure mapping", () => {
  it.each([
    ["发送消息过于频繁，请稍后再试", "too_frequent"],
    ["BaseResponse.Ret 1205", "too_frequent"],
    ["no payload found for id x@chatroom", "chat_gone"],
    ["你已不在群聊中", "chat_gone"],
    ["你已被移出群聊", "chat_gone"],
    ["not logged in", "logged_out"],
    ["socket hang up", "transient"],
  ])("%s → %s", (message, kind) => {
    expect(classifySendFailure(new Error(message))).toBe(kind);
  });

  it("maps to core's SendError kinds, with retryAfterMs on rate_limited", () => {
    const e = toSendError("too_frequent", new Error("频繁"), 60_000);
    expect(e).toBeInstanceOf(SendError);
    expect([e.kind, e.retryAfterMs]).toEqual(["rate_limited", 60_000]);
    expect(toSendError("chat_gone", new Error("x"), 1).kind).toBe("chat_gone");
    expect(toSendError("logged_out", new Error("x"), 30_000).retryAfterMs).toBe(30_000);
    expect(toSendError("transient", new Error("x"), 1).kind).toBe("transient");
  });
});
