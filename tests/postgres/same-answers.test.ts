// The whole product gives the same answers on PostgreSQL as on SQLite: one scenario through the playground —
// complaints, chatter, a leader's accept/progress/resolve in chat, a rating — on an app over a fresh SQLite file
// and on an app over a fresh PostgreSQL database (created in beforeAll, dropped in afterAll); the tickets, every
// bot line residents saw and GET /api/stats (the portable raw SQL) are compared. The assistant's sender context,
// the outbox's multi-row INSERT and the lexicon's shadow counter are raw SQL on this path too.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundGateway, type PlaygroundGateway } from "../../bots/playground/index.js";
import fs from "node:fs";
import { migrateDatabase } from "../../core/infra/db.js";
import { recordShadowHits } from "../../core/lexicon/store.js";
import { createTestApp, freshDatabase, waitFor, type TestApp } from "../helpers/harness.js";
import { createPostgresDatabase } from "../support/postgres.js";

let pgDb: Awaited<ReturnType<typeof createPostgresDatabase>>;
beforeAll(async () => {
  pgDb = await createPostgresDatabase();
  await migrateDatabase(pgDb.url);
});
afterAll(async () => pgDb?.drop());

type Outcome = {
  tickets: unknown[];
  reporters: unknown[];
  transcripts: Record<string, string[]>;
  stats: Record<string, unknown>;
  durations: number[];
  shadowHits: number;
  deliveries: unknown[];
};

/** Run the scenario on an app over `databaseUrl`; what a user sees of it. */
async function scenario(databaseUrl: string): Promise<Outcome> {
  const t: TestApp = await createTestApp({ gateways: [playgroundGateway], env: { DATABASE_URL: databaseUrl } });
  try {
    const db = t.app.prisma;
    const pg = t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
    let seq = 0;
    const say = async (chatId: string, sender: string, text: string) => {
      const messageId = `same-${++seq}`;
      await t.app.queues.submit({ platform: "playground", chatId, messageId, sender: { id: `pg-${sender}`, name: sender }, text, sentAt: Date.now() });
      return messageId;
    };
    const bot = async (chatId: string) => (await pg.transcript(chatId)).filter((l) => l.from === "bot");
    const replyTo = (chatId: string, id: string) => waitFor(async () => (await bot(chatId)).find((l) => l.replyTo === id));

    const node = await db.orgNode.findUniqueOrThrow({ where: { kind_name: { kind: "grid", name: "莲花社区第一网格" } } });
    const account = await db.staffAccount.create({ data: { username: "li", role: "grid_leader", scopeNodeId: node.id, name: "李网格" } });
    await db.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "莲花社区第一网格", name: "李网格", accountId: account.id } });
    // A shadow keyword: its counter is a raw UPDATE that leaves updatedAt (the live detector's signal) alone.
    const term = await db.lexiconTerm.create({ data: { term: "漏水了", category: "utilities", severity: 2, shadow: true } });

    const outage = await say("lianhua-01", "王阿姨", "3栋又停电了，什么时候来电？");
    const number = /#(A\d{4})/.exec((await replyTo("lianhua-01", outage)).text)![1];
    await replyTo("lianhua-02", await say("lianhua-02", "Tom", "The power is out here too"));
    await replyTo("taoyuan-01", await say("taoyuan-01", "赵大爷", "电梯坏了三天了，老人上不了楼"));
    await say("lianhua-01", "李叔", "大家早上好"); // chatter: no ticket, no reply
    await recordShadowHits(db, new Map([["漏水了", 2], ["not-a-term", 5]]));
    for (const [command, words] of [
      [`/accept ${number}`, /已受理，处理人/],
      [`/progress ${number} 电工已到场`, /电工已到场/],
      [`/resolve ${number} 已恢复供电`, /已恢复供电/],
    ] as const) {
      await say("lianhua-01", "李网格", command);
      await waitFor(async () => (await bot("lianhua-01")).filter((l) => words.test(l.text)).length >= 1);
    }
    await replyTo("lianhua-01", await say("lianhua-01", "王阿姨", "5"));
    await waitFor(async () => ((await db.ticket.findUniqueOrThrow({ where: { number } })).status === "published" ? true : undefined));
    // Everything the cycle queued has been sent (the 晒单 card after the rating included) before anything is read.
    await waitFor(async () => ((await db.outboundMessage.count({ where: { status: "queued" } })) === 0 && (await bot("lianhua-01")).some((l) => l.text.startsWith("【晒单】")) ? true : undefined));
    const shadow = await db.lexiconTerm.findUniqueOrThrow({ where: { term: "漏水了" } });
    expect(shadow.updatedAt).toEqual(term.updatedAt);

    const stats = (await (await fetch(`${t.url}/api/stats`, { headers: t.auth })).json()) as Record<string, unknown>;
    const { from: _from, to: _to, meanSecondsToAccept, meanSecondsToResolve, ...figures } = stats;
    const transcripts: Record<string, string[]> = {};
    for (const chatId of ["lianhua-01", "lianhua-02", "taoyuan-01"]) transcripts[chatId] = (await bot(chatId)).map((l) => l.text.replace(/用时：\d+ 分钟/, "用时：N 分钟")).sort(); // the outbox sends concurrently: the set, not the order
    return {
      tickets: await db.ticket.findMany({ orderBy: { number: "asc" }, select: { number: true, category: true, status: true, tier: true, assignee: true, rating: true, openedDay: true } }),
      reporters: await db.ticketReporter.findMany({ orderBy: { id: "asc" }, select: { first: true, via: true, ticketId: true, lang: true } }),
      transcripts,
      stats: figures,
      durations: [meanSecondsToAccept, meanSecondsToResolve].map(Number),
      shadowHits: shadow.shadowHits,
      deliveries: (await db.outboundMessage.findMany({ orderBy: { id: "asc" }, select: { kind: true, status: true, key: true } })).map((o) => `${o.kind} ${o.status} ${o.key}`).sort(),
    };
  } finally {
    await t.cleanup();
  }
}

describe("the same answers on PostgreSQL as on SQLite", () => {
  it("intake opens the same tickets, the cycle says the same things, /api/stats counts the same", async () => {
    const file = freshDatabase({ seeded: true });
    const lite = await scenario(file.url).finally(() => fs.rmSync(file.dir, { recursive: true, force: true }));
    const pg = await scenario(pgDb.url);
    // The scenario did what it says (so "equal" is not two empty answers).
    expect(lite.tickets).toHaveLength(2);
    expect(lite.tickets[0]).toMatchObject({ status: "published", rating: 5, category: "utilities" });
    expect((lite.stats.status as { total: number }).total).toBe(2);
    expect(lite.shadowHits).toBe(2);
    expect(lite.transcripts["lianhua-01"].some((l) => l.includes("已恢复供电"))).toBe(true);

    expect(pg.tickets).toEqual(lite.tickets);
    expect(pg.reporters).toEqual(lite.reporters);
    expect(pg.transcripts).toEqual(lite.transcripts);
    expect(pg.stats).toEqual(lite.stats);
    expect(pg.shadowHits).toBe(lite.shadowHits);
    expect(pg.deliveries).toEqual(lite.deliveries);
    // Durations are wall-clock seconds of each run: both measured, both a few seconds.
    for (const d of [...lite.durations, ...pg.durations]) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(120);
    }
  }, 180_000);
});

describe("concurrent intake on PostgreSQL", () => {
  it("reports of one incident arriving at once join one ticket, as on SQLite (complaint transactions take turns)", async () => {
    const db = await createPostgresDatabase();
    try {
      await migrateDatabase(db.url);
      const t = await createTestApp({ gateways: [playgroundGateway], env: { DATABASE_URL: db.url, INTAKE_CONCURRENCY: "4", LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" } });
      try {
        const n = 12;
        await Promise.all(
          Array.from({ length: n }, (_, i) =>
            t.app.queues.submit({ platform: "playground", chatId: `lianhua-0${(i % 3) + 1}`, messageId: `race-${i}`, sender: { id: `pg-r${i}`, name: `居民${i}` }, text: "3栋又停电了", sentAt: Date.now() }),
          ),
        );
        await waitFor(async () => ((await t.app.prisma.message.count({ where: { kind: "complaint" } })) === n ? true : undefined), 60_000);
        const tickets = await t.app.prisma.ticket.findMany({ select: { number: true } });
        expect(tickets).toHaveLength(1);
        expect(await t.app.prisma.ticketReporter.count()).toBe(n);
      } finally {
        await t.cleanup();
      }
    } finally {
      await db.drop();
    }
  }, 120_000);
});
