// Floors on the honest measurement (bench/eval-sets.ts): the dev data's CHECK half — never looked at
// for tuning — read at run time from ../shared/data/dev (GRIDLINK_EVAL_DIR), never copied into the repo.
// Measured (npm run eval) at the end of round 4 (issue 15: taxonomy fixes by what each 12345 board covers —
// post and express under transport, greening, drains and public toilets as municipal facilities, licences and
// contract fraud under the market, disputes by their matter; policy questions and legitimacy questions as
// petitions and grievances; a demand keeps a question; comment clauses; the category vote of generic cues):
// check half titles recall 132/187 = 70.6%, all rows 379/504 = 75.2%, mapped category 295/379 = 77.8%, chat
// lines flagged 14/3424 = 0.4% (round 3 ended at 69.0%, 74.4%, 74.1%, 0.4%; round 2 at 65.8%, 71.4%, 71.9%).
// Round 5 (the learned second opinion on character pairs, more training text): 133/187 = 71.1%, 380/504 =
// 75.4%, category 300/380 = 78.9%, chat 14/3424 = 0.4%; the category floor raised from 0.74 to 0.76.
// Round 6 (the classifier reads lines with a complaint shape — a problem predicate, a frame, a petition head, a
// [shape] word, a question in an object term's clause — asked first on a table): 142/187 = 75.9%, 399/504 =
// 79.2%, category 315/399 = 78.9%, chat 18/3424 = 0.5%; titles and rows floors raised to 0.72 and 0.76.
// With round 6's category rules (whose matter it is by the shape of the problem) on top: category 321/399 =
// 80.5%, recall unchanged; the category floor raised to 0.78.
// The floors sit a few points below, so that a regression fails and ordinary drift does not. The issue's
// targets (recall ≥ 0.75, category ≥ 0.80) are met on the check half, by under a point each.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detect } from "../../nlp/index.js";
import { DEV_DIR } from "../../bench/dev-data.js";
import { evaluateHalf, halfOf } from "../../bench/eval-sets.js";

describe("dev data, check half (read at run time)", () => {
  it("the data is there, and the split is fixed and about even", () => {
    expect(fs.existsSync(path.join(DEV_DIR, "citizen_messages_zh.csv")), `set GRIDLINK_EVAL_DIR (now ${DEV_DIR})`).toBe(true);
    expect(halfOf("tdm20c_a2_0011")).toBe(halfOf("tdm20c_a2_0011"));
    const ids = Array.from({ length: 1000 }, (_, i) => `row_${i}`);
    const check = ids.filter((id) => halfOf(id) === "check").length;
    expect(check).toBeGreaterThan(400);
    expect(check).toBeLessThan(600);
  });

  it("recall, category accuracy and chat false alarms stay above their floors", () => {
    const r = evaluateHalf("check", detect);
    const report = `titles ${r.titles.hit}/${r.titles.n}, rows ${r.rows.hit}/${r.rows.n}, category ${r.rows.right}/${r.rows.hit}, chat ${r.chat.flagged}/${r.chat.n}`;
    expect(r.titles.n, report).toBeGreaterThan(150);
    expect(r.titles.hit / r.titles.n, report).toBeGreaterThanOrEqual(0.72);
    expect(r.rows.hit / r.rows.n, report).toBeGreaterThanOrEqual(0.76);
    expect(r.rows.right / r.rows.hit, report).toBeGreaterThanOrEqual(0.78);
    expect(r.chat.flagged / r.chat.n, report).toBeLessThanOrEqual(0.01);
  });
});
