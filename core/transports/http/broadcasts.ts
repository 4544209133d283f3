// /api/broadcasts: recent broadcasts and one broadcast's per-group delivery status, with the holds and ETA
// computed from the paces the gateways publish.

import type { FastifyPluginAsync } from "fastify";
import { broadcastStatus, recentBroadcasts } from "../../broadcasts/broadcast-status.js";
import { readSendingPaces } from "../../broadcasts/sending-pace.js";
import { AppError } from "../../infra/errors.js";
import { maskPersonal } from "../../privacy.js";
import type { HttpContext } from "./context.js";

/** GET /api/broadcasts, GET /api/broadcasts/:id (12 or B12). */
export const broadcastRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const { prisma } = app;
  const paces = () => readSendingPaces({ redis: app.queues.connection, prefix: app.config.QUEUE_PREFIX });
  const masked = <T extends { deliveries?: Array<{ group: string }> }>(s: T): T => ({ ...s, ...(s.deliveries ? { deliveries: s.deliveries.map((d) => ({ ...d, group: maskPersonal(d.group) })) } : {}) });

  server.get("/api/broadcasts", { config: { action: "broadcast.read" } }, async () => recentBroadcasts({ db: prisma, paces: await paces() }));

  server.get<{ Params: { id: string } }>("/api/broadcasts/:id", { config: { action: "broadcast.read" } }, async (req) => {
    const id = Number(req.params.id.replace(/^B/i, ""));
    if (!Number.isInteger(id) || id <= 0) throw new AppError("bad_request", { message: "broadcast id must be a positive integer (e.g. 12 or B12)" });
    const s = await broadcastStatus({ db: prisma, id, paces: await paces() });
    if (!s) throw new AppError("not_found", { message: `broadcast ${id} not found` });
    return masked(s);
  });
};
