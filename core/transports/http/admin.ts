// The web admin (web/admin, a Vue + Element Plus + ECharts app built by Vite into web/admin/dist) under /admin/:
// its hashed assets as files, every other /admin/ path answered with its index.html (the app's own router
// decides the page). It talks to /api only, like any other client. It runs under the server's strict CSP unchanged:
// Vue, Element Plus and ECharts (tooltips drawn on the canvas: renderMode "richText") set styles through the
// CSSOM, which style-src does not govern, and build no inline script or <style>; tests/web/admin.test.ts fails on
// any CSP violation the page reports.

import fs from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";
import { ROOT } from "../../infra/db.js";

/** Where `npm install` (web/admin/build.js) puts the built admin. */
export const ADMIN_DIST = path.join(ROOT, "web", "admin", "dist");

/** /admin/ and everything under it (register with `{ prefix: "/admin" }`). */
export const adminRoutes: FastifyPluginAsync<{ dist?: string }> = async (server, opts) => {
  const dist = opts.dist ?? ADMIN_DIST;
  if (!fs.existsSync(path.join(dist, "index.html"))) {
    // Not built (an install that skipped scripts): say how, rather than a bare 404.
    server.get("/*", { config: { action: "public" } }, async (_req, reply) =>
      reply.status(503).type("text/plain; charset=utf-8").send("The web admin is not built yet: run `npm run build:admin` (npm install does it), then restart Gridlink.\n"));
    return;
  }
  await server.register(fastifyStatic, {
    root: dist,
    prefix: "/",
    // Vite names assets by content hash: cache them for good; the page itself is always revalidated.
    cacheControl: false,
    setHeaders: (res, file) => res.setHeader("cache-control", file.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache"),
  });
  // The app's own routes (/admin/tickets, /admin/lexicon, …) are its page; a missing asset stays a 404.
  server.setNotFoundHandler((req, reply) => {
    if ((req.method === "GET" || req.method === "HEAD") && !req.url.startsWith("/admin/assets/")) return reply.header("cache-control", "no-cache").sendFile("index.html");
    return reply.status(404).send({ error: "not_found", message: `No route ${req.method} ${req.url}` });
  });
};
