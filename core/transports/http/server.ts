// The HTTP server (Fastify): health, the tickets and broadcasts API, the web page, and gateways' routes.
// Errors are mapped once, in ./errors.ts.

import fs from "node:fs";
import path from "node:path";
import helmet from "@fastify/helmet";
import Fastify, { LogController, type FastifyInstance } from "fastify";
import type { HttpContext } from "./context.js";
import { ROOT } from "../../infra/db.js";
import type { Logger } from "../../infra/log.js";
import { lexiconRoutes } from "../../lexicon/routes.js";
import { replyError } from "./errors.js";
import { healthRoutes } from "./health.js";
import { ticketRoutes } from "./tickets.js";
import { pollRoutes } from "./polls.js";
import { accessRoutes } from "./access.js";
import { installAuth } from "./auth.js";
import { residentRoutes } from "./residents.js";
import { adminRoutes } from "./admin.js";

/** TRUST_PROXY → Fastify's trustProxy: unset = trust no one (X-Forwarded-For from any peer is ignored). */
export function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (!value) return false;
  if (value === "true") return true;
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

/** Build (not start) the server. */
export async function buildServer(opts: { ctx: HttpContext; alertsKey: string; log: Logger }): Promise<FastifyInstance> {
  const app = opts.ctx;
  const trustProxy = parseTrustProxy(app.config.TRUST_PROXY);
  const server = Fastify({ trustProxy, loggerInstance: opts.log.child({ name: "gridlink:http" }), logController: new LogController({ disableRequestLogging: true }), bodyLimit: 2 * 1024 * 1024 });

  server.setErrorHandler(replyError);
  // A strict Content-Security-Policy on every answer: only our own scripts, styles and API (no inline code,
  // no other origin, no framing), so an injected string in a message or ticket cannot run in an admin's page.
  await server.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  installAuth(server as unknown as FastifyInstance, app);
  server.setNotFoundHandler((req, reply) => reply.status(404).send({ error: "not_found", message: `No route ${req.method} ${req.url}` }));

  await server.register(healthRoutes, { app, alertsKey: opts.alertsKey });
  await server.register(accessRoutes, { app });
  await server.register(ticketRoutes, { app });
  await server.register(residentRoutes, { app });
  await server.register(pollRoutes, { app });
  if (app.live) await server.register(lexiconRoutes, { prisma: app.prisma, live: app.live });
  for (const g of app.gateways) if (g.routes) await server.register(g.routes);

  // The page, its script and its style: read once, not per request (files, not inline, for the CSP).
  const asset = (name: string) => fs.readFileSync(path.join(ROOT, "web", name));
  const [page, script, style] = [asset("index.html"), asset("app.js"), asset("app.css")];
  server.get("/", { config: { action: "public" } }, async (_req, reply) => reply.type("text/html; charset=utf-8").send(page));
  server.get("/app.js", { config: { action: "public" } }, async (_req, reply) => reply.type("text/javascript; charset=utf-8").send(script));
  server.get("/app.css", { config: { action: "public" } }, async (_req, reply) => reply.type("text/css; charset=utf-8").send(style));
  // The web admin (web/admin/dist) at /admin/, under the same CSP.
  server.get("/admin", { config: { action: "public" } }, async (_req, reply) => reply.redirect("/admin/"));
  await server.register(adminRoutes, { prefix: "/admin" });
  return server as unknown as FastifyInstance;
}
