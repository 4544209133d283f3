// /api/polls: preview and send a poll (a broadcast carrying it), its results (counts per group and in total —
// never who voted what) and closing it early. The close at the deadline is the poll worker's job.

import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { readSendingPaces } from "../../broadcasts/sending-pace.js";
import { closePoll } from "../../polls/close-poll.js";
import { parsePollSpec } from "../../polls/parse-poll.js";
import { pollResults } from "../../polls/poll-results.js";
import { previewPoll, sendPoll, type PollRequest } from "../../polls/send-poll.js";
import { actorOf } from "./auth.js";
import { requestLang, type HttpContext } from "./context.js";

const body = z
  .object({
    /** `问题？| 选项 | 选项` (the chat form), or question and options apart. */
    text: z.string().trim().min(1).max(2000).optional(),
    question: z.string().trim().min(1).max(1000).optional(),
    options: z.array(z.string().trim().min(1).max(200).refine((o) => !/[|｜]/.test(o), "an option must not contain |")).max(20).optional(),
    until: z.string({ error: 'until is required (the deadline, e.g. "2026-12-05 18:00", China time)' }).trim().min(1),
    scope: z.string().trim().min(1).optional(),
    urgent: z.boolean().optional(),
    at: z.string().trim().min(1).optional(),
  })
  .refine((b) => b.text || (b.question && b.options), "give text (\"question | option | option\") or question and options");

/** The request as the poll services take it (the same validation as the chat form). */
const requestOf = (raw: unknown, lang: "zh" | "en" = "en"): PollRequest => {
  const b = body.parse(raw ?? {});
  const spec = parsePollSpec(b.text ?? [b.question, ...(b.options ?? [])].join(" | "), lang);
  return { ...spec, until: b.until, scope: b.scope, urgent: b.urgent, at: b.at };
};

/** POST /api/polls(/preview), GET /api/polls/:id/results, POST /api/polls/:id/close. */
export const pollRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const { prisma } = app;
  const paces = () => readSendingPaces({ redis: app.queues.connection, prefix: app.config.QUEUE_PREFIX });

  server.post("/api/polls/preview", { config: { action: "poll.create" } }, async (req) => previewPoll({ db: prisma, actor: actorOf(req), request: requestOf(req.body), paces: await paces() }));

  server.post("/api/polls", { config: { action: "poll.create" } }, async (req, reply) => {
    const sent = await sendPoll({ db: prisma, queues: app.queues, actor: actorOf(req), request: requestOf(req.body), paces: await paces() });
    return reply.code(sent.status === "cancelled" ? 422 : 202).send(sent);
  });

  server.get<{ Params: { id: string } }>("/api/polls/:id/results", { config: { action: "poll.read" } }, async (req) => pollResults({ db: prisma, actor: actorOf(req), id: req.params.id, lang: requestLang(req.headers["accept-language"]) }));

  server.post<{ Params: { id: string } }>("/api/polls/:id/close", { config: { action: "poll.create" } }, async (req) => {
    const r = await closePoll({ db: prisma, queues: app.queues, actor: actorOf(req), id: req.params.id, lang: requestLang(req.headers["accept-language"]) });
    return { ...r, results: await pollResults({ db: prisma, actor: actorOf(req), id: r.id, lang: requestLang(req.headers["accept-language"]) }) };
  });
};
