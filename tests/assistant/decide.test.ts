// The one decision between "complaint" and "enquiry", without a database: the same line is an enquiry on an
// open ticket and a complaint when nothing is open; feedback needs the asker's own ticket; 登记 needs an offer.
import { describe, expect, it } from "vitest";
import { composeAnswer } from "../../core/assistant/compose-answer.js";
import { decideMessage } from "../../core/assistant/decide.js";
import type { KnownFacts, TicketFact } from "../../core/assistant/facts.js";
import { formatTime } from "../../core/assistant/locale.js";
import { createIntentRecogniser, detect } from "../../nlp/index.js";

const recogniser = createIntentRecogniser();
const ticket = (over: Partial<TicketFact> = {}): TicketFact => ({
  id: 1, number: "A0007", category: "utilities", status: "in_progress", text: "3栋又停电了", assignee: "李网格", reporterId: 1, groupId: 1,
  createdAt: new Date("2026-12-01T01:00:00Z"), closedAt: null, lastNote: { at: new Date("2026-12-01T01:20:00Z"), note: "电工已到场" }, ...over,
});
const decide = (text: string, known: KnownFacts = {}) => decideMessage({ intent: recogniser.recognise(text), detection: detect(text), known });

describe("decideMessage: complaint or enquiry", () => {
  it("「怎么还没来电，都三天了」 with an open ticket is an enquiry on it", () => {
    expect(decide("怎么还没来电，都三天了", { mine: ticket() })).toMatchObject({ action: "answer", facts: { kind: "ticket", scope: "mine", ticket: { number: "A0007" } } });
    expect(decide("怎么还没来电，都三天了", { incident: ticket({ reporterId: 9 }) })).toMatchObject({ action: "answer", facts: { kind: "ticket", scope: "group" } });
  });

  it("the same line with nothing open is a complaint: a utilities ticket with 停电 as its keyword", () => {
    const d = decide("怎么还没来电，都三天了");
    expect(d.action).toBe("complaint");
    if (d.action === "complaint") {
      expect(d.detection.category).toBe("utilities");
      expect(d.detection.keywords.map((k) => k.term)).toEqual(["停电"]);
    }
  });

  it("a question that does not say the problem persists gets an offer to register, not a ticket", () => {
    expect(decide("什么时候来电")).toEqual({ action: "answer", facts: { kind: "unknown", about: "status" } });
  });

  it("a line the detector already tickets stays the detector's when nothing is open", () => {
    expect(decide("3栋又停电了，什么时候来电？")).toMatchObject({ action: "pass" });
  });

  it("a named ticket is answered, or said not to exist", () => {
    expect(decide("A0007怎么样了", { numbered: ticket() })).toMatchObject({ action: "answer", facts: { kind: "ticket", scope: "number" } });
    expect(decide("A0099怎么样了", { numbered: null })).toEqual({ action: "answer", facts: { kind: "ticket_not_found", number: "A0099" } });
  });

  it("progress asks the ticket first, a notice question the notice first", () => {
    const notice = { broadcastId: 3, text: "停电通知：今天14:00至17:00线路检修", at: new Date(), score: 1 };
    expect(decide("什么时候来电", { mine: ticket(), notice })).toMatchObject({ facts: { kind: "ticket" } });
    expect(decide("几点恢复供电", { mine: ticket(), notice })).toMatchObject({ facts: { kind: "notice" } });
  });

  it("a question about the asker's own report is answered by the asker's ticket only: with none, the offer to register", () => {
    const notice = { broadcastId: 3, text: "停水通知：明天9:00至12:00 3栋二次供水设施检修，届时停水", at: new Date(), score: 1 };
    const neighbour = ticket({ reporterId: 9, category: "utilities", text: "3栋没水了" });
    for (const q of ["我报的水管修了吗", "我反映的停水处理了吗", "我上次说的水管修好了吗", "我昨天报的水管什么时候修"]) {
      expect([q, decide(q, { notice, incident: neighbour })]).toEqual([q, { action: "answer", facts: { kind: "unknown", about: "status" } }]);
      expect([q, decide(q, { mine: ticket(), notice })]).toMatchObject([q, { action: "answer", facts: { kind: "ticket", scope: "mine" } }]);
    }
    // A line the detector tickets by itself (漏水) stays the detector's: it becomes the ticket that was missing.
    expect(decide("我反映的漏水修了没有", { notice })).toMatchObject({ action: "pass", reason: "complaint, nothing open" });
    // Without the "my report" shape the notice still answers.
    for (const q of ["停水到几点？", "明天停水吗", "水什么时候来"]) expect([q, decide(q, { notice })]).toMatchObject([q, { action: "answer", facts: { kind: "notice" } }]);
  });

  it("feedback only on the asker's own ticket; 登记 only with an offer waiting; chatter passes", () => {
    expect(decide("满意", { feedbackTicket: ticket({ status: "resolved" }) })).toMatchObject({ action: "feedback", feedback: "satisfied" });
    expect(decide("还是没修好", { feedbackTicket: ticket({ status: "resolved" }) })).toMatchObject({ action: "feedback", feedback: "not_fixed" });
    expect(decide("满意")).toMatchObject({ action: "pass" });
    expect(decide("登记")).toMatchObject({ action: "pass" });
    expect(decide("登记", { offer: { replyId: 1, messageRowId: 2, text: "3栋的水什么时候恢复", createdAt: new Date() } })).toMatchObject({ action: "register" });
    expect(decide("大家早上好", { mine: ticket() })).toMatchObject({ action: "pass" });
  });

  it("an FAQ question without an entry: a help request the detector tickets stays a complaint, others get 'I don't know'", () => {
    expect(decide("失业了去哪里登记")).toMatchObject({ action: "pass" }); // the detector reads it as an employment request
    expect(decide("垃圾分类是哪几类")).toEqual({ action: "answer", facts: { kind: "unknown", about: "faq" } });
  });
});

describe("composeAnswer: facts only", () => {
  const now = new Date("2026-12-01T02:00:00Z");
  it("states status, assignee, last note and its time in the installation's zone; nothing else", () => {
    const a = composeAnswer({ kind: "ticket", ticket: ticket(), scope: "mine", openOthers: 0 }, "zh", "Asia/Shanghai", now);
    expect(a.text).toBe("您的工单 #A0007【水电气暖】目前处理中。处理人：李网格。最新进展（今天9:20）：电工已到场");
    const en = composeAnswer({ kind: "ticket", ticket: ticket(), scope: "mine", openOthers: 0 }, "en", "Asia/Shanghai", now);
    expect(en.text).toBe("Your ticket #A0007 [Utilities] is in progress. Handled by 李网格. Latest update (today 09:20): 电工已到场");
    const resolved = composeAnswer({ kind: "ticket", ticket: ticket({ status: "resolved", closedAt: new Date("2026-11-30T10:05:00Z"), lastNote: { at: new Date("2026-11-30T10:05:00Z"), note: "已恢复供电。" } }), scope: "mine", openOthers: 0 }, "zh", "Asia/Shanghai", now);
    expect(resolved.text).toBe("您的工单 #A0007【水电气暖】已于昨天18:05办结：已恢复供电。如问题仍在，请回复“还是没修好”。");
    const fresh = composeAnswer({ kind: "ticket", ticket: ticket({ status: "open", assignee: null, lastNote: undefined }), scope: "group", openOthers: 0 }, "zh", "Asia/Shanghai", now);
    expect(fresh.text).toBe("本群已登记此问题：工单 #A0007【水电气暖】目前已接单。今天9:00登记，暂时还没有新的进展记录。");
  });

  it("quotes a notice in its own words with its time, masking phone numbers", () => {
    const a = composeAnswer({ kind: "notice", notice: { broadcastId: 2, text: "停水通知：明天9:00至12:00停水，咨询13812345678", at: new Date("2026-12-01T01:00:00Z"), score: 1 } }, "zh", "Asia/Shanghai", now);
    expect(a.text).toBe("根据今天9:00的通知：“停水通知：明天9:00至12:00停水，咨询138****5678”");
    expect(formatTime(new Date("2026-12-05T01:00:00Z"), "zh", "Asia/Shanghai", now)).toBe("12月5日 9:00");
    expect(formatTime(new Date("2026-12-05T01:00:00Z"), "en", "Asia/Shanghai", now)).toBe("5 Dec 09:00");
  });
});
