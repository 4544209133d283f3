// The chat command table, shared by every platform: slash forms (/resolve A0012 已修好) and WeChat's Chinese text
// forms (#办结 A0012 已修好). One row per command — names, aliases, the action it needs, usage and help —
// and a pure parser. Each command's handler is its own file next to this one (see index.ts).

import { atLeast, type Action, type Role } from "../../policy/authorize.js";
import { t, type Lang } from "../../locale.js";

/** Every command Gridlink understands. */
export type CommandName =
  | "help" | "status" | "report" | "tickets" | "ticket" | "accept" | "progress" | "resolve" | "dismiss" | "broadcast" | "poll" | "tag" | "enable" | "disable"
  | "dispatch" | "escalate" | "merge" | "rate" | "publish" | "reopen" | "staffroom" | "points" | "split";

/** One command: its slash name, Chinese names, the least role and the policy action it needs, usage and help. */
export interface CommandSpec {
  name: CommandName;
  zh: string[];
  role: Role;
  action: Action;
  usage: { slash: string; zh: string };
  help: { zh: string; en: string };
  /**
   * Where it may be typed. `group`: it acts on the group it is typed in (its settings, its tickets, its grid), so
   * not in a private chat with the bot; `residents`: a residents' group only (a ticket's home is where its reporters
   * hear back), so neither in a private chat nor in a staff room. @defaultValue anywhere
   */
  where?: "group" | "residents";
}

/** The kind of chat a command is typed in. */
export type ChatPlace = "residents" | "staffRoom" | "direct";

/** The kind of chat a group row is. */
export const placeOf = (g: { direct?: boolean; staffRoom?: boolean }): ChatPlace => (g.direct ? "direct" : g.staffRoom ? "staffRoom" : "residents");

/** Whether a command may be typed in this kind of chat. */
export const usableIn = (spec: CommandSpec, place: ChatPlace): boolean =>
  spec.where === undefined || (spec.where === "group" ? place !== "direct" : place === "residents");

/** The command table. */
export const COMMANDS: readonly CommandSpec[] = [
  { name: "help", zh: ["帮助"], role: "resident", action: "command.resident", usage: { slash: "/help", zh: "#帮助" }, help: { zh: "查看命令", en: "list commands" } },
  { name: "status", zh: ["进度", "查询"], role: "resident", action: "command.resident", usage: { slash: "/status [A0012]", zh: "#进度 [A0012]" }, help: { zh: "查看我的工单进度", en: "progress of my tickets" } },
  { name: "report", where: "residents", zh: ["报事", "报修"], role: "resident", action: "command.resident", usage: { slash: "/report 3栋楼道灯坏了", zh: "#报事 3栋楼道灯坏了" }, help: { zh: "直接登记一个问题", en: "report a problem explicitly" } },
  { name: "split", zh: ["拆分"], role: "grid_leader", action: "ticket.transition", usage: { slash: "/split A0012 2", zh: "#拆分 A0012 2" }, help: { zh: "把第几位反映人从工单拆出，另立工单", en: "part a reporter off a ticket into their own" } },
  { name: "points", where: "group", zh: ["积分"], role: "resident", action: "command.resident", usage: { slash: "/points", zh: "#积分" }, help: { zh: "查看我的积分和排名", en: "my points and rank" } },
  { name: "tickets", where: "group", zh: ["工单"], role: "grid_leader", action: "ticket.list", usage: { slash: "/tickets [open|all]", zh: "#工单 [全部]" }, help: { zh: "本群工单列表", en: "this group's tickets" } },
  { name: "ticket", zh: ["工单详情"], role: "grid_leader", action: "ticket.read", usage: { slash: "/ticket A0012", zh: "#工单详情 A0012" }, help: { zh: "工单详情", en: "one ticket's details" } },
  { name: "accept", zh: ["受理"], role: "grid_leader", action: "ticket.transition", usage: { slash: "/accept A0012", zh: "#受理 A0012" }, help: { zh: "受理工单", en: "accept a ticket" } },
  { name: "progress", zh: ["进展"], role: "grid_leader", action: "ticket.transition", usage: { slash: "/progress A0012 电工已到场", zh: "#进展 A0012 电工已到场" }, help: { zh: "通报进展", en: "post progress" } },
  { name: "resolve", zh: ["办结"], role: "grid_leader", action: "ticket.transition", usage: { slash: "/resolve A0012 已恢复供电", zh: "#办结 A0012 已恢复供电" }, help: { zh: "办结工单并通知群", en: "resolve and tell the group" } },
  { name: "dismiss", zh: ["不是问题"], role: "grid_leader", action: "ticket.transition", usage: { slash: "/dismiss A0012", zh: "#不是问题 A0012" }, help: { zh: "标记为不是问题", en: "mark as not a complaint" } },
  { name: "dispatch", zh: ["派单"], role: "grid_leader", action: "ticket.dispatch", usage: { slash: "/dispatch A0012 [处理人]", zh: "#派单 A0012 [处理人]" }, help: { zh: "派单给处理人（不写则按网格规则）", en: "dispatch to a staff member (none: the grid's rule)" } },
  { name: "escalate", zh: ["上报"], role: "grid_leader", action: "ticket.escalate", usage: { slash: "/escalate A0012 原因", zh: "#上报 A0012 原因" }, help: { zh: "上报上一级处理", en: "escalate to the next tier" } },
  { name: "merge", zh: ["合并"], role: "grid_leader", action: "ticket.transition", usage: { slash: "/merge A0013 A0012", zh: "#合并 A0013 A0012" }, help: { zh: "把重复工单并入另一张", en: "merge a duplicate into another ticket" } },
  { name: "publish", zh: ["晒单"], role: "grid_leader", action: "ticket.transition", usage: { slash: "/publish A0012", zh: "#晒单 A0012" }, help: { zh: "公开办理结果", en: "publish the outcome" } },
  { name: "reopen", zh: ["重新打开"], role: "grid_leader", action: "ticket.transition", usage: { slash: "/reopen A0012 原因", zh: "#重新打开 A0012 原因" }, help: { zh: "重新打开工单", en: "reopen a ticket" } },
  { name: "rate", zh: ["评价"], role: "resident", action: "command.resident", usage: { slash: "/rate A0012 4", zh: "#评价 A0012 4" }, help: { zh: "给办结的工单打分（1–5）", en: "rate a resolved ticket (1–5)" } },
  { name: "staffroom", where: "group", zh: ["工作群"], role: "grid_leader", action: "group.update", usage: { slash: "/staffroom [off]", zh: "#工作群 [关闭]" }, help: { zh: "把本群设为本网格的工作群", en: "make this group the grid's staff room" } },
  { name: "broadcast", zh: ["通知", "紧急通知"], role: "grid_leader", action: "broadcast.create", usage: { slash: "/broadcast [grid:网格|community:社区|street:街道|tag:标签|platform:微信] [--urgent] [--at \"12-02 08:00\"] 内容 | /broadcast pause|resume|cancel|status B12", zh: "#通知 [网格:名称|社区:名称|街道:名称|标签:名称] 内容（#紧急通知 优先发送）" }, help: { zh: "向各群发送通知", en: "send a notice to groups" } },
  { name: "poll", zh: ["投票"], role: "grid_leader", action: "poll.create", usage: { slash: "/poll [grid:网格] 问题？| 选项1 | 选项2 --until \"12-05 18:00\" | /poll results P3", zh: "#投票 问题？| 选项1 | 选项2 --until \"12-05 18:00\"（#投票 结果 P3 查看票数）" }, help: { zh: "发起社区投票（居民回复编号投票，截止后公布结果）", en: "start a poll (residents reply with a number; results at the deadline)" } },
  { name: "tag", where: "group", zh: ["标签"], role: "grid_leader", action: "group.update", usage: { slash: "/tag 老旧小区 [-旧标签]", zh: "#标签 老旧小区 [-旧标签]" }, help: { zh: "给本群加标签", en: "tag this group" } },
  { name: "enable", where: "group", zh: ["启用"], role: "grid_leader", action: "group.update", usage: { slash: "/enable", zh: "#启用" }, help: { zh: "在本群启用", en: "turn Gridlink on here" } },
  { name: "disable", where: "group", zh: ["停用"], role: "grid_leader", action: "group.update", usage: { slash: "/disable", zh: "#停用" }, help: { zh: "在本群停用", en: "turn Gridlink off here" } },
];

const BY_SLASH = new Map(COMMANDS.map((c) => [c.name as string, c]));
BY_SLASH.set("start", BY_SLASH.get("help")!);
const BY_ZH = [...COMMANDS.flatMap((c) => c.zh.map((z) => [z, c] as const))].sort((a, b) => b[0].length - a[0].length);

/** A parsed command, or an unknown slash command (which gets the list of what exists). */
export type ParsedCommand =
  | { kind: "command"; spec: CommandSpec; name: CommandName; args: string; style: "slash" | "zh"; /** The name as typed (#紧急通知 vs #通知). */ alias?: string }
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
        return { kind: "command", spec, name: spec.name, args: rest.replace(/^[\s:：]+/, "").trim(), style: "zh", alias: zh };
      }
    }
  }
  return undefined;
}

/** Help text for a role and platform style: residents see theirs, staff see everything. Starts with its own heading. */
export function helpText(role: Role, style: "slash" | "zh", lang: Lang, place?: ChatPlace): string {
  const m = t(lang);
  const line = (c: CommandSpec) => `${style === "zh" ? c.usage.zh : c.usage.slash} — ${c.help[lang]}`;
  const here = place === undefined ? COMMANDS : COMMANDS.filter((c) => usableIn(c, place));
  const mine = here.filter((c) => c.role === "resident").map(line);
  const staff = here.filter((c) => c.role !== "resident").map(line);
  return [m.helpResident, ...mine, ...(atLeast(role, "grid_leader") ? [m.helpStaff, ...staff] : [])].join("\n");
}
