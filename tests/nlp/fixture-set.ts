// Reads tests/fixtures/detection.tsv (labelled chat lines written for this project) and scores a detector.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Category, Detection } from "../../nlp/index.js";

/** One labelled line: is it a complaint, and in which category. */
export interface LabelledLine {
  line: number;
  complaint: boolean;
  category: Category | null;
  text: string;
}

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "detection.tsv");

/** Parse the fixture file; \uXXXX escapes stand for invisible characters. */
export function loadFixture(file = FILE): LabelledLine[] {
  const out: LabelledLine[] = [];
  fs.readFileSync(file, "utf8").split("\n").forEach((raw, i) => {
    if (raw.trim() === "" || raw.startsWith("#")) return;
    const [label, category, ...rest] = raw.split("\t");
    const text = rest.join("\t").replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    out.push({ line: i + 1, complaint: label === "1", category: category === "-" ? null : (category as Category), text });
  });
  return out;
}

/** Precision, recall, F1 of the complaint flag and category accuracy on true positives, plus the mistakes. */
export function score(lines: LabelledLine[], detect: (t: string) => Detection) {
  let tp = 0, fp = 0, fn = 0, tn = 0, catRight = 0;
  const mistakes: string[] = [];
  for (const l of lines) {
    const d = detect(l.text);
    if (d.complaint && l.complaint) {
      tp++;
      if (d.category === l.category) catRight++;
      else mistakes.push(`line ${l.line} category ${d.category} ≠ ${l.category}: ${l.text}`);
    } else if (d.complaint) { fp++; mistakes.push(`line ${l.line} false alarm (${d.explanation}): ${l.text}`); }
    else if (l.complaint) { fn++; mistakes.push(`line ${l.line} missed (${d.explanation}): ${l.text}`); }
    else tn++;
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  const f1 = (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, tn, precision, recall, f1, categoryAccuracy: catRight / tp, mistakes };
}
