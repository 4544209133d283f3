// /tag 老旧小区 [-旧标签] (#标签), /enable (#启用), /disable (#停用), /staffroom [off] (#工作群): change the group the command is typed in.
import { updateGroup } from "../../groups/update-group.js";
import { t } from "../../locale.js";
import type { CommandHandler } from "./context.js";

/** Add tags, or remove those written with a leading "-". */
export const tag: CommandHandler = async (ctx, cmd) => {
  const words = cmd.args.split(/[\s,，]+/).filter(Boolean);
  const g = await updateGroup({
    db: ctx.tx,
    actor: ctx.actor,
    id: ctx.group.id,
    addTags: words.filter((w) => !w.startsWith("-")),
    removeTags: words.filter((w) => w.startsWith("-")).map((w) => w.slice(1)),
    lang: ctx.lang,
  });
  return { reply: t(ctx.lang).tagged({ tags: g.tags.join("、") }), outbounds: [] };
};

/** Switch Gridlink on (/enable) or off (/disable) in this group. */
export const enableOrDisable: CommandHandler = async (ctx, cmd) => {
  const enabled = cmd.name === "enable";
  await updateGroup({ db: ctx.tx, actor: ctx.actor, id: ctx.group.id, enabled, lang: ctx.lang });
  return { reply: enabled ? t(ctx.lang).enabled : t(ctx.lang).disabled, outbounds: [] };
};

/** Mark this group as its grid's staff room (/staffroom), or not any more (/staffroom off). */
export const staffRoom: CommandHandler = async (ctx, cmd) => {
  const on = !/^(off|no|0|关|取消|关闭)$/i.test(cmd.args.trim());
  await updateGroup({ db: ctx.tx, actor: ctx.actor, id: ctx.group.id, staffRoom: on, lang: ctx.lang });
  return { reply: on ? t(ctx.lang).staffRoomOn : t(ctx.lang).staffRoomOff, outbounds: [] };
};
