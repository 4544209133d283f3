// toChatMessage against recorded Bot API payloads: what becomes a ChatMessage and what is skipped quietly.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { addressCommand, displayName, toChatMessage } from "../../bots/telegram/to-chat-message.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (name: string): Update => JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), "utf8")) as Update;
const BOT = { botUsername: "GridlinkBot" };

describe("toChatMessage", () => {
  it("turns a group text into a ChatMessage with chat, sender name and time", () => {
    expect(toChatMessage(fixture("group-text"), BOT)).toEqual({
      platform: "telegram",
      chatId: "-4128806631",
      chatTitle: "莲花社区1号楼业主群",
      messageId: "4512",
      sender: { id: "5234401187", name: "王 阿姨" },
      text: "3栋又停电了，什么时候来电？",
      sentAt: 1732170000 * 1000,
    });
  });

  it("uses a photo's caption as the text in a supergroup", () => {
    const msg = toChatMessage(fixture("supergroup-photo-caption"), BOT);
    expect(msg).toMatchObject({ chatId: "-1002233445566", messageId: "88", text: "楼道里的垃圾三天没人清了", sender: { id: "6011223344", name: "Li" } });
    expect(msg?.edited).toBeUndefined();
  });

  it("marks an edited message as edited, same message id, edit time as sentAt", () => {
    const msg = toChatMessage(fixture("edited-message"), BOT);
    expect(msg).toMatchObject({ messageId: "4512", edited: true, text: "3栋又停电了，已经两个小时了，什么时候来电？", sentAt: 1732170042 * 1000 });
  });

  it("falls back to @username when the name is empty, and ignores the quoted message", () => {
    const msg = toChatMessage(fixture("supergroup-reply-username-only"), BOT);
    expect(msg).toMatchObject({ messageId: "90", sender: { id: "6011229999", name: "@night_owl" }, text: "The elevator in block 5 has been broken since Monday." });
  });

  it.each([
    "sticker",
    "photo-without-caption",
    "voice",
    "new-chat-members",
    "new-chat-title",
    "migrate-to-chat-id",
    "private-chat",
    "channel-post",
    "my-chat-member-added",
    "my-chat-member-kicked",
    "my-chat-member-left",
    "message-from-bot",
    "command-to-other-bot",
  ])("skips %s without an error", (name) => {
    expect(toChatMessage(fixture(name), BOT)).toBeUndefined();
  });

  it("reads a command in a private chat as direct (a leader answering the 派单 message), nothing else said there", () => {
    const dm = fixture("private-chat") as Update & { message: { text: string } };
    expect(toChatMessage({ ...dm, message: { ...dm.message, text: "/accept@GridlinkBot A0012" } }, BOT)).toMatchObject({ chatId: "5234401187", direct: true, text: "/accept A0012", sender: { id: "5234401187", name: "王 阿姨" } });
    expect(toChatMessage({ ...dm, message: { ...dm.message, text: "#受理 A0012" } }, BOT)?.direct).toBe(true);
    // A bare 「确认」/「取消」 answers a notice the leader drafted there; any other words stay out.
    for (const text of ["确认", "取消。", "confirm"]) expect(toChatMessage({ ...dm, message: { ...dm.message, text } }, BOT)).toMatchObject({ direct: true, text });
    for (const text of ["确认一下我家停电了", "我家停电了"]) expect(toChatMessage({ ...dm, message: { ...dm.message, text } }, BOT)).toBeUndefined();
    expect(toChatMessage(fixture("group-text"), BOT)?.direct).toBeUndefined();
  });

  it("strips our own @BotName from a command and keeps its arguments", () => {
    expect(toChatMessage(fixture("command-to-this-bot"), BOT)?.text).toBe("/resolve A0012 已恢复供电");
    expect(toChatMessage(fixture("command-to-this-bot"), { botUsername: "gridlinkbot" })?.text).toBe("/resolve A0012 已恢复供电");
  });

  it("passes addressed commands through untouched while the username is unknown", () => {
    expect(toChatMessage(fixture("command-to-this-bot"))?.text).toBe("/resolve@GridlinkBot A0012 已恢复供电");
    expect(toChatMessage(fixture("command-to-other-bot"))?.text).toBe("/help@WeatherBot");
  });

  it("survives shapes it does not know", () => {
    expect(toChatMessage({ update_id: 1 } as Update)).toBeUndefined();
    expect(toChatMessage({ update_id: 2, message: { message_id: 1, date: 0 } } as unknown as Update)).toBeUndefined();
    expect(toChatMessage({ update_id: 3, message: { message_id: 1, date: 0, chat: { id: -1, type: "group", title: "t" }, text: "   " } } as unknown as Update)).toBeUndefined();
  });
});

describe("addressCommand", () => {
  it("only rewrites a leading /cmd@Bot", () => {
    expect(addressCommand("/help@GridlinkBot", "GridlinkBot")).toBe("/help");
    expect(addressCommand("/status@GridlinkBot\nA0001", "GridlinkBot")).toBe("/status\nA0001");
    expect(addressCommand("/help", "GridlinkBot")).toBe("/help");
    expect(addressCommand("mail me at a@GridlinkBot", "GridlinkBot")).toBe("mail me at a@GridlinkBot");
    expect(addressCommand("/help@OtherBot please", "GridlinkBot")).toBeUndefined();
  });
});

describe("displayName", () => {
  it("prefers the full name, then @username, then the id", () => {
    expect(displayName({ id: 1, is_bot: false, first_name: "Ann", last_name: "Lee" })).toBe("Ann Lee");
    expect(displayName({ id: 1, is_bot: false, first_name: " ", username: "ann" })).toBe("@ann");
    expect(displayName({ id: 42, is_bot: false, first_name: "" })).toBe("42");
  });
});
