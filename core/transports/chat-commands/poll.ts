// /poll [scope] 问题？| 选项 | 选项 --until "12-05 18:00" (#投票): a broadcast carrying a poll, previewed and
// confirmed with 「确认」 like /broadcast; /poll results P3 (#投票 结果 P3) shows the counts so far.
import { formatChinaTime, parseChinaTime } from "../../broadcasts/china-time.js";
import { AppError } from "../../infra/errors.js";
import { t } from "../../locale.js";
import { createPoll } from "../../polls/create-poll.js";
import { parsePollSpec } from "../../polls/parse-poll.js";
import { pollResults } from "../../polls/poll-results.js";
import { noticeDraft, parseNoticeArgs, previewReply } from "./broadcast.js";
import type { CommandHandler } from "./context.js";

export const RESULTS = /^(?:results?|结果|状态|status)\s+(#?P?\d+)\s*$/i;

/** Create a poll's draft (the preview), or show a poll's results. */
export const poll: CommandHandler = async (ctx, cmd) => {
  const m = t(ctx.lang);
  const asked = RESULTS.exec(cmd.args);
  if (asked) {
    const r = await pollResults({ db: ctx.tx, actor: ctx.actor, id: asked[1], lang: ctx.lang });
    return { reply: m.pollStatusLine({ id: r.id, status: r.status, until: formatChinaTime(r.closesAt), total: r.total.votes, options: r.options, counts: r.total.counts }), outbounds: [] };
  }
  const { text, urgent, at, scope, flags } = parseNoticeArgs(cmd.args, false, ["until"]);
  if (!flags.until) throw new AppError("bad_request", { message: "poll deadline (--until) missing", userMessage: m.pollNeedUntil });
  const spec = parsePollSpec(text, ctx.lang);
  const p = await createPoll({ ...noticeDraft(ctx, { scope, urgent, at }), poll: spec, closesAt: parseChinaTime(flags.until) });
  if (p.outboundIds.length === 0) {
    await ctx.tx.broadcast.update({ where: { id: p.id }, data: { status: "cancelled", finishedAt: new Date() } });
    await ctx.tx.poll.update({ where: { id: p.pollId }, data: { status: "closed", closedAt: new Date() } });
    return { reply: m.broadcastNoGroups, outbounds: [] };
  }
  // The close is armed now: a draft that is never confirmed reached no group, so its close posts nothing.
  return { reply: m.pollPreview({ id: p.pollId, preview: await previewReply(ctx, p, urgent) }), outbounds: [], followUp: { kind: "pollClose", pollId: p.pollId, at: p.closesAt } };
};
