// The ticket cycle's settings over HTTP: the SLA table (GET/PUT /api/sla) and a grid's dispatch rule
// (PUT /api/org/:id/dispatch). Routes parse, call a service, format.

import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { CATEGORIES } from "../../../nlp/index.js";
import { setDispatchMode } from "../../org/set-dispatch-mode.js";
import { DISPATCH_MODES } from "../../tickets/dispatch-ticket.js";
import { listSla, setSla } from "../../tickets/sla.js";
import { actorOf } from "./auth.js";
import type { HttpContext } from "./context.js";

const SlaBody = z.object({
  category: z.string().trim().min(1).max(40),
  severity: z.number().int().min(0).max(5).default(0),
  acceptMinutes: z.number().int(),
  resolveMinutes: z.number().int(),
}).strict();
const DispatchBody = z.object({ mode: z.enum(DISPATCH_MODES) }).strict();

/** /api/sla and /api/org/:id/dispatch. */
export const ticketCycleRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const db = app.prisma;
  server.get("/api/sla", { config: { action: "sla.read" } }, async (req) => ({ rules: await listSla({ db, actor: actorOf(req) }) }));
  server.put("/api/sla", { config: { action: "sla.edit" } }, async (req) => {
    const body = SlaBody.parse(req.body ?? {});
    return setSla({ db, actor: actorOf(req), ...body, categories: CATEGORIES });
  });
  server.put<{ Params: { id: string } }>("/api/org/:id/dispatch", { config: { action: "group.update" } }, async (req) => {
    const body = DispatchBody.parse(req.body ?? {});
    return setDispatchMode({ db, actor: actorOf(req), grid: req.params.id, mode: body.mode });
  });
};
