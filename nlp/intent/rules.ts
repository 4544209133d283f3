// Rules the intent classifier leans on: ticket numbers, time words, question cues, service concepts (power,
// water, lift…) and places (3栋). Pure regular expressions over normalised text; no model involved.

/** A service a resident can ask about; links a question to a ticket's category and to a notice's words. */
export type Concept = "power" | "water" | "gas" | "heating" | "elevator" | "network" | "road" | "rubbish";

/** Surfaces of each concept (normalised, simplified). 电 alone is power unless it is part of another word. */
const CONCEPTS: ReadonlyArray<[Concept, RegExp]> = [
  ["elevator", /电梯|升降梯|直梯/],
  ["power", /停电|来电|供电|断电|没电|通电|用电|电路|电闸|跳闸|电力|电工|power|electric/i],
  ["power", /电(?!梯|话|视|脑|瓶|动|池|影|器|子|商|信|费|饭|炉)/],
  ["water", /停水|来水|供水|断水|没水|自来水|水管|水压|热水|用水|水(?=怎么|还|什么|啥|几|恢复|呢|吗|来|停)|water/i],
  ["gas", /燃气|煤气|天然气|gas\b/i],
  ["heating", /暖气|供暖|地暖|heating/i],
  ["network", /断网|宽带|网络|网速|wifi|internet|网(?=什么时候|啥时候|怎么|还|几)/i],
  ["road", /道路|路面|施工|封路|修路|road/i],
  ["rubbish", /垃圾|清运|rubbish|garbage|trash/i],
];

/** The category of tickets about each concept (codes of nlp/types). */
export const CONCEPT_CATEGORY: Record<Concept, string> = {
  power: "utilities", water: "utilities", gas: "utilities", heating: "utilities", elevator: "housing", network: "utilities",
  road: "traffic", rubbish: "environment",
};

/** The canonical problem word of a concept, used as a ticket keyword when a line names the service only. */
export const CONCEPT_PROBLEM: Record<Concept, string> = {
  power: "停电", water: "停水", gas: "燃气", heating: "暖气", elevator: "电梯故障", network: "断网", road: "道路", rubbish: "垃圾",
};

/** Concepts a text mentions. */
export function conceptsOf(text: string): Concept[] {
  const out = new Set<Concept>();
  for (const [c, re] of CONCEPTS) if (re.test(text)) out.add(c);
  if (out.has("elevator") && !/停电|来电|供电|断电|没电/.test(text.replace(/电梯/g, ""))) out.delete("power");
  return [...out];
}

/** Ticket-number-looking tokens (A0012, #a12, 工单12). */
const TICKET_RE = /(?<![A-Za-z0-9])#?([A-Za-z]{1,3})0*(\d{1,9})(?![0-9])/g;

/** Ticket numbers written in a text, normalised (A0012); `prefix` is the installation's letter(s). */
export function ticketNumbersIn(text: string, prefix = "A"): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TICKET_RE)) {
    if (m[1].toUpperCase() !== prefix.toUpperCase()) continue;
    out.push(`${prefix.toUpperCase()}${m[2].padStart(4, "0")}`);
  }
  const zh = /工单\s*#?0*(\d{1,9})/.exec(text);
  if (zh && out.length === 0) out.push(`${prefix.toUpperCase()}${zh[1].padStart(4, "0")}`);
  return out;
}

/** Day words a text names (today, tomorrow…), normalised to an offset in days from today. */
export function dayOffsets(text: string): number[] {
  const out = new Set<number>();
  if (/今天|今日|今晚|今早|今儿|today|tonight/i.test(text)) out.add(0);
  if (/明天|明日|明早|明晚|tomorrow/i.test(text)) out.add(1);
  if (/后天/.test(text)) out.add(2);
  if (/昨天|昨晚|yesterday/i.test(text)) out.add(-1);
  return [...out];
}

/** The line asks about a time (when, until when, how long). */
export const asksTime = (text: string): boolean => /什么时候|啥时候|几点|几时|多久|多长时间|到几|何时|哪天|when|what time|how long|until/i.test(text);

/** A question cue: question particles and words, A不A (停不停), X了没(有) at the end; English only at the start or "?". */
export const hasQuestionCue = (text: string): boolean =>
  /[?？]|吗|呢|么|什么|啥|几(?!乎)|多少|多久|怎|如何|哪|是否|有没有|能不能|可不可以|要不要|会不会|是不是|何时|请问|查一下|查查|看看/.test(text) ||
  /(.)不\1/.test(text) ||
  /(了|好|果|修|来)没有?[。.!！~]*$/.test(text) ||
  /^\s*(when|how|what|where|why|whether|any|is|are|will|can|could|does|do|has|have)\b/i.test(text);

/** Words that tie a question to a reported problem or a ticket (without one, "吃饭了吗" is not an enquiry). */
export const PROGRESS_ANCHOR = /修|进度|进展|处理|工单|等(多久|到|了)|报的|报修|反映|提的|投诉|问题|结果|师傅|维修|网格员|来人|有人管|动静|\b(status|progress|update|fix|fixed|repair|ticket|report|complaint|outage|handled)\b/i;
/** Words of planned work and outages (a notice's subject). */
export const NOTICE_ANCHOR = /停|检修|维修|维保|保养|施工|通知|封路|改造|\b(outage|cut|maintenance|planned|off)\b/i;
/** Words of public services the FAQ covers (registration, benefits, certificates, offices). */
export const FAQ_ANCHOR = /办|申请|登记|补贴|津贴|补助|救助|证|保|材料|手续|领|电话|上班|下班|开门|垃圾|充电|停车|报名|签约|疫苗|医生|培训|工作|入学|\b(permit|register|registration|allowance|office|phone|number|apply|hours|open|benefit)\b/i;
/** Satisfaction or "it works again". */
export const FEEDBACK_OK_ANCHOR = /满意|好评|点赞|好了|修好|来电了|来水了|电来了|水来了|恢复了|解决了|能用了|亮了|\b(satisf\w*|fixed|back|working|solved)\b/i;
/** "Still broken", "not satisfied". */
export const FEEDBACK_BAD_ANCHOR = /还是|又|没修|没好|不满意|没有?解决|还在|不行|坏|没人来|没有修|\b(still|again|not|broken)\b/i;

/** Persistence or grievance: the problem is still there (还没, 都三天了, 一直) — an enquiry that is also a complaint. */
export const hasGrievance = (text: string): boolean => /还没|还是没|还不|仍然|仍未|一直|都[一二两三四五六七八九十几\d]+[天周个]|好几天|still|again/i.test(text);

/**
 * The question is about the asker's own report (我报的, 我反映的, 我上次说的, 我昨天投诉的, "my report", "I reported"):
 * only the asker's ticket answers it — a group notice or a neighbour's incident is not "my report".
 */
export const asksOwnReport = (text: string): boolean =>
  /我(?:们家?)?(?:上周|上次|上回|上个月|昨天|前天|之前|前几天|刚才|刚刚|早上|今天)?(?:报修|报|反映|提|说|投诉|登记|报告)过?的|\bmy (?:report|complaint|ticket)\b|\bI (?:reported|complained|raised)\b/i.test(text);

/** A bare request to register the problem just offered ("登记"). */
export const isRegisterReply = (text: string): boolean => /^\s*(请?(帮我)?(要|需要)?登记(一下|吧)?|报事|register( it)?|yes,? register)\s*[。.!！]?\s*$/i.test(text);

/** Building, unit and place numbers a text names (3栋, 5号楼, 2单元), for matching notices to questions. */
export function placesIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(\d{1,3}|[一二三四五六七八九十]{1,3})\s*(栋|幢|号楼|单元|号院|区)/g)) {
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : zhNumber(m[1]);
    const kind = m[2] === "号楼" || m[2] === "幢" ? "栋" : m[2];
    out.add(`${n}${kind}`);
  }
  for (const m of text.matchAll(/building\s*(\d{1,3})/gi)) out.add(`${Number(m[1])}栋`);
  return [...out];
}

function zhNumber(s: string): number {
  const d: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  if (s === "十") return 10;
  if (s.startsWith("十")) return 10 + (d[s[1]] ?? 0);
  if (s.includes("十")) return (d[s[0]] ?? 0) * 10 + (d[s[2]] ?? 0);
  return d[s] ?? 0;
}

/** Every number, time and date written in a text ("9:00", "12", "12月3日", "A0012"), for checking phrasings. */
export function numbersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[A-Za-z]{1,3}\d{2,}|\d+(?:[:：.]\d+)*/g)) out.push(m[0].replace("：", ":").replace(/^([A-Za-z]+)/, (x) => x.toUpperCase()));
  for (const m of text.matchAll(/[零〇一二两三四五六七八九十百]+(?=[点时号日月天栋单元])/g)) out.push(m[0]);
  return out;
}

/** A rating in so many words (满意, 很不满意, very satisfied): a closed vocabulary, so a rule rather than the model. */
export function ratingOf(text: string): "satisfied" | "not_fixed" | undefined {
  const t = text.trim().replace(/[，,。.!！~]+/g, " ").trim();
  const m = /^(非常|很|挺|特别|比较|十分|还算|不太|不|很不|非常不|一点都不|一点也不)?满意(的|了)?( (谢谢|感谢|辛苦了?)\S*)?$/.exec(t);
  if (m) return m[1] && /不/.test(m[1]) ? "not_fixed" : "satisfied";
  if (/^(好评|五星好评|差评)( \S+)?$/.test(t)) return t.startsWith("差") ? "not_fixed" : "satisfied";
  const en = /^(very |quite |completely )?(not |un)?satisfied( thanks?( you)?)?$/i.exec(t);
  if (en) return en[2] ? "not_fixed" : "satisfied";
  return undefined;
}
