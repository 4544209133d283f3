// /accept, /progress, /resolve, /dismiss (#受理 #进展 #办结 #不是问题): move a ticket and tell its group.
import { AppError } from "../../infra/errors.js";
import type { TicketStatus } from "../../infra/rows.js";
import { statusLabel, t } from "../../locale.js";
import { authorize } from "../../policy/authorize.js";
import { transitionTicket } from "../../tickets/transition-ticket.js";
import { needTicket, notifyGroup, splitArgs, usageOf, type CommandHandler } from "./context.js";
import { ticketLang } from "./format.js";

const TARGET = { accept: "accepted", progress: "in_progress", resolve: "resolved", dismiss: "dismissed" } as const satisfies Record<string, TicketStatus>;

/** One handler for the four moves; progress and resolve need a note. */
export const transition: CommandHandler = async (ctx, cmd) => {
  const m = t(ctx.lang);
  const name = cmd.name as keyof typeof TARGET;
  const { first, rest } = splitArgs(cmd.args);
  const ticket = await needTicket(ctx, cmd, first);
  const note = rest || undefined;
  // Scope first: a leader outside the grid hears that, not what the command is missing.
  authorize(ctx.actor, "ticket.transition", { kind: "ticket", grid: ticket.group.grid, number: ticket.number }, ctx.lang);
  if ((name === "progress" || name === "resolve") && !note) {
    throw new AppError("bad_request", { message: "note missing", userMessage: m.needText({ usage: usageOf(cmd) }) });
  }
  const to = TARGET[name];
  await transitionTicket({ tx: ctx.tx, ticket, to, actor: ctx.actor, note, lang: ctx.lang });
  const actor = ctx.actor.name;
  const gm = t(ticketLang(ticket));
  const outbounds: number[] = [];
  if (name === "accept") outbounds.push(await notifyGroup(ctx, ticket, "accepted", gm.accepted({ number: ticket.number, actor })));
  if (name === "progress") outbounds.push(await notifyGroup(ctx, ticket, "progress", gm.progress({ number: ticket.number, note: note! })));
  if (name === "resolve") outbounds.push(await notifyGroup(ctx, ticket, "resolved", gm.resolved({ number: ticket.number, note: note!.replace(/[。.]$/, "") })));
  // Tell the leader too, unless the notice already lands in the group they are typing in.
  const sameGroup = ticket.groupId === ctx.group.id && name !== "dismiss";
  return { reply: sameGroup ? undefined : name === "dismiss" ? m.dismissed({ number: ticket.number }) : m.done({ number: ticket.number, status: statusLabel(to, ctx.lang) }), outbounds };
};
