// /broadcast [scope] [--urgent] [--at "12-02 08:00"] 内容 (#通知, #紧急通知): a preview the author confirms with
// 「确认」; /broadcast pause|resume|cancel|status|confirm B12 controls one.
import { createBroadcast, type CreatedBroadcast } from "../../broadcasts/create-broadcast.js";
import { formatChinaTime, parseChinaTime } from "../../broadcasts/china-time.js";
import { CONTROL_ACTIONS, deliveryCounts, parseBroadcastId } from "../../broadcasts/control-broadcast.js";
import { sendingSeconds } from "../../broadcasts/sending-pace.js";
import { AppError } from "../../infra/errors.js";
import { authorize, scopeOf } from "../../policy/authorize.js";
import { t } from "../../locale.js";
import { usageOf, type CommandContext, type CommandHandler } from "./context.js";

const CONTROL: Record<string, keyof typeof CONTROL_ACTIONS | "status"> = {
  pause: "pause", 暂停: "pause", resume: "resume", 继续: "resume", cancel: "cancel", 取消: "cancel", confirm: "confirm", 确认: "confirm", status: "status", 状态: "status", 进度: "status",
  urgent: "urgent", 加急: "urgent", 转紧急: "urgent", normal: "normal", 转普通: "normal",
};
const SCOPE_WORDS: Record<string, string> = { grid: "grid", 网格: "grid", tag: "tag", 标签: "tag", tags: "tags", "tags-all": "tags-all", platform: "platform", 平台: "platform", community: "community", 社区: "community", street: "street", 街道: "street", node: "node", groups: "groups" };

/** `pause B12`, `状态 12` …: a control word and a broadcast id, or undefined (a notice to draft). */
export function controlOf(args: string): { action: (typeof CONTROL)[string]; id: string } | undefined {
  const control = /^(\S+)\s+(#?B?\d+)\s*$/i.exec(args);
  const action = control ? CONTROL[control[1].toLowerCase()] : undefined;
  return action ? { action, id: control![2] } : undefined;
}

/** Control a broadcast, or parse scope and flags and let the broadcast service build the preview. */
export const broadcast: CommandHandler = async (ctx, cmd) => {
  const m = t(ctx.lang);
  const control = controlOf(cmd.args);
  if (control) {
    const { action } = control;
    const id = parseBroadcastId(control.id, ctx.lang);
    if (action === "status") {
      const b = await ctx.tx.broadcast.findUnique({ where: { id } });
      if (!b) throw new AppError("not_found", { message: `broadcast ${id} not found`, userMessage: m.broadcastNotFound({ id: `B${id}` }) });
      // A scoped account reads a broadcast only when it reached (or is addressed to) one of its grids, as over HTTP.
      const grids = scopeOf(ctx.actor);
      if (grids && !grids.some((g) => b.scope === `grid:${g}`) && !(await ctx.tx.outboundMessage.count({ where: { broadcastId: id, group: { grid: { in: grids } } } }))) {
        authorize(ctx.actor, "broadcast.read", { kind: "broadcast", grid: b.scope.startsWith("grid:") ? b.scope.slice(5) : null }, ctx.lang);
      }
      const c = await deliveryCounts(ctx.tx, id, grids);
      return { reply: m.broadcastStatusLine({ id, status: b.status, ...c }), outbounds: [] };
    }
    const r = await CONTROL_ACTIONS[action]({ tx: ctx.tx, actor: ctx.actor, id, lang: ctx.lang });
    // Confirmed here and this group is in the audience: the notice itself arriving is the acknowledgement.
    if (action === "confirm" && r.status === "sending" && (await ctx.tx.outboundMessage.count({ where: { broadcastId: id, groupId: ctx.group.id } }))) {
      return { outbounds: [], followUp: r.followUp };
    }
    const reply =
      action === "pause" ? m.broadcastPaused({ id, sent: r.counts.sent, total: r.counts.total })
      : action === "resume" ? m.broadcastResumed({ id })
      : action === "urgent" || action === "normal" ? m.broadcastPriority({ id, urgent: action === "urgent" })
      : action === "cancel" ? (r.counts.sent === 0 && r.counts.failed === 0 ? m.broadcastDiscarded({ id }) : m.broadcastCancelled({ id, sent: r.counts.sent, total: r.counts.total }))
      : r.status === "scheduled" ? m.broadcastScheduled({ id, at: formatChinaTime(r.scheduledAt!) })
      : m.broadcastStarted({ id });
    return { reply, outbounds: [], followUp: r.followUp };
  }

  const { text, urgent, at, scope } = parseNoticeArgs(cmd.args, cmd.alias === "紧急通知");
  if (!text) throw new AppError("bad_request", { message: "broadcast text missing", userMessage: m.needText({ usage: usageOf(cmd) }) });
  const b = await createBroadcast({ ...noticeDraft(ctx, { scope, urgent, at }), text });
  if (b.outboundIds.length === 0) {
    await ctx.tx.broadcast.update({ where: { id: b.id }, data: { status: "cancelled", finishedAt: new Date() } });
    return { reply: m.broadcastNoGroups, outbounds: [] };
  }
  return { reply: await previewReply(ctx, b, urgent), outbounds: [] };
};

/** What every notice drafted from chat shares (a broadcast or a poll): author, audience, lane, start, origin. */
export function noticeDraft(ctx: CommandContext, n: { scope?: string; urgent: boolean; at?: Date }) {
  return {
    tx: ctx.tx,
    actor: ctx.actor,
    scope: n.scope,
    priority: n.urgent ? ("urgent" as const) : ("normal" as const),
    at: n.at,
    origin: { groupId: ctx.group.id, userId: ctx.resident.userId },
    confirmTtlMs: ctx.confirmTtlMs,
    lang: ctx.lang,
  };
}

/**
 * The scope and flags of a notice (/broadcast, /poll): --urgent, --at "…" (or a bare date and time), and any
 * other `--name "…"` flag the caller asks for in `extra`, anywhere before the text; then `grid:网格` etc.
 */
export function parseNoticeArgs(args: string, urgentAlias = false, extra: string[] = []): { text: string; urgent: boolean; at?: Date; scope?: string; flags: Record<string, string> } {
  let text = args;
  let urgent = urgentAlias;
  let at: Date | undefined;
  let scope: string | undefined;
  const flags: Record<string, string> = {};
  text = text.replace(/(?:^|\s)--urgent(?=\s|$)/, () => ((urgent = true), " "));
  for (const name of ["at", ...extra]) {
    const re = new RegExp(`(?:^|\\s)--${name}[=\\s]+(?:"([^"]+)"|“([^”]+)”|(\\S+(?:\\s+\\d{1,2}[:：]\\d{2})?))`);
    text = text.replace(re, (_all, a, b, c) => ((flags[name] = a ?? b ?? c), " "));
  }
  if (flags.at) at = parseChinaTime(flags.at);
  text = text.trim();
  const scoped = /^([A-Za-z-]+|网格|标签|平台|社区|街道)[:：](\S+)\s+([\s\S]+)$/.exec(text);
  if (scoped && SCOPE_WORDS[scoped[1].toLowerCase()]) {
    scope = `${SCOPE_WORDS[scoped[1].toLowerCase()]}:${scoped[2]}`;
    text = scoped[3].trim();
  }
  return { text, urgent, at, scope, flags };
}

/** The chat preview of a created notice: groups per platform, ETA, schedule, skipped; "确认" to send. */
export async function previewReply(ctx: CommandContext, b: CreatedBroadcast, urgent: boolean): Promise<string> {
  const m = t(ctx.lang);
  const paces = await ctx.sendingPaces();
  const seconds = b.perPlatform.reduce((max, p) => Math.max(max, sendingSeconds(paces[p.platform], p.count, Date.now(), { urgent })), 0);
  const n = (p: string) => b.perPlatform.find((x) => x.platform === p)?.count ?? 0;
  return m.broadcastPreview({ id: b.id, groups: b.outboundIds.length, platforms: m.broadcastPlatforms({ wechat: n("wechat"), telegram: n("telegram"), playground: n("playground") }), minutes: Math.ceil(seconds / 60), at: b.scheduledAt && formatChinaTime(b.scheduledAt), urgent, skipped: b.skipped.length });
}
