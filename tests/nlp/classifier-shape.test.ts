// Round 6: the learned classifier reads lines with a complaint shape (a problem predicate, a request frame or a
// petition head) even when no object term of the lexicon is in them — asked first, on a table folded from
// natural's trained model, so that only lines it is sure of take the full path.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createDetector, loadLexiconDir, type Detection } from "../../nlp/index.js";
import { sharedClassifier } from "../../nlp/classifier.js";
import { observationOf, trainNatural } from "../../bench/support/natural-twin.js";
import { compileLexicon } from "../../nlp/compile.js";
import { quickScan } from "../../nlp/quick-scan.js";
import { SCAN_NOTHING, SCAN_OBJECT_ONLY, SCAN_OBJECT_SHAPE, SCAN_SHAPE } from "../../nlp/pipeline.js";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
const lexicon = loadLexiconDir();
const verdict = (d: Detection) => ({ complaint: d.complaint, category: d.category, decidedBy: d.decidedBy });

describe("the classifier on lines with a complaint shape and no lexicon object", () => {
  it("flags a complaint the lexicon cannot see, says why, and leaves chat with the same predicate alone", () => {
    const complaint = "单位辞退我一分钱补偿都不给，这合法吗？"; // no object term; 不给 is a problem predicate
    expect(createDetector(lexicon, { classifier: false }).detect(complaint).complaint).toBe(false);
    const withC = createDetector(lexicon);
    const d = withC.detect(complaint);
    expect(d).toMatchObject({ complaint: true, category: "employment", decidedBy: "classifier", keywords: [] });
    expect(d.explanation).toMatch(/^complaint \(learned classifier\): employment p [01]\.\d\d with the problem predicate 不给; the lexicon alone: no keyword$/);
    // The same predicate in chat: the classifier reads chat, the line stays quiet.
    for (const chat of ["我妈不给我买冰淇淋，哈哈", "他借了我的书一直不给，烦死了", "为什么这么难呀，这关我打了十遍", "请问明天聚餐能否带家属？"]) {
      expect(withC.detect(chat).complaint, chat).toBe(false);
    }
  });

  it("reads [shape] words (a right denied, work lost, a rights question) for the classifier alone, never for the lexicon", () => {
    const rights = "临时工被单位随意辞退了"; // 临时工 an object, 辞退 a shape, no predicate
    const lexiconOnly = createDetector(lexicon, { classifier: false });
    expect(lexiconOnly.detect(rights).complaint).toBe(false);
    const d = createDetector(lexicon).detect(rights);
    expect(d).toMatchObject({ complaint: true, category: "employment", decidedBy: "classifier" });
    expect(d.explanation).toMatch(/with the complaint shape 辞退; the lexicon alone: /);
    // Without the [shape] section the classifier never reads it: the shape is what let it look.
    const noShape = createDetector({ ...lexicon, guards: { ...lexicon.guards, shape: [] } });
    expect(noShape.detect(rights).complaint).toBe(false);
    // The same shapes in chat stay quiet.
    for (const chat of ["老板把我辞退了，正好去旅游", "我们周末去收费的公园玩吧"]) expect(createDetector(lexicon).detect(chat).complaint, chat).toBe(false);
  });

  it("reads a question about an object term, in its clause, as a question to whoever serves it", () => {
    const withC = createDetector(lexicon);
    const asked = "住房公积金能在外地贷款买房吗？";
    expect(createDetector(lexicon, { classifier: false }).detect(asked).complaint).toBe(false);
    const d = withC.detect(asked);
    expect(d).toMatchObject({ complaint: true, category: "housing", decidedBy: "classifier" });
    expect(d.explanation).toMatch(/with the question 吗 about 住房; the lexicon alone: /);
    // Chat asks about the same objects; the classifier reads chat. And a question in another clause asks nothing of the object.
    for (const chat of ["医院几点开门啊", "我家孩子的学校明天放假吗", "今天菜市场的西红柿很便宜，孩子放学了吗？"]) expect(withC.detect(chat).complaint, chat).toBe(false);
    const c = compileLexicon(lexicon);
    expect(quickScan(c.quick, "今天菜市场的西红柿很便宜，孩子放学了吗？")).toBe(SCAN_OBJECT_ONLY);
    expect(quickScan(c.quick, asked)).toBe(SCAN_OBJECT_SHAPE);
  });

  it("sends a shaped line past the quick scan but chatter with no shape stops there", () => {
    const c = compileLexicon(lexicon);
    expect(quickScan(c.quick, "单位辞退我一分钱补偿都不给，这合法吗？")).toBe(SCAN_SHAPE);
    expect(quickScan(c.quick, "谢谢王阿姨送的饺子，很好吃")).toBe(SCAN_NOTHING);
    // Everyday demand words and help cues alone are no shape (chat says 马上, 赶紧, 帮忙 all day).
    for (const t of ["好的好的，我马上下来", "下雨了，晾的衣服赶紧收一下", "感谢大家的帮忙，东西已经找到了"]) expect(quickScan(c.quick, t), t).toBe(SCAN_NOTHING);
  });

  it("gives the same verdicts with and without the quick scan, and its guards still hold", () => {
    const fast = createDetector(lexicon), full = createDetector(lexicon, { prefilter: false });
    for (const t of [
      "单位辞退我一分钱补偿都不给，这合法吗？", "我妈不给我买冰淇淋，哈哈", "电梯口见。我的手机坏了", "请问明天聚餐能否带家属？",
      "如果单位辞退我一分钱补偿都不给怎么办", "单位辞退我，补偿已经给了",
    ]) expect(verdict(full.detect(t)), t).toEqual(verdict(fast.detect(t)));
    // Every line of the held-out shape and classifier fixtures, too.
    for (const file of ["detection-shapes.tsv", "classifier-holdout.tsv"]) {
      for (const raw of fs.readFileSync(path.join(FIXTURES, file), "utf8").split("\n")) {
        if (!raw.trim() || raw.startsWith("#")) continue;
        const t = raw.split("\t").at(-1)!;
        expect(verdict(full.detect(t)), t).toEqual(verdict(fast.detect(t)));
      }
    }
    // A hypothetical or a resolution in the predicate's sentence: no complaint, whatever the classifier thinks.
    expect(fast.detect("如果单位辞退我一分钱补偿都不给怎么办").decidedBy).not.toBe("classifier");
  });

  it("scores with a table that gives natural's own probabilities", () => {
    const natural = trainNatural();
    const ours = sharedClassifier();
    const lines = ["单位辞退我一分钱补偿都不给，这合法吗？", "电梯坏了三天没人修", "今天天气真好，出去走走", "wifi坏了 wifi 又断了", "楼道楼道楼道灯不亮", "No hot water for three days"];
    for (const t of lines) {
      const all = natural.getClassifications(observationOf(t));
      const total = all.reduce((s, c) => s + c.value, 0);
      const o = ours.classify(t)!;
      expect(o.label, t).toBe(all[0]!.label);
      expect(o.p, t).toBeCloseTo(all[0]!.value / total, 5);
    }
  });
});
