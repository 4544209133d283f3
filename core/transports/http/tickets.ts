// Read API for the web admin: tickets (filtered, paginated) and one ticket with its events; the groups and
// broadcasts routes are mounted from here too. Routes parse, call a service, format — no rules.
// Personal numbers are masked (text, names, titles, notes): until logins exist nothing here is an admin view.

import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { CATEGORIES } from "../../../nlp/index.js";
import { AppError } from "../../infra/errors.js";
import { TICKET_STATUSES, type Group } from "../../infra/rows.js";
import { actionLabel, categoryLabel, statusLabel } from "../../locale.js";
import { possibleActions } from "../../tickets/transition-ticket.js";
import { maskPersonal as mask } from "../../privacy.js";
import { recordAudit } from "../../audit/record-audit.js";
import { authorize, scopeOf } from "../../policy/authorize.js";
import { actorOf } from "./auth.js";
import { findTicket, findTickets, type TicketListItem } from "../../tickets/find-tickets.js";
import { parseTicketNumber } from "../../tickets/ticket-number.js";
import { findReporters } from "../../tickets/find-reporters.js";
import { findGroupByRef } from "../../groups/find-groups.js";
import { broadcastRoutes } from "./broadcasts.js";
import { requestLang, type HttpContext } from "./context.js";
import { groupRoutes } from "./groups.js";
import { ticketCycleRoutes } from "./ticket-cycle.js";
import { residentFigureRoutes } from "./resident-figures.js";
import { cycleSettingsOf } from "../../tickets/cycle-settings.js";
import { runTicketAction, TICKET_ACTIONS, type TicketActionName } from "../../tickets/actions.js";

// One rule for every filter: a value that names nothing known is a 400 naming the field.
const listQuery = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  category: z.enum(CATEGORIES as unknown as [string, ...string[]]).optional(),
  /** A group id (12) or a chat id (lianhua-05, -1001234567890, …@chatroom). */
  group: z.string().trim().min(1).max(200).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  /** Admins only: personal numbers unmasked (the request itself is audited). */
  raw: z.enum(["1"]).optional(),
  /** "My tickets": the ones dispatched to or accepted by the requesting staff account. */
  mine: z.enum(["1"]).optional(),
  /** Only this grid's tickets. */
  grid: z.string().trim().min(1).max(60).optional(),
  /** A ticket number or words of its text. */
  q: z.string().trim().min(1).max(100).optional(),
});

/** A run of digits as long as a phone or ID number's visible part: searching by one is an unmasked read. */
const PERSONAL_DIGITS = /\d{7,}/;

/** The JSON body of POST /api/tickets/:number/<action>. */
const actionBody = z
  .object({
    note: z.string().trim().min(1).max(2000).optional(),
    assignee: z.string().trim().min(1).max(100).optional(),
    into: z.string().trim().min(1).max(20).optional(),
    rating: z.number().int().min(1).max(5).optional(),
  })
  .strict();
const rawQuery = z.object({ raw: z.enum(["1"]).optional() });

/** A group as the ticket JSON shows it (title masked). */
const groupJson = (g: Group, raw = false) => ({ id: g.id, title: raw ? g.title : mask(g.title), platform: g.platform, grid: g.grid });

/** The JSON shape of a ticket. */
function ticketJson(t: TicketListItem, raw = false) {
  const maskPersonal = raw ? (s: string) => s : mask;
  return {
    number: t.number,
    category: t.category,
    categoryLabel: categoryLabel(t.category, "zh"),
    severity: t.severity,
    status: t.status,
    statusLabel: statusLabel(t.status, "zh"),
    text: maskPersonal(t.text),
    keywords: t.keywords,
    origin: t.origin,
    assignee: t.assignee === null ? null : maskPersonal(t.assignee),
    group: groupJson(t.group, raw),
    reporter: maskPersonal(t.reporter.displayName),
    tier: t.tier,
    acceptDueAt: t.acceptDueAt,
    resolveDueAt: t.resolveDueAt,
    breachedAt: t.breachedAt,
    breachCount: t.breachCount,
    rating: t.rating,
    hotline: t.hotlineId ? { id: t.hotlineId, status: t.hotlineStatus } : null,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    closedAt: t.closedAt,
  };
}

/** /api/tickets, /api/tickets/:number, plus /api/groups and /api/broadcasts. */
export const ticketRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const { prisma } = app;

  /** The group a `group` filter names: its numeric id, or its chat id on any platform. */
  const groupId = async (ref: string): Promise<number> => {
    const group = await findGroupByRef({ db: prisma, ref });
    if (!group) throw new AppError("bad_request", { message: `group: no group with id or chat id "${ref}"` });
    return group.id;
  };

  /** `?raw=1`: admins only (403 otherwise), and the request is itself an audit event. */
  const askedRaw = async (req: FastifyRequest, raw: "1" | undefined, subject: string): Promise<boolean> => {
    if (raw !== "1") return false;
    const actor = actorOf(req);
    authorize(actor, "privacy.raw", {}, "en");
    await recordAudit(prisma, { actor, action: "privacy.raw", subject, after: { url: req.url } });
    return true;
  };

  server.get("/api/tickets", { config: { action: "ticket.list" } }, async (req) => {
    const q = listQuery.parse(req.query);
    const me = actorOf(req);
    if (q.mine && !me.accountId) throw new AppError("bad_request", { message: "mine: only a staff account (a login, not an API token) has tickets of its own" });
    // The text is searched unmasked: a number in the search would tell a non-admin which ticket holds it.
    if (q.q && PERSONAL_DIGITS.test(q.q)) authorize(me, "privacy.raw", {}, "en");
    const { total, items } = await findTickets({ db: prisma, grids: scopeOf(me), assigneeAccountId: q.mine ? me.accountId : undefined, status: q.status, category: q.category, groupId: q.group ? await groupId(q.group) : undefined, grid: q.grid, search: q.q, page: q.page, pageSize: q.pageSize });
    const raw = await askedRaw(req, q.raw, "tickets");
    return { total, page: q.page, pageSize: q.pageSize, items: items.map((x) => ticketJson(x, raw)) };
  });

  server.get<{ Params: { number: string } }>("/api/tickets/:number", { config: { action: "ticket.read" } }, async (req) => {
    const number = parseTicketNumber(req.params.number, app.config.TICKET_PREFIX);
    if (!number) throw new AppError("bad_request", { message: `"${req.params.number}" is not a ticket number (e.g. A0012)` });
    const t = await findTicket({ db: prisma, number });
    if (!t) throw new AppError("not_found", { message: `ticket ${number} not found` });
    authorize(actorOf(req), "ticket.read", { kind: "ticket", grid: t.group.grid, number }, "en");
    const raw = await askedRaw(req, rawQuery.parse(req.query).raw, `ticket:${number}`);
    const m = raw ? (s: string) => s : mask;
    const reporters = await findReporters({ db: prisma, ticketIds: [t.id] });
    return {
      ...ticketJson(t, raw),
      // Everyone who reported it: the original reporter first, then neighbours whose reports joined it.
      reporters: reporters.map((r) => ({ first: r.first, via: r.via, joinedAt: r.joinedAt, resident: m(r.resident.displayName), group: groupJson(r.group, raw), text: r.message ? m(r.message.text) : null })),
      events: t.events.map((e) => ({ from: e.from, to: e.to, actor: m(e.actor), note: e.note ? m(e.note) : null, at: e.at })),
      // What can be done with it now (each a POST /api/tickets/:number/<action>; the route still decides).
      actions: possibleActions(t.status).filter((a) => Object.hasOwn(TICKET_ACTIONS, a)),
    };
  });

  // The names the API's codes stand for (categories, statuses, actions), for clients that show them.
  server.get("/api/labels", { config: { action: "session.self" } }, async () => ({
    categories: CATEGORIES.map((code) => ({ code, zh: categoryLabel(code, "zh"), en: categoryLabel(code, "en") })),
    statuses: TICKET_STATUSES.map((code) => ({ code, zh: statusLabel(code, "zh"), en: statusLabel(code, "en") })),
    actions: Object.keys(TICKET_ACTIONS).map((code) => ({ code, zh: actionLabel(code, "zh"), en: actionLabel(code, "en") })),
  }));

  // One route per action of the table, each declaring the action's policy; the body is the action's input.
  for (const spec of Object.values(TICKET_ACTIONS)) {
    server.post<{ Params: { number: string } }>(`/api/tickets/:number/${spec.name}`, { config: { action: spec.http ?? spec.policy } }, async (req) => {
      const number = parseTicketNumber(req.params.number, app.config.TICKET_PREFIX);
      if (!number) throw new AppError("bad_request", { message: `"${req.params.number}" is not a ticket number (e.g. A0012)` });
      const input = actionBody.parse(req.body ?? {});
      const actor = actorOf(req);
      const done = await prisma.$transaction(async (tx) => {
        const ticket = await findTicket({ db: tx, number });
        if (!ticket) throw new AppError("not_found", { message: `ticket ${number} not found` });
        return runTicketAction({ tx, actor, lang: requestLang(req.headers["accept-language"]), ticketPrefix: app.config.TICKET_PREFIX, settings: cycleSettingsOf(app.config), action: spec.name as TicketActionName, ticket, input, usage: `POST /api/tickets/${number}/${spec.name} ${JSON.stringify(spec.needs ? { [spec.needs]: "…" } : { note: "…" })}` });
      });
      const rows = await prisma.outboundMessage.findMany({ where: { id: { in: done.outbounds } }, select: { id: true, platform: true } });
      await app.queues.enqueueOutboundRows(rows);
      await app.afterTicketSteps?.([done.followUp]);
      const after = await findTicket({ db: prisma, number });
      return { action: spec.name, from: done.from, to: done.to, message: done.reply, ticket: after ? ticketJson(after) : null };
    });
  }

  await server.register(ticketCycleRoutes, { app });
  await server.register(groupRoutes, { app });
  await server.register(broadcastRoutes, { app });
  await server.register(residentFigureRoutes, { app });
};
