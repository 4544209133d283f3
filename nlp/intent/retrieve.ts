// Retrieval for the assistant: which FAQ entry (or which recent notice) answers a question. natural's TfIdf
// over jieba tokens gives the weights; the score is the cosine of the question and each document, so it is
// comparable across questions and a fixed threshold means "close enough to answer".Words no document
// has count against a match (身份证丢了怎么补办 is not about the social-security card), and generic service
// verbs (办理, 申请, 补办, 领) are stop words, so a match must share what the question is about.
import { createRequire } from "node:module";
import { intentTokens } from "./classify.js";

const require = createRequire(import.meta.url);
const TfIdf = require("natural/lib/natural/tfidf/tfidf.js") as new () => {
  addDocument(tokens: string[], key?: string): void;
  idf(term: string): number;
};

/** Words that say nothing about what is asked: question particles and fillers. */
const STOP = new Set([
  "的", "了", "吗", "呢", "吧", "啊", "呀", "么", "嘛", "我", "你", "他", "她", "我们", "请问", "一下", "是", "在", "要", "想", "问", "问问",
  "怎么", "怎么办", "怎样", "如何", "哪里", "哪儿", "去", "什么", "啥", "可以", "能", "有", "没有", "谁", "知道", "大家", "这个", "那个", "<num>",
  "办", "办理", "申请", "补办", "丢", "丢了", "领", "领取", "需要", "去哪", "在哪", "哪", "哪办", "怎么领", "带", "弄",
  "the", "a", "an", "to", "do", "i", "is", "are", "how", "what", "where", "can", "my", "for", "of", "in",
]);

/** One retrievable document: an id and the texts that stand for it (an FAQ's question variants, a notice). */
export interface RetrievalDoc {
  id: string;
  texts: string[];
}

/** A match: the document, its best text and the cosine score (0…1). */
export interface RetrievalHit {
  id: string;
  text: string;
  score: number;
}

/** A built index. */
export interface Retriever {
  /** Best matches first, at most `limit`, only those scoring at least `minScore`. */
  search(question: string, opts?: { limit?: number; minScore?: number }): RetrievalHit[];
  readonly size: number;
}

const contentTokens = (text: string): string[] => intentTokens(text).filter((t) => !STOP.has(t));

/** Build an index over documents (each text is indexed on its own; a document scores by its best text). */
export function createRetriever(docs: readonly RetrievalDoc[]): Retriever {
  const tfidf = new TfIdf();
  const entries: Array<{ id: string; text: string; vec: Map<string, number>; norm: number }> = [];
  const tokenised = docs.flatMap((d) => d.texts.map((text) => ({ id: d.id, text, tokens: contentTokens(text) })));
  for (const e of tokenised) tfidf.addDocument(e.tokens.length ? e.tokens : ["<empty>"]);
  const idfCache = new Map<string, number>();
  // natural's idf is log(N / (1 + df)) + 1, which can be below 1 for very common terms but stays positive.
  const idf = (t: string): number => {
    let v = idfCache.get(t);
    if (v === undefined) idfCache.set(t, (v = Math.max(0.05, tfidf.idf(t))));
    return v;
  };
  const vector = (tokens: string[]) => {
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    const vec = new Map<string, number>();
    let sq = 0;
    for (const [t, n] of tf) {
      const w = n * idf(t);
      vec.set(t, w);
      sq += w * w;
    }
    return { vec, norm: Math.sqrt(sq) };
  };
  for (const e of tokenised) entries.push({ id: e.id, text: e.text, ...vector(e.tokens) });

  return {
    size: docs.length,
    search(question, opts = {}) {
      const { limit, minScore } = { limit: 3, minScore: 0, ...opts };
      const q = vector(contentTokens(question));
      if (q.norm === 0) return [];
      const best = new Map<string, RetrievalHit>();
      for (const e of entries) {
        if (e.norm === 0) continue;
        let dot = 0;
        for (const [t, w] of q.vec) {
          const v = e.vec.get(t);
          if (v) dot += w * v;
        }
        const score = dot / (q.norm * e.norm);
        if (score < minScore) continue;
        const prev = best.get(e.id);
        if (!prev || prev.score < score) best.set(e.id, { id: e.id, text: e.text, score });
      }
      return [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
    },
  };
}
