// Reading a poll and a vote: the author's "question | options" and a resident's reply (number, text, full-width,
// circled, out of range) — pure, no database.

import { describe, expect, it } from "vitest";
import { AppError } from "../../core/infra/errors.js";
import { mayBeVote, parsePollSpec, parseVote } from "../../core/polls/parse-poll.js";

const OPTIONS = ["同意", "不同意", "弃权"];

describe("parsePollSpec", () => {
  it("splits the question and options on | or ｜, trimmed", () => {
    expect(parsePollSpec("是否同意加装电梯？| 同意 ｜ 不同意 | 弃权")).toEqual({ question: "是否同意加装电梯？", options: OPTIONS });
  });

  it("refuses fewer than two, more than ten, empty, too long or repeated options, saying how to write it", () => {
    for (const bad of ["只有问题", "问题？| 同意", `问题？${"| x".repeat(1)}${Array.from({ length: 11 }, (_, i) => `| 选项${i}`).join("")}`, "问题？| 同意 | | 弃权", `问题？| 同意 | ${"长".repeat(31)}`, "问题？| 同意 | 同意 ", "问题？| Yes | yes"]) {
      let err: unknown;
      try {
        parsePollSpec(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(AppError);
      expect((err as AppError).userMessage).toContain("投票格式");
    }
  });
});

describe("parseVote", () => {
  it("reads the option number: ASCII, full-width, circled, with 选/投/我选 or 号 around it", () => {
    expect(parseVote("1", OPTIONS)).toBe(0);
    expect(parseVote(" 2 ", OPTIONS)).toBe(1);
    expect(parseVote("３", OPTIONS)).toBe(2);
    expect(parseVote("②", OPTIONS)).toBe(1);
    expect(parseVote("选1", OPTIONS)).toBe(0);
    expect(parseVote("我选 3", OPTIONS)).toBe(2);
    expect(parseVote("投２号", OPTIONS)).toBe(1);
    expect(parseVote("1。", OPTIONS)).toBe(0);
    expect(parseVote("vote 2", ["yes", "no"])).toBe(1);
  });

  it("reads the option text (case, width and end punctuation aside) — and the exact text wins over a number", () => {
    expect(parseVote("不同意", OPTIONS)).toBe(1);
    expect(parseVote("同意！", OPTIONS)).toBe(0);
    expect(parseVote("我选弃权", OPTIONS)).toBe(2);
    expect(parseVote("YES", ["yes", "no"])).toBe(0);
    expect(parseVote("Ｎｏ", ["yes", "no"])).toBe(1);
    expect(parseVote("10", ["5", "10", "15"])).toBe(1);
    expect(parseVote("2", ["5", "10", "15"])).toBe(1);
  });

  it("is not a vote when out of range, zero, another text, or a sentence", () => {
    expect(parseVote("4", OPTIONS)).toBeUndefined();
    expect(parseVote("0", OPTIONS)).toBeUndefined();
    expect(parseVote("４", OPTIONS)).toBeUndefined();
    expect(parseVote("⑤", OPTIONS)).toBeUndefined();
    expect(parseVote("好的", OPTIONS)).toBeUndefined();
    expect(parseVote("同意加装，但是费用怎么分摊？", OPTIONS)).toBeUndefined();
    expect(parseVote("1栋的电梯坏了", OPTIONS)).toBeUndefined();
    expect(parseVote("12", OPTIONS)).toBeUndefined();
  });

  it("never looks up long or multi-line text", () => {
    expect(mayBeVote("1")).toBe(true);
    expect(mayBeVote("楼".repeat(60))).toBe(false);
    expect(mayBeVote("1\n2")).toBe(false);
    expect(parseVote("1\n2", OPTIONS)).toBeUndefined();
  });
});
