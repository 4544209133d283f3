// Issue 15: the three lines a new user tried on the running bot, and the rules behind them — a place word
// never decides the category, a demand to fix is not a resolution, a question about an earlier report is
// neither a new complaint nor a report that it was resolved.
import { describe, expect, it } from "vitest";
import { detect } from "../../nlp/index.js";

describe("new-user lines (issue 15)", () => {
  it("小区门口垃圾…没人清理，臭死了 is an environment complaint about the rubbish, not housing (小区 is a place)", () => {
    const d = detect("小区门口垃圾堆了好几天没人清理，臭死了");
    expect(d.complaint).toBe(true);
    expect(d.category).toBe("environment");
    // The reply quotes keywords[0]: the thing that is wrong, never the place.
    expect(d.keywords[0].term).toBe("垃圾");
    expect(d.keywords.map((k) => k.term)).not.toContain("房子");
  });

  it("a place word still decides when nothing else is wrong, and a housing object beats a place", () => {
    expect(detect("小区太乱了，没人管").category).toBe("housing");
    const d = detect("楼道里的电梯又坏了");
    expect(d.category).toBe("housing");
    expect(d.keywords[0].surface).toMatch(/^电梯/);
  });

  it("English demands are complaints, not resolutions", () => {
    const a = detect("The elevator is broken AGAIN… nobody ever fixes anything!");
    expect(a.complaint).toBe(true);
    expect(a.category).toBe("housing");
    expect(a.explanation).not.toContain("resolved");
    const b = detect("No hot water for three days, fix it now!");
    expect(b.complaint).toBe(true);
    expect(b.category).toBe("utilities");
    expect(b.explanation).not.toContain("resolved");
    expect(detect("the lift is broken, sort it out").complaint).toBe(true);
    expect(detect("Lift broken again. Can someone get it fixed today?").complaint).toBe(true);
  });

  it("English reports of a repair still silence the complaint", () => {
    for (const t of ["The lift is fixed now, thanks everyone", "Power is back on, all good", "The leak has been repaired, thank you"]) {
      expect(detect(t).complaint, t).toBe(false);
    }
    const d = detect("The elevator is broken but it was fixed this morning");
    expect(d.complaint).toBe(false);
    expect(d.suppressed[0]?.reason).toBe("resolved");
    // Negated repairs are no repairs: still a complaint.
    expect(detect("roof leak in my flat, still not fixed after a week").complaint).toBe(true);
    expect(detect("The lift has been broken for days and no one has fixed it").complaint).toBe(true);
  });

  it("我上周报的停电修好了吗？ is a follow-up question: not a new complaint, and not called resolved", () => {
    const d = detect("我上周报的停电修好了吗？");
    expect(d.complaint).toBe(false);
    expect(d.suppressed[0]).toMatchObject({ term: "停电", reason: "follow_up" });
    expect(d.explanation).toContain("earlier report");
    expect(d.explanation).not.toContain("resolved");
    // Asking whether it was fixed, without naming the report, is the same follow-up.
    expect(detect("停电修好了吗？").suppressed[0]?.reason).toBe("follow_up");
    // ... but a grievance makes it a complaint again, and a plain report of a repair stays "resolved".
    expect(detect("又停电了，修好了吗？").complaint).toBe(true);
    expect(detect("我上周报的停电已经修好了").suppressed[0]?.reason).toBe("resolved");
  });

  it("a Chinese demand for a repair is not a report of one", () => {
    const d = detect("停水两天了，希望尽快恢复供水");
    expect(d.complaint).toBe(true);
    expect(d.category).toBe("utilities");
    expect(detect("停水已经恢复供水了").complaint).toBe(false);
  });
});
