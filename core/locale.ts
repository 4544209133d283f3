// Every user-facing string, zh-CN first and English second. Category names come from nlp's labels.

import { CATEGORY_LABELS } from "../nlp/categories.js";
import type { Category } from "../nlp/types.js";

/** A reply language: Chinese by default, English for English-speaking groups. */
export type Lang = "zh" | "en";

/** Pick the reply language from the resident's own text: any CJK → Chinese; Latin only → English. */
export function langOf(text: string): Lang {
  if (/[\u3400-\u9fff]/.test(text)) return "zh";
  return /[A-Za-z]/.test(text) ? "en" : "zh";
}

/** Ticket statuses through the 六单 cycle. */
export const STATUS_LABELS: Record<string, { zh: string; en: string }> = {
  open: { zh: "已接单", en: "received" },
  dispatched: { zh: "已派单", en: "dispatched" },
  accepted: { zh: "已受理", en: "accepted" },
  in_progress: { zh: "处理中", en: "in progress" },
  resolved: { zh: "已办结", en: "resolved" },
  rated: { zh: "已评价", en: "rated" },
  published: { zh: "已公开", en: "published" },
  dismissed: { zh: "不是问题", en: "not a complaint" },
  merged: { zh: "已合并", en: "merged" },
  escalated: { zh: "已上报", en: "escalated" },
  reopened: { zh: "已重新打开", en: "reopened" },
};

/** Ticket actions (the doors of the cycle) as people read them, for "possible now: …". */
export const ACTION_LABELS: Record<string, { zh: string; en: string }> = {
  dispatch: { zh: "派单", en: "dispatch" },
  accept: { zh: "受理", en: "accept" },
  progress: { zh: "进展", en: "progress" },
  resolve: { zh: "办结", en: "resolve" },
  dismiss: { zh: "不是问题", en: "dismiss" },
  merge: { zh: "合并", en: "merge" },
  escalate: { zh: "上报", en: "escalate" },
  rate: { zh: "评价", en: "rate" },
  publish: { zh: "晒单", en: "publish" },
  reopen: { zh: "重新打开", en: "reopen" },
  split: { zh: "拆分", en: "split" },
};

/** The label of an action. */
export const actionLabel = (action: string, lang: Lang): string => ACTION_LABELS[action]?.[lang] ?? action;

/** Tiers of the organisation a ticket climbs (grid → community → street → district → the 12345 hotline). */
export const TIER_LABELS: Record<string, { zh: string; en: string }> = {
  grid: { zh: "网格", en: "grid" },
  community: { zh: "社区", en: "community" },
  street: { zh: "街道", en: "street" },
  district: { zh: "区", en: "district" },
  hotline: { zh: "12345热线", en: "the 12345 hotline" },
};

/** The label of a tier. */
export const tierLabel = (tier: string, lang: Lang): string => TIER_LABELS[tier]?.[lang] ?? tier;

/** The display name of a category in a language (falls back to the code). */
export function categoryLabel(category: string, lang: Lang): string {
  return CATEGORY_LABELS[category as Category]?.[lang] ?? category;
}

/** The display name of a status. */
export const statusLabel = (status: string, lang: Lang): string => STATUS_LABELS[status]?.[lang] ?? status;

/** Strings by language; functions take the facts they show. */
export const messages = {
  zh: {
    ticketOpened: (p: { keyword: string; category: string; number: string }) =>
      `收到，您反映的【${p.keyword}】问题已登记为工单 #${p.number}（${p.category}），网格员会尽快处理。`,
    ticketReported: (p: { number: string; category: string }) =>
      `收到，已为您登记工单 #${p.number}（${p.category}），网格员会尽快处理。`,
    accepted: (p: { number: string; actor: string }) => `您的工单 #${p.number} 已受理，处理人：${p.actor}。`,
    progress: (p: { number: string; note: string }) => `工单 #${p.number} 有新进展：${p.note}`,
    resolved: (p: { number: string; note: string }) => `工单 #${p.number} 已办结：${p.note}。如仍有问题，请发送 #进度 ${p.number} 或直接回复。`,
    dismissed: (p: { number: string }) => `工单 #${p.number} 已标记为“不是问题”并关闭。`,
    done: (p: { number: string; status: string }) => `已更新：工单 #${p.number} → ${p.status}。`,
    noOpenTickets: "您目前没有未办结的工单。",
    yourTickets: "您的工单：",
    groupTickets: (p: { scope: string; count: number }) => `本群${p.scope}工单共 ${p.count} 张：`,
    noGroupTickets: (p: { scope: string }) => `本群没有${p.scope}工单。`,
    scopeOpen: "未办结",
    scopeAll: "",
    ticketNotFound: (p: { number: string }) => `没有找到工单 #${p.number}。`,
    ticketLine: (p: { number: string; category: string; status: string; text: string }) => `#${p.number}【${p.category}】${p.status}：${p.text}`,
    ticketDetail: (p: { number: string; category: string; status: string; text: string; reporter: string; created: string }) =>
      `工单 #${p.number}【${p.category}】${p.status}\n反映人：${p.reporter}（${p.created}）\n内容：${p.text}`,
    eventLine: (p: { at: string; status: string; note: string }) => `· ${p.at} ${p.status}${p.note ? "：" + p.note : ""}`,
    needTicketNumber: (p: { usage: string }) => `请提供工单号，例如：${p.usage}`,
    needText: (p: { usage: string }) => `请写上内容，例如：${p.usage}`,
    badTransition: (p: { number: string; status: string; action?: string; possible?: string[] }) =>
      `工单 #${p.number} 当前状态为“${p.status}”，不能${p.action ?? "执行此操作"}。` + (p.possible === undefined ? "" : p.possible.length ? `现在可以：${p.possible.join("、")}。` : "此工单已结束，不能再操作。"),
    // === Ticket cycle (issue 12)
    dispatchedGroup: (p: { number: string; assignee: string }) => `您反映的问题（工单 #${p.number}）已派给 ${p.assignee} 处理。`,
    escalatedGroup: (p: { number: string; tier: string }) => `工单 #${p.number} 已上报${p.tier}处理，我们会继续跟进。`,
    reopenedGroup: (p: { number: string }) => `工单 #${p.number} 已重新打开，网格员会继续处理。`,
    assignedToYou: (p: { number: string; category: string; group: string; text: string; due: string }) =>
      `新派单 #${p.number}【${p.category}】来自“${p.group}”：${p.text}\n请在 ${p.due}内受理：/accept ${p.number}`,
    offeredToYou: (p: { number: string; category: string; group: string; text: string; due: string }) =>
      `待接工单 #${p.number}【${p.category}】来自“${p.group}”：${p.text}\n先受理者负责，请在 ${p.due}内受理：/accept ${p.number}`,
    escalatedToYou: (p: { number: string; category: string; tier: string; reason: string; text: string; due: string }) =>
      `工单 #${p.number}【${p.category}】已上报至${p.tier}：${p.reason}\n内容：${p.text}\n请在 ${p.due}内受理：/accept ${p.number}`,
    slaWarning: (p: { number: string; phase: string; due: string }) => `提醒：工单 #${p.number} 的${p.phase}时限将于 ${p.due} 到期。`,
    slaBreached: (p: { number: string; phase: string; tier: string }) => `工单 #${p.number} ${p.phase}超时，已自动上报至${p.tier}。`,
    phaseAccept: "受理",
    phaseResolve: "办结",
    dispatchedTo: (p: { number: string; assignee: string }) => `已派单：工单 #${p.number} → ${p.assignee}。`,
    needAssignee: (p: { usage: string }) => `请写上处理人，例如：${p.usage}`,
    noSuchStaff: (p: { name: string }) => `没有找到工作人员“${p.name}”。`,
    assigneeOutOfGrid: (p: { name: string; number: string }) => `${p.name} 不负责工单 #${p.number} 所在的网格。`,
    noLeaderToDispatch: (p: { number: string }) => `工单 #${p.number} 所在网格没有网格员，请手动派单：/dispatch ${p.number} 处理人`,
    escalatedTo: (p: { number: string; tier: string }) => `已上报：工单 #${p.number} → ${p.tier}。`,
    escalateTop: (p: { number: string }) => `工单 #${p.number} 已在12345热线，不能再上报。`,
    needMergeTarget: (p: { usage: string }) => `请写上要并入的工单号，例如：${p.usage}`,
    mergeIntoSelf: "不能把工单并入它自己。",
    mergedInto: (p: { number: string; into: string }) => `已合并：工单 #${p.number} 并入 #${p.into}。`,
    needRating: (p: { usage: string }) => `请写上评分（1–5），例如：${p.usage}`,
    staffRoomOn: "本群已设为工作群：本网格的派单和超时提醒会发到这里。",
    staffRoomOff: "本群已不再是工作群。",
    groupOnly: (p: { command: string; list: string }) => `${p.command} 要在群里发送：它作用于发送它的那个群，私聊里不能用。\n私聊里可以用的命令：\n${p.list}`,
    residentsOnly: (p: { command: string }) => `工作群里不登记报事：${p.command} 请在居民群里发送（工单的进展和评价都在那个群里告诉反映人）。`,
    notAllowed: "抱歉，这个命令只有网格员或管理员可以使用。如需帮助，请发送 #帮助。",
    outOfScope: (p: { number: string }) => `工单 #${p.number} 不在您负责的网格内。`,
    groupOutOfScope: "本群不在您负责的网格内。",
    unknownCommand: (p: { command: string; list: string }) => `没有 ${p.command} 这个命令。\n${p.list}`,
    broadcastOutOfGrid: (p: { grid: string }) => `您只能向自己负责的网格（${p.grid}）发送通知，这个范围不在您的网格内。`,
    helpResident: "可用命令：",
    helpStaff: "网格员命令：",
    broadcastQueued: (p: { id: number; groups: number; minutes: number }) =>
      `通知 #B${p.id} 已提交，将发送到 ${p.groups} 个群` + (p.minutes >= 1 ? `，预计约 ${p.minutes} 分钟内送达。` : "。"),
    broadcastNoGroups: "没有符合条件的群可以发送。",
    // === Broadcast engine (issue 14)
    broadcastPreview: (p: { id: number; groups: number; platforms: string; minutes: number; at?: string; urgent: boolean; skipped: number }) =>
      `${p.urgent ? "【紧急】" : ""}通知 #B${p.id}：将发送到 ${p.groups} 个群（${p.platforms}），预计 ${p.minutes} 分钟${p.at ? `，定于 ${p.at}（北京时间）开始` : ""}。${p.skipped ? `另有 ${p.skipped} 个群不可发送（未启用或机器人已不在群内）。` : ""}回复"确认"发送，"取消"放弃。`,
    broadcastPlatforms: (p: { wechat: number; telegram: number; playground: number }) =>
      [`微信 ${p.wechat}`, `Telegram ${p.telegram}`, ...(p.playground ? [`体验群 ${p.playground}`] : [])].join("，"),
    broadcastStarted: (p: { id: number }) => `通知 #B${p.id} 开始发送。`,
    broadcastScheduled: (p: { id: number; at: string }) => `通知 #B${p.id} 已定时，将于 ${p.at}（北京时间）发送；发送 /broadcast cancel B${p.id} 可取消。`,
    broadcastDiscarded: (p: { id: number }) => `通知 #B${p.id} 已放弃，没有发送。`,
    broadcastExpired: (p: { id: number }) => `通知 #B${p.id} 的确认已过期，没有发送；请重新发送通知。`,
    broadcastPaused: (p: { id: number; sent: number; total: number }) => `通知 #B${p.id} 已暂停（已送达 ${p.sent}/${p.total}）；发送 /broadcast resume B${p.id} 继续。`,
    broadcastResumed: (p: { id: number }) => `通知 #B${p.id} 继续发送，已送达的群不会重复发送。`,
    broadcastCancelled: (p: { id: number; sent: number; total: number }) => `通知 #B${p.id} 已取消（已送达 ${p.sent}/${p.total}，其余不再发送）。`,
    broadcastProgress: (p: { id: number; sent: number; total: number; failed: number }) => `通知 #B${p.id}：已送达 ${p.sent}/${p.total}，失败 ${p.failed}`,
    broadcastReport: (p: { id: number; sent: number; total: number; failed: string[] }) =>
      `通知 #B${p.id} 发送完毕：已送达 ${p.sent}/${p.total}` + (p.failed.length ? `，失败 ${p.failed.length}：${p.failed.join("；")}` : "，全部送达。"),
    broadcastPriority: (p: { id: number; urgent: boolean }) => (p.urgent ? `通知 #B${p.id} 已转为紧急，优先发送。` : `通知 #B${p.id} 已转为普通通知。`),
    broadcastNotFound: (p: { id: string }) => `没有通知 ${p.id}。`,
    broadcastBadState: (p: { id: number; status: string; action: string }) => `通知 #B${p.id} 当前状态为“${p.status}”，不能${p.action}。`,
    broadcastStatusLine: (p: { id: number; status: string; sent: number; total: number; failed: number; pending: number }) =>
      `通知 #B${p.id}（${p.status}）：已送达 ${p.sent}/${p.total}，失败 ${p.failed}，待发送 ${p.pending}`,
    // === Polls (issue 14, 社区投票)
    pollBadSpec: "投票格式：问题？| 选项1 | 选项2 …（2–10 个不同的选项，每个不超过 30 字），并用 --until \"12-05 18:00\" 写明截止时间。",
    pollNeedUntil: "请用 --until \"12-05 18:00\" 写明投票截止时间（北京时间），且须晚于现在和通知的发送时间。",
    pollNotice: (p: { question: string; options: string[]; until: string }) =>
      `【投票】${p.question}\n${p.options.map((o, i) => `${i + 1}. ${o}`).join("\n")}\n请在本群直接回复选项编号（如“1”）或选项文字投票，每人一票，以最后一次为准；${p.until}（北京时间）截止，届时在群里公布结果。`,
    pollResults: (p: { question: string; options: string[]; counts: number[]; total: number; here?: number[] }) =>
      `【投票结果】${p.question}（共 ${p.total} 票）\n${p.options.map((o, i) => `${i + 1}. ${o}：${p.counts[i]} 票（${p.total ? Math.round((100 * p.counts[i]) / p.total) : 0}%）`).join("\n")}` +
      (p.here ? `\n本群：${p.options.map((o, i) => `${o} ${p.here![i]}`).join("，")}` : "") + "\n感谢参与！",
    pollPreview: (p: { id: number; preview: string }) => `投票 #P${p.id}：${p.preview}`,
    pollNotFound: (p: { id: string }) => `没有投票 ${p.id}。`,
    pollClosedReply: (p: { id: number; total: number }) => `投票 #P${p.id} 已结束（共 ${p.total} 票），结果已发到各群。`,
    pollStatusLine: (p: { id: number; status: string; until: string; total: number; options: string[]; counts: number[] }) =>
      `投票 #P${p.id}（${p.status === "open" ? "进行中" : "已结束"}，${p.until} 截止）共 ${p.total} 票：${p.options.map((o, i) => `${o} ${p.counts[i]}`).join("，")}`,
    tagged: (p: { tags: string }) => `本群标签：${p.tags || "（无）"}`,
    enabled: "本群已启用 Gridlink：居民反映的问题会自动登记为工单。",
    disabled: "本群已停用 Gridlink，机器人将不再回复。",
  },
  en: {
    ticketOpened: (p: { keyword: string; category: string; number: string }) =>
      `Got it — your report about "${p.keyword}" is logged as ticket #${p.number} (${p.category}). A grid worker will follow up soon.`,
    ticketReported: (p: { number: string; category: string }) => `Got it — logged as ticket #${p.number} (${p.category}). A grid worker will follow up soon.`,
    accepted: (p: { number: string; actor: string }) => `Your ticket #${p.number} has been accepted by ${p.actor}.`,
    progress: (p: { number: string; note: string }) => `Update on ticket #${p.number}: ${p.note}`,
    resolved: (p: { number: string; note: string }) => `Ticket #${p.number} is resolved: ${p.note}. If the problem remains, send /status ${p.number} or reply here.`,
    dismissed: (p: { number: string }) => `Ticket #${p.number} was marked "not a complaint" and closed.`,
    done: (p: { number: string; status: string }) => `Updated: ticket #${p.number} → ${p.status}.`,
    noOpenTickets: "You have no open tickets.",
    yourTickets: "Your tickets:",
    groupTickets: (p: { scope: string; count: number }) => `${p.count} ${p.scope}ticket(s) in this group:`,
    noGroupTickets: (p: { scope: string }) => `No ${p.scope}tickets in this group.`,
    scopeOpen: "open ",
    scopeAll: "",
    ticketNotFound: (p: { number: string }) => `Ticket #${p.number} was not found.`,
    ticketLine: (p: { number: string; category: string; status: string; text: string }) => `#${p.number} [${p.category}] ${p.status}: ${p.text}`,
    ticketDetail: (p: { number: string; category: string; status: string; text: string; reporter: string; created: string }) =>
      `Ticket #${p.number} [${p.category}] ${p.status}\nReported by ${p.reporter} (${p.created})\n${p.text}`,
    eventLine: (p: { at: string; status: string; note: string }) => `· ${p.at} ${p.status}${p.note ? ": " + p.note : ""}`,
    needTicketNumber: (p: { usage: string }) => `Please give a ticket number, e.g. ${p.usage}`,
    needText: (p: { usage: string }) => `Please add the text, e.g. ${p.usage}`,
    badTransition: (p: { number: string; status: string; action?: string; possible?: string[] }) =>
      `Ticket #${p.number} is "${p.status}"; ${p.action ? `cannot ${p.action} it` : "that action is not possible"} now.` + (p.possible === undefined ? "" : p.possible.length ? ` Possible now: ${p.possible.join(", ")}.` : " The ticket is closed; nothing more can be done."),
    dispatchedGroup: (p: { number: string; assignee: string }) => `Your report (ticket #${p.number}) has been dispatched to ${p.assignee}.`,
    escalatedGroup: (p: { number: string; tier: string }) => `Ticket #${p.number} was escalated to ${p.tier}; we keep following it.`,
    reopenedGroup: (p: { number: string }) => `Ticket #${p.number} was reopened; the grid worker will continue.`,
    assignedToYou: (p: { number: string; category: string; group: string; text: string; due: string }) =>
      `New ticket #${p.number} [${p.category}] in "${p.group}": ${p.text}\nPlease accept within ${p.due}: /accept ${p.number}`,
    offeredToYou: (p: { number: string; category: string; group: string; text: string; due: string }) =>
      `Ticket #${p.number} [${p.category}] in "${p.group}" is waiting: ${p.text}\nThe first to accept owns it; accept within ${p.due}: /accept ${p.number}`,
    escalatedToYou: (p: { number: string; category: string; tier: string; reason: string; text: string; due: string }) =>
      `Ticket #${p.number} [${p.category}] was escalated to ${p.tier}: ${p.reason}\n${p.text}\nPlease accept within ${p.due}: /accept ${p.number}`,
    slaWarning: (p: { number: string; phase: string; due: string }) => `Reminder: the ${p.phase} deadline of ticket #${p.number} is ${p.due}.`,
    slaBreached: (p: { number: string; phase: string; tier: string }) => `Ticket #${p.number} missed its ${p.phase} deadline and was escalated to ${p.tier}.`,
    phaseAccept: "accept",
    phaseResolve: "resolve",
    dispatchedTo: (p: { number: string; assignee: string }) => `Dispatched: ticket #${p.number} → ${p.assignee}.`,
    needAssignee: (p: { usage: string }) => `Please name the assignee, e.g. ${p.usage}`,
    noSuchStaff: (p: { name: string }) => `No staff member "${p.name}".`,
    assigneeOutOfGrid: (p: { name: string; number: string }) => `${p.name} does not look after the grid of ticket #${p.number}.`,
    noLeaderToDispatch: (p: { number: string }) => `The grid of ticket #${p.number} has no grid leader; dispatch by hand: /dispatch ${p.number} <staff>`,
    escalatedTo: (p: { number: string; tier: string }) => `Escalated: ticket #${p.number} → ${p.tier}.`,
    escalateTop: (p: { number: string }) => `Ticket #${p.number} is with the 12345 hotline already; it cannot go higher.`,
    needMergeTarget: (p: { usage: string }) => `Please name the ticket to merge into, e.g. ${p.usage}`,
    mergeIntoSelf: "A ticket cannot be merged into itself.",
    mergedInto: (p: { number: string; into: string }) => `Merged: ticket #${p.number} into #${p.into}.`,
    needRating: (p: { usage: string }) => `Please give a rating (1–5), e.g. ${p.usage}`,
    staffRoomOn: "This group is a staff room now: dispatch and SLA notices of its grid come here.",
    staffRoomOff: "This group is no longer a staff room.",
    groupOnly: (p: { command: string; list: string }) => `${p.command} must be sent in the group it is for; it does not work in a private chat.\nWhat works in this private chat:\n${p.list}`,
    residentsOnly: (p: { command: string }) => `A staff room does not take reports: send ${p.command} in the residents' group (its reporters hear of its progress and are asked to rate it there).`,
    notAllowed: "Sorry, only grid leaders and admins can use this command. Send /help for what you can do.",
    outOfScope: (p: { number: string }) => `Ticket #${p.number} is outside your grid.`,
    groupOutOfScope: "This group is outside your grid.",
    unknownCommand: (p: { command: string; list: string }) => `There is no ${p.command} command.\n${p.list}`,
    broadcastOutOfGrid: (p: { grid: string }) => `You can send notices to your own grid (${p.grid}) only; that scope is outside it.`,
    helpResident: "Commands:",
    helpStaff: "Grid leader commands:",
    broadcastQueued: (p: { id: number; groups: number; minutes: number }) =>
      `Notice #B${p.id} queued for ${p.groups} group(s)` + (p.minutes >= 1 ? `; delivery takes about ${p.minutes} min.` : "."),
    broadcastNoGroups: "No group matches; nothing was sent.",
    broadcastPreview: (p: { id: number; groups: number; platforms: string; minutes: number; at?: string; urgent: boolean; skipped: number }) =>
      `${p.urgent ? "[URGENT] " : ""}Notice #B${p.id}: goes to ${p.groups} group(s) (${p.platforms}), about ${p.minutes} min${p.at ? `, starting ${p.at} (China time)` : ""}.${p.skipped ? ` ${p.skipped} group(s) cannot receive (disabled or the bot left).` : ""} Reply "confirm" to send, "cancel" to discard.`,
    broadcastPlatforms: (p: { wechat: number; telegram: number; playground: number }) =>
      [`WeChat ${p.wechat}`, `Telegram ${p.telegram}`, ...(p.playground ? [`playground ${p.playground}`] : [])].join(", "),
    broadcastStarted: (p: { id: number }) => `Notice #B${p.id} is being sent.`,
    broadcastScheduled: (p: { id: number; at: string }) => `Notice #B${p.id} is scheduled for ${p.at} (China time); /broadcast cancel B${p.id} cancels it.`,
    broadcastDiscarded: (p: { id: number }) => `Notice #B${p.id} discarded; nothing was sent.`,
    broadcastExpired: (p: { id: number }) => `The confirmation of notice #B${p.id} expired; nothing was sent. Send the notice again.`,
    broadcastPaused: (p: { id: number; sent: number; total: number }) => `Notice #B${p.id} paused (${p.sent}/${p.total} delivered); /broadcast resume B${p.id} continues.`,
    broadcastResumed: (p: { id: number }) => `Notice #B${p.id} resumed; groups already reached get nothing twice.`,
    broadcastCancelled: (p: { id: number; sent: number; total: number }) => `Notice #B${p.id} cancelled (${p.sent}/${p.total} delivered; the rest is not sent).`,
    broadcastProgress: (p: { id: number; sent: number; total: number; failed: number }) => `Notice #B${p.id}: ${p.sent}/${p.total} delivered, ${p.failed} failed`,
    broadcastReport: (p: { id: number; sent: number; total: number; failed: string[] }) =>
      `Notice #B${p.id} finished: ${p.sent}/${p.total} delivered` + (p.failed.length ? `, ${p.failed.length} failed: ${p.failed.join("; ")}` : ", all delivered."),
    broadcastPriority: (p: { id: number; urgent: boolean }) => (p.urgent ? `Notice #B${p.id} is urgent now and goes first.` : `Notice #B${p.id} is an ordinary notice again.`),
    broadcastNotFound: (p: { id: string }) => `There is no notice ${p.id}.`,
    broadcastBadState: (p: { id: number; status: string; action: string }) => `Notice #B${p.id} is "${p.status}"; cannot ${p.action} it now.`,
    broadcastStatusLine: (p: { id: number; status: string; sent: number; total: number; failed: number; pending: number }) =>
      `Notice #B${p.id} (${p.status}): ${p.sent}/${p.total} delivered, ${p.failed} failed, ${p.pending} pending`,
    pollBadSpec: 'A poll is: question? | option 1 | option 2 … (2–10 distinct options, at most 30 characters each), with --until "12-05 18:00" for its deadline.',
    pollNeedUntil: 'Give the poll\'s deadline with --until "12-05 18:00" (China time); it must be later than now and than the notice\'s start.',
    pollNotice: (p: { question: string; options: string[]; until: string }) =>
      `[POLL] ${p.question}\n${p.options.map((o, i) => `${i + 1}. ${o}`).join("\n")}\nVote by replying here with the option's number (e.g. "1") or its text; one vote each, your latest counts. Closes ${p.until} (China time); the results are posted here then.`,
    pollResults: (p: { question: string; options: string[]; counts: number[]; total: number; here?: number[] }) =>
      `[POLL RESULTS] ${p.question} (${p.total} vote(s))\n${p.options.map((o, i) => `${i + 1}. ${o}: ${p.counts[i]} (${p.total ? Math.round((100 * p.counts[i]) / p.total) : 0}%)`).join("\n")}` +
      (p.here ? `\nThis group: ${p.options.map((o, i) => `${o} ${p.here![i]}`).join(", ")}` : "") + "\nThank you for voting!",
    pollPreview: (p: { id: number; preview: string }) => `Poll #P${p.id}: ${p.preview}`,
    pollNotFound: (p: { id: string }) => `There is no poll ${p.id}.`,
    pollClosedReply: (p: { id: number; total: number }) => `Poll #P${p.id} is closed (${p.total} vote(s)); the results went to every group.`,
    pollStatusLine: (p: { id: number; status: string; until: string; total: number; options: string[]; counts: number[] }) =>
      `Poll #P${p.id} (${p.status === "open" ? "open" : "closed"}, closes ${p.until}): ${p.total} vote(s): ${p.options.map((o, i) => `${o} ${p.counts[i]}`).join(", ")}`,
    tagged: (p: { tags: string }) => `Group tags: ${p.tags || "(none)"}`,
    enabled: "Gridlink is on in this group: residents' problems become tickets automatically.",
    disabled: "Gridlink is off in this group; the bot will stay quiet.",
  },
} as const;

/** The string table of a language. */
export type Messages = (typeof messages)["zh"];
/** Look up the string table. */
export const t = (lang: Lang): Messages => messages[lang] as unknown as Messages;

// === The residents' side of the ticket cycle (issue 12): clustering, updates to every reporter, rating,
// the outcome card, points and the daily digest.

/** Strings of the residents' side, by language. */
export const residentMessages = {
  zh: {
    clusterJoined: (p: { number: string }) => `已有邻居反映此问题，工单 #${p.number} 正在处理，处理进展会在群里通知您。`,
    enquiryJoined: (p: { number: string }) => `已把您记为工单 #${p.number} 的反映人，处理进展会在群里通知您。`,
    askRating: (p: { number: string }) => `请为工单 #${p.number} 的处理评价：回复「满意」「基本满意」「不满意」或 1–5 分。`,
    rated: (p: { number: string; rating: number }) => `感谢评价！工单 #${p.number}：${p.rating} 分。`,
    ratedReopened: (p: { number: string }) => `抱歉没有解决好，工单 #${p.number} 已重新打开，网格员会继续处理。`,
    assigneeReopened: (p: { number: string; note: string }) => `居民对工单 #${p.number} 不满意，工单已重新打开：${p.note}`,
    ratingUnknown: (p: { usage: string }) => `请给出 1–5 分或「满意」「基本满意」「不满意」，例如：${p.usage}`,
    notYourTicket: (p: { number: string }) => `您不是工单 #${p.number} 的反映人，不能评价。`,
    notResolved: (p: { number: string }) => `工单 #${p.number} 还没有办结，办结后再评价。`,
    outcomeCard: (p: { number: string; what: string; who: string; took: string; rating: string }) =>
      `【晒单】工单 #${p.number}\n反映：${p.what}\n处理：${p.who}\n用时：${p.took}\n评价：${p.rating}`,
    unrated: "未评价",
    splitWhich: (p: { number: string; count: number }) => `工单 #${p.number} 有 ${p.count} 位反映人；请写第几位（2–${p.count}，第 1 位是原始反映人），例如：/split ${p.number} 2`,
    splitDone: (p: { number: string; into: string }) => `已拆分：这位居民的反映从工单 #${p.number} 拆出，另立工单 #${p.into}。`,
    ratedDefault: "逾期未评价（默认）",
    hours: (p: { h: number; m: number }) => (p.h ? `${p.h} 小时 ${p.m} 分钟` : `${p.m} 分钟`),
    points: (p: { points: number; rank: number; total: number; grid: string }) => `您的积分：${p.points} 分，在${p.grid}排第 ${p.rank}/${p.total} 名。`,
    pointsNone: "您还没有积分：反映的问题办结后即可获得积分。",
    digest: (p: { grid: string; date: string; reported: number; resolved: number; open: number; overdue: number; escalated: number; satisfaction: string; within24h: string }) =>
      `【${p.grid} 日报 ${p.date}】新报 ${p.reported}，办结 ${p.resolved}，未结 ${p.open}，超时 ${p.overdue}，上报 ${p.escalated}，满意度 ${p.satisfaction}，24 小时办结率 ${p.within24h}`,
  },
  en: {
    clusterJoined: (p: { number: string }) => `A neighbour has already reported this: ticket #${p.number} is being handled, and updates will be posted in the group.`,
    enquiryJoined: (p: { number: string }) => `You are now a reporter of ticket #${p.number}; updates will be posted in the group.`,
    askRating: (p: { number: string }) => `How was ticket #${p.number} handled? Reply "satisfied", "mostly satisfied", "not satisfied" or 1–5.`,
    rated: (p: { number: string; rating: number }) => `Thank you! Ticket #${p.number}: ${p.rating}/5.`,
    ratedReopened: (p: { number: string }) => `Sorry it is not fixed: ticket #${p.number} is reopened and the grid worker will continue.`,
    assigneeReopened: (p: { number: string; note: string }) => `A resident is not satisfied with ticket #${p.number}; it is reopened: ${p.note}`,
    ratingUnknown: (p: { usage: string }) => `Give 1–5 or "satisfied", "mostly satisfied", "not satisfied", e.g. ${p.usage}`,
    notYourTicket: (p: { number: string }) => `You did not report ticket #${p.number}, so you cannot rate it.`,
    notResolved: (p: { number: string }) => `Ticket #${p.number} is not resolved yet; rate it once it is.`,
    outcomeCard: (p: { number: string; what: string; who: string; took: string; rating: string }) =>
      `[Outcome] Ticket #${p.number}\nReported: ${p.what}\nHandled by: ${p.who}\nTook: ${p.took}\nRating: ${p.rating}`,
    unrated: "not rated",
    splitWhich: (p: { number: string; count: number }) => `Ticket #${p.number} has ${p.count} reporter(s); say which (2–${p.count}; 1 is the original reporter), e.g. /split ${p.number} 2`,
    splitDone: (p: { number: string; into: string }) => `Split: this resident's report left ticket #${p.number} and is now ticket #${p.into}.`,
    ratedDefault: "not rated in time (default)",
    hours: (p: { h: number; m: number }) => (p.h ? `${p.h} h ${p.m} min` : `${p.m} min`),
    points: (p: { points: number; rank: number; total: number; grid: string }) => `Your points: ${p.points}, rank ${p.rank} of ${p.total} in ${p.grid}.`,
    pointsNone: "You have no points yet: you earn them when a problem you reported is resolved.",
    digest: (p: { grid: string; date: string; reported: number; resolved: number; open: number; overdue: number; escalated: number; satisfaction: string; within24h: string }) =>
      `[${p.grid} daily ${p.date}] reported ${p.reported}, resolved ${p.resolved}, open ${p.open}, overdue ${p.overdue}, escalated ${p.escalated}, satisfaction ${p.satisfaction}, resolved within 24 h ${p.within24h}`,
  },
} as const;

/** The residents' side string table of a language. */
export const rt = (lang: Lang): (typeof residentMessages)["zh"] => residentMessages[lang] as unknown as (typeof residentMessages)["zh"];
