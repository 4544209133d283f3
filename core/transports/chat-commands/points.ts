// /points (#积分): a resident's points and rank in their group's grid.
import { rt } from "../../locale.js";
import { residentPoints } from "../../points/find-points.js";
import type { CommandHandler } from "./context.js";

/** The asker's balance in this group's grid (groups without a grid count among themselves). */
export const points: CommandHandler = async (ctx) => {
  const m = rt(ctx.lang);
  const mine = await residentPoints({ db: ctx.tx, residentId: ctx.resident.id, grid: ctx.group.grid });
  if (!mine) return { reply: m.pointsNone, outbounds: [] };
  return { reply: m.points({ ...mine, grid: ctx.group.grid ?? (ctx.lang === "zh" ? "本群" : "this group") }), outbounds: [] };
};
