// /help (#帮助): the commands this person may use.
import type { CommandHandler } from "./context.js";
import { helpText, placeOf } from "./table.js";

/** List the commands for the sender's role that work in this chat, in the style they typed. */
export const help: CommandHandler = async (ctx, cmd) => ({ reply: helpText(ctx.actor.role, cmd.style, ctx.lang, placeOf(ctx.group)), outbounds: [] });
