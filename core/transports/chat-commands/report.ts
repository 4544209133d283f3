// /report 3栋楼道灯坏了 (#报事): a resident opens a ticket explicitly; the detector only picks its category.
import { AppError } from "../../infra/errors.js";
import { categoryLabel, t } from "../../locale.js";
import { openTicket } from "../../tickets/open-ticket.js";
import { usageOf, type CommandHandler } from "./context.js";

/** Open a ticket from the text, whatever the detector thinks of it. */
export const report: CommandHandler = async (ctx, cmd) => {
  const m = t(ctx.lang);
  if (!cmd.args) throw new AppError("bad_request", { message: "report text missing", userMessage: m.needText({ usage: usageOf(cmd) }) });
  const d = ctx.detect(cmd.args);
  const ticket = await openTicket({
    tx: ctx.tx,
    prefix: ctx.ticketPrefix,
    groupId: ctx.group.id,
    reporterId: ctx.resident.id,
    sourceMessageId: ctx.messageRowId,
    text: cmd.args,
    category: d.category ?? "other",
    severity: Math.max(1, d.severity || 1),
    keywords: [...new Set(d.keywords.map((k) => k.term))],
    origin: "report",
    actor: `resident:${ctx.resident.displayName}`,
  });
  return { reply: m.ticketReported({ number: ticket.number, category: categoryLabel(ticket.category, ctx.lang) }), outbounds: ticket.staffOutbounds, ticketFollowUps: [{ ticketId: ticket.id, seq: ticket.clockSeq }] };
};
