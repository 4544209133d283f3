// Learning from each installation (issue 15), on a real SQLite file: shadow keywords are counted, not acted
// on, until promoted (audited); resolved tickets count for a keyword and dismissals against, a low precision
// flags it for review; suggestions come from resolved tickets' text by TF-IDF against the background.
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import type { Db } from "../../core/infra/db.js";
import { createLiveDetector, type LiveDetector } from "../../core/lexicon/live.js";
import { REVIEW_MIN_VERDICTS, addTerm, getTerm, listTerms, promoteTerm } from "../../core/lexicon/store.js";
import { suggestKeywords } from "../../core/lexicon/suggest.js";
import { testDb, testRedis, tinyLexiconDir } from "./helpers.js";
import { findAuditEvents } from "../../core/audit/find-audit-events.js";
import { chinaDay } from "../../core/broadcasts/china-time.js";

let prisma: Db;
let cleanup: () => Promise<void>;
let redis: Redis;
let channel: string;
let dir: string;
let live: LiveDetector | null = null;
beforeEach(async () => {
  ({ prisma, cleanup } = await testDb());
  ({ redis, channel } = testRedis());
  dir = tinyLexiconDir();
});
afterEach(async () => {
  await live?.close();
  live = null;
  redis.disconnect();
  await cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A resident, group, message and ticket in one go (what intake would have written). */
async function ticket(text: string, category: string, status: string, keywords: string[] = []): Promise<void> {
  const n = await prisma.ticket.count();
  const group = await prisma.group.upsert({ where: { platform_chatId: { platform: "playground", chatId: "g1" } }, create: { platform: "playground", chatId: "g1", title: "t" }, update: {} });
  const resident = await prisma.resident.upsert({ where: { platform_userId: { platform: "playground", userId: "u1" } }, create: { platform: "playground", userId: "u1", displayName: "r" }, update: {} });
  const msg = await prisma.message.create({ data: { platform: "playground", chatId: "g1", messageId: `m${n}`, groupId: group.id, residentId: resident.id, kind: "complaint", text, sentAt: new Date() } });
  await prisma.ticket.create({ data: { number: `T${n}`, category, severity: 1, status, groupId: group.id, reporterId: resident.id, sourceMessageId: msg.id, text, keywords: JSON.stringify(keywords), openedDay: chinaDay(new Date()) } });
}

describe("shadow keywords", () => {
  it("are matched and counted in aggregate, never acted on, until an admin promotes them (audited)", async () => {
    live = await createLiveDetector({ prisma, redis, channel, lexiconDir: dir, pollMs: 0, shadowFlushMs: 0 });
    await addTerm(prisma, { term: "漏水", category: "housing", severity: 2 }, "admin:test");
    await live.publishChange();
    for (const t of ["楼上漏水了", "又漏水了漏水了", "今天天气好"]) expect(live.detect(t).complaint, t).toBe(false);
    expect(live.detect("楼上漏水了").explanation).toContain("shadow keyword");
    await live.flushShadowHits();
    // Three messages would have been flagged (a message counts once however often the term occurs).
    expect(await getTerm(prisma, "漏水")).toMatchObject({ shadow: true, shadowHits: 3, hits: 0 });
    const version = (await getTerm(prisma, "漏水"))!.updatedAt;
    expect(version.getTime()).toBe((await getTerm(prisma, "漏水"))!.updatedAt.getTime()); // counters are not lexicon changes

    await promoteTerm(prisma, "漏水", "admin:test");
    await live.publishChange();
    expect(live.detect("楼上漏水了")).toMatchObject({ complaint: true, category: "housing" });
    const audits = (await findAuditEvents({ db: prisma, subject: "keyword:漏水" })).reverse();
    expect(audits.map((a) => a.action)).toEqual(["lexicon.add", "lexicon.promote"]);
    expect((audits[1].before as { shadow: boolean }).shadow).toBe(true);
    expect((audits[1].after as { shadow: boolean }).shadow).toBe(false);
  });

  it("seeded keywords are live; an admin may add one live at once", async () => {
    live = await createLiveDetector({ prisma, redis, channel, lexiconDir: dir, pollMs: 0 });
    expect((await getTerm(prisma, "停电"))!.shadow).toBe(false);
    await addTerm(prisma, { term: "漏水", category: "housing" }, "admin:test", { shadow: false });
    await live.publishChange();
    expect(live.detect("楼上漏水了").complaint).toBe(true);
  });
});

describe("precision from tickets, and review", () => {
  it("flags a keyword for review once enough verdicts put its precision under 50%", async () => {
    live = await createLiveDetector({ prisma, redis, channel, lexiconDir: dir, pollMs: 0 });
    await prisma.lexiconTerm.update({ where: { term: "停水" }, data: { confirmed: 1, dismissed: REVIEW_MIN_VERDICTS - 2 } });
    expect((await getTerm(prisma, "停水"))!.review).toBe(false); // too few verdicts to judge
    await prisma.lexiconTerm.update({ where: { term: "停水" }, data: { dismissed: REVIEW_MIN_VERDICTS } });
    const row = (await listTerms(prisma)).find((r) => r.term === "停水")!;
    expect(row.review).toBe(true);
    expect(row.precision).toBeCloseTo(1 / (1 + REVIEW_MIN_VERDICTS));
    expect((await getTerm(prisma, "停电"))!.review).toBe(false);
  });
});

describe("gridlink lexicon suggest", () => {
  it("proposes terms that mark one category's resolved tickets, not chatter, other categories or known keywords", async () => {
    live = await createLiveDetector({ prisma, redis, channel, lexiconDir: dir, pollMs: 0 });
    await ticket("楼下的化粪池满了冒出来，臭得不行", "environment", "resolved");
    await ticket("化粪池又冒了，整个单元都是味道", "environment", "resolved");
    await ticket("化粪池堵了好几天没人清掏", "environment", "rated");
    await ticket("停电了，整个单元黑漆漆的", "utilities", "resolved");
    await ticket("停电三个小时，单元门禁也坏了", "utilities", "resolved");
    await ticket("化粪池那边有人在聊天，没事", "environment", "dismissed");
    const all = await suggestKeywords(prisma, { known: live.current.lexicon.entries });
    const env = all.filter((s) => s.category === "environment");
    expect(env[0]).toMatchObject({ term: "化粪池", tickets: 3 });
    // 单元 occurs in both categories' tickets: it marks neither; 停电 is already a keyword.
    expect(all.find((s) => s.term === "单元" && s.score >= env[0].score)).toBeUndefined();
    expect(all.find((s) => s.term === "停电")).toBeUndefined();
    expect(await suggestKeywords(prisma, { category: "utilities", known: live.current.lexicon.entries })).not.toContainEqual(expect.objectContaining({ category: "environment" }));
  });
});
