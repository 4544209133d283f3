// /split A0012 2 (#拆分): the 2nd reporter of A0012 leaves it for a ticket of their own.
import { AppError } from "../../infra/errors.js";
import { rt } from "../../locale.js";
import { splitReporter } from "../../tickets/split-reporter.js";
import { needTicket, splitArgs, type CommandHandler } from "./context.js";

/** Parse the ticket and the reporter's position, call the service. */
export const split: CommandHandler = async (ctx, cmd) => {
  const { first, rest } = splitArgs(cmd.args);
  const ticket = await needTicket(ctx, cmd, first);
  const position = Number(splitArgs(rest).first);
  if (!Number.isInteger(position)) {
    const count = await ctx.tx.ticketReporter.count({ where: { ticketId: ticket.id } });
    throw new AppError("bad_request", { message: "reporter position missing", userMessage: rt(ctx.lang).splitWhich({ number: ticket.number, count }) });
  }
  const done = await splitReporter({ tx: ctx.tx, actor: ctx.actor, ticket, position, ticketPrefix: ctx.ticketPrefix, lang: ctx.lang });
  return { reply: done.reply, outbounds: [] };
};
