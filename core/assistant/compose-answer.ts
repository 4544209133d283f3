// Answers from facts only: the ticket's own status, assignee, last note and times; the notice's own words
// and time; the FAQ's answer. Every string the answer may contain is also returned as `facts`, which is
// what the optional language model sees and what its phrasing is checked against.
import { categoryLabel, statusLabel, t, type Lang } from "../locale.js";
import { maskPersonal } from "../privacy.js";
import { OPEN_STATUSES } from "../tickets/find-tickets.js";
import type { AnswerFacts } from "./decide.js";
import { at, formatTime } from "./locale.js";

/** A composed answer: the template text and the fact lines it was built from. */
export interface ComposedAnswer {
  text: string;
  /** One fact per line, masked; the model's phrasing may use nothing else. */
  facts: string[];
  /** Where the facts came from (ticket:A0012, broadcast:3, faq:key), for the audit row. */
  source?: string;
  ticketId?: number;
  /** Ticket numbers the answer names; a phrasing must keep them. */
  ticketNumbers: string[];
}

const clipText = (s: string, n: number) => ([...s].length > n ? [...s].slice(0, n).join("") + "…" : s);

/** Compose the template answer for a decision's facts. */
export function composeAnswer(facts: AnswerFacts, lang: Lang, timeZone: string, now = new Date()): ComposedAnswer {
  const m = at(lang);
  const when = (d: Date) => formatTime(d, lang, timeZone, now);
  switch (facts.kind) {
    case "ticket": {
      const tk = facts.ticket;
      const who = facts.scope === "mine" ? m.whoMine : facts.scope === "group" ? m.whoGroup : m.whoNumber;
      const category = categoryLabel(tk.category, lang);
      const lines: string[] = [`ticket ${tk.number}`, `category ${category}`, `status ${statusLabel(tk.status, lang)}`, `logged ${when(tk.createdAt)}`];
      let text: string;
      if ((OPEN_STATUSES as string[]).includes(tk.status)) {
        text = m.ticketOpenState({ who, number: tk.number, category, status: statusLabel(tk.status, lang) });
        if (tk.assignee) {
          text += m.assignee({ name: tk.assignee });
          lines.push(`assignee ${tk.assignee}`);
        }
        if (tk.lastNote) {
          const note = maskPersonal(clipText(tk.lastNote.note, 120));
          text += m.lastProgress({ at: when(tk.lastNote.at), note });
          lines.push(`latest update ${when(tk.lastNote.at)}: ${note}`);
        } else text += m.noProgress({ at: when(tk.createdAt) });
        if (facts.openOthers > 0) text += m.moreOpen({ count: facts.openOthers });
      } else if (tk.status === "dismissed") {
        text = m.ticketClosed({ who, number: tk.number });
      } else {
        const closed = tk.closedAt ?? tk.lastNote?.at ?? tk.createdAt;
        const note = tk.lastNote ? maskPersonal(clipText(tk.lastNote.note, 120)).replace(/[。.]$/, "") : "";
        text = m.ticketResolved({ who, number: tk.number, category, at: when(closed), note });
        lines.push(`resolved ${when(closed)}${note ? ": " + note : ""}`);
      }
      if (facts.openOthers > 0) lines.push(`other open tickets ${facts.openOthers}`);
      return { text, facts: lines, source: `${facts.scope === "group" ? "incident" : "ticket"}:${tk.number}`, ticketId: tk.id, ticketNumbers: [tk.number] };
    }
    case "notice": {
      const words = maskPersonal(clipText(facts.notice.text.trim(), 200));
      return { text: m.notice({ at: when(facts.notice.at), text: words }), facts: [`notice of ${when(facts.notice.at)}: ${words}`], source: `broadcast:${facts.notice.broadcastId}`, ticketNumbers: [] };
    }
    case "faq": {
      const e = facts.match.entry;
      const answer = lang === "en" && e.answerEn ? e.answerEn : e.answer;
      return { text: answer, facts: [`answer: ${answer}`], source: `faq:${e.key}`, ticketNumbers: [] };
    }
    case "ticket_not_found":
      return { text: m.ticketNotFound({ number: facts.number }), facts: [`ticket ${facts.number} not found`], ticketNumbers: [facts.number] };
    case "unknown":
      return { text: facts.about === "faq" ? m.unknownFaq : m.unknownStatus, facts: ["nothing found; offer to register (reply 登记 / register)"], ticketNumbers: [] };
  }
}

/** The acknowledgement of a reply about a ticket (satisfied, or still not fixed → a reopen request). */
export function composeFeedback(feedback: "satisfied" | "not_fixed", number: string, lang: Lang): ComposedAnswer {
  const m = at(lang);
  const text = feedback === "satisfied" ? m.thanksRecorded({ number }) : m.reopenRecorded({ number });
  return { text, facts: [`ticket ${number}`, `feedback recorded: ${feedback === "satisfied" ? "satisfied" : "still not fixed, reopen requested"}`], source: `ticket:${number}`, ticketNumbers: [number] };
}

/** The reply after 登记 opened a ticket (core's own wording for a reported ticket). */
export function composeRegistered(number: string, category: string, lang: Lang): ComposedAnswer {
  return { text: t(lang).ticketReported({ number, category: categoryLabel(category, lang) }), facts: [`ticket ${number}`], source: `ticket:${number}`, ticketNumbers: [number] };
}
