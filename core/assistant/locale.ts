// The assistant's reply strings, zh-CN first and English second (kept apart from core/locale.ts so the
// assistant's wording can change without touching the shared table). Every function takes only facts.
import type { Lang } from "../locale.js";

/** Strings by language. */
export const assistantMessages = {
  zh: {
    ticketOpenState: (p: { who: string; number: string; category: string; status: string }) => `${p.who}工单 #${p.number}【${p.category}】目前${p.status}。`,
    assignee: (p: { name: string }) => `处理人：${p.name}。`,
    lastProgress: (p: { at: string; note: string }) => `最新进展（${p.at}）：${p.note}`,
    noProgress: (p: { at: string }) => `${p.at}登记，暂时还没有新的进展记录。`,
    ticketResolved: (p: { who: string; number: string; category: string; at: string; note: string }) =>
      `${p.who}工单 #${p.number}【${p.category}】已于${p.at}办结${p.note ? "：" + p.note : ""}。如问题仍在，请回复“还是没修好”。`,
    ticketClosed: (p: { who: string; number: string }) => `${p.who}工单 #${p.number} 已关闭（标记为“不是问题”）。`,
    whoMine: "您的",
    whoGroup: "本群已登记此问题：",
    whoNumber: "",
    moreOpen: (p: { count: number }) => `（您还有 ${p.count} 张未办结的工单，发送 #进度 查看全部。）`,
    notice: (p: { at: string; text: string }) => `根据${p.at}的通知：“${p.text}”`,
    unknownStatus: "暂时没有查到相关的工单或通知。需要登记为问题吗？回复“登记”即可。",
    unknownFaq: "暂时没有找到这个问题的答案。需要登记为问题、请网格员解答吗？回复“登记”即可。",
    ticketNotFound: (p: { number: string }) => `没有找到工单 #${p.number}，请核对工单号，或发送 #进度 查看您的工单。`,
    thanksRecorded: (p: { number: string }) => `感谢您的反馈！已为工单 #${p.number} 记录您的评价：满意。`,
    reopenRecorded: (p: { number: string }) => `抱歉问题还没有解决。已为工单 #${p.number} 记录“仍未解决”，并提交重新处理申请。`,
    today: "今天",
    yesterday: "昨天",
    tomorrow: "明天",
  },
  en: {
    ticketOpenState: (p: { who: string; number: string; category: string; status: string }) => `${p.who}ticket #${p.number} [${p.category}] is ${p.status}.`,
    assignee: (p: { name: string }) => ` Handled by ${p.name}.`,
    lastProgress: (p: { at: string; note: string }) => ` Latest update (${p.at}): ${p.note}`,
    noProgress: (p: { at: string }) => ` Logged ${p.at}; no update recorded yet.`,
    ticketResolved: (p: { who: string; number: string; category: string; at: string; note: string }) =>
      `${p.who}ticket #${p.number} [${p.category}] was resolved ${p.at}${p.note ? ": " + p.note : ""}. If the problem remains, reply "still not fixed".`,
    ticketClosed: (p: { who: string; number: string }) => `${p.who}ticket #${p.number} was closed (marked "not a complaint").`,
    whoMine: "Your ",
    whoGroup: "This problem is logged for the group: ",
    whoNumber: "",
    moreOpen: (p: { count: number }) => ` (You have ${p.count} more open ticket(s); send /status to see them.)`,
    notice: (p: { at: string; text: string }) => `According to the notice of ${p.at}: "${p.text}"`,
    unknownStatus: `I couldn't find a ticket or notice about this. Shall I register it as a problem? Reply "register".`,
    unknownFaq: `I don't have an answer to this question. Shall I register it for a grid worker? Reply "register".`,
    ticketNotFound: (p: { number: string }) => `Ticket #${p.number} was not found; check the number, or send /status for your tickets.`,
    thanksRecorded: (p: { number: string }) => `Thank you! Your rating for ticket #${p.number} is recorded: satisfied.`,
    reopenRecorded: (p: { number: string }) => `Sorry it is still not fixed. Ticket #${p.number} is marked "still not fixed" and a request to reopen it is recorded.`,
    today: "today",
    yesterday: "yesterday",
    tomorrow: "tomorrow",
  },
} as const;

/** The assistant's string table of a language. */
export type AssistantMessages = (typeof assistantMessages)["zh"];
/** Look up the assistant's strings. */
export const at = (lang: Lang): AssistantMessages => assistantMessages[lang] as unknown as AssistantMessages;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false })));
  return f;
}

/** A time as residents read it, in the installation's zone: 今天9:00, 昨天18:30, 12月3日 9:00 (today 09:00, 3 Dec 09:00). */
export function formatTime(date: Date, lang: Lang, timeZone: string, now = new Date()): string {
  const fmt = formatterOf(timeZone);
  const parts = (d: Date) => {
    const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]));
    return { y: Number(p.year), m: Number(p.month), d: Number(p.day), hh: p.hour === "24" ? "00" : p.hour, mm: p.minute };
  };
  const a = parts(date);
  const n = parts(now);
  const dayIndex = (x: { y: number; m: number; d: number }) => Date.UTC(x.y, x.m - 1, x.d) / 86_400_000;
  const diff = dayIndex(a) - dayIndex(n);
  const m = at(lang);
  const hm = lang === "zh" ? `${Number(a.hh)}:${a.mm}` : `${a.hh}:${a.mm}`;
  if (diff === 0) return lang === "zh" ? `${m.today}${hm}` : `${m.today} ${hm}`;
  if (diff === -1) return lang === "zh" ? `${m.yesterday}${hm}` : `${m.yesterday} ${hm}`;
  if (diff === 1) return lang === "zh" ? `${m.tomorrow}${hm}` : `${m.tomorrow} ${hm}`;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return lang === "zh" ? `${a.m}月${a.d}日 ${hm}` : `${a.d} ${months[a.m - 1]} ${hm}`;
}
