// Marking keywords in a message for humans (`gridlink lexicon test`, the web admin's tester).
import type { Detection } from "./types.js";

/**
 * The original text with counted keywords (and their predicates) in 【】 and suppressed ones in 〔〕:
 * 「3栋又【停电】了」, 「今天没〔停电〕吧」. Offsets come from the detection, so pass the same text.
 */
export function highlight(text: string, d: Detection): string {
  const marks: Array<{ start: number; end: number; open: string; close: string }> = [];
  for (const k of d.keywords) {
    marks.push({ start: k.start, end: k.end, open: "【", close: "】" });
    if (k.predicate) marks.push({ start: k.predicate.start, end: k.predicate.end, open: "【", close: "】" });
  }
  // Suppressed keywords only help when explaining a quiet line.
  if (!d.complaint) for (const k of d.suppressed) marks.push({ start: k.start, end: k.end, open: "〔", close: "〕" });
  marks.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let pos = 0;
  for (const m of marks) {
    if (m.start < pos || m.end > text.length || m.start >= m.end) continue; // overlapping or stale: skip
    out += text.slice(pos, m.start) + m.open + text.slice(m.start, m.end) + m.close;
    pos = m.end;
  }
  return out + text.slice(pos);
}
