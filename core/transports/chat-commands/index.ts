// Running a chat command: the table (table.ts) says who may run it, one handler per command does it.
// Refusals are AppErrors with a userMessage; intake turns them into the reply.

import { AppError } from "../../infra/errors.js";
import { t } from "../../locale.js";
import { authorize } from "../../policy/authorize.js";
import { broadcast } from "./broadcast.js";
import type { CommandContext, CommandResult, Handlers } from "./context.js";
import { enableOrDisable, staffRoom, tag } from "./group-settings.js";
import { help } from "./help.js";
import { poll } from "./poll.js";
import { points } from "./points.js";
import { split } from "./split.js";
import { report } from "./report.js";
import { status } from "./status.js";
import { helpText, placeOf, usableIn, type ParsedCommand } from "./table.js";
import { ticket } from "./ticket.js";
import { tickets } from "./tickets.js";
import { transition } from "./transition.js";

export { COMMANDS, helpText, parseCommand, type CommandName, type CommandSpec, type ParsedCommand } from "./table.js";
export type { CommandContext, CommandResult } from "./context.js";

/** Each command's handler. */
const HANDLERS: Handlers = {
  help,
  status,
  report,
  tickets,
  ticket,
  accept: transition,
  progress: transition,
  resolve: transition,
  dismiss: transition,
  broadcast,
  poll,
  tag,
  enable: enableOrDisable,
  disable: enableOrDisable,
  points,
  split,
  dispatch: transition,
  escalate: transition,
  merge: transition,
  rate: transition,
  publish: transition,
  reopen: transition,
  staffroom: staffRoom,
};

/**
 * Run a parsed command: unknown → the list of what exists; typed where it cannot work (a group's setting in a
 * private chat, a report in a staff room) → where to send it; not allowed → why; else its handler.
 */
export async function runCommand(ctx: CommandContext, cmd: ParsedCommand): Promise<CommandResult> {
  const m = t(ctx.lang);
  const place = placeOf(ctx.group);
  if (cmd.kind === "unknown") {
    throw new AppError("unknown_command", {
      message: `unknown command ${cmd.command}`,
      userMessage: m.unknownCommand({ command: cmd.command, list: helpText(ctx.actor.role, "slash", ctx.lang, place) }),
    });
  }
  if (!usableIn(cmd.spec, place)) {
    const typed = cmd.style === "zh" ? `#${cmd.alias ?? cmd.spec.zh[0]}` : `/${cmd.name}`;
    throw new AppError("bad_request", {
      message: `${cmd.name} cannot be used in a ${place === "direct" ? "private chat" : "staff room"}`,
      userMessage: place === "direct" ? m.groupOnly({ command: typed, list: helpText(ctx.actor.role, cmd.style, ctx.lang, place) }) : m.residentsOnly({ command: typed }),
    });
  }
  authorize(ctx.actor, cmd.spec.action, {}, ctx.lang);
  return HANDLERS[cmd.name](ctx, cmd);
}
