// Incident clustering: does a new complaint report the same incident as an open ticket? One pure decision
// (no database): intake looks the candidates up, this picks the one to join or none. Measured on a labelled
// fixture of pairs (tests/fixtures/cluster-pairs.tsv, `node bin/run-ts.js bench/cluster.ts`).

import { conceptsOf, normalize, placesIn } from "../../nlp/index.js";

/** Ticket statuses a new report may still join (the ticket is being worked on). */
export const CLUSTERABLE_STATUSES = ["open", "dispatched", "accepted", "in_progress", "escalated", "reopened"] as const;

/** One side of a pair: a complaint, or an open ticket (its text, keywords and when it was reported). */
export interface ClusterItem {
  text: string;
  category: string;
  /** The keyword terms that made it a complaint. */
  keywords: readonly string[];
  groupId: number;
  /** The group's grid (null: the group belongs to no grid, so only its own group counts as near). */
  grid: string | null;
  at: Date;
}

/** An open ticket a complaint may join. */
export interface ClusterCandidate extends ClusterItem {
  id: number;
  number: string;
}

/** Options of the decision. */
export interface ClusterOptions {
  /** How far apart (either way) two reports of one incident may be. @defaultValue 2 hours */
  windowMs?: number;
}

/** Why two reports are (or are not) one incident; `score` orders the candidates that are. */
export type PairVerdict = { same: true; score: number; reason: string } | { same: false; reason: string };

const DEFAULT_WINDOW_MS = 2 * 60 * 60_000;

/** What the comparison reads from a text: services named (power, water…) and places (3栋, 2单元). */
function featuresOf(item: ClusterItem): { concepts: Set<string>; places: Set<string>; keywords: Set<string> } {
  const text = normalize(item.text);
  return { concepts: new Set(conceptsOf(text)), places: new Set(placesIn(text)), keywords: new Set(item.keywords) };
}

const overlaps = (a: Set<string>, b: Set<string>): boolean => [...a].some((x) => b.has(x));

/** Places of one kind (栋, 单元, 区…) that both name and disagree on: 3栋 vs 5栋 conflict, 3栋 vs 2单元 do not. */
function placesConflict(a: Set<string>, b: Set<string>): boolean {
  const kind = (p: string) => p.replace(/^\d+/, "");
  for (const k of new Set([...a].map(kind))) {
    const mine = [...a].filter((p) => kind(p) === k);
    const theirs = [...b].filter((p) => kind(p) === k);
    if (theirs.length && !mine.some((p) => theirs.includes(p))) return true;
  }
  return false;
}

/**
 * Are two reports one incident? Same category; the same group, or two groups of the same grid; within the
 * window; no place of the same kind that disagrees (3栋 vs 5栋); not two different services (water vs power);
 * and something in common: a keyword, a service or a place.
 */
export function sameIncident(a: ClusterItem, b: ClusterItem, opts: ClusterOptions = {}): PairVerdict {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  if (a.category !== b.category) return { same: false, reason: "another category" };
  const sameGroup = a.groupId === b.groupId;
  if (!sameGroup && (a.grid === null || a.grid !== b.grid)) return { same: false, reason: "another grid" };
  if (Math.abs(a.at.getTime() - b.at.getTime()) > windowMs) return { same: false, reason: "outside the window" };
  const fa = featuresOf(a);
  const fb = featuresOf(b);
  if (placesConflict(fa.places, fb.places)) return { same: false, reason: "another place" };
  if (fa.concepts.size && fb.concepts.size && !overlaps(fa.concepts, fb.concepts)) return { same: false, reason: "another service" };
  // A keyword in common, or one containing the other (扰民 / 广场舞扰民).
  const keyword = [...fa.keywords].some((x) => [...fb.keywords].some((y) => x === y || x.includes(y) || y.includes(x)));
  const concept = overlaps(fa.concepts, fb.concepts);
  const place = overlaps(fa.places, fb.places);
  if (!keyword && !concept) return { same: false, reason: place ? "same place, nothing else in common" : "nothing in common" };
  // A place named on one side only is no conflict: neighbours often leave the building out. It orders candidates.
  const score = (place ? 4 : 0) + (keyword ? 2 : 0) + (concept ? 1 : 0) + (sameGroup ? 1 : 0);
  return { same: true, score, reason: [place && "same place", keyword && "shared keyword", concept && "same service", sameGroup ? "same group" : "same grid"].filter(Boolean).join(", ") };
}

/** The open ticket a complaint joins (the best-scoring, then the most recent), or null to open its own. */
export function pickCluster<C extends ClusterCandidate>(complaint: ClusterItem, candidates: readonly C[], opts: ClusterOptions = {}): { ticket: C; reason: string } | null {
  let best: { ticket: C; score: number; reason: string } | null = null;
  for (const c of candidates) {
    const v = sameIncident(complaint, c, opts);
    if (!v.same) continue;
    if (!best || v.score > best.score || (v.score === best.score && c.at.getTime() > best.ticket.at.getTime())) best = { ticket: c, score: v.score, reason: v.reason };
  }
  return best && { ticket: best.ticket, reason: best.reason };
}
