// Splitting long texts at Telegram's 4096-character limit, on sentence boundaries.

import { describe, expect, it } from "vitest";
import { splitText, TELEGRAM_MAX_TEXT } from "../../bots/telegram/split-text.js";

describe("splitText", () => {
  it("returns a text that fits as its only part, untouched", () => {
    expect(splitText("  短消息。 ")).toEqual(["  短消息。 "]);
    const exact = "好".repeat(TELEGRAM_MAX_TEXT);
    expect(splitText(exact)).toEqual([exact]);
  });

  it("cuts after the last Chinese sentence end that fits, keeping every character", () => {
    const sentence = "各位居民请注意，明天上午九点到十二点停水检修。"; // 23 chars
    const text = sentence.repeat(400); // 9200 chars
    const parts = splitText(text);
    expect(parts.length).toBe(3);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      expect(p.endsWith("。")).toBe(true);
    }
    expect(parts.join("")).toBe(text);
  });

  it.each([
    ["。", "一二三四五。六七八九十"],
    ["！", "一二三四五！六七八九十"],
    ["？", "一二三四五？六七八九十"],
    ["\\n", "一二三四五\n六七八九十"],
    [". ", "abcde. fghij"],
    ["! ", "abcde! fghij"],
    ["? ", "abcde? fghij"],
  ])("treats %s as a boundary", (_label, text) => {
    const parts = splitText(text, 8);
    expect(parts).toHaveLength(2);
    expect(parts[0].length).toBeLessThanOrEqual(8);
    expect(parts[1]).toMatch(/^(六七八九十|fghij)$/);
  });

  it("does not cut inside a decimal number or version", () => {
    expect(splitText("Pay 3.50 yuan by 5.1 now", 12)).toEqual(["Pay 3.50", "yuan by 5.1", "now"]);
  });

  it("keeps closing quotes with their sentence", () => {
    expect(splitText("他说：「停电了。」然后走了。", 10)).toEqual(["他说：「停电了。」", "然后走了。"]);
  });

  it("falls back to whitespace, then to a hard cut that never splits a surrogate pair", () => {
    expect(splitText("aaaa bbbb cccc", 7)).toEqual(["aaaa", "bbbb", "cccc"]);
    const emoji = "😀".repeat(5); // 10 UTF-16 units
    const parts = splitText(emoji, 5);
    expect(parts.join("")).toBe(emoji);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(5);
      expect(p).not.toMatch(/[\uD800-\uDBFF]$/);
      expect(p).not.toMatch(/^[\uDC00-\uDFFF]/);
    }
  });

  it("never produces empty parts", () => {
    const parts = splitText("\n\n\n" + "x".repeat(20) + "\n\n\n" + "y".repeat(5), 10);
    expect(parts.every((p) => p.trim() !== "")).toBe(true);
    expect(parts.join("")).toBe("x".repeat(20) + "y".repeat(5));
  });
});
