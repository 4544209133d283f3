// /api/faq: the FAQ curation API for the web admin — the same operations as `gridlink faq`. Reading and
// testing need lexicon.read (any account), changes lexicon.edit (admins) — decided by the server's auth hook
// from each route's declared action, like every other route (no loopback-only rule since logins exist).
// Every change is audited by the store (with the account that made it) and announced to every process.
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Db } from "../infra/db.js";
import { replyError } from "../transports/http/errors.js";
import type { LiveFaq } from "./faq-live.js";
import { listFaq, putFaq, removeFaq, type FaqRow } from "./faq-store.js";

/** Options of the FAQ routes. */
export interface FaqRoutesOptions {
  prisma: Db;
  faq: LiveFaq;
  /** Who the audit log names for HTTP changes. @defaultValue "http:<client ip>" */
  actor?: string;
}

const KeyParam = z.object({ key: z.string().min(1).max(64) });
const TestBody = z.object({ text: z.string().min(1).max(2000) }).strict();

const json = (r: FaqRow) => ({ ...r, updatedAt: r.updatedAt.toISOString() });

/** Register /api/faq… on a Fastify instance (Fastify 5). */
export const faqRoutes: FastifyPluginAsync<FaqRoutesOptions> = async (server, opts) => {
  const { prisma, faq } = opts;
  const actorOf = (req: FastifyRequest): string => (req.actor ? `${req.actor.channel}:${req.actor.name}` : opts.actor ?? `http:${req.ip}`);
  server.setErrorHandler(replyError);

  server.get("/api/faq", { config: { action: "lexicon.read" } }, async () => ({ entries: (await listFaq(prisma)).map(json) }));

  server.post("/api/faq", { config: { action: "lexicon.edit" } }, async (req, reply) => {
    const { row, created } = await putFaq(prisma, req.body as never, actorOf(req));
    await faq.publishChange();
    return reply.status(created ? 201 : 200).send(json(row));
  });

  server.delete("/api/faq/:key", { config: { action: "lexicon.edit" } }, async (req, reply) => {
    await removeFaq(prisma, KeyParam.parse(req.params).key, actorOf(req));
    await faq.publishChange();
    return reply.status(204).send();
  });

  server.post("/api/faq/test", { config: { action: "lexicon.read" } }, async (req) => {
    const { text } = TestBody.parse(req.body);
    return { matches: faq.ranked(text, 3).map((m) => ({ key: m.entry.key, question: m.question, score: Number(m.score.toFixed(3)), answer: m.entry.answer })), answers: faq.match(text)?.entry.key ?? null };
  });
};
