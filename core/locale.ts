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
};

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
    badTransition: (p: { number: string; status: string }) => `工单 #${p.number} 当前状态为“${p.status}”，不能执行此操作。`,
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
    badTransition: (p: { number: string; status: string }) => `Ticket #${p.number} is "${p.status}"; that action is not possible now.`,
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
