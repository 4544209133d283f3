// SLA clocks with a fake clock — one SLA minute is SLA_MINUTE_MS=20 ms here, so safety's 1 h accept time passes in
// 1.2 s — and escalation through every tier up to a local Open311 (12345) server, whose status and notes come
// back as progress the residents hear of. Also the hotline's error answers: retried when transient, recorded
// (and not retried) when it refuses.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway, type PlaygroundGateway } from "../../bots/playground/index.js";
import { addOrgNode, moveOrgNode } from "../../core/org/org-tree.js";
import { cliActor } from "../../core/policy/authorize.js";
import { addAccount } from "../../core/staff/accounts.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { startOpen311Server, type Open311Server } from "../support/open311-server.js";

const GRID_1 = "莲花社区第一网格";
let t: TestApp | undefined;
let city: Open311Server | undefined;
afterEach(async () => {
  await t?.cleanup();
  await city?.close();
  t = undefined;
  city = undefined;
});

let n = 0;
const say = (t: TestApp, chatId: string, sender: string, text: string) =>
  t.app.queues.submit({ platform: "playground", chatId, messageId: `sla-${++n}`, sender: { id: `pg-${sender}`, name: sender }, text, sentAt: Date.now() });
const pg = (t: TestApp) => t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
const botLines = async (t: TestApp, chatId: string) => (await pg(t).transcript(chatId)).filter((l) => l.from === "bot");

/** An app whose grid 1 sits under community → street → district, with staff (Telegram identities) at every tier. */
async function world(env: Record<string, string>) {
  city = await startOpen311Server({ apiKey: "city-key" });
  t = await createTestApp({
    gateways: [playgroundGateway],
    env: { OPEN311_BASE_URL: city.baseUrl, OPEN311_API_KEY: "city-key", OPEN311_POLL_MS: "200", OPEN311_SERVICE_CODES: "safety=S-01,utilities=U-01", ...env },
  });
  const db = t.app.prisma;
  const setup = cliActor("setup");
  await waitFor(() => db.orgNode.findFirst({ where: { kind: "street", name: "莲花街道" } }));
  await addOrgNode({ db, actor: setup, kind: "district", name: "示范区" });
  await moveOrgNode({ db, actor: setup, ref: "莲花街道", parent: "示范区" });
  const staff = [
    { username: "li", role: "grid_leader", scope: GRID_1, tg: "6001" },
    { username: "she", role: "grid_leader", scope: "莲花社区", tg: "7001" },
    { username: "jie", role: "street", scope: "莲花街道", tg: "7002" },
    { username: "qu", role: "street", scope: "示范区", tg: "7003" },
  ] as const;
  for (const s of staff) await addAccount({ db, actor: setup, username: s.username, role: s.role, scope: s.scope, name: s.username, identities: [{ platform: "telegram", userId: s.tg }] });
  return { t, db, city };
}

/** The text of every notice queued to one Telegram private chat. */
const dmTexts = async (t: TestApp, tg: string) => (await t.app.prisma.outboundMessage.findMany({ where: { group: { platform: "telegram", chatId: tg, direct: true } }, orderBy: { id: "asc" } })).map((r) => r.text);

describe("SLA clocks and escalation to the 12345 hotline", () => {
  it("warns at 80%, escalates on every breach grid → community → street → district → hotline, files it, and its progress comes back", async () => {
    const { t, db, city } = await world({ SLA_MINUTE_MS: "20" });
    await say(t, "lianhua-03", "王阿姨", "楼道里有人飞线充电，太危险了，我电话13812345678");
    const opened = await waitFor(() => db.ticket.findFirst({ where: { category: "safety" } }));
    expect(opened.assignee).toBe("staff:li");

    // The 80% warning goes to the assignee before the breach.
    await waitFor(async () => (await dmTexts(t, "6001")).find((x) => x.startsWith(`提醒：工单 #${opened.number} 的受理时限`)), 20_000);
    // Every tier's staff is told in turn; each breach is recorded; the hotline gets it filed.
    for (const [tg, tier] of [["7001", "社区"], ["7002", "街道"], ["7003", "区"]] as const) {
      await waitFor(async () => (await dmTexts(t, tg)).find((x) => x.includes(`工单 #${opened.number}【安全隐患】已上报至${tier}：受理超时（SLA）`)), 30_000);
    }
    const filed = await waitFor(() => city.requests[0], 30_000);
    expect(filed.form).toMatchObject({ service_code: "S-01", api_key: "city-key" });
    expect(filed.form.description).toContain(`[${opened.number}] 安全隐患：楼道里有人飞线充电`);
    expect(filed.form.description).toContain("138****5678");
    expect(filed.form.description).not.toContain("13812345678");
    const atHotline = await waitFor(async () => {
      const x = await db.ticket.findUniqueOrThrow({ where: { id: opened.id } });
      return x.hotlineId ? x : undefined;
    });
    expect(atHotline).toMatchObject({ tier: "hotline", status: "escalated", hotlineId: filed.id, breachCount: 4, acceptDueAt: null, resolveDueAt: null });
    const escalations = await db.ticketEvent.findMany({ where: { ticketId: opened.id, toStatus: "escalated" }, orderBy: { id: "asc" } });
    expect(escalations.map((e) => [e.actor, e.note])).toEqual(Array(4).fill(["system:SLA", "受理超时（SLA）"]));
    const tiers = (await db.auditEvent.findMany({ where: { subject: `ticket:${opened.number}`, action: "ticket.escalate" }, orderBy: { id: "asc" } })).map((a) => JSON.parse(a.after!).tier);
    expect(tiers).toEqual(["community", "street", "district", "hotline"]);
    // The resident heard of each escalation in the group, replying to their message.
    await waitFor(async () => (await botLines(t, "lianhua-03")).filter((l) => l.text.includes(`工单 #${opened.number} 已上报`)).length === 4 || undefined);

    // The city's notes flow back as progress, and "closed" resolves it.
    city.update(filed.id, "open", "已派维修人员前往");
    const note = await waitFor(async () => (await botLines(t, "lianhua-03")).find((l) => l.text.includes("有新进展：12345：已派维修人员前往")), 20_000);
    expect(note.mention).toBe("王阿姨");
    city.update(filed.id, "closed", "飞线已拆除");
    await waitFor(async () => (await db.ticket.findUniqueOrThrow({ where: { id: opened.id } })).status === "resolved" || undefined, 20_000);
    await waitFor(async () => (await botLines(t, "lianhua-03")).find((l) => l.text.includes(`工单 #${opened.number} 已办结：12345：飞线已拆除`)));
    const tail = await db.ticketEvent.findMany({ where: { ticketId: opened.id }, orderBy: { id: "asc" } });
    expect(tail.slice(-2).map((e) => [e.toStatus, e.actor, e.note])).toEqual([["in_progress", "system:12345", "12345：已派维修人员前往"], ["resolved", "system:12345", "12345：飞线已拆除"]]);
  }, 180_000);

  it("the hotline's answers: a 500 is retried, a refusal is recorded and not retried, a token is resolved by polling", async () => {
    const { t, db, city } = await world({});
    const escalateToTop = async (number: string) => {
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${t.url}/api/tickets/${number}/escalate`, { method: "POST", headers: { ...t.auth, "content-type": "application/json" }, body: JSON.stringify({ note: "需要市级协调" }) });
        expect(res.status).toBe(200);
      }
      const top = await fetch(`${t.url}/api/tickets/${number}/escalate`, { method: "POST", headers: { ...t.auth, "content-type": "application/json" }, body: "{}" });
      expect(top.status).toBe(409);
    };
    const ticketIn = async (chatId: string, text: string) => {
      await say(t, chatId, "赵姐", text);
      return waitFor(() => db.ticket.findFirst({ where: { group: { chatId } } }));
    };

    city.failPosts(1, 500, "busy");
    const a = await ticketIn("lianhua-04", "3栋又停电了");
    await escalateToTop(a.number);
    await waitFor(async () => (await db.ticket.findUniqueOrThrow({ where: { id: a.id } })).hotlineId ?? undefined, 30_000);
    expect(city.calls.filter((c) => c.method === "POST").length).toBe(2);
    expect(city.requests[0].form.service_code).toBe("U-01");

    city.failPosts(1, 400, "service_code not recognised");
    const b = await ticketIn("lianhua-05", "楼下的水管漏水了");
    await escalateToTop(b.number);
    const refused = await waitFor(async () => {
      const x = await db.ticket.findUniqueOrThrow({ where: { id: b.id } });
      return x.hotlineStatus?.startsWith("error") ? x : undefined;
    }, 30_000);
    expect(refused.hotlineStatus).toBe("error: Open311 400: service_code not recognised");
    expect(refused.hotlineId).toBeNull();
    expect(city.calls.filter((c) => c.method === "POST").length).toBe(3);
    // The sweep does not file a refused ticket again.
    expect(await t.app.clocks.sweep()).toBeGreaterThanOrEqual(0);
    expect(city.calls.filter((c) => c.method === "POST").length).toBe(3);

    city.useTokens(true);
    const c = await ticketIn("lianhua-06", "小区门口的路灯坏了好几天了");
    await escalateToTop(c.number);
    await waitFor(async () => (await db.ticket.findUniqueOrThrow({ where: { id: c.id } })).hotlineId === `token:tok${city.requests.at(-1)?.id}` || undefined, 30_000);
    const id = city.requests.at(-1)!.id;
    city.update(id, "open", "已转市政部门");
    await waitFor(async () => (await db.ticketEvent.findFirst({ where: { ticketId: c.id, note: "12345：已转市政部门" } })) ?? undefined, 20_000);
    expect((await db.ticket.findUniqueOrThrow({ where: { id: c.id } })).hotlineId).toBe(id);
  }, 180_000);

  it("files exactly once when the hotline took the filing but its answer was lost: the retry finds it by the ticket number, also for a token", async () => {
    const { t, db, city } = await world({});
    const toHotline = async (chatId: string, text: string) => {
      await say(t, chatId, "赵姐", text);
      const ticket = await waitFor(() => db.ticket.findFirst({ where: { group: { chatId } } }));
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${t.url}/api/tickets/${ticket.number}/escalate`, { method: "POST", headers: { ...t.auth, "content-type": "application/json" }, body: JSON.stringify({ note: "需要市级协调" }) });
        expect(res.status).toBe(200);
      }
      return ticket;
    };
    const posts = () => city.calls.filter((c) => c.method === "POST" && c.path === "/requests.json").length;
    // When the filing reaches the hotline, its intent is already committed (what the retry searches by).
    const intents: Array<Date | null> = [];
    city.onFiled(async (r) => {
      const number = /^\[(A\d+)\]/.exec(r.form.description)![1];
      intents.push((await db.ticket.findUniqueOrThrow({ where: { number } })).hotlineFiledAt);
    });

    city.loseAnswers(1);
    const a = await toHotline("lianhua-04", "3栋又停电了");
    const filedA = await waitFor(async () => (await db.ticket.findUniqueOrThrow({ where: { id: a.id } })).hotlineId ?? undefined, 30_000);
    expect(city.requests).toHaveLength(1);
    expect(filedA).toBe(city.requests[0].id);
    expect(posts()).toBe(1);
    expect(city.calls.some((c) => c.method === "GET" && c.path === "/requests.json")).toBe(true);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toBeInstanceOf(Date);
    // Its status flows back as for any filing.
    city.update(filedA, "closed", "线路已修复");
    await waitFor(async () => (await db.ticket.findUniqueOrThrow({ where: { id: a.id } })).status === "resolved" || undefined, 20_000);

    // A token answer lost the same way: the search finds the request (by then it has its id).
    city.useTokens(true);
    city.loseAnswers(1);
    const b = await toHotline("lianhua-05", "楼下的水管漏水了");
    const filedB = await waitFor(async () => (await db.ticket.findUniqueOrThrow({ where: { id: b.id } })).hotlineId ?? undefined, 30_000);
    expect(city.requests).toHaveLength(2);
    expect(filedB).toBe(city.requests[1].id);
    expect(posts()).toBe(2);
    // A sweep after all this files nothing more.
    await t.app.clocks.sweep();
    city.update(filedB, "open", "已转自来水公司");
    await waitFor(async () => (await db.ticketEvent.findFirst({ where: { ticketId: b.id, note: "12345：已转自来水公司" } })) ?? undefined, 20_000);
    expect(posts()).toBe(2);
    expect(intents.every((d) => d instanceof Date)).toBe(true);
  }, 180_000);
});
