// The learned second opinion (nlp/classifier.ts): trained on the project's own lexicon/classifier/train.tsv,
// it flags a line the lexicon left quiet only when confident AND a problem predicate is present, respects
// the lexicon's guards, and says in the explanation that it decided.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createDetector, detect, loadLexiconDir, type Detection } from "../../nlp/index.js";
import { cut } from "../../nlp/segment.js";
import { ComplaintClassifier, TRAINING_FILE, features as textFeatures, sharedClassifier } from "../../nlp/classifier.js";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

describe("learned second opinion", () => {
  it("trains on the project's labelled file, every category and chatter represented", () => {
    const c = sharedClassifier();
    expect(c.documents).toBeGreaterThanOrEqual(150);
    expect(new ComplaintClassifier(TRAINING_FILE).classify("今天天气真好，出去走走")?.label).toBe("chat");
    expect(c.classify("医院看病乱收费，医生态度差")?.label).toBe("health");
  });

  it("flags a line the lexicon leaves quiet when confident and a predicate is present, and says so", () => {
    // 医院 … 不合理: close enough for the quick scan, too far (13 characters) for the lexicon's pairing.
    const text = "医院这次看个感冒要了八百多块太不合理";
    const lexicon = loadLexiconDir();
    expect(createDetector(lexicon, { classifier: false }).detect(text).complaint).toBe(false);
    const small = new ComplaintClassifier(path.join(FIXTURES, "classifier-train-small.tsv"));
    expect(small.classify(text)).toMatchObject({ label: "health" });
    expect(small.classify(text)!.p).toBeGreaterThanOrEqual(0.9);
    const d = createDetector(lexicon, { classifier: small }).detect(text);
    expect(d).toMatchObject({ complaint: true, category: "health", decidedBy: "classifier", keywords: [] });
    expect(d.explanation).toMatch(/^complaint \(learned classifier\): health p 0\.\d\d with the problem predicate 不合理; the lexicon alone: /);
    // Without a problem predicate, or with a guard on it, the same opinion flags nothing.
    const withSmall = createDetector(lexicon, { classifier: small });
    expect(small.classify("医院这次看个感冒要了八百多块")?.label).toBe("health");
    expect(withSmall.detect("医院这次看个感冒要了八百多块").complaint).toBe(false);
    expect(withSmall.detect("医院这次看个感冒要了八百多块也没有不合理").complaint).toBe(false);
    expect(withSmall.detect("医院这次看个感冒要了八百多块不合理吗？").complaint).toBe(false);
    expect(withSmall.detect("如果医院这次看个感冒要了八百多块就太不合理").complaint).toBe(false);
    // prefilter: false gives the same verdicts (the classifier only looks where the quick scan passes).
    const full = createDetector(lexicon, { classifier: small, prefilter: false });
    const verdict = (d: Detection) => ({ complaint: d.complaint, category: d.category, decidedBy: d.decidedBy });
    for (const t of [text, "电梯口见，今天的菜真坏了心情", "医院口见，我在楼下等你，刚才的菜太不合理"]) expect(verdict(full.detect(t)), t).toEqual(verdict(withSmall.detect(t)));
  });

  it("lexicon complaints say the lexicon decided; guards hold for the classifier too", () => {
    const d = detect("3栋又停电了");
    expect(d.decidedBy).toBe("lexicon");
    expect(d.explanation).toMatch(/^complaint \(lexicon\): 停电/);
  });

  it("names the category of a lexicon complaint whose keywords are all generic, and says so", () => {
    const lexicon = loadLexiconDir();
    const text = "投诉收银员对顾客骂骂咧咧"; // 投诉 is generic (other); no object term of any category
    expect(createDetector(lexicon, { classifier: false }).detect(text)).toMatchObject({ complaint: true, category: "other" });
    const small = new ComplaintClassifier(path.join(FIXTURES, "classifier-train-category.tsv"));
    const d = createDetector(lexicon, { classifier: small }).detect(text);
    expect(d).toMatchObject({ complaint: true, category: "market", decidedBy: "lexicon" });
    expect(d.explanation).toMatch(/^complaint \(lexicon\): 投诉 .*; category from the learned classifier: market p [01]\.\d\d$/);
    // When the classifier itself reads the line as generic, the category stays other.
    expect(small.classify("投诉了好几回，一直没有人理")?.label).toBe("other");
    expect(createDetector(lexicon, { classifier: small }).detect("投诉了好几回，一直没有人理").category).toBe("other");
    // An object of a category decides before any classifier: 投诉物业 is housing.
    expect(createDetector(lexicon, { classifier: small }).detect("投诉物业乱收费").category).toBe("housing");
  });

  it("never flags a line with no problem predicate, however sure it is", () => {
    const small = new ComplaintClassifier(path.join(FIXTURES, "classifier-train-small.tsv"));
    const text = "医院的检查费药费和看病";
    expect(small.classify(text)).toMatchObject({ label: "health" });
    expect(small.classify(text)!.p).toBeGreaterThanOrEqual(0.9);
    expect(createDetector(loadLexiconDir(), { classifier: small }).detect(text).complaint).toBe(false);
  });

  it("learns from neighbouring token pairs too, and holds the lines it was trained on", () => {
    const c = sharedClassifier();
    // The shipped file's own lines come back with their labels (the model holds them).
    expect(c.classify("电梯里碰到王阿姨，她说孙子考上大学了")?.label).toBe("chat");
    expect(c.classify("在工地干了半年，包工头拖欠工资不给")?.label).toBe("employment");
    // Each pair of neighbouring tokens is a feature beside the tokens: the object with its predicate.
    const text = "孩子今天第一天上幼儿园，哭了一早上";
    const tokens = cut(text);
    const f = textFeatures(text);
    const pairs = f.filter((x) => x.includes("+"));
    for (let i = 1; i < tokens.length; i++) {
      const pair = `${tokens[i - 1]}+${tokens[i]}`;
      // every pair of neighbouring tokens, none across the comma (the clause break ends the run)
      if (tokens[i] === "，" || tokens[i - 1] === "，") expect(f).not.toContain(pair);
      else expect(f).toContain(pair);
    }
    expect(pairs.length).toBe(tokens.length - 3);
    expect(c.documents).toBeGreaterThanOrEqual(500);
  });
});
