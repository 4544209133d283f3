// Read API for the web admin: tickets (filtered, paginated), one ticket with its events, groups, broadcasts.
// Personal numbers are masked: until auth exists nothing here is an admin view.

import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { broadcastStatus, paceSeconds, type SendingHold } from "../../broadcast.js";
import { PLATFORMS, paceStatusKey } from "../../ports/chat.js";
import type { HttpContext } from "./context.js";
import { AppError } from "../../infra/errors.js";
import { joinTags, splitTags } from "../../groups.js";
import { loopbackOnly } from "./loopback.js";
import { categoryLabel, statusLabel } from "../../locale.js";
import { maskPersonal } from "../../privacy.js";
import { parseTicketNumber, TICKET_STATUSES } from "../../tickets.js";

const listQuery = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  category: z.string().min(1).max(40).optional(),
  group: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const groupPatch = z
  .object({
    enabled: z.boolean().optional(),
    grid: z.string().trim().min(1).max(60).optional(),
    tags: z.array(z.string().trim().min(1).max(30)).max(20).optional(),
  })
  .strict();

type TicketRow = {
  number: string; category: string; severity: number; status: string; text: string; keywords: string; origin: string; assignee: string | null;
  createdAt: Date; updatedAt: Date; closedAt: Date | null; group: { id: number; title: string; platform: string; grid: string | null }; reporter: { displayName: string };
};

/** The JSON shape of a ticket. */
function ticketJson(t: TicketRow) {
  return {
    number: t.number,
    category: t.category,
    categoryLabel: categoryLabel(t.category, "zh"),
    severity: t.severity,
    status: t.status,
    statusLabel: statusLabel(t.status, "zh"),
    text: maskPersonal(t.text),
    keywords: JSON.parse(t.keywords) as string[],
    origin: t.origin,
    assignee: t.assignee,
    group: { id: t.group.id, title: t.group.title, platform: t.group.platform, grid: t.group.grid },
    reporter: t.reporter.displayName,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    closedAt: t.closedAt,
  };
}

/** /api/tickets, /api/groups and /api/broadcasts. */
export const ticketRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const { prisma } = app;
  const include = { group: true, reporter: true } as const;

  server.get("/api/tickets", async (req) => {
    const q = listQuery.parse(req.query);
    const where = { status: q.status, category: q.category, groupId: q.group };
    const [total, rows] = await Promise.all([
      prisma.ticket.count({ where }),
      prisma.ticket.findMany({ where, include, orderBy: { id: "desc" }, skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
    ]);
    return { total, page: q.page, pageSize: q.pageSize, items: rows.map(ticketJson) };
  });

  server.get<{ Params: { number: string } }>("/api/tickets/:number", async (req) => {
    const number = parseTicketNumber(req.params.number, app.config.TICKET_PREFIX);
    if (!number) throw new AppError("bad_request", { message: `"${req.params.number}" is not a ticket number (e.g. A0012)` });
    const t = await prisma.ticket.findUnique({ where: { number }, include: { ...include, events: { orderBy: { id: "asc" } } } });
    if (!t) throw new AppError("not_found", { message: `ticket ${number} not found` });
    return {
      ...ticketJson(t),
      events: t.events.map((e) => ({ from: e.fromStatus, to: e.toStatus, actor: e.actor, note: e.note ? maskPersonal(e.note) : null, at: e.createdAt })),
    };
  });

  server.get("/api/groups", async () => {
    const groups = await prisma.group.findMany({ orderBy: { id: "asc" } });
    return groups.map((g) => ({ id: g.id, platform: g.platform, chatId: g.chatId, title: g.title, grid: g.grid, community: g.community, tags: splitTags(g.tags), active: g.active, enabled: g.enabled, joinedAt: g.joinedAt }));
  });

  // Enable a WeChat room, set a group's grid or tags (the API twin of `gridlink group set`).
  server.patch<{ Params: { id: string } }>("/api/groups/:id", { preHandler: loopbackOnly }, async (req) => {
    const id = z.coerce.number().int().positive().parse(req.params.id);
    const body = groupPatch.parse(req.body ?? {});
    const exists = await prisma.group.findUnique({ where: { id }, select: { id: true } });
    if (!exists) throw new AppError("not_found", { message: `group ${id} not found` });
    const g = await prisma.group.update({
      where: { id },
      data: { enabled: body.enabled, grid: body.grid, tags: body.tags === undefined ? undefined : joinTags(body.tags) },
    });
    return { id: g.id, platform: g.platform, chatId: g.chatId, title: g.title, grid: g.grid, tags: splitTags(g.tags), active: g.active, enabled: g.enabled };
  });

  /** What holds each platform's sending now, from the pace its gateway publishes: a pause, or its daily cap. */
  const holds = async (): Promise<Record<string, SendingHold>> => {
    const out: Record<string, SendingHold> = {};
    for (const platform of PLATFORMS) {
      const pace = await app.queues.connection.hgetall(paceStatusKey(app.config.QUEUE_PREFIX, platform)).catch(() => ({}) as Record<string, string>);
      const paused = Number(pace.pausedUntil ?? 0);
      if (paused > Date.now()) {
        out[platform] = { until: paused, reason: "paused after the platform said we send too often (发送消息过于频繁)" };
      } else if (Number(pace.dailyCap) > 0 && Number(pace.sentToday) >= Number(pace.dailyCap)) {
        // Daily caps reset at midnight China time (UTC+8), as the pacer counts them.
        const midnight = new Date(Date.now() + 8 * 3600_000);
        midnight.setUTCHours(24, 0, 0, 0);
        out[platform] = { until: midnight.getTime() - 8 * 3600_000, reason: "daily cap reached; sending resumes after midnight (China time)" };
      }
    }
    return out;
  };

  server.get("/api/broadcasts", async () => {
    const list = await prisma.broadcast.findMany({ orderBy: { id: "desc" }, take: 50 });
    const held = await holds();
    return Promise.all(list.map(async (b) => {
      const s = await broadcastStatus(prisma, b.id, paceSeconds(app.config), held);
      const { deliveries: _omit, ...summary } = s!;
      return summary;
    }));
  });

  server.get<{ Params: { id: string } }>("/api/broadcasts/:id", async (req) => {
    const id = Number(req.params.id.replace(/^B/i, ""));
    if (!Number.isInteger(id) || id <= 0) throw new AppError("bad_request", { message: "broadcast id must be a positive integer (e.g. 12 or B12)" });
    const s = await broadcastStatus(prisma, id, paceSeconds(app.config), await holds());
    if (!s) throw new AppError("not_found", { message: `broadcast ${id} not found` });
    return s;
  });
};
