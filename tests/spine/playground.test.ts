// The spine end to end: a resident's complaint posted to a playground group becomes a ticket and a quoted bot
// reply, over real Redis and a real SQLite file, through the same intake and outbox path as real platforms.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { countIntakeDone, createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

let t: TestApp;
afterEach(async () => t?.cleanup());

const post = (url: string, group: string, body: unknown, raw?: string) =>
  fetch(`${url}/api/playground/groups/${group}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: raw ?? JSON.stringify(body) });
const transcript = async (url: string, group: string) => (await (await fetch(`${url}/api/playground/groups/${group}/messages`)).json()) as Array<{ id: string; from: string; text: string; replyTo?: string }>;
const tickets = async (url: string, query = "") => (await (await fetch(`${url}/api/tickets${query}`, { headers: t.auth })).json()) as { total: number; items: Array<{ number: string; category: string; status: string; text: string; group: { title: string } }> };

describe("playground → intake → ticket → reply", () => {
  it("turns 「3栋又停电了，什么时候来电？」 into a utilities ticket and a reply quoting the resident", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const groups = (await (await fetch(`${t.url}/api/playground/groups`)).json()) as Array<{ id: string; title: string; grid: string }>;
    expect(groups).toHaveLength(20);
    const page = await fetch(`${t.url}/`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain('<script src="/app.js">');
    expect(await (await fetch(`${t.url}/app.js`)).text()).toContain("/api/playground/groups");
    expect(new Set(groups.map((g) => g.grid)).size).toBe(2);

    const res = await post(t.url, "lianhua-03", { sender: "王阿姨", text: "3栋又停电了，什么时候来电？" });
    expect(res.status).toBe(202);
    const { messageId } = (await res.json()) as { messageId: string };

    const reply = await waitFor(async () => (await transcript(t.url, "lianhua-03")).find((l) => l.from === "bot"));
    expect(reply.replyTo).toBe(messageId);
    const list = await tickets(t.url);
    expect(list.total).toBe(1);
    const ticket = list.items[0];
    expect(ticket.category).toBe("utilities");
    expect(ticket.status).toBe("open");
    expect(ticket.group.title).toBe("莲花社区3号楼业主群");
    expect(reply.text).toContain(`#${ticket.number}`);
    expect(reply.text).toContain("停电");

    const lines = await transcript(t.url, "lianhua-03");
    expect(lines.map((l) => l.from)).toEqual(["resident", "bot"]);

    const detail = (await (await fetch(`${t.url}/api/tickets/${ticket.number}`, { headers: t.auth })).json()) as { events: Array<{ to: string }> };
    expect(detail.events.map((e) => e.to)).toEqual(["open"]);
  });

  it("keeps chatter out of the database and the transcript quiet", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const done = countIntakeDone(t.app);
    for (const text of ["电梯口见", "今天没停电吧", "停电通知：明早8点至12点检修"]) {
      expect((await post(t.url, "taoyuan-01", { sender: "李叔", text })).status).toBe(202);
    }
    // A complaint afterwards proves the chatter was processed first (one intake queue, in order per worker).
    await post(t.url, "taoyuan-01", { sender: "李叔", text: "楼道里有人飞线充电，太危险了" });
    await waitFor(async () => (await transcript(t.url, "taoyuan-01")).some((l) => l.from === "bot"));
    await waitFor(() => done() === 4);
    const stored = await t.app.prisma.message.findMany({ where: { kind: { not: "bot" } } });
    expect(stored.map((m) => m.text)).toEqual(["楼道里有人飞线充电，太危险了"]);
    expect((await tickets(t.url)).items.map((x) => x.category)).toEqual(["safety"]);
  });

  it("refuses empty and whitespace-only messages (400 naming text), accepts 100 KB ones; the long one is stored truncated and still classified", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    // Bug 5: an empty text was accepted with 202 and showed an empty bubble.
    for (const text of ["", "   \n\t "]) {
      const res = await post(t.url, "lianhua-01", { sender: "王阿姨", text });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/^text: /);
    }
    expect(await transcript(t.url, "lianhua-01")).toEqual([]);
    const long = "3栋又停电了！" + "啊".repeat(100 * 1024);
    expect((await post(t.url, "lianhua-01", { sender: "a", text: long })).status).toBe(202);
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst({ include: { sourceMessage: true } }));
    expect(ticket.category).toBe("utilities");
    expect(ticket.sourceMessage.truncated).toBe(true);
    expect(ticket.sourceMessage.text.length).toBe(t.config.MAX_STORED_CHARS);
    expect(await t.app.prisma.ticket.count()).toBe(1);
  });
});

describe("playground API errors", () => {
  it("answers 400 naming the field for malformed JSON or missing fields, 404 for unknown groups", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const bad = await post(t.url, "lianhua-01", undefined, "{not json");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/JSON/);

    const noText = await post(t.url, "lianhua-01", { sender: "王阿姨" });
    expect(noText.status).toBe(400);
    expect(((await noText.json()) as { message: string }).message).toMatch(/^text/);

    const noSender = await post(t.url, "lianhua-01", { text: "hi" });
    expect(noSender.status).toBe(400);
    expect(((await noSender.json()) as { message: string }).message).toMatch(/^sender/);

    const wrongType = await post(t.url, "lianhua-01", { sender: "a", text: 42 });
    expect(wrongType.status).toBe(400);

    expect((await post(t.url, "nowhere", { sender: "a", text: "停电了" })).status).toBe(404);
    expect((await fetch(`${t.url}/api/playground/groups/nowhere/messages`)).status).toBe(404);
    expect(await t.app.queues.intake.count()).toBe(0);
  });
});

describe("groups API", () => {
  it("lists the registry and lets an admin on this machine enable a group, set its grid and tags", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const done = countIntakeDone(t.app);
    const groups = (await (await fetch(`${t.url}/api/groups`, { headers: t.auth })).json()) as Array<{ id: number; chatId: string; enabled: boolean }>;
    const g = groups.find((x) => x.chatId === "taoyuan-02")!;
    const patch = (body: unknown, id: number | string = g.id) => fetch(`${t.url}/api/groups/${id}`, { method: "PATCH", headers: { "content-type": "application/json", ...t.auth }, body: JSON.stringify(body) });
    const res = await patch({ enabled: false, grid: "桃源社区第三网格", tags: ["老旧小区", "Elderly"] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ enabled: false, grid: "桃源社区第三网格", tags: ["elderly", "老旧小区"] });
    expect((await patch({ enabled: "yes" })).status).toBe(400);
    expect((await patch({ colour: "red" })).status).toBe(400);
    expect((await patch({ enabled: true }, 99999)).status).toBe(404);
    // A disabled group stays silent.
    await post(t.url, "taoyuan-02", { sender: "a", text: "3栋又停电了" });
    await post(t.url, "taoyuan-03", { sender: "a", text: "3栋又停电了" });
    await waitFor(() => t.app.prisma.ticket.findFirst());
    await waitFor(() => done() === 2);
    expect((await t.app.prisma.ticket.findMany({ include: { group: true } })).map((x) => x.group.chatId)).toEqual(["taoyuan-03"]);
  });
});
