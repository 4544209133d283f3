// Incident clustering, the pure decision: the labelled pairs (tests/fixtures/cluster-pairs.tsv) through the
// real detector, and the rules one by one. Measured (node bin/run-ts.js bench/cluster.ts): precision 46/46 =
// 100%, recall 46/52 = 88.5%; the floors sit a few points below so a regression fails and drift does not.
import { describe, expect, it } from "vitest";
import { detect } from "../../nlp/index.js";
import { pickCluster, sameIncident, type ClusterCandidate, type ClusterItem } from "../../core/tickets/cluster.js";
import { evaluateClusterPairs, readClusterPairs } from "../../bench/cluster-eval.js";

const at = (min: number) => new Date(Date.UTC(2026, 11, 1, 8, min));
const item = (text: string, extra: Partial<ClusterItem> = {}): ClusterItem => {
  const d = detect(text);
  return { text, category: d.category ?? "none", keywords: d.keywords.map((k) => k.term), groupId: 1, grid: "莲花一网格", at: at(0), ...extra };
};

describe("incident clustering", () => {
  it("the labelled pairs: precision ≥ 0.95 (wrongly joining neighbours is worse than a second ticket), recall ≥ 0.8", () => {
    const pairs = readClusterPairs();
    expect(pairs.length).toBeGreaterThanOrEqual(80);
    expect(pairs.filter((p) => p.expect === "apart").length).toBeGreaterThanOrEqual(40);
    const r = evaluateClusterPairs(detect, pairs);
    const report = `precision ${r.truePositive}/${r.truePositive + r.falsePositive}, recall ${r.truePositive}/${r.truePositive + r.falseNegative}; wrong: ${r.wrong.map((w) => `${w.line}:${w.reason}`).join(" | ")}`;
    expect(r.precision, report).toBeGreaterThanOrEqual(0.95);
    expect(r.recall, report).toBeGreaterThanOrEqual(0.8);
  });

  it("joins the same outage in the same group and in another group of the grid; not in another grid", () => {
    const ticket = item("3栋停电了");
    expect(sameIncident(item("3栋也停电了", { at: at(10) }), ticket).same).toBe(true);
    expect(sameIncident(item("我们楼也停电了", { groupId: 2, at: at(10) }), ticket).same).toBe(true);
    expect(sameIncident(item("3栋也停电了", { groupId: 3, grid: "莲花二网格", at: at(10) }), ticket)).toMatchObject({ same: false, reason: "another grid" });
    expect(sameIncident(item("3栋也停电了", { groupId: 3, grid: null, at: at(10) }), { ...ticket, grid: null })).toMatchObject({ same: false, reason: "another grid" });
  });

  it("a near miss stays apart: another building, another service, another category, outside the window", () => {
    const ticket = item("3栋停电了");
    expect(sameIncident(item("5栋停电了", { at: at(5) }), ticket)).toMatchObject({ same: false, reason: "another place" });
    expect(sameIncident(item("3栋停水了", { at: at(5) }), ticket)).toMatchObject({ same: false, reason: "another service" });
    expect(sameIncident(item("3栋垃圾没人清理", { at: at(5) }), ticket)).toMatchObject({ same: false, reason: "another category" });
    expect(sameIncident(item("3栋停电了", { at: at(121) }), ticket)).toMatchObject({ same: false, reason: "outside the window" });
    expect(sameIncident(item("3栋停电了", { at: at(121) }), ticket, { windowMs: 3 * 3600_000 }).same).toBe(true);
  });

  it("picks the closest open ticket: the same building before a vaguer one", () => {
    const c = (id: number, text: string, min: number): ClusterCandidate => ({ ...item(text, { at: at(min) }), id, number: `A00${id}` });
    const vague = c(11, "停电了", 30);
    const building = c(12, "3栋停电了", 10);
    const other = c(13, "5栋停电了", 40);
    expect(pickCluster(item("3栋又停电了", { at: at(45) }), [vague, building, other])?.ticket.number).toBe("A0012");
    expect(pickCluster(item("7栋停电了", { at: at(45) }), [building, other])?.ticket).toBeUndefined();
  });
});
