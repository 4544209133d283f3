// The whole role × route matrix over real HTTP (a session cookie per role, and no session at all), and the same
// rules through chat commands: one authorize() decides for both doors.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wechatGatewayWith } from "../../bots/wechat/index.js";
import { waitFor } from "../helpers/harness.js";
import { mockWorld } from "../wechat/mock-world.js";
import { accessWorld, GRID_1, GRID_2, WHO, type Who } from "./helpers.js";

let world: Awaited<ReturnType<typeof accessWorld>>;
beforeAll(async () => {
  // The WeChat gateway on a mock puppet (not logged in: its login route shows the QR state).
  world = await accessWorld({}, [wechatGatewayWith({ puppet: mockWorld().puppet })]);
}, 60_000);
afterAll(async () => world?.t.cleanup());

type Row = { method: string; path: () => string; body?: (who: Who) => unknown; expect: [number, number, number, number, number] };
//                                                                       none viewer leader street admin
const ROWS: Row[] = [
  { method: "GET", path: () => "/healthz", expect: [200, 200, 200, 200, 200] },
  { method: "GET", path: () => "/", expect: [200, 200, 200, 200, 200] },
  { method: "GET", path: () => "/api/playground/groups", expect: [200, 200, 200, 200, 200] },
  { method: "GET", path: () => "/api/session", expect: [401, 200, 200, 200, 200] },
  { method: "GET", path: () => "/api/tickets", expect: [401, 200, 200, 200, 200] },
  { method: "GET", path: () => `/api/tickets/${world.ticket1}`, expect: [401, 200, 200, 200, 200] },
  { method: "GET", path: () => `/api/tickets/${world.ticket2}`, expect: [401, 200, 403, 200, 200] },
  { method: "GET", path: () => "/api/groups", expect: [401, 200, 200, 200, 200] },
  { method: "PATCH", path: () => "/api/groups/11", body: (w) => ({ tags: [`t-${w}`] }), expect: [401, 403, 403, 200, 200] },
  { method: "PATCH", path: () => "/api/groups/1", body: (w) => ({ tags: [`t-${w}`] }), expect: [401, 403, 200, 200, 200] },
  { method: "GET", path: () => "/api/broadcasts", expect: [401, 200, 200, 200, 200] },
  { method: "GET", path: () => "/api/org", expect: [401, 200, 200, 200, 200] },
  { method: "POST", path: () => "/api/org", body: (w) => ({ kind: "grid", name: `新网格-${w}`, parent: "莲花社区" }), expect: [401, 403, 403, 403, 201] },
  { method: "GET", path: () => "/api/staff", expect: [401, 403, 403, 403, 200] },
  { method: "POST", path: () => "/api/staff", body: (w) => ({ username: `new-${w}`, role: "viewer" }), expect: [401, 403, 403, 403, 201] },
  { method: "GET", path: () => "/api/tokens", expect: [401, 403, 403, 403, 200] },
  { method: "POST", path: () => "/api/tokens", body: (w) => ({ name: `ci-${w}`, role: "viewer" }), expect: [401, 403, 403, 403, 201] },
  { method: "GET", path: () => "/api/audit", expect: [401, 403, 403, 403, 200] },
  { method: "GET", path: () => "/api/lexicon", expect: [401, 200, 200, 200, 200] },
  { method: "POST", path: () => "/api/lexicon", body: (w) => ({ term: `词${WHO.indexOf(w)}号`, category: "noise" }), expect: [401, 403, 403, 403, 201] },
  { method: "GET", path: () => "/api/faq", expect: [401, 200, 200, 200, 200] },
  { method: "POST", path: () => "/api/faq/test", body: () => ({ text: "居住证怎么办" }), expect: [401, 200, 200, 200, 200] },
  { method: "POST", path: () => "/api/faq", body: (w) => ({ key: `faq-${w}`, questions: ["狗证在哪办"], answer: "养犬登记请到辖区派出所办理。" }), expect: [401, 403, 403, 403, 201] },
  { method: "DELETE", path: () => "/api/faq/faq-admin", expect: [401, 403, 403, 403, 204] },
  { method: "GET", path: () => "/api/wechat/login", expect: [401, 403, 403, 403, 200] },
  { method: "POST", path: () => "/api/broadcasts/preview", body: () => ({ text: "明天上午停水", scope: "all" }), expect: [401, 403, 200, 200, 200] },
  { method: "POST", path: () => "/api/privacy/purge", body: () => ({ dryRun: true }), expect: [401, 403, 403, 403, 200] },
  { method: "GET", path: () => `/api/residents/playground/${encodeURIComponent("pg-李叔")}/export`, expect: [401, 403, 403, 403, 200] },
  { method: "DELETE", path: () => `/api/residents/playground/${encodeURIComponent("pg-李叔")}`, expect: [401, 403, 403, 403, 200] },
  // The ticket cycle (issue 12) and polls (issue 14).
  { method: "POST", path: () => `/api/tickets/${world.ticket2}/progress`, body: (w) => ({ note: `进展 ${w}` }), expect: [401, 403, 403, 200, 200] },
  { method: "GET", path: () => "/api/sla", expect: [401, 200, 200, 200, 200] },
  { method: "PUT", path: () => "/api/sla", body: () => ({ category: "safety", acceptMinutes: 60, resolveMinutes: 1440 }), expect: [401, 403, 403, 403, 200] },
  { method: "PUT", path: () => `/api/org/${encodeURIComponent(GRID_2)}/dispatch`, body: () => ({ mode: "auto" }), expect: [401, 403, 403, 200, 200] },
  { method: "GET", path: () => `/api/points?grid=${encodeURIComponent(GRID_1)}`, expect: [401, 200, 200, 200, 200] },
  { method: "GET", path: () => `/api/points?grid=${encodeURIComponent(GRID_2)}`, expect: [401, 200, 403, 200, 200] },
  { method: "GET", path: () => "/api/stats", expect: [401, 200, 200, 200, 200] },
  { method: "POST", path: () => "/api/polls/preview", body: () => ({ text: "是否同意加装电梯？| 同意 | 不同意", until: new Date(Date.now() + 86_400_000).toISOString(), scope: `grid:${GRID_1}` }), expect: [401, 403, 200, 200, 200] },
];

describe("role × route matrix (HTTP)", () => {
  it("answers every route with the status its declared action and the caller's role and scope call for", async () => {
    const groups = await world.t.app.prisma.group.findMany({ orderBy: { id: "asc" } });
    expect(groups[0].grid).not.toBe(GRID_2); // group 1: grid 1 (the leader's); group 11: grid 2
    expect(groups[10].grid).toBe(GRID_2);
    const got: string[] = [];
    const want: string[] = [];
    for (const row of ROWS) {
      for (const [i, who] of WHO.entries()) {
        const headers: Record<string, string> = { ...world.cookies[who], origin: world.t.url };
        if (row.body) headers["content-type"] = "application/json";
        const res = await fetch(`${world.t.url}${row.path()}`, { method: row.method, headers, body: row.body ? JSON.stringify(row.body(who)) : undefined });
        await res.arrayBuffer(); // read every answer: an unread body keeps its connection busy
        got.push(`${row.method} ${row.path()} as ${who}: ${res.status}`);
        want.push(`${row.method} ${row.path()} as ${who}: ${row.expect[i]}`);
      }
    }
    expect(got).toEqual(want);
  }, 60_000);

  it("lists only the tickets and groups of a scoped account's grids", async () => {
    const list = async (who: Who, path: string) => (await (await fetch(`${world.t.url}${path}`, { headers: world.cookies[who] })).json()) as { items?: Array<{ number: string }> } & Array<{ grid: string }>;
    expect((await list("grid_leader", "/api/tickets")).items!.map((x) => x.number)).toEqual([world.ticket1]);
    expect((await list("admin", "/api/tickets")).items!.map((x) => x.number).sort()).toEqual([world.ticket1, world.ticket2].sort());
    const groups = await list("grid_leader", "/api/groups");
    expect(groups).toHaveLength(10);
    expect(new Set(groups.map((g) => g.grid)).size).toBe(1);
  });
});

describe("broadcasts stay inside a scoped account's grids", () => {
  const api = async (who: Who, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${world.t.url}${path}`, { method, headers: { ...world.cookies[who], ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: (await res.json()) as unknown };
  };

  it("a street account's 'all' preview lists only its street's groups (an admin's reaches another street's too)", async () => {
    // Another street with one grid and one group: outside 莲花街道.
    const { prisma } = world.t.app;
    const street = await prisma.orgNode.create({ data: { kind: "street", name: "外街道" } });
    const community = await prisma.orgNode.create({ data: { kind: "community", name: "外社区", parentId: street.id } });
    const grid = await prisma.orgNode.create({ data: { kind: "grid", name: "外街第一网格", parentId: community.id } });
    const outside = await prisma.group.create({ data: { platform: "playground", chatId: "outside-01", title: "外街1号群", grid: grid.name, community: community.name, gridNodeId: grid.id } });
    const preview = async (who: Who) => (await api(who, "POST", "/api/broadcasts/preview", { text: "明天上午停水", scope: "all" })).json as unknown as { groups: Array<{ id: number }> };
    const inStreet = await prisma.group.findMany({ where: { grid: { in: [GRID_1, GRID_2] }, active: true, enabled: true }, select: { id: true } });
    const streetIds = (await preview("street")).groups.map((g) => g.id);
    expect(streetIds.sort((a, b) => a - b)).toEqual(inStreet.map((g) => g.id).sort((a, b) => a - b));
    expect(streetIds).not.toContain(outside.id);
    expect((await preview("admin")).groups.map((g) => g.id)).toContain(outside.id);
    // Naming the other street's grid is refused, not silently emptied.
    expect((await api("street", "POST", "/api/broadcasts/preview", { text: "停水", scope: "grid:外街第一网格" })).status).toBe(403);
    await prisma.group.delete({ where: { id: outside.id } });
  });

  it("a grid leader listing broadcasts sees only those that reached their grids, with their grids' deliveries; another grid's is 403", async () => {
    const sent = async (who: Who, scope: string) => {
      const r = await api(who, "POST", "/api/broadcasts", { text: `通知 ${scope}`, scope });
      expect(r.status).toBe(202);
      return (r.json as { id: number }).id;
    };
    const other = await sent("admin", `grid:${GRID_2}`);
    const everyone = await sent("admin", "all");
    const own = await sent("grid_leader", `grid:${GRID_1}`);
    const listed = (who: Who) => api(who, "GET", "/api/broadcasts").then((r) => (r.json as Array<{ id: number }>).map((b) => b.id));
    expect(await listed("grid_leader")).toEqual([own, everyone]);
    expect(await listed("admin")).toEqual(expect.arrayContaining([own, everyone, other]));
    expect(await listed("street")).toEqual(expect.arrayContaining([own, everyone, other]));
    expect((await api("grid_leader", "GET", `/api/broadcasts/${other}`)).status).toBe(403);
    const all = (await api("grid_leader", "GET", `/api/broadcasts/${everyone}`)).json as unknown as { total: number; deliveries: Array<{ groupId: number }> };
    const mine = await world.t.app.prisma.group.findMany({ where: { grid: GRID_1 }, select: { id: true } });
    expect(all.deliveries.map((d) => d.groupId).sort((a, b) => a - b)).toEqual(mine.map((g) => g.id).sort((a, b) => a - b));
    expect(all.total).toBe(mine.length);
    const full = (await api("admin", "GET", `/api/broadcasts/${everyone}`)).json as unknown as { deliveries: unknown[] };
    expect(full.deliveries.length).toBeGreaterThan(mine.length);
    // Controlling one: a leader may not pause the admin's all-broadcast (it reaches other grids), but their own
    // broadcast is theirs to control (refused by its state at most, never by scope).
    expect((await api("grid_leader", "POST", `/api/broadcasts/${everyone}/pause`)).status).toBe(403);
    expect((await api("street", "POST", `/api/broadcasts/${other}/pause`)).status).not.toBe(403);
    expect((await api("grid_leader", "POST", `/api/broadcasts/${own}/pause`)).status).not.toBe(403);
    expect((await api("admin", "POST", `/api/broadcasts/${everyone}/pause`)).status).not.toBe(403);
  });
});

describe("the same rules through chat commands", () => {
  let seq = 0;
  const say = async (chatId: string, sender: string, text: string) => {
    const messageId = `cm-${++seq}`;
    await world.t.app.queues.submit({ platform: "playground", chatId, messageId, sender: { id: sender, name: sender }, text, sentAt: Date.now() });
    return (await waitFor(async () => (await world.pg().transcript(chatId)).find((l) => l.from === "bot" && l.replyTo === messageId))).text;
  };
  const refusedRole = /只有网格员或管理员/;
  const refusedScope = /不在您负责的网格内/;

  it("reading another grid's ticket by number: refused for the leader (scope) and a resident (role), shown to the others", async () => {
    const ask = (who: string) => say("lianhua-02", who, `/ticket ${world.ticket2}`);
    expect(await ask("pg-anyone")).toMatch(refusedRole);
    expect(await ask("pg-grid_leader-chat")).toMatch(refusedScope);
    for (const who of ["pg-viewer-chat", "pg-street-chat", "pg-admin-chat"]) expect(await ask(who)).toContain(world.ticket2);
    expect(await say("lianhua-02", "pg-grid_leader-chat", `/ticket ${world.ticket1}`)).toContain(world.ticket1);
  }, 60_000);

  it("a leader asking for another grid's broadcast status in chat is refused; their own grid's is shown", async () => {
    const send = async (scope: string) => {
      const res = await fetch(`${world.t.url}/api/broadcasts`, { method: "POST", headers: { ...world.t.auth, "content-type": "application/json" }, body: JSON.stringify({ text: `状态测试 ${scope}`, scope }) });
      return ((await res.json()) as { id: number }).id;
    };
    const other = await send(`grid:${GRID_2}`);
    const mine = await send(`grid:${GRID_1}`);
    expect(await say("lianhua-03", "pg-grid_leader-chat", `/broadcast status B${other}`)).toMatch(/只能向自己负责的网格.*不在您的网格内/); // ids and keywords: Chinese
    expect(await say("lianhua-03", "pg-grid_leader-chat", `/broadcast status B${mine}`)).toContain(`B${mine}`);
    expect(await say("lianhua-03", "pg-admin-chat", `/broadcast status B${other}`)).toContain(`B${other}`);
    // A broadcast to everyone: the leader's counts are their grid's deliveries only; the admin's are all of them.
    const everyone = await send("all");
    const counted = (grid?: string) => world.t.app.prisma.outboundMessage.count({ where: { broadcastId: everyone, status: { not: "skipped" }, ...(grid ? { group: { grid } } : {}) } });
    const [inMine, inAll] = [await counted(GRID_1), await counted()];
    expect(inMine).toBeGreaterThan(0);
    expect(inMine).toBeLessThan(inAll);
    expect(await say("lianhua-03", "pg-grid_leader-chat", `/broadcast status B${everyone}`)).toMatch(new RegExp(`\\d+/${inMine}\\D`));
    expect(await say("lianhua-03", "pg-admin-chat", `/broadcast status B${everyone}`)).toMatch(new RegExp(`\\d+/${inAll}\\D`));
  }, 60_000);

  it("changing a group: a viewer is refused by role, a leader outside their grid by scope; street and admin may", async () => {
    const tag = (who: string, t: string) => say("taoyuan-03", who, `/tag ${t}`);
    expect(await tag("pg-viewer-chat", "a")).toMatch(refusedRole);
    expect(await tag("pg-grid_leader-chat", "b")).toMatch(refusedScope);
    await tag("pg-street-chat", "c");
    await tag("pg-admin-chat", "d");
    const g = await world.t.app.prisma.group.findFirstOrThrow({ where: { chatId: "taoyuan-03" } });
    expect(g.tags.split(",").filter(Boolean).sort()).toEqual(["c", "d"]);
  }, 60_000);
});
