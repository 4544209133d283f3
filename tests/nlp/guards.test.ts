// The guards: negation, resolved, notice, question / hypothetical, grievance and help, object + predicate.
import { describe, expect, it } from "vitest";
import { detect } from "../../nlp/index.js";

const yes = (text: string, category?: string) => {
  const d = detect(text);
  expect(d.complaint, `${text}: ${d.explanation}`).toBe(true);
  if (category) expect(d.category, `${text}: ${d.explanation}`).toBe(category);
  return d;
};
const no = (text: string) => {
  const d = detect(text);
  expect(d.complaint, `${text}: ${d.explanation}`).toBe(false);
  return d;
};

describe("guards", () => {
  it("the issue's examples", () => {
    no("电梯口见");
    no("明天几点停电？");
    no("今天没停电吧");
    no("停电通知：明早8点至12点检修");
    yes("3栋又停电了", "utilities");
    yes("楼道里有人飞线充电，太危险了", "safety");
    yes("失业了去哪登记", "employment");
    yes("怎么又停电了？", "utilities");
    yes("停了三天水了有人管吗？", "utilities");
  });

  it("negation right before a keyword, with fillers, but not a negation elsewhere", () => {
    const d = no("今天没有再停电");
    expect(d.guards.negated).toBe(true);
    expect(d.suppressed[0]).toMatchObject({ term: "停电", reason: "negated" });
    no("电梯没坏");
    no("there is no leak");
    no("the lift isn't broken");
    yes("没想到又停电了", "utilities"); // 没想到 is one token, not a negation of 停电
    yes("没人管，楼道里又停电了", "utilities");
  });

  it("resolved problems are quiet, unless the fix is itself negated", () => {
    no("停电已经恢复了");
    no("电梯修好了，谢谢物业");
    yes("the internet is down again, nobody fixed it", "utilities");
  });

  it("notices and plans are quiet unless they carry a grievance", () => {
    const d = no("温馨提示：明天上午停水，请提前储水");
    expect(d.guards.notice).toBe(true);
    expect(d.suppressed[0].reason).toBe("notice");
    yes("又停水，也没个通知", "utilities");
  });

  it("questions: quiet without grievance, a complaint with one; urgent keywords survive plain questions", () => {
    const d = no("明天会不会停水啊");
    expect(d.guards.question).toBe(true);
    yes("为什么又停水了？", "utilities");
    yes("停水两天了，什么时候来水？", "utilities"); // the question is in another clause
    yes("是不是燃气泄漏了", "safety"); // severity 3
    no("万一着火了往哪跑？"); // hypothetical silences even severity 3
    no("如果停电的话记得把冰箱里的东西拿出来");
  });

  it("help-seeking questions are requests", () => {
    yes("社保断缴了怎么办？", "social_security");
    yes("医保怎么报销？", "social_security");
  });

  it("object terms need a problem predicate in the same clause, owned by the nearest object", () => {
    no("我在电梯里了，马上到");
    no("学校门口集合，别迟到");
    const d = yes("电梯又坏了", "housing");
    expect(d.keywords[0].term).toMatch(/电梯/);
    yes("下水道堵了", "environment");
    yes("地下室的安全出口被杂物堵了", "safety");
    no("电梯口见，门口的灯很亮");
  });

  it("a generic cue borrows the category of an object in the message", () => {
    yes("投诉物业", "housing");
    yes("我要投诉", "other");
  });

  it("reports guards and an explanation that names the deciding cue", () => {
    const d = yes("怎么又停电了？");
    expect(d.guards.question).toBe(true);
    expect(d.explanation).toMatch(/怎么又/);
    expect(d.score).toBeGreaterThanOrEqual(0.5);
    expect(no("谢谢大家").score).toBe(0);
  });
});
