// The residents' side over HTTP: a grid's points leaderboard (GET /api/points?grid=) and the dashboard's
// figures (GET /api/stats?from=&to=&grid=). Both read tickets, so both need ticket.list, scoped to the
// actor's grids. Names are masked unless an admin asks for ?raw=1 (audited).

import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../infra/errors.js";
import { pointsLeaderboard } from "../../points/find-points.js";
import { authorize, scopeOf } from "../../policy/authorize.js";
import { maskPersonal } from "../../privacy.js";
import { ticketStats } from "../../tickets/ticket-stats.js";
import { findTicket } from "../../tickets/find-tickets.js";
import { splitReporter } from "../../tickets/split-reporter.js";
import { parseTicketNumber } from "../../tickets/ticket-number.js";
import { actorOf } from "./auth.js";
import type { HttpContext } from "./context.js";

const pointsQuery = z.object({
  grid: z.string().trim().min(1).max(60),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  raw: z.enum(["1"]).optional(),
});

const DAY = 86_400_000;
/** A date (2026-12-01, read as China midnight) or a full ISO time. */
const when = z.string().trim().min(1).transform((v, ctx) => {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00+08:00` : v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: "custom", message: "must be a date (2026-12-01) or an ISO time" });
    return z.NEVER;
  }
  return d;
});
const statsQuery = z.object({ from: when.optional(), to: when.optional(), grid: z.string().trim().min(1).max(60).optional() });

/** GET /api/points, GET /api/stats. */
export const residentFigureRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const { prisma } = app;

  server.get("/api/points", { config: { action: "ticket.list" } }, async (req) => {
    const q = pointsQuery.parse(req.query);
    const actor = actorOf(req);
    authorize(actor, "ticket.list", { grid: q.grid }, "en");
    let raw = false;
    if (q.raw) {
      authorize(actor, "privacy.raw", {}, "en");
      await recordAudit(prisma, { actor, action: "privacy.raw", subject: `points:${q.grid}`, after: { url: req.url } });
      raw = true;
    }
    const board = await pointsLeaderboard({ db: prisma, grid: q.grid, limit: q.limit });
    return { grid: q.grid, total: board.total, items: board.items.map((i) => ({ rank: i.rank, resident: raw ? i.displayName : maskPersonal(i.displayName), points: i.points, tickets: i.tickets })) };
  });

  // Split by hand: the body names the reporter's position in GET /api/tickets/:number's list (2, 3, …).
  server.post<{ Params: { number: string } }>("/api/tickets/:number/split", { config: { action: "ticket.transition" } }, async (req) => {
    const number = parseTicketNumber(req.params.number, app.config.TICKET_PREFIX);
    if (!number) throw new AppError("bad_request", { message: `"${req.params.number}" is not a ticket number (e.g. A0012)` });
    const body = z.object({ reporter: z.number().int().min(2) }).strict().parse(req.body ?? {});
    const actor = actorOf(req);
    const done = await prisma.$transaction(async (tx) => {
      const ticket = await findTicket({ db: tx, number });
      if (!ticket) throw new AppError("not_found", { message: `ticket ${number} not found` });
      return splitReporter({ tx, actor, ticket, position: body.reporter, ticketPrefix: app.config.TICKET_PREFIX, lang: "en" });
    });
    return { action: "split", from: number, into: done.number, restored: done.restored, message: done.reply };
  });

  server.get("/api/stats", { config: { action: "ticket.list" } }, async (req) => {
    const q = statsQuery.parse(req.query);
    const actor = actorOf(req);
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 30 * DAY);
    if (from.getTime() >= to.getTime()) throw new AppError("bad_request", { message: "from: must be before to" });
    const scope = scopeOf(actor);
    if (q.grid) authorize(actor, "ticket.list", { grid: q.grid }, "en");
    const grids = q.grid ? [q.grid] : scope;
    const s = await ticketStats({ db: prisma, from, to, grids });
    return { ...s, grid: q.grid ?? null, perGroup: s.perGroup.map((g) => ({ ...g, title: maskPersonal(g.title) })) };
  });
};
