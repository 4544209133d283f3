// /api/groups: the list, and PATCH to enable a WeChat room or set a group's grid or tags (the twin of
// `gridlink group set` and the /tag, /enable, /disable commands — all three call updateGroup).

import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { findGroups } from "../../groups/find-groups.js";
import { updateGroup } from "../../groups/update-group.js";
import type { Group } from "../../infra/rows.js";
import { scopeOf } from "../../policy/authorize.js";
import { actorOf } from "./auth.js";
import { maskPersonal } from "../../privacy.js";
import type { HttpContext } from "./context.js";

const groupPatch = z
  .object({
    enabled: z.boolean().optional(),
    grid: z.string().trim().min(1).max(60).optional(),
    tags: z.array(z.string().trim().min(1).max(30)).max(20).optional(),
    /** The grid's staff room (dispatch and SLA notices of its grid go here). */
    staffRoom: z.boolean().optional(),
  })
  .strict();

/** A group's JSON (title masked: a group title may carry a phone number). */
const json = (g: Group) => ({ id: g.id, platform: g.platform, chatId: g.chatId, title: maskPersonal(g.title), grid: g.grid, community: g.community, tags: g.tags, active: g.active, enabled: g.enabled, staffRoom: g.staffRoom, joinedAt: g.joinedAt });

/** GET /api/groups, PATCH /api/groups/:id (group.read / group.update; scoped to the actor's grids). */
export const groupRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  server.get("/api/groups", { config: { action: "group.read" } }, async (req) => (await findGroups({ db: app.prisma, grids: scopeOf(actorOf(req)) })).map(json));

  server.patch<{ Params: { id: string } }>("/api/groups/:id", { config: { action: "group.update" } }, async (req) => {
    const id = z.coerce.number().int().positive().parse(req.params.id);
    const body = groupPatch.parse(req.body ?? {});
    const g = await updateGroup({ db: app.prisma, actor: actorOf(req), id, ...body });
    const { community: _c, joinedAt: _j, ...rest } = json(g);
    return rest;
  });
};
