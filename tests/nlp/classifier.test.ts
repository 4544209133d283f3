// The learned second opinion (nlp/classifier.ts): trained on the project's own lexicon/classifier/train.tsv,
// it flags a line the lexicon left quiet only when confident AND a problem predicate is present, respects
// the lexicon's guards, and says in the explanation that it decided.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createDetector, detect, loadLexiconDir, type Detection } from "../../nlp/index.js";
import { CLASSIFIER_CONFIDENCE, ComplaintClassifier, TRAINING_FILE, features as pairFeatures, sharedClassifier } from "../../nlp/classifier.js";

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

  it("reads pairs of neighbouring characters, the same whatever words jieba was given, and holds its lines", () => {
    const c = sharedClassifier();
    // The shipped file's own lines come back with their labels (the model holds them).
    expect(c.classify("电梯里碰到王阿姨，她说孙子考上大学了")?.label).toBe("chat");
    expect(c.classify("在工地干了半年，包工头拖欠工资不给")?.label).toBe("employment");
    // Pairs within a run of Han characters, none across the comma; width and case folded; Latin words whole.
    expect(pairFeatures("电梯坏了，ＷＩＦＩ没信号")).toEqual(["电梯", "梯坏", "坏了", "wifi", "没信", "信号"]);
    // Inserting a lexicon's words into jieba (every detector does) changes its tokens, not these features.
    const before = pairFeatures("楼道灯坏了没人管");
    createDetector(loadLexiconDir());
    expect(pairFeatures("楼道灯坏了没人管")).toEqual(before);
    expect(c.documents).toBeGreaterThanOrEqual(600);
  });
});

describe("learned second opinion on lines it never saw (tests/fixtures/classifier-holdout.tsv)", () => {
  it("is confident and right on some complaints of every kind, and rarely confident about chat", () => {
    const c = sharedClassifier();
    const lines = fs.readFileSync(path.join(FIXTURES, "classifier-holdout.tsv"), "utf8").split("\n")
      .filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t") as [string, string]);
    let complaints = 0, flagged = 0, right = 0, chat = 0, chatFlagged = 0, named = 0;
    for (const [label, text] of lines) {
      const o = c.classify(text);
      const flag = !!o && o.label !== "chat" && o.p >= CLASSIFIER_CONFIDENCE;
      if (label === "chat") { chat++; if (flag) chatFlagged++; continue; }
      complaints++;
      if (flag) { flagged++; if (o!.label === label) right++; }
      if (c.categoryOf(text)?.label === label) named++;
    }
    expect(complaints).toBeGreaterThanOrEqual(35);
    expect(chat).toBeGreaterThanOrEqual(25);
    // Measured (round 5): 27 of 38 flagged at the threshold, 24 in the right category; 2 of 30 chat lines;
    // the category opinion right on 30 of 38 (round 4's model, jieba tokens: 7 / 7 / 3 and 26); round 6 (72
    // more training lines): 27 / 23 / 2 and 30. Floors a little below the measurement.
    expect(flagged).toBeGreaterThanOrEqual(24);
    expect(right).toBeGreaterThanOrEqual(21);
    expect(chatFlagged).toBeLessThanOrEqual(3);
    expect(named / complaints).toBeGreaterThanOrEqual(0.72);
  });
});
