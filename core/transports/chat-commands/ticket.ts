// /ticket A0012 (#工单详情): one ticket's details and history.
import { authorize } from "../../policy/authorize.js";
import { needTicket, splitArgs, type CommandHandler } from "./context.js";
import { ticketDetail } from "./format.js";

/** Details of a ticket in the leader's grid. */
export const ticket: CommandHandler = async (ctx, cmd) => {
  const tk = await needTicket(ctx, cmd, splitArgs(cmd.args).first);
  authorize(ctx.actor, "ticket.read", { kind: "ticket", grid: tk.group.grid, number: tk.number }, ctx.lang);
  return { reply: ticketDetail(tk, ctx.lang), outbounds: [] };
};
