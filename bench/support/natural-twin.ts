// natural's own BayesClassifier trained on the classifier's file exactly as nlp/classifier.ts trains it, before
// folding: what the folded table is compared with (tests/nlp/classifier-shape.test.ts) and timed against
// (bench/classifier-cost.ts).
import fs from "node:fs";
import { createRequire } from "node:module";
import { CLASSIFIER_TRAINING_FILE, classifierFeatures } from "../../nlp/index.js";

/** natural's classifier, asked with a features observation. */
export interface NaturalBayes {
  getClassifications(observation: Record<number, string>): Array<{ label: string; value: number }>;
}

/** The observation natural reads: each distinct feature of a text once. */
export const observationOf = (text: string): Record<number, string> => Object.assign({}, [...new Set(classifierFeatures(text))]);

/** natural's BayesClassifier (smoothing 0.1, the project's) trained on `label TAB text` lines of file. */
export function trainNatural(file = CLASSIFIER_TRAINING_FILE): NaturalBayes {
  const require = createRequire(import.meta.url);
  const Bayes = require("natural/lib/natural/classifiers/bayes_classifier.js") as new (s?: unknown, smoothing?: number) => {
    classifier: NaturalBayes & { addExample(o: Record<number, string>, l: string): void };
  };
  const natural = new Bayes(undefined, 0.1);
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    if (!raw.trim() || raw.startsWith("#")) continue;
    const [label, ...rest] = raw.split("\t");
    const text = rest.join("\t");
    if (classifierFeatures(text).length) natural.classifier.addExample(observationOf(text), label!);
  }
  return natural.classifier;
}
