// Every ticket action typed in chat — /dispatch /accept /progress /resolve /dismiss /merge /escalate /rate /publish
// /reopen (#派单 #受理 #进展 #办结 #不是问题 #合并 #上报 #评价 #晒单 #重新打开) — parsed here and run through the
// one action table (core/tickets/actions.ts) that the HTTP routes use too.
import { AppError } from "../../infra/errors.js";
import { t } from "../../locale.js";
import { runTicketAction, type TicketActionInput, type TicketActionName } from "../../tickets/actions.js";
import { ratingFromText } from "../../tickets/record-rating.js";
import { needTicket, splitArgs, usageOf, type CommandHandler } from "./context.js";

/** The arguments after the ticket number, as the action's input. */
export function inputOf(name: TicketActionName, rest: string): TicketActionInput {
  const { first, rest: after } = splitArgs(rest);
  if (name === "dispatch") return { assignee: first, note: after || undefined };
  if (name === "merge") return { into: first, note: after || undefined };
  if (name === "rate") return { rating: first === undefined ? undefined : (ratingFromText(first) ?? NaN), note: after || undefined };
  return { note: rest || undefined };
}

/** One handler for every ticket action. */
export const transition: CommandHandler = async (ctx, cmd) => {
  const name = cmd.name as TicketActionName;
  const { first, rest } = splitArgs(cmd.args);
  const ticket = await needTicket(ctx, cmd, first);
  const done = await runTicketAction({ tx: ctx.tx, actor: ctx.actor, lang: ctx.lang, ticketPrefix: ctx.ticketPrefix, settings: ctx.cycleSettings, residentId: ctx.resident.id, action: name, ticket, input: inputOf(name, rest), usage: usageOf(cmd) });
  // The notice to residents already lands in the group the leader is typing in: no second message there.
  return { reply: done.announcedIn === ctx.group.id ? undefined : done.reply, outbounds: done.outbounds, ticketFollowUps: [done.followUp] };
};
