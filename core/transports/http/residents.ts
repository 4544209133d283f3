// A resident's data on request and retention, for admins: GET /api/residents/:platform/:id/export (everything
// held, raw, audited), DELETE /api/residents/:platform/:id (erase, keeping anonymous counts, audited) and
// POST /api/privacy/purge {"dryRun"} (the retention job's pass, on demand). Parse, call a service, format.

import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { eraseResident } from "../../residents/erase-resident.js";
import { exportResident } from "../../residents/export-resident.js";
import { purgeRetention } from "../../residents/purge-retention.js";
import { actorOf } from "./auth.js";
import type { HttpContext } from "./context.js";

type ResidentParams = { Params: { platform: string; id: string } };
const PurgeBody = z.object({ dryRun: z.boolean().default(true) }).strict();

/** The privacy routes (admins: privacy.manage). */
export const residentRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const db = app.prisma;
  server.get<ResidentParams>("/api/residents/:platform/:id/export", { config: { action: "privacy.manage" } }, async (req, reply) => {
    const data = await exportResident({ db, actor: actorOf(req), resident: `${req.params.platform}:${req.params.id}` });
    return reply.header("content-disposition", `attachment; filename="resident-${data.resident.id}.json"`).send(data);
  });
  server.delete<ResidentParams>("/api/residents/:platform/:id", { config: { action: "privacy.manage" } }, async (req) => eraseResident({ db, actor: actorOf(req), resident: `${req.params.platform}:${req.params.id}` }));
  server.post("/api/privacy/purge", { config: { action: "privacy.manage" } }, async (req) => {
    const body = PurgeBody.parse(req.body ?? {});
    return purgeRetention({ db, actor: actorOf(req), retentionDays: app.config.RETENTION_DAYS, dryRun: body.dryRun });
  });
};
