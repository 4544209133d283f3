// What every chat command handler runs with, and the two helpers most of them need.

import type { Detection } from "../../../nlp/index.js";
import type { CycleSettings } from "../../tickets/cycle-settings.js";
import type { FollowUp } from "../../broadcasts/control-broadcast.js";
import type { TicketFollowUp } from "../../tickets/actions.js";
import type { SendingPace } from "../../broadcasts/sending-pace.js";
import { AppError } from "../../infra/errors.js";
import type { Group, TicketDetail, Tx } from "../../infra/rows.js";
import { t, type Lang } from "../../locale.js";
import type { Actor } from "../../policy/authorize.js";
import { findTicket } from "../../tickets/find-tickets.js";
import { parseTicketNumber } from "../../tickets/ticket-number.js";
import type { CommandName, ParsedCommand } from "./table.js";

/** Everything a command runs with; `tx` is intake's transaction (so a replayed message changes nothing twice). */
export interface CommandContext {
  tx: Tx;
  actor: Actor;
  /** The group the command was typed in. */
  group: Group;
  resident: { id: number; displayName: string; userId: string };
  /** The stored command message (its row id keys every outbound it creates). */
  messageRowId: number;
  lang: Lang;
  ticketPrefix: string;
  /** Classify a /report text (for its category). */
  detect(text: string): Detection;
  /** The paces the gateways publish (broadcast ETAs). */
  sendingPaces(): Promise<Partial<Record<string, SendingPace>>>;
  /** The residents' side settings of the ticket cycle (points, auto-publish). @defaultValue DEFAULT_CYCLE_SETTINGS */
  cycleSettings?: CycleSettings;
  /** How long a broadcast preview waits for 「确认」. @defaultValue CONFIRM_TTL_MS */
  confirmTtlMs?: number;
}

/** A parsed, known command. */
export type KnownCommand = Extract<ParsedCommand, { kind: "command" }>;

/** What a command produced: a reply to the person (or nothing), and every outbound row to queue. */
export interface CommandResult {
  reply?: string;
  outbounds: number[];
  /** Queue work to do once the command's transaction committed (a broadcast's start, resume, schedule). */
  followUp?: FollowUp;
  /** Ticket work to do once committed (re-arm SLA clocks, file to the hotline). */
  ticketFollowUps?: TicketFollowUp[];
}

/** One command's handler: parse its arguments, call a service, format the reply. */
export type CommandHandler = (ctx: CommandContext, cmd: KnownCommand) => Promise<CommandResult>;

/** The command's usage line in the style it was typed in. */
export const usageOf = (cmd: KnownCommand): string => (cmd.style === "zh" ? cmd.spec.usage.zh : cmd.spec.usage.slash);

/** The first word of the arguments and the rest. */
export function splitArgs(args: string): { first: string | undefined; rest: string } {
  const [first, ...restWords] = args.split(/\s+/);
  return { first: first || undefined, rest: restWords.join(" ").trim() };
}

/** The ticket a command names, or a refusal that says what is missing or unknown. */
export async function needTicket(ctx: CommandContext, cmd: KnownCommand, raw: string | undefined): Promise<TicketDetail> {
  const m = t(ctx.lang);
  const number = parseTicketNumber(raw, ctx.ticketPrefix);
  if (!number) throw new AppError("bad_request", { message: "ticket number missing", userMessage: m.needTicketNumber({ usage: usageOf(cmd) }) });
  const ticket = await findTicket({ db: ctx.tx, number });
  if (!ticket) throw new AppError("not_found", { message: `ticket ${number} not found`, userMessage: m.ticketNotFound({ number }) });
  return ticket;
}

/** A handler's name for the table. */
export type Handlers = Record<CommandName, CommandHandler>;
