// The HTTP server (Fastify): health, the tickets and broadcasts API, the web page, and gateways' routes.
// Errors are mapped once, in ./errors.ts.

import fs from "node:fs";
import path from "node:path";
import Fastify, { LogController, type FastifyInstance } from "fastify";
import type { HttpContext } from "./context.js";
import { ROOT } from "../../infra/db.js";
import type { Logger } from "../../infra/log.js";
import { lexiconRoutes } from "../../lexicon/routes.js";
import { replyError } from "./errors.js";
import { healthRoutes } from "./health.js";
import { ticketRoutes } from "./tickets.js";

/** Build (not start) the server. */
export async function buildServer(opts: { ctx: HttpContext; alertsKey: string; log: Logger }): Promise<FastifyInstance> {
  const app = opts.ctx;
  const server = Fastify({ loggerInstance: opts.log.child({ name: "gridlink:http" }), logController: new LogController({ disableRequestLogging: true }), bodyLimit: 2 * 1024 * 1024 });

  server.setErrorHandler(replyError);
  server.setNotFoundHandler((req, reply) => reply.status(404).send({ error: "not_found", message: `No route ${req.method} ${req.url}` }));

  await server.register(healthRoutes, { app, alertsKey: opts.alertsKey });
  await server.register(ticketRoutes, { app });
  if (app.live) await server.register(lexiconRoutes, { prisma: app.prisma, live: app.live });
  for (const g of app.gateways) if (g.routes) await server.register(g.routes);

  const page = fs.readFileSync(path.join(ROOT, "web", "index.html")); // read once, not per request
  server.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(page));
  return server as unknown as FastifyInstance;
}
