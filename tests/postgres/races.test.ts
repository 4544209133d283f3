// Check-then-write on PostgreSQL: SQLite runs one write transaction at a time, PostgreSQL's READ COMMITTED runs
// them side by side. Each test fires the same operation from several Prisma clients (several workers) at once
// on its own database (a copy of one migrated in beforeAll) and checks what a user relies on: distinct ticket
// numbers, one resident per sender, one vote, one reporter row, one acceptance (the other leader told), one
// escalation per breach.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type Db } from "../../core/infra/db.js";
import { AppError } from "../../core/infra/errors.js";
import { ensureDirectChat, ensureGroup } from "../../core/groups/registry.js";
import { ensureGridNode, seedOrg } from "../../core/org/org-tree.js";
import { purgeRetention } from "../../core/residents/purge-retention.js";
import { ensureResident } from "../../core/intake/shared.js";
import { castVote } from "../../core/polls/cast-vote.js";
import { addReporter } from "../../core/tickets/add-reporter.js";
import { findTicket } from "../../core/tickets/find-tickets.js";
import { fireClock } from "../../core/tickets/sla-clock.js";
import { nextTicketNumber } from "../../core/tickets/ticket-number.js";
import { transitionTicket } from "../../core/tickets/transition-ticket.js";
import { createPostgresDatabase } from "../support/postgres.js";

const WORKERS = 6;
let template: Awaited<ReturnType<typeof createPostgresDatabase>>;
beforeAll(async () => {
  template = await createPostgresDatabase();
  await migrateDatabase(template.url);
}, 60_000);
afterAll(async () => template?.drop());

let open: Db[] = [];
let drop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await Promise.all(open.map((c) => c.$disconnect()));
  open = [];
  await drop?.();
  drop = undefined;
});

/** WORKERS clients (each its own connection pool) on a fresh copy of the migrated database, connected. */
async function workers(): Promise<Db[]> {
  const db = await createPostgresDatabase({ template: template.name });
  drop = db.drop;
  open = await Promise.all(Array.from({ length: WORKERS }, () => openDatabase(db.url)));
  // Connected before the race, so the operations start together rather than in connection order.
  await Promise.all(open.map((c) => c.$queryRaw`SELECT 1`));
  return open;
}

/** A group, a resident, their message and an open ticket on it (number A0001, grid 一网格). */
async function aTicket(db: Db) {
  const group = await db.group.create({ data: { platform: "playground", chatId: "g1", title: "g1", grid: "一网格" } });
  const resident = await db.resident.create({ data: { platform: "playground", userId: "u1", displayName: "王阿姨" } });
  const message = await db.message.create({ data: { platform: "playground", chatId: "g1", messageId: "m1", groupId: group.id, residentId: resident.id, kind: "complaint", text: "停电了", sentAt: new Date() } });
  const ticket = await db.ticket.create({
    data: { number: "A0001", category: "utilities", severity: 2, groupId: group.id, reporterId: resident.id, sourceMessageId: message.id, text: "停电了", openedDay: "2026-12-01" },
  });
  return { group, resident, message, ticket };
}

const settle = <T>(ps: Promise<T>[]) => Promise.allSettled(ps);
const rejected = (rs: PromiseSettledResult<unknown>[]) => rs.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as unknown);

describe("races on PostgreSQL (several workers at once)", () => {
  it("tickets opened at once get distinct numbers, the counter's first row included; none fails", async () => {
    const dbs = await workers();
    const numbers = await Promise.all(dbs.flatMap((db) => [0, 1].map(() => db.$transaction((tx) => nextTicketNumber(tx, "A")))));
    expect(new Set(numbers).size).toBe(WORKERS * 2);
    expect([...numbers].sort()).toEqual(Array.from({ length: WORKERS * 2 }, (_, i) => `A${String(i + 1).padStart(4, "0")}`));
  });

  it("a sender's first messages handled at once make one resident, and a chat's first messages one group; none fails", async () => {
    const dbs = await workers();
    const residents = await Promise.all(dbs.map((db, i) => db.$transaction((tx) => ensureResident(tx, "playground", "new-user", `name-${i}`))));
    expect(new Set(residents.map((r) => r.id)).size).toBe(1);
    expect(await dbs[0].resident.count({ where: { userId: "new-user" } })).toBe(1);
    const nameless = await Promise.all(dbs.map((db) => db.$transaction((tx) => ensureResident(tx, "playground", "no-name", ""))));
    expect(new Set(nameless.map((r) => r.id)).size).toBe(1);
    expect(nameless[0].displayName).toBe("no-name");
    const groups = await Promise.all(dbs.map((db) => ensureGroup(db, "playground", "new-chat", "新群")));
    expect(new Set(groups.map((g) => g.id)).size).toBe(1);
    const direct = await Promise.all(dbs.map((db) => db.$transaction((tx) => ensureDirectChat(tx, "telegram", "555", "李"))));
    expect(new Set(direct.map((g) => g.id)).size).toBe(1);
    expect(await dbs[0].group.count()).toBe(2);
    const tree = [{ kind: "community" as const, name: "新社区" }, { kind: "grid" as const, name: "新网格", parent: "新社区" }];
    await Promise.all(dbs.map((db) => seedOrg(db, tree)));
    const nodes = await Promise.all(dbs.map((db) => ensureGridNode(db, "新网格")));
    expect(new Set(nodes).size).toBe(1);
    const grid = await dbs[0].orgNode.findUniqueOrThrow({ where: { kind_name: { kind: "grid", name: "新网格" } }, include: { parent: true } });
    expect(grid.parent?.name).toBe("新社区");
    expect(await dbs[0].orgNode.count()).toBe(2);
  });

  it("one resident's votes arriving at once are one vote: the one sent last counts, none fails", async () => {
    const dbs = await workers();
    const { group, resident } = await aTicket(dbs[0]);
    const broadcast = await dbs[0].broadcast.create({ data: { text: "投票", actor: "admin" } });
    const poll = await dbs[0].poll.create({ data: { broadcastId: broadcast.id, question: "?", options: JSON.stringify(["a", "b", "c", "d", "e", "f"]), closesAt: new Date(Date.now() + 3_600_000) } });
    const t0 = Date.now();
    const results = await Promise.all(dbs.map((db, i) => castVote({ db, pollId: poll.id, residentId: resident.id, groupId: group.id, option: i, votedAt: new Date(t0 + i * 1000) })));
    expect(results).toContain("counted");
    const votes = await dbs[0].pollVote.findMany({ where: { pollId: poll.id } });
    expect(votes).toHaveLength(1);
    expect(votes[0].option).toBe(WORKERS - 1);
  });

  it("one resident joining a ticket from several reports at once is one reporter; none fails", async () => {
    const dbs = await workers();
    const { group, ticket } = await aTicket(dbs[0]);
    const neighbour = await dbs[0].resident.create({ data: { platform: "playground", userId: "u2", displayName: "李叔" } });
    const messages = await Promise.all(
      dbs.map((_, i) => dbs[0].message.create({ data: { platform: "playground", chatId: "g1", messageId: `n${i}`, groupId: group.id, residentId: neighbour.id, kind: "complaint", text: "也停电", sentAt: new Date() } })),
    );
    const results = await settle(dbs.map((db, i) => db.$transaction((tx) => addReporter({ tx, ticketId: ticket.id, groupId: group.id, residentId: neighbour.id, sourceMessageId: messages[i].id, via: "cluster" }))));
    expect(rejected(results)).toEqual([]);
    const added = results.map((r) => (r.status === "fulfilled" ? r.value : null));
    expect(added.filter((a) => a?.added)).toHaveLength(1);
    expect(new Set(added.map((a) => a?.reporterId)).size).toBe(1);
    expect(await dbs[0].ticketReporter.count({ where: { ticketId: ticket.id, residentId: neighbour.id } })).toBe(1);
  });

  it("leaders accepting one ticket at once: one owns it, every other is told it changed meanwhile", async () => {
    const dbs = await workers();
    await aTicket(dbs[0]);
    await dbs[0].ticket.update({ where: { number: "A0001" }, data: { status: "dispatched" } });
    const results = await settle(
      dbs.map((db, i) =>
        db.$transaction(async (tx) => {
          const ticket = (await findTicket({ db: tx, number: "A0001" }))!;
          return transitionTicket({ tx, ticket, to: "accepted", actor: { role: "grid_leader", grid: "一网格", name: `leader-${i}`, channel: "chat" } });
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refusals = rejected(results);
    expect(refusals).toHaveLength(WORKERS - 1);
    for (const err of refusals) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("conflict");
      expect((err as AppError).userMessage).toBeTruthy();
    }
    const row = await dbs[0].ticket.findUniqueOrThrow({ where: { number: "A0001" } });
    expect(row.status).toBe("accepted");
    const winner = results.findIndex((r) => r.status === "fulfilled");
    expect(row.assignee).toBe(`staff:leader-${winner}`);
    expect(await dbs[0].ticketEvent.count({ where: { ticketId: row.id, toStatus: "accepted" } })).toBe(1);
  });

  it("one SLA breach fired by several workers at once escalates the ticket once", async () => {
    const dbs = await workers();
    const { ticket } = await aTicket(dbs[0]);
    const job = { kind: "breach" as const, phase: "accept" as const, ticketId: ticket.id, seq: 0 };
    const results = await settle(dbs.map((db) => fireClock({ db, job, unitMs: 1 })));
    const outcomes = results.map((r) => (r.status === "fulfilled" ? r.value.result : `error: ${(r.reason as Error).message}`));
    expect(outcomes.filter((o) => o === "escalated")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "escalated").every((o) => o === "stale")).toBe(true);
    const row = await dbs[0].ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.status).toBe("escalated");
    expect(row.breachCount).toBe(1);
    expect(await dbs[0].ticketEvent.count({ where: { ticketId: ticket.id, toStatus: "escalated" } })).toBe(1);
  });

  it("retention purges run at once purge each old ticket once: one report names it, one audit row", async () => {
    const dbs = await workers();
    const { ticket } = await aTicket(dbs[0]);
    await dbs[0].ticket.update({ where: { id: ticket.id }, data: { status: "rated", closedAt: new Date(Date.now() - 400 * 86_400_000) } });
    const actor = { role: "admin" as const, name: "admin", channel: "cli" as const };
    const reports = await Promise.all(dbs.map((db) => purgeRetention({ db, actor, retentionDays: 180 })));
    expect(reports.flatMap((r) => r.tickets)).toEqual(["A0001"]);
    expect(await dbs[0].auditEvent.count({ where: { action: "privacy.purge" } })).toBe(1);
    expect((await dbs[0].ticket.findUniqueOrThrow({ where: { id: ticket.id } })).purgedAt).not.toBeNull();
  });
});
