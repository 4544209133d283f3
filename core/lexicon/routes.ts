// /api/lexicon: the lexicon curation API for the web admin — the same operations as `gridlink lexicon`.
// Reads need lexicon.read, changes lexicon.edit (admins): the server's auth hook decides before a handler runs. Every change is audited
// by the store and announced to every process through the live detector.
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { replyError } from "../transports/http/errors.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { CATEGORIES, highlight, type Category } from "../../nlp/index.js";
import type { LiveDetector } from "./live.js";
import {
  addTerm, disableTerm, enableTerm, exportLexicon, getTerm, importLexicon, listTerms, promoteTerm, removeTerm, updateTerm, type TermRow,
} from "./store.js";
import { suggestKeywords } from "./suggest.js";

/** Options of the lexicon routes. */
export interface LexiconRoutesOptions {
  prisma: Db;
  live: LiveDetector;
  /** Who the audit log names for HTTP changes. @defaultValue "http:<client ip>" */
  actor?: string;
}

// === Input

const category = z.enum(CATEGORIES as [Category, ...Category[]]);
const severity = z.number().int().min(1).max(3);
const kind = z.enum(["problem", "object"]);
const variants = z.array(z.string().min(1).max(40)).max(100);

const AddBody = z.object({ term: z.string().min(1).max(40), category, severity: severity.optional(), kind: kind.optional(), variants: variants.optional(), enabled: z.boolean().optional(), shadow: z.boolean().optional() }).strict();
const PatchBody = z.object({ category: category.optional(), severity: severity.optional(), kind: kind.optional(), variants: variants.optional(), enabled: z.boolean().optional() }).strict();
const ListQuery = z.object({ category: category.optional() });
const TestBody = z.object({ text: z.string().max(65536) });
const ImportBody = z.union([z.string().min(1), z.object({ text: z.string().min(1), fileName: z.string().max(200).optional() })]);
const SuggestQuery = z.object({ category: category.optional(), limit: z.coerce.number().int().min(1).max(100).optional() });
const TermParam = z.object({ term: z.string().min(1).max(200) });

// === Helpers

function json(row: TermRow) {
  return { ...row, updatedAt: row.updatedAt.toISOString() };
}

// === Routes

/** Register /api/lexicon… on a Fastify instance (Fastify 5). */
export const lexiconRoutes: FastifyPluginAsync<LexiconRoutesOptions> = async (server, opts) => {
  const { prisma, live } = opts;
  // Who changed it: the authenticated account or token (the server's auth hook ran), else the configured name.
  const actorOf = (req: FastifyRequest): string => (req.actor ? `${req.actor.channel}:${req.actor.name}` : opts.actor ?? `http:${req.ip}`);
  const read = { config: { action: "lexicon.read" as const } };
  const edit = { config: { action: "lexicon.edit" as const } };
  server.setErrorHandler(replyError);

  server.get("/api/lexicon", read, async (req) => {
    const { category: c } = ListQuery.parse(req.query);
    return { terms: (await listTerms(prisma, { category: c })).map(json) };
  });

  server.post("/api/lexicon", edit, async (req, reply) => {
    const { shadow, ...input } = AddBody.parse(req.body);
    const row = await addTerm(prisma, input, actorOf(req), { shadow });
    await live.publishChange();
    return reply.status(201).send(json(row));
  });

  server.patch("/api/lexicon/:term", edit, async (req) => {
    const { term } = TermParam.parse(req.params);
    const row = await updateTerm(prisma, term, PatchBody.parse(req.body ?? {}), actorOf(req));
    await live.publishChange();
    return json(row);
  });

  server.delete("/api/lexicon/:term", edit, async (req, reply) => {
    const { term } = TermParam.parse(req.params);
    await removeTerm(prisma, term, actorOf(req));
    await live.publishChange();
    return reply.status(204).send();
  });

  server.post("/api/lexicon/:term/promote", edit, async (req) => {
    const row = await promoteTerm(prisma, TermParam.parse(req.params).term, actorOf(req));
    await live.publishChange();
    return json(row);
  });

  server.get("/api/lexicon/suggest", read, async (req) => {
    const q = SuggestQuery.parse(req.query);
    return { suggestions: await suggestKeywords(prisma, { category: q.category, limit: q.limit, known: live.current.lexicon.entries }) };
  });

  server.post("/api/lexicon/:term/enable", edit, async (req) => {
    const row = await enableTerm(prisma, TermParam.parse(req.params).term, actorOf(req));
    await live.publishChange();
    return json(row);
  });

  server.post("/api/lexicon/:term/disable", edit, async (req) => {
    const row = await disableTerm(prisma, TermParam.parse(req.params).term, actorOf(req));
    await live.publishChange();
    return json(row);
  });

  server.get("/api/lexicon/:term", read, async (req) => {
    const row = await getTerm(prisma, TermParam.parse(req.params).term);
    if (!row) throw new AppError("not_found", { message: "no such keyword" });
    return json(row);
  });

  server.post("/api/lexicon/test", read, async (req) => {
    const { text } = TestBody.parse(req.body);
    const detection = live.detect(text);
    return { detection, highlighted: highlight(text, detection) };
  });

  server.get("/api/lexicon/export", read, async (req, reply) => {
    const { category: c } = ListQuery.parse(req.query);
    return reply.type("text/plain; charset=utf-8").header("content-disposition", 'attachment; filename="lexicon.txt"').send(await exportLexicon(prisma, { category: c }));
  });

  server.post("/api/lexicon/import", edit, async (req) => {
    const body = ImportBody.parse(req.body);
    const { text, fileName } = typeof body === "string" ? { text: body, fileName: "upload.txt" } : { text: body.text, fileName: body.fileName ?? "upload.txt" };
    const result = await importLexicon(prisma, text, fileName, actorOf(req));
    if (result.added.length || result.updated.length) await live.publishChange();
    return result;
  });
};
