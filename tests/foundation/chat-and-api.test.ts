// Bugs 3, 6 and 7, and the one audit trail: what the chat commands, the HTTP API and the CLI's services write.

import { afterEach, describe, expect, it } from "vitest";
import { PlaygroundGateway, playgroundGateway } from "../../bots/playground/index.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { findAuditEvents } from "../../core/audit/find-audit-events.js";
import { addStaff } from "../../core/staff/add-staff.js";
import { removeStaff } from "../../core/staff/remove-staff.js";
import { cliActor } from "../../core/policy/authorize.js";
import { createTestApp, type TestApp } from "../helpers/harness.js";
import { waitFor } from "../support/wait-for.js";

let t: TestApp;
afterEach(async () => t?.cleanup());

let seq = 0;
async function say(chatId: string, sender: string, text: string): Promise<string> {
  const messageId = `f-${++seq}`;
  const msg: ChatMessage = { platform: "playground", chatId, messageId, sender: { id: `pg-${sender}`, name: sender }, text, sentAt: Date.now() };
  await t.app.queues.submit(msg);
  return messageId;
}
const pg = () => t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
const answer = (chatId: string, messageId: string) => waitFor(async () => (await pg().transcript(chatId)).find((l) => l.from === "bot" && l.replyTo === messageId));
const get = async (path: string) => {
  const res = await fetch(`${t.url}${path}`, { headers: t.auth });
  return { status: res.status, body: (await res.json()) as { message?: string; total?: number; items?: Array<{ number: string; group: { id: number } }> } };
};

describe("bug 3: an unknown command", () => {
  it("lists what exists under one 可用命令： heading", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const reply = await answer("lianhua-04", await say("lianhua-04", "王阿姨", "/foo"));
    expect(reply.text.startsWith("没有 /foo 这个命令。")).toBe(true);
    expect(reply.text.split("可用命令：").length - 1).toBe(1);
    expect(reply.text).toContain("/status");
  });
});

describe("/status with a ticket number", () => {
  it("shows the ticket's times in China time, whatever the server's time zone", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await say("lianhua-03", "王阿姨", "3栋又停电了，什么时候来电？");
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst());
    const reply = await answer("lianhua-03", await say("lianhua-03", "王阿姨", `/status ${ticket.number}`));
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(ticket.createdAt).map((p) => [p.type, p.value]));
    expect(reply.text).toContain(`反映人：王阿姨（${parts.month}-${parts.day} ${parts.hour}:${parts.minute}）`);
  });
});

describe("bug 7: a grid leader broadcasting to another grid", () => {
  it("is told it is not their grid (not that only leaders may broadcast), and nothing is sent", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "莲花社区第一网格", name: "李网格" } });
    const reply = await answer("lianhua-01", await say("lianhua-01", "李网格", "/broadcast grid:桃源社区第二网格 明天停水"));
    expect(reply.text).not.toMatch(/只有网格员或管理员/);
    expect(reply.text).toContain("莲花社区第一网格");
    expect(reply.text).toMatch(/不在您的网格/);
    expect(await t.app.prisma.broadcast.count()).toBe(0);
  });
});

describe("bug 6: /api/tickets filters", () => {
  it("takes the playground's chat id as group; an unknown category is a 400 like an unknown status", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await say("lianhua-05", "王阿姨", "3栋又停电了，什么时候来电？");
    await say("taoyuan-02", "李叔", "楼道里有人飞线充电，太危险了");
    await waitFor(async () => (await t.app.prisma.ticket.count()) === 2);
    const byChat = await get("/api/tickets?group=lianhua-05");
    expect(byChat.status).toBe(200);
    expect(byChat.body.total).toBe(1);
    const id = byChat.body.items![0].group.id;
    expect((await get(`/api/tickets?group=${id}`)).body.total).toBe(1);

    const status = await get("/api/tickets?status=bogus");
    const category = await get("/api/tickets?category=bogus");
    const group = await get("/api/tickets?group=nowhere-99");
    expect([status.status, category.status, group.status]).toEqual([400, 400, 400]);
    expect(status.body.message).toMatch(/^status: /);
    expect(category.body.message).toMatch(/^category: /);
    expect(group.body.message).toMatch(/^group: /);
    expect((await get("/api/tickets?category=utilities")).body.total).toBe(1);
  });
});

describe("one audit trail", () => {
  it("records group edits, tags, enable/disable, ticket moves, broadcasts and staff changes with their channel", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const db = t.app.prisma;
    await addStaff({ db, actor: cliActor("alice"), platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "莲花社区第一网格", name: "李网格" });
    await say("lianhua-01", "王阿姨", "3栋又停电了");
    const ticket = await waitFor(() => db.ticket.findFirst());
    const group = (await db.group.findFirst({ where: { chatId: "lianhua-01" } }))!;

    await answer("lianhua-01", await say("lianhua-01", "李网格", "/tag 老旧小区"));
    await answer("lianhua-01", await say("lianhua-01", "李网格", "/disable"));
    await answer("lianhua-01", await say("lianhua-01", "李网格", "/enable"));
    await say("lianhua-01", "李网格", `/resolve ${ticket.number} 已恢复供电`);
    await waitFor(async () => (await db.ticket.findUnique({ where: { id: ticket.id } }))?.status === "resolved");
    await answer("lianhua-02", await say("lianhua-02", "李网格", "/broadcast 明天停水"));
    const patch = await fetch(`${t.url}/api/groups/${group.id}`, { method: "PATCH", headers: { "content-type": "application/json", ...t.auth }, body: JSON.stringify({ grid: "莲花社区第一网格", tags: ["电梯"] }) });
    expect(patch.status).toBe(200);
    expect(await removeStaff({ db, actor: cliActor("alice"), platform: "playground", userId: "pg-李网格" })).toBe(true);

    const events = (await findAuditEvents({ db })).reverse();
    expect(events.map((e) => [e.channel, e.action, e.subject])).toEqual([
      ["cli", "staff.add", "staff:playground:pg-李网格"],
      ["chat", "group.update", `group:${group.id}`],
      ["chat", "group.update", `group:${group.id}`],
      ["chat", "group.update", `group:${group.id}`],
      ["chat", "ticket.resolved", `ticket:${ticket.number}`],
      ["chat", "broadcast.create", expect.stringMatching(/^broadcast:\d+$/)],
      // the PATCH came with an admin API token: channel "token" (issue 11 names the channels web, token, chat, cli)
      ["token", "group.update", `group:${group.id}`],
      ["cli", "staff.remove", "staff:playground:pg-李网格"],
    ]);
    expect(events[1]).toMatchObject({ actor: "chat:李网格", before: { tags: [] }, after: { tags: ["老旧小区"] } });
    expect(events[2]).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(events[4]).toMatchObject({ before: { status: "open" }, after: { status: "resolved", note: "已恢复供电" } });
    expect(events[6]).toMatchObject({ actor: "token:test-admin", ip: "127.0.0.1", after: { tags: ["电梯"] } });
    expect(events[7]).toMatchObject({ actor: "cli:alice", after: null, before: { role: "grid_leader" } });
  });

  it("a refused change writes no audit row (it runs in the change's transaction)", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-李网格", role: "grid_leader", grid: "桃源社区第二网格", name: "李网格" } });
    expect((await answer("lianhua-02", await say("lianhua-02", "李网格", "/tag 老旧小区"))).text).toBe("本群不在您负责的网格内。");
    expect(await findAuditEvents({ db: t.app.prisma })).toEqual([]);
  });
});
