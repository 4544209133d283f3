// The lifecycle as data: every move the table does not allow is refused, and the refusal names what IS possible
// from the ticket's status (the action and its command), in Chinese and in English.

import { describe, expect, it } from "vitest";
import { actionLabel } from "../../core/locale.js";
import { TICKET_ACTION_NAMES, TICKET_ACTIONS } from "../../core/tickets/actions.js";
import { ACTION_OF, possibleActions, TRANSITIONS, transitionRefusal } from "../../core/tickets/transition-ticket.js";
import { TICKET_STATUSES } from "../../core/infra/rows.js";

describe("the ticket cycle's transitions", () => {
  it("follows 六单 with its side exits", () => {
    const path = ["open", "dispatched", "accepted", "in_progress", "resolved", "rated", "published"] as const;
    for (let i = 0; i + 1 < path.length; i++) expect(TRANSITIONS[path[i]]).toContain(path[i + 1]);
    for (const from of ["open", "dispatched", "accepted", "in_progress", "escalated", "reopened"] as const) {
      expect(TRANSITIONS[from]).toEqual(expect.arrayContaining(["resolved", "merged", "escalated"]));
    }
    expect(TRANSITIONS.resolved).toContain("reopened");
    expect(TRANSITIONS.merged).toEqual(["open"]);
    expect(TRANSITIONS.published).toEqual(["reopened"]);
  });

  it("refuses every illegal move, naming every possible action and no impossible one", () => {
    let refused = 0;
    for (const from of TICKET_STATUSES) {
      const possible = possibleActions(from);
      for (const to of TICKET_STATUSES) {
        if (TRANSITIONS[from].includes(to)) continue;
        refused++;
        for (const lang of ["zh", "en"] as const) {
          const err = transitionRefusal({ number: "A0012", status: from }, to, lang);
          expect(err.code).toBe("conflict");
          const text = err.userMessage!;
          expect(text).toContain("A0012");
          expect(text).toContain(actionLabel(ACTION_OF[to], lang));
          for (const a of possible) expect(text).toContain(`/${a}`);
          const listed = (a: string) => (lang === "zh" ? `（/${a}）` : `(/${a})`);
          for (const a of Object.values(ACTION_OF)) if (!possible.includes(a)) expect(text).not.toContain(listed(a));
        }
      }
    }
    expect(refused).toBeGreaterThan(60);
  });

  it("says in words what can be done with a resolved ticket", () => {
    expect(transitionRefusal({ number: "A0012", status: "resolved" }, "accepted", "zh").userMessage).toBe(
      "工单 #A0012 当前状态为“已办结”，不能受理。现在可以：进展（/progress）、评价（/rate）、晒单（/publish）、重新打开（/reopen）。",
    );
    expect(transitionRefusal({ number: "A0012", status: "resolved" }, "accepted", "en").userMessage).toBe(
      'Ticket #A0012 is "resolved"; cannot accept it now. Possible now: progress (/progress), rate (/rate), publish (/publish), reopen (/reopen).',
    );
  });

  it("has one action-table row per action, each leading to a status the table allows from somewhere", () => {
    expect(Object.keys(TICKET_ACTIONS).sort()).toEqual([...TICKET_ACTION_NAMES].sort());
    for (const spec of Object.values(TICKET_ACTIONS)) {
      expect(ACTION_OF[spec.to]).toBe(spec.name);
      expect(TICKET_STATUSES.some((s) => TRANSITIONS[s].includes(spec.to))).toBe(true);
    }
  });
});
