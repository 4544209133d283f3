// The language of a command's reply. Command words, ticket/broadcast/poll ids and keywords (open, off, status,
// results, pause…) are Latin in every language, so they say nothing about the author's: only the free text a
// command carries (a notice's body, a poll's question, a progress note, a report) does. No free text: Chinese,
// the product's default (no group or sender language is stored to follow).
import { langOf, type Lang } from "../../locale.js";
import { controlOf, parseNoticeArgs } from "./broadcast.js";
import { splitArgs } from "./context.js";
import { RESULTS } from "./poll.js";
import type { ParsedCommand } from "./table.js";
import { inputOf } from "./transition.js";
import type { TicketActionName } from "../../tickets/actions.js";

/** The free text a command carries (may be empty). */
export function freeTextOf(cmd: ParsedCommand): string {
  if (cmd.kind !== "command") return "";
  const args = cmd.args;
  switch (cmd.name) {
    case "report":
    case "tag":
      return args;
    case "broadcast":
      return controlOf(args) ? "" : parseNoticeArgs(args).text;
    case "poll":
      return RESULTS.test(args) ? "" : parseNoticeArgs(args, false, ["until"]).text;
    case "accept":
    case "progress":
    case "resolve":
    case "dismiss":
    case "dispatch":
    case "escalate":
    case "merge":
    case "rate":
    case "publish":
    case "reopen":
      // After the ticket number; a dispatch's assignee, a merge's target and a rating are not free text.
      return inputOf(cmd.name as TicketActionName, splitArgs(args).rest).note ?? "";
    default:
      // help, status, tickets, ticket, points, split, staffroom, enable, disable: ids and keywords only.
      return "";
  }
}

/** The reply language of a command: its free text's, else Chinese. */
export const commandLang = (cmd: ParsedCommand): Lang => {
  let text: string;
  try {
    text = freeTextOf(cmd);
  } catch {
    // A flag the handler will refuse (a bad --at): judge the words around it.
    text = cmd.kind === "command" ? cmd.args.replace(/--[\w-]+(?:\s+(?:"[^"]*"|\S+))?/g, " ") : "";
  }
  return /[A-Za-z]{2,}/.test(text) ? langOf(text) : "zh";
};
