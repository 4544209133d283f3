// Bot commands, shared by every platform: slash forms (/resolve A0012 已修好) and WeChat's Chinese text forms
// (#办结 A0012 已修好). Parsing is pure; execution runs inside intake's transaction so replays are harmless.

import type { Platform } from "./ports/chat.js";
import { AppError } from "./infra/errors.js";
import { joinTags, splitTags } from "./groups.js";
import { categoryLabel, statusLabel, t, type Lang } from "./locale.js";
import { createOutbound } from "./outbox.js";
import {
  findTicket,
  OPEN_STATUSES,
  openTicket,
  parseTicketNumber,
  ticketDetail,
  ticketLang,
  ticketLine,
  transitionTicket,
  type LoadedTicket,
  type TicketStatus,
  type Tx,
} from "./tickets.js";
import { createBroadcast } from "./broadcast.js";
import { maskPersonal } from "./privacy.js";
import type { Detection } from "../nlp/index.js";

// === Parsing

/** Who may run a command. */
export type Role = "resident" | "grid_leader" | "admin";
const RANK: Record<Role, number> = { resident: 0, grid_leader: 1, admin: 2 };

/** One command: its slash name, Chinese names, who may run it, and usage for help. */
interface CommandSpec {
  name: CommandName;
  zh: string[];
  role: Role;
  usage: { slash: string; zh: string };
  help: { zh: string; en: string };
}

/** Every command Gridlink understands. */
export type CommandName =
  | "help" | "status" | "report" | "tickets" | "ticket" | "accept" | "progress" | "resolve" | "dismiss" | "broadcast" | "tag" | "enable" | "disable";

/** The command table: one place for names, aliases, roles and help text. */
export const COMMANDS: readonly CommandSpec[] = [
  { name: "help", zh: ["帮助"], role: "resident", usage: { slash: "/help", zh: "#帮助" }, help: { zh: "查看命令", en: "list commands" } },
  { name: "status", zh: ["进度", "查询"], role: "resident", usage: { slash: "/status [A0012]", zh: "#进度 [A0012]" }, help: { zh: "查看我的工单进度", en: "progress of my tickets" } },
  { name: "report", zh: ["报事", "报修"], role: "resident", usage: { slash: "/report 3栋楼道灯坏了", zh: "#报事 3栋楼道灯坏了" }, help: { zh: "直接登记一个问题", en: "report a problem explicitly" } },
  { name: "tickets", zh: ["工单"], role: "grid_leader", usage: { slash: "/tickets [open|all]", zh: "#工单 [全部]" }, help: { zh: "本群工单列表", en: "this group's tickets" } },
  { name: "ticket", zh: ["工单详情"], role: "grid_leader", usage: { slash: "/ticket A0012", zh: "#工单详情 A0012" }, help: { zh: "工单详情", en: "one ticket's details" } },
  { name: "accept", zh: ["受理"], role: "grid_leader", usage: { slash: "/accept A0012", zh: "#受理 A0012" }, help: { zh: "受理工单", en: "accept a ticket" } },
  { name: "progress", zh: ["进展"], role: "grid_leader", usage: { slash: "/progress A0012 电工已到场", zh: "#进展 A0012 电工已到场" }, help: { zh: "通报进展", en: "post progress" } },
  { name: "resolve", zh: ["办结"], role: "grid_leader", usage: { slash: "/resolve A0012 已恢复供电", zh: "#办结 A0012 已恢复供电" }, help: { zh: "办结工单并通知群", en: "resolve and tell the group" } },
  { name: "dismiss", zh: ["不是问题"], role: "grid_leader", usage: { slash: "/dismiss A0012", zh: "#不是问题 A0012" }, help: { zh: "标记为不是问题", en: "mark as not a complaint" } },
  { name: "broadcast", zh: ["通知"], role: "grid_leader", usage: { slash: "/broadcast [grid:网格|tag:标签] 内容", zh: "#通知 [grid:网格|tag:标签] 内容" }, help: { zh: "向各群发送通知", en: "send a notice to groups" } },
  { name: "tag", zh: ["标签"], role: "grid_leader", usage: { slash: "/tag 老旧小区 [-旧标签]", zh: "#标签 老旧小区 [-旧标签]" }, help: { zh: "给本群加标签", en: "tag this group" } },
  { name: "enable", zh: ["启用"], role: "grid_leader", usage: { slash: "/enable", zh: "#启用" }, help: { zh: "在本群启用", en: "turn Gridlink on here" } },
  { name: "disable", zh: ["停用"], role: "grid_leader", usage: { slash: "/disable", zh: "#停用" }, help: { zh: "在本群停用", en: "turn Gridlink off here" } },
];

const BY_SLASH = new Map(COMMANDS.map((c) => [c.name as string, c]));
BY_SLASH.set("start", BY_SLASH.get("help")!);
const BY_ZH = [...COMMANDS.flatMap((c) => c.zh.map((z) => [z, c] as const))].sort((a, b) => b[0].length - a[0].length);

/** A parsed command, or an unknown slash command (which gets the list of what exists). */
export type ParsedCommand =
  | { kind: "command"; spec: CommandSpec; name: CommandName; args: string; style: "slash" | "zh" }
  | { kind: "unknown"; command: string; style: "slash" };

/**
 * Parse a message as a command. `/name@Bot args` (the @Bot suffix is dropped; gateways drop commands addressed
 * to another bot) and `#中文名 args` or `＃中文名args`. A `#` followed by an unknown word is ordinary text.
 */
export function parseCommand(text: string): ParsedCommand | undefined {
  const s = text.trim();
  const slash = /^\/([A-Za-z_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(s);
  if (slash) {
    const spec = BY_SLASH.get(slash[1].toLowerCase());
    if (!spec) return { kind: "unknown", command: `/${slash[1]}`, style: "slash" };
    return { kind: "command", spec, name: spec.name, args: (slash[2] ?? "").trim(), style: "slash" };
  }
  if (s.startsWith("#") || s.startsWith("＃")) {
    const body = s.slice(1);
    for (const [zh, spec] of BY_ZH) {
      if (body.startsWith(zh)) {
        const rest = body.slice(zh.length);
        // "#工单详情" must not read as "#工单" + "详情": require a break or a ticket-number-like argument.
        if (rest && !/^[\s:：]/.test(rest) && !/^[A-Za-z]?\d/.test(rest) && spec.name !== "report") continue;
        return { kind: "command", spec, name: spec.name, args: rest.replace(/^[\s:：]+/, "").trim(), style: "zh" };
      }
    }
  }
  return undefined;
}

// === Execution

/** Everything a command runs with; `tx` is intake's transaction. */
export interface CommandContext {
  tx: Tx;
  platform: Platform;
  group: { id: number; platform: string; chatId: string; title: string; grid: string | null; tags: string; enabled: boolean };
  resident: { id: number; displayName: string; userId: string };
  staff: { role: string; grid: string | null; name: string | null } | null;
  /** The stored command message (its row id keys every outbound it creates). */
  messageRowId: number;
  messageId: string;
  lang: Lang;
  ticketPrefix: string;
  /** Classify a /report text (for its category). */
  detect(text: string): Detection;
  /** Seconds per message of a platform's pace, for broadcast ETAs. */
  paceSeconds(platform: string): number;
}

/** What a command produced: a reply to the person (or nothing), and every outbound row to queue. */
export interface CommandResult {
  reply?: string;
  outbounds: number[];
}

const roleOf = (ctx: CommandContext): Role => (ctx.staff?.role === "admin" ? "admin" : ctx.staff?.role === "grid_leader" ? "grid_leader" : "resident");

/** Help text for a role and platform style: residents see theirs, staff see everything. */
export function helpText(role: Role, style: "slash" | "zh", lang: Lang): string {
  const m = t(lang);
  const line = (c: CommandSpec) => `${style === "zh" ? c.usage.zh : c.usage.slash} — ${c.help[lang]}`;
  const mine = COMMANDS.filter((c) => c.role === "resident").map(line);
  const staff = COMMANDS.filter((c) => c.role !== "resident").map(line);
  return [m.helpResident, ...mine, ...(RANK[role] >= RANK.grid_leader ? [m.helpStaff, ...staff] : [])].join("\n");
}

/** Run a parsed command. Throws AppError with a userMessage for refusals; the caller replies with it. */
export async function runCommand(ctx: CommandContext, cmd: ParsedCommand): Promise<CommandResult> {
  const m = t(ctx.lang);
  const role = roleOf(ctx);
  if (cmd.kind === "unknown") {
    throw new AppError("unknown_command", { message: `unknown command ${cmd.command}`, userMessage: m.unknownCommand({ command: cmd.command, list: helpText(role, "slash", ctx.lang) }) });
  }
  if (RANK[role] < RANK[cmd.spec.role]) {
    throw new AppError("forbidden", { message: `${ctx.resident.displayName} (${role}) may not run ${cmd.name}`, userMessage: m.notAllowed });
  }
  const usage = cmd.style === "zh" ? cmd.spec.usage.zh : cmd.spec.usage.slash;
  const actor = ctx.staff?.name || ctx.resident.displayName;
  const outbounds: number[] = [];
  const { tx } = ctx;

  const needTicket = async (raw: string | undefined): Promise<LoadedTicket> => {
    const number = parseTicketNumber(raw, ctx.ticketPrefix);
    if (!number) throw new AppError("bad_request", { message: "ticket number missing", userMessage: m.needTicketNumber({ usage }) });
    const ticket = await findTicket(tx, number);
    if (!ticket) throw new AppError("not_found", { message: `ticket ${number} not found`, userMessage: m.ticketNotFound({ number }) });
    return ticket;
  };
  const inScope = (ticket: LoadedTicket) => {
    if (role === "admin" || !ctx.staff?.grid) return;
    if (ticket.group.grid !== ctx.staff.grid) throw new AppError("forbidden", { message: "ticket outside the leader's grid", userMessage: m.outOfScope({ number: ticket.number }) });
  };
  /** A leader with a grid manages the groups of that grid only (listing, tagging, switching on and off). */
  const groupInScope = () => {
    if (role !== "grid_leader" || !ctx.staff?.grid || ctx.group.grid === ctx.staff.grid) return;
    throw new AppError("forbidden", { message: "group outside the leader's grid", userMessage: m.groupOutOfScope });
  };
  /** Tell the ticket's group (and its reporter) about a change. */
  const notifyGroup = async (ticket: LoadedTicket, kind: string, text: string) => {
    outbounds.push(
      await createOutbound(tx, {
        key: `notify-${ctx.messageRowId}-${ticket.id}-${kind}`,
        platform: ticket.group.platform as Platform,
        groupId: ticket.groupId,
        kind: "notify",
        text,
        ticketId: ticket.id,
        sourceMessageId: ctx.messageRowId,
        replyTo: ticket.sourceMessage ? { messageId: ticket.sourceMessage.messageId, senderName: ticket.reporter.displayName, excerpt: maskPersonal(ticket.text.slice(0, 30)) } : undefined,
        mention: { userId: ticket.reporter.userId, name: ticket.reporter.displayName },
      }),
    );
  };
  const [first, ...restWords] = cmd.args.split(/\s+/);
  const rest = restWords.join(" ").trim();

  switch (cmd.name) {
    case "help":
      return { reply: helpText(role, cmd.style, ctx.lang), outbounds };

    case "status": {
      if (cmd.args) {
        const ticket = await needTicket(first);
        const visible = ticket.reporterId === ctx.resident.id || ticket.groupId === ctx.group.id || role !== "resident";
        if (!visible) throw new AppError("not_found", { message: "not the resident's ticket", userMessage: m.ticketNotFound({ number: ticket.number }) });
        return { reply: ticketDetail(ticket, ctx.lang), outbounds };
      }
      const mine = await tx.ticket.findMany({ where: { reporterId: ctx.resident.id, status: { in: OPEN_STATUSES } }, orderBy: { id: "desc" }, take: 10 });
      if (mine.length === 0) return { reply: m.noOpenTickets, outbounds };
      return { reply: [m.yourTickets, ...mine.map((tk) => ticketLine(tk, ctx.lang))].join("\n"), outbounds };
    }

    case "report": {
      if (!cmd.args) throw new AppError("bad_request", { message: "report text missing", userMessage: m.needText({ usage }) });
      const d = ctx.detect(cmd.args);
      const ticket = await openTicket(tx, {
        prefix: ctx.ticketPrefix,
        groupId: ctx.group.id,
        reporterId: ctx.resident.id,
        sourceMessageId: ctx.messageRowId,
        text: cmd.args,
        category: d.category ?? "other",
        severity: Math.max(1, d.severity || 1),
        keywords: [...new Set(d.keywords.map((k) => k.term))],
        origin: "report",
        actor: `resident:${ctx.resident.displayName}`,
      });
      return { reply: m.ticketReported({ number: ticket.number, category: categoryLabel(ticket.category, ctx.lang) }), outbounds };
    }

    case "tickets": {
      groupInScope();
      const all = /^(all|全部|所有)$/i.test(first ?? "");
      const where = { groupId: ctx.group.id, ...(all ? {} : { status: { in: OPEN_STATUSES } }) };
      const [count, list] = await Promise.all([tx.ticket.count({ where }), tx.ticket.findMany({ where, orderBy: { id: "desc" }, take: 10 })]);
      const scope = all ? m.scopeAll : m.scopeOpen;
      if (count === 0) return { reply: m.noGroupTickets({ scope }), outbounds };
      return { reply: [m.groupTickets({ scope, count }), ...list.map((tk) => ticketLine(tk, ctx.lang))].join("\n"), outbounds };
    }

    case "ticket": {
      const ticket = await needTicket(first);
      inScope(ticket);
      return { reply: ticketDetail(ticket, ctx.lang), outbounds };
    }

    case "accept":
    case "progress":
    case "resolve":
    case "dismiss": {
      const ticket = await needTicket(first);
      inScope(ticket);
      const note = rest || undefined;
      if ((cmd.name === "progress" || cmd.name === "resolve") && !note) {
        throw new AppError("bad_request", { message: "note missing", userMessage: m.needText({ usage }) });
      }
      const to: TicketStatus = { accept: "accepted", progress: "in_progress", resolve: "resolved", dismiss: "dismissed" }[cmd.name] as TicketStatus;
      await transitionTicket(tx, ticket, to, `staff:${actor}`, note, ctx.lang);
      const gl = ticketLang(ticket);
      const gm = t(gl);
      if (cmd.name === "accept") await notifyGroup(ticket, "accepted", gm.accepted({ number: ticket.number, actor }));
      if (cmd.name === "progress") await notifyGroup(ticket, "progress", gm.progress({ number: ticket.number, note: note! }));
      if (cmd.name === "resolve") await notifyGroup(ticket, "resolved", gm.resolved({ number: ticket.number, note: note!.replace(/[。.]$/, "") }));
      // Tell the leader too, unless the notice already lands in the group they are typing in.
      const sameGroup = ticket.groupId === ctx.group.id && cmd.name !== "dismiss";
      return { reply: sameGroup ? undefined : cmd.name === "dismiss" ? m.dismissed({ number: ticket.number }) : m.done({ number: ticket.number, status: statusLabel(to, ctx.lang) }), outbounds };
    }

    case "broadcast": {
      let scope = "all";
      let text = cmd.args;
      const scoped = /^(grid|tag|网格|标签)[:：](\S+)\s+([\s\S]+)$/.exec(cmd.args);
      if (scoped) {
        scope = `${scoped[1] === "grid" || scoped[1] === "网格" ? "grid" : "tag"}:${scoped[2]}`;
        text = scoped[3].trim();
      } else if (role !== "admin" && ctx.staff?.grid) {
        scope = `grid:${ctx.staff.grid}`; // a leader's notice goes to their own grid unless they say otherwise
      }
      if (!text) throw new AppError("bad_request", { message: "broadcast text missing", userMessage: m.needText({ usage }) });
      if (role !== "admin" && ctx.staff?.grid && scope.startsWith("grid:") && scope !== `grid:${ctx.staff.grid}`) {
        throw new AppError("forbidden", { message: "leader broadcasting outside their grid", userMessage: m.notAllowed });
      }
      // A leader's notice never leaves their grid, whatever the scope (tag:… is narrowed to the grid too).
      const grid = role !== "admin" ? ctx.staff?.grid ?? undefined : undefined;
      const b = await createBroadcast(tx, { text, scope, grid, actor: `staff:${actor}`, sourceMessageId: ctx.messageRowId });
      outbounds.push(...b.outboundIds);
      if (b.outboundIds.length === 0) return { reply: m.broadcastNoGroups, outbounds };
      const seconds = b.perPlatform.reduce((max, p) => Math.max(max, p.count * ctx.paceSeconds(p.platform)), 0);
      return { reply: m.broadcastQueued({ id: b.id, groups: b.outboundIds.length, minutes: Math.ceil(seconds / 60) }), outbounds };
    }

    case "tag": {
      groupInScope();
      const tags = new Set(splitTags(ctx.group.tags));
      for (const word of cmd.args.split(/[\s,，]+/).filter(Boolean)) {
        if (word.startsWith("-")) tags.delete(word.slice(1).toLowerCase());
        else tags.add(word.toLowerCase());
      }
      const joined = joinTags(tags);
      await tx.group.update({ where: { id: ctx.group.id }, data: { tags: joined } });
      return { reply: m.tagged({ tags: joined.replaceAll(",", "、") }), outbounds };
    }

    case "enable":
    case "disable":
      groupInScope();
      await tx.group.update({ where: { id: ctx.group.id }, data: { enabled: cmd.name === "enable" } });
      return { reply: cmd.name === "enable" ? m.enabled : m.disabled, outbounds };
  }
}
