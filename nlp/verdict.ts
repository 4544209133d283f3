// Step 6, the verdict: category (the heaviest non-generic one), severity, score and the one-line
// explanation; quiet verdicts; keyword hits with offsets in the original text.
import { GRIEVANCE, HYPOTHETICAL, NOTICE, QUESTION, type Candidate } from "./pipeline.js";
import { originalEnd, originalStart, type Normalized } from "./normalize.js";
import type { Category, Detection, KeywordHit, SuppressReason } from "./types.js";

/** Build the Detection from the guarded candidates (`flags`: the guard bits the message carries). */
export function verdict(original: string, norm: Normalized, cands: Candidate[], flags: number, cueWords: string[]): Detection {
  // Place words (小区, 门口) come after the objects that are wrong, and decide nothing while there is one.
  const accepted = cands.filter((c) => !c.reason && !c.place);
  const places = cands.filter((c) => !c.reason && c.place);
  const decisive = accepted.some((c) => c.entry.category !== "other");
  accepted.push(...places);
  const suppressed = cands.filter((c) => c.reason).map((c) => toHit(c, original, norm, c.reason!));
  const guards = {
    negated: cands.some((c) => c.reason === "negated" || c.reason === "resolved"),
    notice: (flags & NOTICE) !== 0,
    question: (flags & (QUESTION | HYPOTHETICAL)) !== 0,
  };
  if (accepted.length === 0) {
    const why = cands.length === 0 ? "no keyword on a word boundary"
      : listSome(cands.map((c) => `${c.entry.term} ${reasonText(c)}`), "; ");
    return { ...quiet(why, cands.length ? 0.2 : 0), suppressed, guards };
  }

  // Category: the heaviest non-generic category; generic cues (投诉, 没人管) borrow an object's category.
  const weight = new Map<Category, number>();
  const cats = accepted.map((c) => categoryOf(c, norm.text, cands)); // once per keyword: the vote and the explanation
  for (let k = 0; k < accepted.length; k++) {
    const c = accepted[k], cat = cats[k];
    if (cat !== "other" && !(decisive && c.place)) weight.set(cat, (weight.get(cat) ?? 0) + c.entry.severity + (c.entry.kind === "problem" ? 0.5 : 0));
  }
  let category: Category = "other";
  let best = 0;
  for (const [cat, w] of weight) if (w > best) { best = w; category = cat; }
  if (category === "other") {
    // Generic cues take the category most of the message's objects name (places only when nothing else is
    // named): 「投诉…超市…不与员工签订劳动合同」 is about employment (员工, 劳动合同), not the shop; ties go to the first.
    const objs = cands.filter((c) => c.entry.kind === "object" && c.reason === "no_predicate" && c.entry.category !== "other");
    const named = objs.some((c) => !c.place) ? objs.filter((c) => !c.place) : objs;
    const votes = new Map<Category, number>();
    let top = 0;
    for (const c of named) {
      const cat = categoryOf(c, norm.text, cands);
      if (cat === "other") continue;
      const v = (votes.get(cat) ?? 0) + c.entry.severity;
      votes.set(cat, v);
      if (v > top) { top = v; category = cat; }
    }
  }
  const severity = Math.max(...accepted.map((c) => c.entry.severity));
  const grievance = (flags & GRIEVANCE) !== 0;
  const score = Math.min(1, 0.5 + 0.1 * severity + 0.1 * Math.min(2, accepted.length - 1) + (grievance ? 0.1 : 0));
  const parts = accepted.map((c, k) => `${c.entry.term}${c.pred ? "+" + c.pred.text : ""} (${cats[k]}, severity ${c.entry.severity})`);
  let explanation = `complaint (lexicon): ${listSome(parts, ", ")}`;
  if (cueWords.length && (flags & (QUESTION | HYPOTHETICAL | NOTICE))) explanation += `; kept despite ${flags & NOTICE ? "notice" : "question"} by ${[...new Set(cueWords)].join(", ")}`;
  else if (grievance) explanation += "; grievance";
  const ignored = cands.filter((c) => c.reason && c.reason !== "no_predicate");
  if (ignored.length) explanation += `; ignored: ${listSome(ignored.map((c) => `${c.entry.term} ${reasonText(c)}`), ", ")}`;
  return { complaint: true, category, severity, keywords: accepted.map((c) => toHit(c, original, norm)), suppressed, guards, score: round(score), explanation, decidedBy: "lexicon" };
}

// Round 6: whose matter a keyword is can depend on the shape of the problem, not only on the object.
/** Building works (施工, 工地, 装修) are a noise object only when what is wrong is heard; with any other
 *  predicate (围挡迟迟不拆, 偷工减料) the works themselves are wrong: municipal and building works (住建, 城管). */
const WORKS = new Set(["施工", "工地", "装修"]);
const SOUND = /[吵噪响声闹震轰睡]|扰民|半夜|深夜|凌晨|夜间|晚上|通宵|连夜|早上|大清早|noise|loud/;
/** A lift's statutory inspection, maintenance contract and accidents are special equipment (特种设备), which
 *  the market regulator supervises; a lift that merely broke down stays the property company's (housing).
 *  A safety hazard (安全隐患) in a message about special equipment is that equipment's, the regulator's too. */
const LIFT_TERMS = new Set(["电梯", "电梯故障"]);
const LIFT_SAFETY = /年检|检验|维保|特种设备|事故|隐患/;
const SPECIAL_EQUIPMENT = /电梯|扶梯|特种设备|锅炉|塔吊|索道/;
/** Water standing on a road, a bridge or in an underpass is the road's drainage (road maintenance, 市政道路);
 *  in a compound or a green belt it stays environment (「小区门口就淹了」). */
const WATERLOGGING = new Set(["积水", "内涝积水"]);
const ROADS = /路面|马路|道路|公路|桥|隧道|路口|人行道|涵洞/;
/** A dispute goes by what it is about (round 4): the generic dispute and rights words (纠纷, 经济纠纷, 合同纠纷,
 *  侵权, 维权, 侵害 …) are cues like 投诉 when the message names another category's object or problem
 *  (「公司侵害职工权益」 is employment); alone (「借钱不还」) they are still a dispute. */
const GENERIC_DISPUTES = new Set(["纠纷", "侵权"]);
// Likewise the people a complaint is about (老人, 残疾人, 留守儿童: vulnerable-people objects) say who suffers, not
// what is wrong: with another category's object or problem in the message they vote like a generic cue
// (「公交线路调整后老人出行不便」 is transport); their own problems (摔倒, 走失, 生活困难) still decide.

/** The category a candidate votes for: its entry's, unless the problem's shape says whose matter it is. */
function categoryOf(c: Candidate, text: string, cands: Candidate[]): Category {
  const cat = c.entry.category;
  if (cat === "noise" && c.entry.kind === "object" && c.pred && !c.framed && WORKS.has(c.surface) && !SOUND.test(c.pred.text)) return "housing";
  if (cat === "housing" && LIFT_TERMS.has(c.entry.term) && LIFT_SAFETY.test(text)) return "market";
  if (c.entry.term === "安全隐患" && SPECIAL_EQUIPMENT.test(text)) return "market";
  if (cat === "vulnerable" && c.entry.kind === "object" && cands.some((o) => o !== c && !o.place && o.entry.category !== "other" && o.entry.category !== "vulnerable")) return "other";
  if (cat === "environment" && WATERLOGGING.has(c.entry.term) && ROADS.test(text)) return "traffic";
  if (cat === "disputes" && GENERIC_DISPUTES.has(c.entry.term) && cands.some((o) => o !== c && !o.place && o.entry.category !== "other" && o.entry.category !== "disputes")) return "other";
  return cat;
}

/** Shared immutable verdicts for the quick path (no allocation per chatter line). Callers must not mutate. */
export const QUIET_NO_KEYWORD: Detection = deepFreeze(quiet("no keyword"));

export const QUIET_OBJECT_ONLY: Detection = deepFreeze(quiet("an object term without a problem predicate", 0.1));

export function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === "object") deepFreeze(v as object);
  return Object.freeze(o);
}

/**
 * A candidate as reported: term, category and offsets in the original text; with the reason it did not
 * count, for a suppressed one (set here rather than spread into a copy: spreading is measurably slower).
 */
export function toHit(c: Candidate, original: string, norm: Normalized): KeywordHit;
export function toHit(c: Candidate, original: string, norm: Normalized, reason: SuppressReason): KeywordHit & { reason: SuppressReason };
export function toHit(c: Candidate, original: string, norm: Normalized, reason?: SuppressReason): KeywordHit & { reason?: SuppressReason } {
  const start = originalStart(norm, c.start, original.length);
  const end = originalEnd(norm, c.end);
  const hit: KeywordHit & { reason?: SuppressReason } = { term: c.entry.term, category: c.entry.category, surface: original.slice(start, end), start, end };
  if (c.pred) hit.predicate = { text: c.pred.text, start: originalStart(norm, c.pred.start, original.length), end: originalEnd(norm, c.pred.end) };
  if (reason) hit.reason = reason;
  return hit;
}

export function quiet(explanation: string, score = 0): Detection {
  return {
    complaint: false, category: null, severity: 0, keywords: [], suppressed: [],
    guards: { negated: false, notice: false, question: false }, score, explanation: `not a complaint: ${explanation}`,
  };
}

export function reasonText(c: Candidate): string {
  switch (c.reason) {
    case "negated": return `negated${c.negatedBy ? ` by ${c.negatedBy}` : ""}`;
    case "resolved": return "already resolved";
    case "notice": return "in a notice or plan";
    case "question": return "in a question without grievance";
    case "hypothetical": return "in a hypothetical";
    case "no_predicate": return "without a problem predicate";
    case "shadow": return "would have flagged it (a shadow keyword: counted, not acted on until an admin promotes it)";
    case "follow_up": return "asked about an earlier report (a follow-up question, not a new complaint)";
    default: return "";
  }
}

/** Items shown in one list of an explanation; a message with hundreds of hits gets "… and N more". */
export const EXPLAIN_ITEMS = 8;

/** The first EXPLAIN_ITEMS items joined, and how many more there are. */
export function listSome(items: string[], sep: string): string {
  if (items.length <= EXPLAIN_ITEMS) return items.join(sep);
  return `${items.slice(0, EXPLAIN_ITEMS).join(sep)}${sep}… and ${items.length - EXPLAIN_ITEMS} more`;
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A detection on a window starting at `by` of a longer text, with offsets into the whole text. */
export function shiftDetection(d: Detection, by: number): Detection {
  if (by === 0) return d;
  const move = <T extends KeywordHit>(h: T): T => ({
    ...h, start: h.start + by, end: h.end + by,
    ...(h.predicate ? { predicate: { ...h.predicate, start: h.predicate.start + by, end: h.predicate.end + by } } : {}),
  });
  return { ...d, keywords: d.keywords.map(move), suppressed: d.suppressed.map(move) };
}
