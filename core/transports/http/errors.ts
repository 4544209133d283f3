// Errors mapped to HTTP once: AppError → its status, zod → 400 naming the field, a lexicon file error → 400
// naming the line, Redis away → 503, anything else → 500 without internals.

import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { AppError } from "../../infra/errors.js";
import { QueueUnavailableError } from "../../infra/queues.js";
import { LexiconError } from "../../../nlp/index.js";

/** Turn a zod error into one sentence naming the fields. */
export function zodMessage(err: ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
}

/** Fastify error handler shared by the server and route plugins mounted on their own (tests). */
export function replyError(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof ZodError) return reply.status(400).send({ error: "bad_request", message: zodMessage(err) });
  if (err instanceof AppError) return reply.status(err.status).send({ error: err.code, message: err.userMessage ?? err.message });
  if (err instanceof LexiconError) return reply.status(400).send({ error: "bad_request", message: err.message });
  if (err instanceof QueueUnavailableError) return reply.status(503).send({ error: "unavailable", message: `${err.message}. Try again shortly.`, ...(err.maybeQueued ? { maybeQueued: true } : {}) });
  const e = err as { statusCode?: number; code?: string; message: string };
  if (e.statusCode && e.statusCode < 500) {
    const message = e.code === "FST_ERR_CTP_INVALID_JSON_BODY" || /JSON/.test(e.message) ? `malformed JSON body: ${e.message}` : e.message;
    return reply.status(e.statusCode).send({ error: "bad_request", message });
  }
  req.log.error({ err: e.message }, "unhandled error");
  return reply.status(500).send({ error: "internal", message: "Internal error" });
}
