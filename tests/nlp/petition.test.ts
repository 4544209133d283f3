// Petitions (issue 15): a request or question word addressed to whoever is responsible (请, 希望, 何时, 能否 …)
// with a public remedy later in the same sentence (增设, 开通, 延长, 出台 …) frames the sentence's object
// terms, and a question so framed is a request — while a question about the same service without a remedy,
// a hypothetical, or a line with no object term stays quiet.
import { describe, expect, it } from "vitest";
import { createDetector, detect, loadLexiconDir } from "../../nlp/index.js";

describe("petitions", () => {
  it("a request or question with a public remedy is a complaint of the object's category", () => {
    const lines: Array<[string, string]> = [
      ["学校什么时候能开通校车？", "education"],
      ["公交线路能否延长到我们村？", "traffic"],
      ["请对老旧小区的电梯进行改造", "housing"],
      ["希望在公园增设健身器材", "housing"],
    ];
    for (const [text, category] of lines) expect(detect(text), text).toMatchObject({ complaint: true, category, decidedBy: "lexicon" });
    // The explanation names the petition: head … remedy.
    expect(detect("公交线路能否延长到我们村？").explanation).toMatch(/公交\S*\+能否…延长|\+能否…延长/);
  });

  it("it is the petition rule that decides: without the petition sections the same lines are quiet", () => {
    const lexicon = loadLexiconDir();
    const without = createDetector({ ...lexicon, guards: { ...lexicon.guards, petitionHead: [], petitionRemedy: [] } }, { classifier: false });
    for (const text of ["公交线路能否延长到我们村？", "请对老旧小区的电梯进行改造"]) {
      expect(without.detect(text).complaint, text).toBe(false);
      expect(createDetector(lexicon, { classifier: false }).detect(text).complaint, text).toBe(true);
    }
  });

  it("no remedy, no object, a hypothetical or a notice: not a complaint", () => {
    for (const text of [
      "学校什么时候放假？", // a question about a service, no remedy asked for
      "公交什么时候来？",
      "希望大家新年快乐，身体健康", // a wish, no object term
      "如果能在公园增设健身器材就好了", // hypothetical
      "明天学校将开放图书馆，请大家准时参加", // a notice
    ]) expect(detect(text).complaint, text).toBe(false);
  });

  it("几点建议 / 几点疑问 are the points of a letter, not the question 几点", () => {
    expect(detect("关于学校的几点建议")).toMatchObject({ complaint: true, category: "education" });
    expect(detect("明天几点停电？").complaint).toBe(false);
  });
});
