// Personal data over time and on request: retention (the repeatable job, the service with a fake "now", the CLI
// with and without --dry-run) and a resident's export and erasure (real `gridlink` child processes on the app's
// SQLite file, and over HTTP for admins). Counts and categories survive every one of them.

import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { findAuditEvents } from "../../core/audit/find-audit-events.js";
import { RETENTION_ACTOR, RETENTION_QUEUE } from "../../core/jobs/purge-retention.js";
import { cliActor } from "../../core/policy/authorize.js";
import { purgeRetention } from "../../core/residents/purge-retention.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { runGridlink } from "../support/gridlink-process.js";

const DAY = 86_400_000;
/** A fake "now" far enough ahead that the app's own daily job (real time) never reaches these tickets. */
const NOW = new Date(Date.now() + 400 * DAY);

let t: TestApp;
let numbers: Record<"wang" | "li" | "zhang" | "zhao", string>;
const ids = { wang: "pg-王阿姨", li: "pg-李叔", zhang: "pg-张姐", zhao: "pg-赵伯" };

beforeAll(async () => {
  t = await createTestApp({ gateways: [playgroundGateway] });
  const say = (messageId: string, id: string, name: string, chatId: string, text: string) => t.app.queues.submit({ platform: "playground", chatId, messageId, sender: { id, name }, text, sentAt: Date.now() });
  await say("pv-1", ids.wang, "王阿姨", "lianhua-01", "3栋又停电了，王阿姨电话13812345678，什么时候来电？");
  await say("pv-2", ids.li, "李叔", "lianhua-02", "楼道里有人飞线充电，太危险了");
  await say("pv-3", ids.zhang, "张姐", "taoyuan-01", "小区门口垃圾堆了好几天没人清理，臭死了");
  await say("pv-4", ids.zhao, "赵伯", "taoyuan-02", "电梯又坏了，老人上不了楼");
  const tickets = await waitFor(async () => {
    const rows = await t.app.prisma.ticket.findMany({ include: { reporter: true } });
    return rows.length === 4 ? rows : undefined;
  });
  const of = (id: string) => tickets.find((x) => x.reporter.userId === id)!.number;
  numbers = { wang: of(ids.wang), li: of(ids.li), zhang: of(ids.zhang), zhao: of(ids.zhao) };
  // Every reply row is written before the tickets are aged (the reply quotes the resident).
  await waitFor(async () => (await t.app.prisma.outboundMessage.count({ where: { kind: "reply" } })) === 4);
}, 60_000);
afterAll(async () => t?.cleanup());

/** Close a ticket at a given time (what the 六单 cycle's resolve does, at a chosen date). */
const closeAt = (number: string, at: Date) => t.app.prisma.ticket.update({ where: { number }, data: { status: "resolved", closedAt: at } });
const ticket = (number: string) => t.app.prisma.ticket.findUniqueOrThrow({ where: { number }, include: { reporter: true, sourceMessage: true, events: true } });
const statistics = async () => ({
  byCategory: (await t.app.prisma.ticket.groupBy({ by: ["category", "status"], _count: { _all: true }, orderBy: { category: "asc" } })).map((g) => `${g.category}/${g.status}:${g._count._all}`),
  messages: await t.app.prisma.message.count(),
  residents: await t.app.prisma.resident.count(),
});
const env = () => ({ DATABASE_URL: t.config.DATABASE_URL, REDIS_URL: t.config.REDIS_URL, QUEUE_PREFIX: t.config.QUEUE_PREFIX, LOG_LEVEL: "silent", REDIS_AUTOSTART: "false" });

describe("retention", () => {
  it("the repeatable job (scheduled daily by the app) purges a ticket closed 200 days ago, as the system", async () => {
    const queue = new Queue(RETENTION_QUEUE, { connection: { url: t.config.REDIS_URL }, prefix: t.config.QUEUE_PREFIX });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, Number(s.every)])).toEqual([["privacy-retention", DAY]]);
      await closeAt(numbers.zhao, new Date(Date.now() - 200 * DAY));
      await queue.add("purge", {}, { jobId: "retention-test-run" });
      const done = await waitFor(async () => ((await ticket(numbers.zhao)).purgedAt ? ticket(numbers.zhao) : undefined));
      expect(done.text).not.toContain("老人上不了楼");
      expect(done.reporter.displayName).toBe(`居民R${done.reporter.id}`);
      const audit = await findAuditEvents({ db: t.app.prisma, action: "privacy.purge" });
      expect(audit.map((a) => [a.actor, a.channel, (a.after as { tickets: string[] }).tickets])).toEqual([[`system:${RETENTION_ACTOR.name}`, "system", [numbers.zhao]]]);
    } finally {
      await queue.close();
    }
  });

  it("with a fake now: a ticket closed 181 days ago is purged, 179 days ago is not; counts and categories stay; a second run does nothing", async () => {
    await closeAt(numbers.wang, new Date(NOW.getTime() - 181 * DAY));
    await closeAt(numbers.li, new Date(NOW.getTime() - 179 * DAY));
    const before = await statistics();
    const li = await ticket(numbers.li);
    const auditBefore = await t.app.prisma.auditEvent.count();

    const dry = await purgeRetention({ db: t.app.prisma, actor: cliActor("dpo"), retentionDays: 180, now: NOW, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, tickets: [numbers.wang], messages: 1, residents: 1 });
    expect(dry.outbound).toBeGreaterThanOrEqual(1);
    expect((await ticket(numbers.wang)).text).toContain("13812345678"); // a dry run changes nothing…
    expect(await t.app.prisma.auditEvent.count()).toBe(auditBefore); // …and is not an administrative change

    const done = await purgeRetention({ db: t.app.prisma, actor: cliActor("dpo"), retentionDays: 180, now: NOW });
    expect(done).toMatchObject({ dryRun: false, tickets: [numbers.wang], messages: 1, residents: 1 });
    const wang = await ticket(numbers.wang);
    const alias = `居民R${wang.reporter.id}`;
    // The resident's words: a short masked excerpt on the ticket and its message; their name: a pseudonym.
    expect(wang.text).toBe("3栋又停电了，居民R…");
    expect(wang.sourceMessage.text).toBe(wang.text);
    expect(wang.purgedAt?.getTime()).toBe(NOW.getTime());
    expect(wang.reporter.displayName).toBe(alias);
    expect(wang.events.map((e) => e.actor)).toContain(`resident:${alias}`);
    expect(JSON.stringify(wang.events)).not.toContain("王阿姨");
    const reply = await t.app.prisma.outboundMessage.findFirstOrThrow({ where: { ticketId: wang.id, kind: "reply" } });
    expect([reply.replyToName, reply.mentionName, reply.mentionUserId]).toEqual([alias, alias, null]);
    expect(reply.replyExcerpt).not.toMatch(/王阿姨|1381234|5678/);
    // The ticket closed 179 days ago keeps everything.
    expect(await ticket(numbers.li)).toMatchObject({ text: li.text, purgedAt: null, reporter: { displayName: "李叔" } });
    expect(await statistics()).toEqual(before);
    const audit = await findAuditEvents({ db: t.app.prisma, action: "privacy.purge", actor: "cli:dpo" });
    expect(audit.map((a) => (a.after as { tickets: string[] }).tickets)).toEqual([[numbers.wang]]);

    const again = await purgeRetention({ db: t.app.prisma, actor: cliActor("dpo"), retentionDays: 180, now: NOW });
    expect(again).toMatchObject({ tickets: [], messages: 0, outbound: 0, events: 0, residents: 0 });
    expect(await ticket(numbers.wang)).toEqual(wang);
    expect(await findAuditEvents({ db: t.app.prisma, action: "privacy.purge", actor: "cli:dpo" })).toHaveLength(1);
  });

  it("gridlink privacy purge --dry-run shows what it would do and changes nothing; without it, it purges (audited as the CLI)", async () => {
    await closeAt(numbers.li, new Date(Date.now() - 181 * DAY));
    const dry = await runGridlink(["privacy", "purge", "--dry-run"], env());
    expect(dry.code).toBe(0);
    expect(dry.output).toMatch(/would purge 1 ticket\(s\) closed before .* \(RETENTION_DAYS=180\): 1 message\(s\), \d+ bot message\(s\), \d+ event\(s\); 1 resident name\(s\) → pseudonym/);
    expect(dry.output).toContain(`tickets: ${numbers.li}`);
    expect((await ticket(numbers.li)).reporter.displayName).toBe("李叔");
    const real = await runGridlink(["privacy", "purge"], env());
    expect(real.code).toBe(0);
    expect(real.output).toMatch(/^purged 1 ticket\(s\)/);
    const li = await ticket(numbers.li);
    expect(li.purgedAt).not.toBeNull();
    expect(li.reporter.displayName).toBe(`居民R${li.reporter.id}`);
    expect((await findAuditEvents({ db: t.app.prisma, action: "privacy.purge" })).filter((a) => a.channel === "cli").some((a) => (a.after as { tickets: string[] }).tickets.includes(numbers.li))).toBe(true);
  }, 60_000);
});

describe("the CLI reads through core services", () => {
  it("gridlink org list shows the tree with each grid's group count (counted by core's listOrg)", async () => {
    const out = await runGridlink(["org", "list"], env());
    expect(out.code).toBe(0);
    expect(out.output).toMatch(/^\d+\tstreet\t莲花街道$/m);
    expect(out.output).toMatch(/^ {4}\d+\tgrid\t莲花社区第一网格\t10 group\(s\)$/m);
    expect(out.output).toMatch(/^ {4}\d+\tgrid\t桃源社区第二网格\t10 group\(s\)$/m);
  }, 60_000);

  it("gridlink routes lists every route with its declared action and the roles allowed", async () => {
    const out = await runGridlink(["routes"], { ...env(), QUEUE_PREFIX: `${t.config.QUEUE_PREFIX}r` });
    expect(out.code).toBe(0);
    const lines = out.output.trim().split("\n");
    expect(lines).toContain("GET /api/residents/:platform/:id/export\tprivacy.manage\tadmin");
    expect(lines).toContain("GET /api/broadcasts\tbroadcast.read\tviewer, grid_leader, street, admin");
    expect(lines).toContain("POST /api/faq\tlexicon.edit\tadmin");
    expect(lines).toContain("POST /api/session\tpublic\tanyone (public)");
    expect(lines.every((l) => /^(GET|POST|PATCH|DELETE|PUT) \/\S*\t[a-z.]+\t.+$/.test(l))).toBe(true);
  }, 90_000);
});

describe("a resident's data on request", () => {
  it("gridlink privacy export prints everything held about the resident as JSON, audited", async () => {
    // A vote of theirs in a poll (社区投票) is theirs too.
    const zhang = await t.app.prisma.resident.findFirstOrThrow({ where: { userId: ids.zhang } });
    const notice = await t.app.prisma.broadcast.create({ data: { text: "是否同意加装电梯？", actor: "staff:test", status: "done" } });
    const poll = await t.app.prisma.poll.create({ data: { broadcastId: notice.id, question: "是否同意加装电梯？", options: JSON.stringify(["同意", "不同意"]), closesAt: new Date(Date.now() + DAY) } });
    const group = await t.app.prisma.message.findFirstOrThrow({ where: { residentId: zhang.id } });
    await t.app.prisma.pollVote.create({ data: { pollId: poll.id, residentId: zhang.id, groupId: group.groupId, option: 1, votedAt: new Date() } });
    const out = await runGridlink(["privacy", "export", "--resident", `playground:${ids.zhang}`], env());
    expect(out.code).toBe(0);
    const data = JSON.parse(out.output) as { resident: { displayName: string }; messages: Array<{ text: string }>; tickets: Array<{ number: string; events: unknown[] }>; botMessages: Array<{ kind: string }>; pollVotes: Array<{ option: number; poll: { question: string } }>; counts: Record<string, number> };
    expect(data.pollVotes.map((v) => [v.poll.question, v.option])).toEqual([["是否同意加装电梯？", 1]]);
    expect(data.resident.displayName).toBe("张姐");
    expect(data.messages.map((m) => m.text)).toEqual(["小区门口垃圾堆了好几天没人清理，臭死了"]);
    expect(data.tickets.map((x) => x.number)).toEqual([numbers.zhang]);
    expect(data.tickets[0].events.length).toBeGreaterThan(0);
    expect(data.botMessages.map((m) => m.kind)).toEqual(["reply"]);
    const audit = await findAuditEvents({ db: t.app.prisma, action: "privacy.export" });
    expect(audit[0]).toMatchObject({ channel: "cli", after: data.counts });
  }, 60_000);

  it("gridlink privacy erase removes name, id and words, keeps the anonymous counts; the resident is gone afterwards", async () => {
    const before = await statistics();
    const zhang = await ticket(numbers.zhang);
    const out = await runGridlink(["privacy", "erase", "--resident", `playground:${ids.zhang}`], env());
    expect(out.code).toBe(0);
    expect(out.output).toMatch(/erased resident \d+ \(now 居民R\d+\): 1 message\(s\), 1 ticket\(s\)/);
    const after = await ticket(numbers.zhang);
    expect(after).toMatchObject({ category: zhang.category, status: zhang.status, text: "[已删除]", reporter: { displayName: `居民R${zhang.reporter.id}`, userId: `erased-${zhang.reporter.id}` } });
    expect(after.sourceMessage.text).toBe("[已删除]");
    const dump = JSON.stringify(await t.app.prisma.outboundMessage.findMany({ where: { ticketId: zhang.id } })) + JSON.stringify(after.events);
    expect(dump).not.toMatch(/张姐|pg-张姐|垃圾堆了好几天/);
    expect(await statistics()).toEqual(before);
    expect((await findAuditEvents({ db: t.app.prisma, action: "privacy.erase" }))[0]).toMatchObject({ channel: "cli", subject: `resident:${zhang.reporter.id}` });
    const again = await runGridlink(["privacy", "export", "--resident", `playground:${ids.zhang}`], env());
    expect(again.code).toBe(1);
    expect(again.output).toContain("no resident playground:pg-张姐");
  }, 60_000);

  it("over HTTP for admins: export and erase, and a bad resident reference is a 400", async () => {
    const exported = await fetch(`${t.url}/api/residents/playground/${encodeURIComponent(ids.wang)}/export`, { headers: t.auth });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toMatch(/attachment; filename="resident-\d+\.json"/);
    const body = (await exported.json()) as { tickets: Array<{ number: string }>; resident: { displayName: string } };
    expect(body.tickets.map((x) => x.number)).toEqual([numbers.wang]);
    const erased = await fetch(`${t.url}/api/residents/playground/${encodeURIComponent(ids.wang)}`, { method: "DELETE", headers: t.auth });
    expect(erased.status).toBe(200);
    expect(((await erased.json()) as { tickets: number }).tickets).toBe(1);
    expect((await fetch(`${t.url}/api/residents/playground/${encodeURIComponent(ids.wang)}/export`, { headers: t.auth })).status).toBe(404);
    expect((await fetch(`${t.url}/api/residents/myspace/x/export`, { headers: t.auth })).status).toBe(400);
    expect((await findAuditEvents({ db: t.app.prisma, action: "privacy." })).filter((a) => a.channel === "token").map((a) => a.action).sort()).toEqual(["privacy.erase", "privacy.export"]);
  });
});
