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
import { helpText, type ParsedCommand } from "./table.js";
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

/** Run a parsed command: unknown → the list of what exists; not allowed → why; else its handler. */
export async function runCommand(ctx: CommandContext, cmd: ParsedCommand): Promise<CommandResult> {
  if (cmd.kind === "unknown") {
    throw new AppError("unknown_command", {
      message: `unknown command ${cmd.command}`,
      userMessage: t(ctx.lang).unknownCommand({ command: cmd.command, list: helpText(ctx.actor.role, "slash", ctx.lang) }),
    });
  }
  authorize(ctx.actor, cmd.spec.action, {}, ctx.lang);
  return HANDLERS[cmd.name](ctx, cmd);
}
