// Round 4 of issue 15: categories by what each public service covers (the 12345 board's taxonomy, not the
// dev rows), and the grammar shapes added for petitions and questions to the authorities. Every line here was
// written for this test; each complaint asserted here was quiet or in another category before this round (commit
// 8878fb9), and the quiet lines check that the new rules do not reach into chat.
import { describe, expect, it } from "vitest";
import { detect } from "../../nlp/index.js";

const flagged = (t: string) => {
  const d = detect(t);
  return { complaint: d.complaint, category: d.category, why: d.explanation };
};

describe("category by what each public service covers", () => {
  it("post and express delivery are a transport matter (交通运输 covers 邮政快递)", () => {
    expect(flagged("快递站取件还要加收两块钱")).toMatchObject({ complaint: true, category: "traffic" });
  });

  it("greening is municipal works; what harms it is still environment", () => {
    expect(flagged("小区的草坪被人毁了")).toMatchObject({ complaint: true, category: "housing" });
    expect(flagged("有人往小区绿化带里乱倒垃圾")).toMatchObject({ complaint: true, category: "environment" });
  });

  it("trading without a licence is the market regulator's, a dispute goes by what it is about", () => {
    expect(flagged("街口那家店无证经营好几年了")).toMatchObject({ complaint: true, category: "market" });
    expect(flagged("医患纠纷谁来管")).toMatchObject({ complaint: true, category: "health" });
  });

  it("generic cues take the category most of the message's objects name", () => {
    // 超市 (a shop) is named first, but 员工 and 劳动合同 say what the complaint is about.
    expect(flagged("投诉那家超市，长期不与员工签订劳动合同")).toMatchObject({ complaint: true, category: "employment" });
  });
});

describe("shapes of a request to the authorities", () => {
  it("a petition head before the remedy petitions the object after it", () => {
    expect(flagged("何时放开电动车上牌？")).toMatchObject({ complaint: true, category: "traffic" });
  });

  it("a policy question (how can I obtain …) is a request; how-questions in chat are not", () => {
    expect(flagged("孩子的户口如何才能落户到这里？")).toMatchObject({ complaint: true, category: "social_security" });
    expect(flagged("退休了养老金如何领取？")).toMatchObject({ complaint: true, category: "social_security" });
    expect(flagged("明天天气怎么样，要不要带伞，刚才的快递是谁的").complaint).toBe(false);
    expect(flagged("老师怎么计算分数的？").complaint).toBe(false);
  });

  it("a question that demands is a request; one that only asks stays quiet", () => {
    expect(flagged("路灯不亮能不能尽快处理？")).toMatchObject({ complaint: true, category: "traffic" });
    expect(flagged("路灯不亮了吗？").complaint).toBe(false);
    // 什么时候 is a question word before it is a demand: no request here.
    expect(flagged("什么时候停水？").complaint).toBe(false);
  });

  it("a question of legitimacy accuses", () => {
    const d = flagged("物业收的停车费是合理的吗？");
    expect(d).toMatchObject({ complaint: true, category: "housing" });
    expect(d.why).toContain("合理的吗");
  });

  it("a short comment clause is said of the object before it; a clause with its own subject is not", () => {
    expect(flagged("三号楼的外墙，安全堪忧")).toMatchObject({ complaint: true });
    expect(flagged("电梯口见，手机坏了").complaint).toBe(false);
    expect(flagged("今晚回不了宿舍了，怎么办").complaint).toBe(false); // a help cue does not comment
  });
});
