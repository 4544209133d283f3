// Normalisation: NFKC, invisible characters, width, traditional → simplified, lower case; offsets kept.
import { describe, expect, it } from "vitest";
import { detect, highlight, normalize } from "../../nlp/index.js";

describe("normalize", () => {
  it("strips zero-width and soft-hyphen obfuscation", () => {
    expect(normalize("停\u200d电")).toBe("停电");
    expect(normalize("停\u200b水\u00ad了\ufeff")).toBe("停水了");
    expect(normalize("漏\u2060水")).toBe("漏水");
  });

  it("folds full width to half width and lower-cases Latin", () => {
    expect(normalize("ＬＩＦＴ　ＩＳ　ＢＲＯＫＥＮ！")).toBe("lift is broken!");
    expect(normalize("３栋，又停电？")).toBe("3栋,又停电?");
  });

  it("turns traditional into simplified with opencc (and leaves simplified 么 alone)", () => {
    expect(normalize("電梯壞了，樓裡漏水")).toBe("电梯坏了,楼里漏水");
    expect(normalize("怎么样")).toBe("怎么样");
    expect(normalize("衞生")).toBe("卫生");
  });

  it("applies NFKC to compatibility characters and math letters", () => {
    expect(normalize("𝐩𝐨𝐰𝐞𝐫 𝐨𝐮𝐭𝐚𝐠𝐞")).toBe("power outage");
    expect(normalize("cafe\u0301")).toBe("café");
    expect(normalize("…")).toBe("...");
  });

  it("keeps emoji as they are and in place, but normalises enclosed ideographs (🈶 → 有) and astral letters", () => {
    expect(normalize("停电了😀👍🏻")).toBe("停电了😀👍🏻");
    expect(normalize("🈶人在楼道里飞线充电")).toBe("有人在楼道里飞线充电");
    expect(normalize("\u{10400}")).toBe("\u{10428}"); // Deseret capital → small
    const text = "😀😀电梯又坏了👍";
    const d = detect(text);
    expect(d.complaint).toBe(true);
    expect(d.keywords[0].start).toBe(4); // after two emoji of two code units each
    expect(text.slice(d.keywords[0].start, d.keywords[0].end)).toMatch(/^电梯/);
    // An enclosed ideograph can carry a keyword's character: the quick scan must not skip the line.
    expect(detect("🈚人管").complaint).toBe(true); // 🈚 → 無 → 无: 无人管
    expect(normalize("🈚人管")).toBe("无人管");
  });

  it("removes control characters and replaces lone surrogates", () => {
    expect(normalize("a\u0000b\u0007c")).toBe("abc");
    expect(normalize("x\ud800y")).toBe("x\ufffdy");
    expect(normalize("x\ud800\u0301y")).toBe("x\ufffdy"); // a mark after a lone surrogate goes with it
  });

  it("drops variation selectors, including the ideographic ones of plane 14", () => {
    expect(normalize("葛\u{E0100}城")).toBe("葛城");
    expect(normalize("❤\ufe0f")).toBe("❤");
    const text = "楼道里有人飞\u{E0100}线充电";
    const d = detect(text);
    expect(d.complaint).toBe(true);
    expect(text.slice(d.keywords[0].start, d.keywords[0].end)).toBe("飞\u{E0100}线充电");
  });

  it("obfuscated keywords are detected and highlighted at their original offsets", () => {
    const text = "3栋又停\u200d电了";
    const d = detect(text);
    expect(d.complaint).toBe(true);
    expect(d.keywords[0].start).toBe(3);
    expect(d.keywords[0].end).toBe(6);
    expect(highlight(text, d)).toBe("3栋又【停\u200d电】了");
    expect(detect("電梯壞了").category).toBe("housing");
  });
});
