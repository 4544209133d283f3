// The one place that decides what a non-command line is: an enquiry the assistant answers, a reply about a
// ticket, a "登记" to an offer, a complaint for intake to ticket — or nothing of the assistant's. Pure: the
// facts are looked up first (facts.ts), so both sides of "complaint or enquiry?" are tested without a database.
import type { Detection, Intent } from "../../nlp/index.js";
import { CONCEPT_CATEGORY, CONCEPT_PROBLEM } from "../../nlp/index.js";
import type { KnownFacts, NoticeFact, TicketFact } from "./facts.js";
import type { FaqMatch } from "./faq-live.js";

/** What to answer from. */
export type AnswerFacts =
  | { kind: "ticket"; ticket: TicketFact; scope: "mine" | "group" | "number"; openOthers: number }
  | { kind: "notice"; notice: NoticeFact }
  | { kind: "faq"; match: FaqMatch }
  | { kind: "ticket_not_found"; number: string }
  | { kind: "unknown"; about: "status" | "faq" };

/** The decision. `pass`: not the assistant's — intake goes on as before (the detector's verdict stands). */
export type Decision =
  | { action: "answer"; facts: AnswerFacts }
  | { action: "feedback"; ticket: TicketFact; feedback: "satisfied" | "not_fixed" }
  | { action: "register"; offer: NonNullable<KnownFacts["offer"]> }
  | { action: "complaint"; detection: Detection }
  | { action: "pass"; reason: string };

/**
 * Decide. A line can be a complaint and an enquiry at once (「怎么还没来电，都三天了」): with an open ticket or
 * incident that fits, it is an enquiry on it; with nothing open, it is a complaint — the detector's ticket
 * when it saw one, else a ticket for the service named when the line says the problem persists (还没, 都三天了).
 */
export function decideMessage(input: { intent: Intent; detection: Detection; known: KnownFacts }): Decision {
  const { intent, detection, known } = input;
  switch (intent.kind) {
    case "none":
      return { action: "pass", reason: intent.reason };
    case "register":
      return known.offer ? { action: "register", offer: known.offer } : { action: "pass", reason: "no offer waiting" };
    case "feedback":
      // Only about the asker's own ticket: "谢谢" to a neighbour or "满意" about a flat is not ours.
      return known.feedbackTicket ? { action: "feedback", ticket: known.feedbackTicket, feedback: intent.feedback ?? "satisfied" } : { action: "pass", reason: "no ticket of the asker to give feedback on" };
    case "faq":
      if (known.faq) return { action: "answer", facts: { kind: "faq", match: known.faq } };
      // A help request the detector tickets (失业了没人管怎么办) stays a complaint; otherwise say we don't know.
      return detection.complaint ? { action: "pass", reason: "complaint, no FAQ entry" } : { action: "answer", facts: { kind: "unknown", about: "faq" } };
    case "progress":
    case "notice": {
      if (intent.ticketNumbers.length) {
        return known.numbered ? { action: "answer", facts: { kind: "ticket", ticket: known.numbered, scope: "number", openOthers: 0 } } : { action: "answer", facts: { kind: "ticket_not_found", number: intent.ticketNumbers[0] } };
      }
      const mine = known.mine && { kind: "ticket" as const, ticket: known.mine, scope: "mine" as const, openOthers: known.mineOpenOthers ?? 0 };
      const incident = known.incident && { kind: "ticket" as const, ticket: known.incident, scope: "group" as const, openOthers: 0 };
      const notice = known.notice && { kind: "notice" as const, notice: known.notice };
      // Progress asks about a reported problem first; a notice question about planned work first. A question
      // about the asker's own report (我报的水管修了吗) is answered by the asker's ticket only: a water notice
      // or a neighbour's incident would read as news of a report that was never logged.
      const order = intent.ownReport ? [mine] : intent.kind === "progress" ? [mine, incident, notice] : [notice, incident, mine];
      const facts = order.find((f) => f !== undefined);
      if (facts) return { action: "answer", facts };
      if (detection.complaint && detection.category) return { action: "pass", reason: "complaint, nothing open" };
      if (intent.grievance && intent.concepts.length) {
        const concept = intent.concepts[0];
        const category = CONCEPT_CATEGORY[concept] as NonNullable<Detection["category"]>;
        const keyword = { term: CONCEPT_PROBLEM[concept], category, start: 0, end: 0 };
        return { action: "complaint", detection: { ...detection, complaint: true, category, severity: Math.max(2, detection.severity), keywords: [keyword], explanation: `assistant: ${concept} still out, nothing open` } };
      }
      return { action: "answer", facts: { kind: "unknown", about: "status" } };
    }
  }
}
