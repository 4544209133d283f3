// Never throws; odd input returns a non-complaint or a correct detection.
import { describe, expect, it } from "vitest";
import { MAX_ANALYSED_CHARS, detect, highlight } from "../../nlp/index.js";

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

  it("64 KB of keywords in one clause (no punctuation): a complaint, analysed up to the cap, offsets right", () => {
    const unit = "3栋又停电了电梯坏了楼道灯不亮水管漏了";
    const one = unit.repeat(Math.ceil(65536 / unit.length)).slice(0, 65536);
    const d = detect(one);
    expect(d.complaint).toBe(true);
    const hits = d.keywords.filter((k) => k.term === "停电");
    // Every 停电 of the analysed window is reported, none beyond it.
    expect(hits.length).toBeGreaterThanOrEqual(Math.floor(MAX_ANALYSED_CHARS / unit.length) - 1);
    expect(hits.every((k) => one.slice(k.start, k.end) === "停电" && k.end <= MAX_ANALYSED_CHARS + 1)).toBe(true);
    expect(d.explanation).toContain(`of ${one.length} were analysed (the cap is ${MAX_ANALYSED_CHARS})`);
    expect(d.explanation.length).toBeLessThan(2000); // "… and N more", not thousands of hits
  });

  // Issue 9 finding 2: shapes that made detection super-linear (minutes for 64 K). Verdicts, not times:
  // bench/detect-sizes.ts prints the times.
  describe("200,000-character lines of the worst shapes", () => {
    const N = 200_000;
    const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
    const soup = fill("电梯没停电吗又漏水了如果停水怎么办反映社保关于问题希望解决");

    it("a complaint at the start of a huge keyword-and-guard soup is found, and the cap is stated", () => {
      const text = "3栋电梯坏了三天了，没人修！" + soup;
      const d = detect(text);
      expect(d.complaint).toBe(true);
      expect(d.category).toBe("housing");
      expect(text.slice(d.keywords[0].start, d.keywords[0].end)).toMatch(/^电梯/);
      expect(d.keywords[0].start).toBe(2);
      expect(d.explanation).toMatch(/only characters 0–\d+ of 200014 were analysed/);
    });

    it("a complaint after 150,000 characters of chatter is found where it is, offsets into the whole text", () => {
      const chatter = fill("今天天气不错，大家出去走走吧。").slice(0, 150_000);
      const text = chatter + "楼下的下水道堵了，污水都冒出来了。" + chatter.slice(0, 50_000);
      const d = detect(text);
      expect(d.complaint).toBe(true);
      expect(d.category).toBe("environment");
      const k = d.keywords[0];
      expect(k.start).toBeGreaterThan(150_000);
      expect(k.start).toBe(150_003);
      expect(text.slice(k.start, k.end)).toMatch(/^下水道/);
      expect(d.keywords.every((h) => text.slice(h.start, h.end) === h.surface)).toBe(true);
      expect(() => highlight(text, d)).not.toThrow();
    });

    it("200 K of pure chatter is quiet with no cap note (the scan read all of it)", () => {
      const d = detect(fill("今天天气不错，大家出去走走吧。"));
      expect(d.complaint).toBe(false);
      expect(d.explanation).toBe("not a complaint: no keyword");
    });

    it("one keyword repeated, frames with objects, random CJK, digits: each returns a sensible verdict", () => {
      let seed = 11;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const cjk = Array.from({ length: N }, () => String.fromCharCode(0x4e00 + Math.floor(rnd() * 20902))).join("");
      expect(detect(fill("停电")).complaint).toBe(true);
      const framed = detect(fill("反映社保电梯学位"));
      expect(framed.complaint).toBe(true);
      expect(framed.explanation).toContain("were analysed");
      expect(detect(fill("1")).complaint).toBe(false);
      const random = detect(cjk);
      expect(typeof random.complaint).toBe("boolean");
      expect(random.explanation.length).toBeLessThan(2000);
      // A negated soup stays negated: no keyword of it counts.
      const negated = detect(fill("今天没停电，"));
      expect(negated.complaint).toBe(false);
      expect(negated.suppressed[0]?.reason).toBe("negated");
    });
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
