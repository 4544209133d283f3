// /tickets [all] (#工单 [全部]): this group's tickets, for the group's leader.
import { t } from "../../locale.js";
import { authorize } from "../../policy/authorize.js";
import { findTickets, OPEN_STATUSES } from "../../tickets/find-tickets.js";
import { splitArgs, type CommandHandler } from "./context.js";
import { ticketLine } from "./format.js";

/** The group's open (or all) tickets, newest ten. */
export const tickets: CommandHandler = async (ctx, cmd) => {
  const m = t(ctx.lang);
  authorize(ctx.actor, "ticket.list", { kind: "group", grid: ctx.group.grid }, ctx.lang);
  const all = /^(all|全部|所有)$/i.test(splitArgs(cmd.args).first ?? "");
  const { total, items } = await findTickets({ db: ctx.tx, groupId: ctx.group.id, status: all ? undefined : OPEN_STATUSES, pageSize: 10 });
  const scope = all ? m.scopeAll : m.scopeOpen;
  if (total === 0) return { reply: m.noGroupTickets({ scope }), outbounds: [] };
  return { reply: [m.groupTickets({ scope, count: total }), ...items.map((tk) => ticketLine(tk, ctx.lang))].join("\n"), outbounds: [] };
};
