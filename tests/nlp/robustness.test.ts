// Never throws; odd input returns a non-complaint or a correct detection.
import { describe, expect, it } from "vitest";
import { detect, highlight } from "../../nlp/index.js";

describe("robustness", () => {
  it("empty and non-string input", () => {
    expect(detect("").complaint).toBe(false);
    expect(detect(undefined as unknown as string).complaint).toBe(false);
    expect(detect(42 as unknown as string).complaint).toBe(false);
  });

  it("64 KB of chatter, and 64 KB with a complaint in the middle", () => {
    const chatter = "今天天气不错，大家出去走走吧。".repeat(4400).slice(0, 65536);
    expect(chatter.length).toBe(65536);
    expect(detect(chatter).complaint).toBe(false);
    const mid = chatter.slice(0, 32768) + "3栋又停电了。" + chatter.slice(32768);
    const d = detect(mid);
    expect(d.complaint).toBe(true);
    expect(mid.slice(d.keywords[0].start, d.keywords[0].end)).toBe("停电");
  });

  it("64 KB full of keywords and guards still returns", () => {
    const dense = "电梯坏了没停电吗？又漏水了如果停水怎么办，".repeat(3200).slice(0, 65536);
    const d = detect(dense);
    expect(typeof d.complaint).toBe("boolean");
    expect(d.keywords.length).toBeGreaterThan(10);
  });

  it("64 KB of keywords in one clause (no punctuation) still returns every hit", () => {
    const unit = "3栋又停电了电梯坏了楼道灯不亮水管漏了";
    const one = unit.repeat(Math.ceil(65536 / unit.length)).slice(0, 65536);
    const d = detect(one);
    expect(d.complaint).toBe(true);
    expect(d.keywords.filter((k) => k.term === "停电").length).toBeGreaterThan(3000);
  });

  it("lone surrogates, control characters and binary-looking text", () => {
    expect(detect("\ud800\udc00\udfff\ud83d").complaint).toBe(false);
    expect(detect("停\ud800电").keywords[0]?.term).toBe("停电"); // U+FFFD inside: still the gapped 停…电
    expect(detect("\u0000\u0001\u0002停电了\u001b[0m").complaint).toBe(true);
    const binary = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join("");
    expect(() => detect(binary)).not.toThrow();
    expect(() => highlight(binary, detect(binary))).not.toThrow();
  });

  it("emoji-laden and mixed Chinese/English lines", () => {
    expect(detect("🔥🔥又停电了😡😡").category).toBe("utilities");
    expect(detect("lift又坏了，烦死了").category).toBe("housing");
    expect(detect("👨‍👩‍👧‍👦 family photo 📷").complaint).toBe(false);
  });

  it("results are stable across calls (no state leaks between messages)", () => {
    const a = detect("3栋又停电了");
    detect("今天没停电吧");
    expect(detect("3栋又停电了")).toEqual(a);
  });
});
