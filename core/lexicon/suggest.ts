// Candidate keywords learned from this installation (`gridlink lexicon suggest`): terms that mark the
// resolved tickets of one category, scored by TF-IDF against a background. Chatter is never stored, so the
// background is what IS kept or shipped: the text of dismissed tickets (what was wrongly flagged here) plus
// the chat lines the project wrote for the classifier (lexicon/classifier/train.tsv, label `chat`). A term
// common in the background or in other categories' tickets scores low. An admin accepts a suggestion with
// `gridlink lexicon add` — it then starts in shadow mode like every new keyword.
import fs from "node:fs";
import type { Db } from "../infra/db.js";
import { CLASSIFIER_TRAINING_FILE, textFeatures, type Category, type LexiconEntry } from "../../nlp/index.js";

/** One suggestion: a term, its category, its score, and in how many resolved tickets of that category it occurs. */
export interface Suggestion {
  term: string;
  category: Category;
  score: number;
  tickets: number;
}

/** Ticket statuses that count as "handled, a real complaint". */
const RESOLVED = ["resolved", "rated", "published"];

/**
 * Suggest up to `limit` new keywords per category (or for one category). A term must occur in at least
 * `minTickets` resolved tickets of its category and must not already be a keyword surface.
 */
export async function suggestKeywords(
  prisma: Db,
  opts: { category?: Category; limit?: number; minTickets?: number; known?: LexiconEntry[]; backgroundFile?: string } = {},
): Promise<Suggestion[]> {
  const { limit, minTickets } = { limit: 10, minTickets: 2, ...opts };
  const tickets = await prisma.ticket.findMany({ where: { status: { in: [...RESOLVED, "dismissed"] } }, select: { text: true, category: true, status: true } });
  const background: string[][] = tickets.filter((t) => t.status === "dismissed").map((t) => unique(textFeatures(t.text)));
  for (const line of fs.readFileSync(opts.backgroundFile ?? CLASSIFIER_TRAINING_FILE, "utf8").split("\n")) {
    const [label, ...rest] = line.split("\t");
    if (label === "chat") background.push(unique(textFeatures(rest.join("\t"))));
  }
  const byCategory = new Map<Category, string[][]>();
  for (const t of tickets) {
    if (t.status === "dismissed") continue;
    const list = byCategory.get(t.category as Category) ?? [];
    list.push(unique(textFeatures(t.text)));
    byCategory.set(t.category as Category, list);
  }
  const known = new Set<string>();
  for (const e of opts.known ?? []) for (const s of [e.term, ...e.variants]) known.add(s);

  // Document frequencies: per category, and over everything else (other categories + background).
  const df = (docs: string[][]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const d of docs) for (const w of d) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  };
  const bgDf = df(background);
  const catDf = new Map([...byCategory].map(([c, docs]) => [c, df(docs)] as const));
  const totalDocs = background.length + [...byCategory.values()].reduce((a, d) => a + d.length, 0);

  const out: Suggestion[] = [];
  for (const [category, counts] of catDf) {
    if (opts.category && category !== opts.category) continue;
    const scored: Suggestion[] = [];
    for (const [term, n] of counts) {
      if (n < minTickets || known.has(term)) continue;
      let elsewhere = bgDf.get(term) ?? 0;
      for (const [c, m] of catDf) if (c !== category) elsewhere += m.get(term) ?? 0;
      const score = n * Math.log((totalDocs + 1) / (1 + elsewhere));
      if (score > 0) scored.push({ term, category, score: Math.round(score * 100) / 100, tickets: n });
    }
    scored.sort((a, b) => b.score - a.score || a.term.localeCompare(b.term));
    out.push(...scored.slice(0, limit));
  }
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
