// /broadcast [grid:网格|tag:标签] 内容 (#通知): a notice to many groups; the reply says how many and how long.
import { createBroadcast } from "../../broadcasts/create-broadcast.js";
import { sendingSeconds } from "../../broadcasts/sending-pace.js";
import { AppError } from "../../infra/errors.js";
import { t } from "../../locale.js";
import { usageOf, type CommandHandler } from "./context.js";

/** Parse the optional scope, then let the broadcast service decide, fan out and audit. */
export const broadcast: CommandHandler = async (ctx, cmd) => {
  const m = t(ctx.lang);
  let scope: string | undefined;
  let text = cmd.args;
  const scoped = /^(grid|tag|网格|标签)[:：](\S+)\s+([\s\S]+)$/.exec(cmd.args);
  if (scoped) {
    scope = `${scoped[1] === "grid" || scoped[1] === "网格" ? "grid" : "tag"}:${scoped[2]}`;
    text = scoped[3].trim();
  }
  if (!text) throw new AppError("bad_request", { message: "broadcast text missing", userMessage: m.needText({ usage: usageOf(cmd) }) });
  const b = await createBroadcast({ tx: ctx.tx, actor: ctx.actor, text, scope, sourceMessageId: ctx.messageRowId, lang: ctx.lang });
  if (b.outboundIds.length === 0) return { reply: m.broadcastNoGroups, outbounds: [] };
  const paces = await ctx.sendingPaces();
  const seconds = b.perPlatform.reduce((max, p) => Math.max(max, sendingSeconds(paces[p.platform], p.count)), 0);
  return { reply: m.broadcastQueued({ id: b.id, groups: b.outboundIds.length, minutes: Math.ceil(seconds / 60) }), outbounds: b.outboundIds };
};
