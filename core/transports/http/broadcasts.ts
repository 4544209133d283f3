// /api/broadcasts: preview, send (now or scheduled), pause/resume/cancel, recent broadcasts, one broadcast's
// per-group delivery status (holds and ETA from the paces the gateways publish) and its server-sent events.

import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { broadcastStatus, recentBroadcasts } from "../../broadcasts/broadcast-status.js";
import { CONTROL_ACTIONS, controlBroadcast } from "../../broadcasts/control-broadcast.js";
import { previewBroadcast, sendBroadcast } from "../../broadcasts/send-broadcast.js";
import { readSendingPaces } from "../../broadcasts/sending-pace.js";
import { AppError } from "../../infra/errors.js";
import { actorOf } from "./auth.js";
import type { Actor } from "../../policy/authorize.js";
import { maskPersonal } from "../../privacy.js";
import type { HttpContext } from "./context.js";

const request = z.object({
  text: z.string().trim().min(1, "text must not be empty").max(4000),
  scope: z.string().trim().min(1).optional(),
  urgent: z.boolean().optional(),
  at: z.string().trim().min(1).optional(),
});

const idOf = (raw: string): number => {
  const id = Number(raw.replace(/^B/i, ""));
  if (!Number.isInteger(id) || id <= 0) throw new AppError("bad_request", { message: "broadcast id must be a positive integer (e.g. 12 or B12)" });
  return id;
};

/** GET/POST /api/broadcasts, POST /api/broadcasts/preview, GET /api/broadcasts/:id(/events), POST /api/broadcasts/:id/:action. */
export const broadcastRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const { prisma } = app;
  const paces = () => readSendingPaces({ redis: app.queues.connection, prefix: app.config.QUEUE_PREFIX });
  const masked = <T extends { deliveries?: Array<{ group: string }> }>(s: T): T => ({ ...s, ...(s.deliveries ? { deliveries: s.deliveries.map((d) => ({ ...d, group: maskPersonal(d.group) })) } : {}) });
  const status = async (id: number, actor: Actor) => {
    const s = await broadcastStatus({ db: prisma, id, paces: await paces(), actor });
    if (!s) throw new AppError("not_found", { message: `broadcast ${id} not found` });
    return masked(s);
  };

  server.get("/api/broadcasts", { config: { action: "broadcast.read" } }, async (req) => recentBroadcasts({ db: prisma, paces: await paces(), actor: actorOf(req) }));

  server.post("/api/broadcasts/preview", { config: { action: "broadcast.create" } }, async (req) => previewBroadcast({ db: prisma, actor: actorOf(req), request: request.parse(req.body ?? {}), paces: await paces() }));

  server.post("/api/broadcasts", { config: { action: "broadcast.create" } }, async (req, reply) => {
    const sent = await sendBroadcast({ db: prisma, queues: app.queues, actor: actorOf(req), request: request.parse(req.body ?? {}), paces: await paces() });
    return reply.code(sent.status === "cancelled" ? 422 : 202).send(sent);
  });

  server.get<{ Params: { id: string } }>("/api/broadcasts/:id", { config: { action: "broadcast.read" } }, async (req) => status(idOf(req.params.id), actorOf(req)));

  server.post<{ Params: { id: string; action: string } }>("/api/broadcasts/:id/:action", { config: { action: "broadcast.create" } }, async (req) => {
    const action = req.params.action as keyof typeof CONTROL_ACTIONS;
    if (!Object.hasOwn(CONTROL_ACTIONS, action)) throw new AppError("bad_request", { message: `action must be one of ${Object.keys(CONTROL_ACTIONS).join(", ")}` });
    const r = await controlBroadcast({ db: prisma, queues: app.queues, actor: actorOf(req), id: idOf(req.params.id), action });
    return { id: r.id, status: r.status, scheduledAt: r.scheduledAt, ...r.counts };
  });

  /** Server-sent events: the summary whenever it changes (polled each second), until the broadcast ends. */
  server.get<{ Params: { id: string } }>("/api/broadcasts/:id/events", { config: { action: "broadcast.read" } }, async (req, reply) => {
    const id = idOf(req.params.id);
    const actor = actorOf(req);
    await status(id, actor); // 404 (or 403) before the stream starts
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    let last = "";
    let closed = false;
    req.raw.on("close", () => (closed = true));
    while (!closed) {
      const { deliveries: _d, ...summary } = await status(id, actor).catch(() => ({ deliveries: [] as unknown[], status: "error" }) as never);
      const line = JSON.stringify(summary);
      if (line !== last) {
        res.write(`event: progress\ndata: ${line}\n\n`);
        last = line;
      }
      if (["done", "cancelled", "error"].includes((summary as { status: string }).status)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (!closed) res.end("event: end\ndata: {}\n\n");
  });
};
