// The learned second opinion (nlp/classifier.ts): trained on the project's own lexicon/classifier/train.tsv,
// it flags a line the lexicon left quiet only when confident AND a problem predicate is present, respects
// the lexicon's guards, and says in the explanation that it decided.
import { describe, expect, it } from "vitest";
import { createDetector, detect, loadLexiconDir } from "../../nlp/index.js";
import { ComplaintClassifier, TRAINING_FILE, sharedClassifier } from "../../nlp/classifier.js";

describe("learned second opinion", () => {
  it("trains on the project's labelled file, every category and chatter represented", () => {
    const c = sharedClassifier();
    expect(c.documents).toBeGreaterThanOrEqual(150);
    expect(new ComplaintClassifier(TRAINING_FILE).classify("今天天气真好，出去走走")?.label).toBe("chat");
    expect(c.classify("医院看病乱收费，医生态度差")?.label).toBe("health");
  });

  it("flags a line whose predicate is out of the lexicon's reach, and says the classifier decided", () => {
    const text = "医院看个感冒，检查费药费加起来收了八百多，太不合理";
    const lexiconOnly = createDetector(loadLexiconDir(), { classifier: false }).detect(text);
    expect(lexiconOnly.complaint).toBe(false);
    const d = detect(text);
    expect(d.complaint).toBe(true);
    expect(d.category).toBe("health");
    expect(d.decidedBy).toBe("classifier");
    expect(d.keywords).toEqual([]);
    expect(d.explanation).toMatch(/^complaint \(learned classifier\): health p 0\.\d\d with the problem predicate 不合理; the lexicon alone: /);
  });

  it("lexicon complaints say the lexicon decided; guards hold for the classifier too", () => {
    const d = detect("3栋又停电了");
    expect(d.decidedBy).toBe("lexicon");
    expect(d.explanation).toMatch(/^complaint \(lexicon\): 停电/);
    // Same line as above, but negated, asked or announced: no second opinion overrides the guard.
    expect(detect("医院看个感冒，检查费药费加起来收了八百多，也没有不合理").complaint).toBe(false);
    expect(detect("医院看个感冒，检查费药费加起来收了八百多，不合理吗？").complaint).toBe(false);
    expect(detect("明天医院体检，检查费药费加起来如果收八百多，太不合理").complaint).toBe(false);
  });

  it("never flags a line with no problem predicate, however sure it is", () => {
    expect(sharedClassifier().classify("社区医院的医生护士")?.label).not.toBe("chat");
    expect(detect("社区医院的医生护士").complaint).toBe(false);
  });
});
