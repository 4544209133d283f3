// A keyword counts only on jieba token boundaries (or as a dictionary part of a compound).
import { describe, expect, it } from "vitest";
import { createDetector, detect, type Lexicon } from "../../nlp/index.js";
import { loadGuards } from "../../nlp/lexicon.js";
import { cut } from "../../nlp/segment.js";

describe("token boundaries", () => {
  it("a keyword inside a longer unrelated word is not a hit", () => {
    expect(detect("本月暂停电费代扣").complaint).toBe(false); // 暂停|电费 straddles 停电
    expect(detect("我手机没电了").complaint).toBe(false);
  });

  it("loading the lexicon does not weaken words jieba already knows (小学 and 学位 stay words)", () => {
    const d = detect("200个小学学位去哪了？");
    expect(cut("个小学学位去哪了")).toEqual(expect.arrayContaining(["小学", "学位"]));
    expect(d.complaint).toBe(true);
    expect(d.keywords.map((k) => k.term)).toContain("学位");
    expect(cut("县育红小学太乱了")).toContain("小学");
  });

  it("a keyword that is one dictionary part of a compound still counts", () => {
    const d = detect("这里环境污染问题很严重");
    expect(d.complaint).toBe(true);
    expect(d.keywords.map((k) => k.term)).toContain("环境污染");
  });

  it("a term as substring matches only on boundaries, with a custom lexicon too", () => {
    const lexicon: Lexicon = {
      entries: [{ term: "停车", category: "traffic", severity: 1, kind: "problem", lang: "zh", variants: [], enabled: true }],
      guards: loadGuards(),
    };
    const d = createDetector(lexicon);
    expect(d.detect("门口不让停车").complaint).toBe(false); // negated
    expect(d.detect("他们乱停车").complaint).toBe(false); // 乱停车 is one word
    expect(d.detect("停车场在东门").complaint).toBe(false); // 停车场 ≠ 停车 + a word
    expect(d.detect("又停车堵门").complaint).toBe(true);
  });

  it("gapped patterns: 停…水 within four characters of one clause", () => {
    expect(detect("停了三天水").keywords[0]?.term).toBe("停水");
    expect(detect("停车场旁边的水池").complaint).toBe(false);
    expect(detect("停了，大家喝水").complaint).toBe(false);
  });
});
