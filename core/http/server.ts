// The HTTP server (Fastify): health, the tickets and broadcasts API, the web page, and gateways' routes.
// Errors are mapped once here: AppError → its status, zod → 400 naming the field, Redis down → 503.

import fs from "node:fs";
import path from "node:path";
import Fastify, { LogController, type FastifyInstance } from "fastify";
import { ZodError } from "zod";
import type { HttpContext } from "./context.js";
import { ROOT } from "../db.js";
import { AppError } from "../errors.js";
import { QueueUnavailableError } from "../queues.js";
import type { Logger } from "../log.js";
import { healthRoutes } from "./health.js";
import { ticketRoutes } from "./tickets.js";

/** Turn a zod error into one sentence naming the fields. */
export function zodMessage(err: ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
}

/** Build (not start) the server. */
export async function buildServer(opts: { ctx: HttpContext; alertsKey: string; log: Logger }): Promise<FastifyInstance> {
  const app = opts.ctx;
  const server = Fastify({ loggerInstance: opts.log.child({ name: "gridlink:http" }), logController: new LogController({ disableRequestLogging: true }), bodyLimit: 2 * 1024 * 1024 });

  server.setErrorHandler((err, req, reply) => {
    if (err instanceof ZodError) return reply.status(400).send({ error: "bad_request", message: zodMessage(err) });
    if (err instanceof AppError) return reply.status(err.status).send({ error: err.code, message: err.userMessage ?? err.message });
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.statusCode && e.statusCode < 500) {
      const message = e.code === "FST_ERR_CTP_INVALID_JSON_BODY" || /JSON/.test(e.message) ? `malformed JSON body: ${e.message}` : e.message;
      return reply.status(e.statusCode).send({ error: "bad_request", message });
    }
    if (err instanceof QueueUnavailableError) {
      return reply.status(503).send({ error: "unavailable", message: `${err.message}. Try again shortly.` });
    }
    req.log.error({ err: e.message }, "unhandled error");
    return reply.status(500).send({ error: "internal", message: "Internal error" });
  });
  server.setNotFoundHandler((req, reply) => reply.status(404).send({ error: "not_found", message: `No route ${req.method} ${req.url}` }));

  await server.register(healthRoutes, { app, alertsKey: opts.alertsKey });
  await server.register(ticketRoutes, { app });
  for (const g of app.gateways) if (g.routes) await server.register(g.routes);

  const page = path.join(ROOT, "web", "index.html");
  server.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(fs.readFileSync(page)));
  return server as unknown as FastifyInstance;
}
