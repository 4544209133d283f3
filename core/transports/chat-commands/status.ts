// /status [A0012] (#进度): a resident's open tickets, or one ticket they (or their group) reported.
import { AppError } from "../../infra/errors.js";
import { t } from "../../locale.js";
import { findTickets, OPEN_STATUSES } from "../../tickets/find-tickets.js";
import { needTicket, splitArgs, type CommandHandler } from "./context.js";
import { ticketDetail, ticketLine } from "./format.js";

/** Residents see their own tickets and their group's; staff see any. */
export const status: CommandHandler = async (ctx, cmd) => {
  const m = t(ctx.lang);
  if (cmd.args) {
    const ticket = await needTicket(ctx, cmd, splitArgs(cmd.args).first);
    const visible = ticket.reporterId === ctx.resident.id || ticket.groupId === ctx.group.id || ctx.actor.role !== "resident";
    if (!visible) throw new AppError("not_found", { message: "not the resident's ticket", userMessage: m.ticketNotFound({ number: ticket.number }) });
    return { reply: ticketDetail(ticket, ctx.lang), outbounds: [] };
  }
  const { items } = await findTickets({ db: ctx.tx, reporterId: ctx.resident.id, status: OPEN_STATUSES, pageSize: 10 });
  if (items.length === 0) return { reply: m.noOpenTickets, outbounds: [] };
  return { reply: [m.yourTickets, ...items.map((tk) => ticketLine(tk, ctx.lang))].join("\n"), outbounds: [] };
};
