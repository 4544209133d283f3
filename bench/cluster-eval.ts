// The measurement of incident clustering behind `node bin/run-ts.js bench/cluster.ts` and the floor in
// tests/tickets/cluster.test.ts: each labelled pair of tests/fixtures/cluster-pairs.tsv goes through the real
// detector (category and keywords) and core/tickets/cluster.ts's decision, as intake would run them.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Detection } from "../nlp/index.js";
import { sameIncident, type ClusterItem } from "../core/tickets/cluster.js";

/** The fixture file. */
export const CLUSTER_PAIRS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "tests", "fixtures", "cluster-pairs.tsv");

/** One labelled pair. */
export interface ClusterPair {
  line: number;
  expect: "join" | "apart";
  where: "group" | "grid" | "other";
  minutes: number;
  first: string;
  later: string;
}

/** Read the fixture (comments and blank lines skipped; a malformed line is an error naming it). */
export function readClusterPairs(file = CLUSTER_PAIRS_FILE): ClusterPair[] {
  const out: ClusterPair[] = [];
  fs.readFileSync(file, "utf8").split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim() || raw.startsWith("#")) return;
    const [expect, where, minutes, first, later] = raw.split("\t");
    if ((expect !== "join" && expect !== "apart") || !["group", "grid", "other"].includes(where) || !/^\d+$/.test(minutes ?? "") || !first || !later) {
      throw new Error(`${file}:${i + 1}: expected "join|apart<TAB>group|grid|other<TAB>minutes<TAB>text<TAB>text"`);
    }
    out.push({ line: i + 1, expect, where: where as ClusterPair["where"], minutes: Number(minutes), first, later });
  });
  return out;
}

/** Counts of the evaluation, and the pairs decided wrongly (for the bench to print). */
export interface ClusterEval {
  n: number;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
  precision: number;
  recall: number;
  /** Pairs where a side was not detected as a complaint (counted as "apart": intake would open nothing to join). */
  undetected: number;
  wrong: Array<ClusterPair & { reason: string }>;
}

/** Turn a pair into the two items intake would compare. */
function itemsOf(p: ClusterPair, detect: (text: string) => Detection): [ClusterItem | null, ClusterItem | null] {
  const t0 = new Date("2026-12-01T08:00:00Z");
  const item = (text: string, groupId: number, grid: string, at: Date): ClusterItem | null => {
    const d = detect(text);
    if (!d.complaint || !d.category) return null;
    return { text, category: d.category, keywords: [...new Set(d.keywords.map((k) => k.term))], groupId, grid, at };
  };
  const later = new Date(t0.getTime() + p.minutes * 60_000);
  const [g2, grid2] = p.where === "group" ? [1, "莲花一网格"] : p.where === "grid" ? [2, "莲花一网格"] : [3, "莲花二网格"];
  return [item(p.first, 1, "莲花一网格", t0), item(p.later, g2, grid2, later)];
}

/** Evaluate every pair with the given detector and the default 2-hour window. */
export function evaluateClusterPairs(detect: (text: string) => Detection, pairs = readClusterPairs()): ClusterEval {
  const r: ClusterEval = { n: pairs.length, truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0, precision: 0, recall: 0, undetected: 0, wrong: [] };
  for (const p of pairs) {
    const [a, b] = itemsOf(p, detect);
    let join = false;
    let reason = "not detected as a complaint";
    if (a && b) {
      const v = sameIncident(b, a);
      join = v.same;
      reason = `${v.reason} (${a.category}/${b.category}; ${a.keywords.join(",")} | ${b.keywords.join(",")})`;
    } else r.undetected++;
    if (join && p.expect === "join") r.truePositive++;
    else if (join) r.falsePositive++;
    else if (p.expect === "join") r.falseNegative++;
    else r.trueNegative++;
    if (join !== (p.expect === "join")) r.wrong.push({ ...p, reason });
  }
  r.precision = r.truePositive / Math.max(1, r.truePositive + r.falsePositive);
  r.recall = r.truePositive / Math.max(1, r.truePositive + r.falseNegative);
  return r;
}
