// What the web admin needs from the server, over real HTTP on a real app: /admin/ served from web/admin/dist
// (deep links answered with the page, hashed assets cached for good, a missing asset a 404, the same strict
// CSP as the playground page), a clear answer when the admin was never built, the ticket board's filters
// (grid, search — a number-like search is an admin's unmasked read), the actions a ticket allows now, and labels.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { cliActor } from "../../core/policy/authorize.js";
import { createApiToken } from "../../core/staff/sessions.js";
import { ADMIN_DIST, adminRoutes } from "../../core/transports/http/admin.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

let t: TestApp;
const tokenFor = async (role: "viewer" | "grid_leader", scope?: string) => ({ authorization: `Bearer ${(await createApiToken({ db: t.app.prisma, actor: cliActor("setup"), name: `${role}-token`, role, scope })).token}` });
const get = async (p: string, headers: Record<string, string> = t.auth) => fetch(`${t.url}${p}`, { headers, redirect: "manual" });
type Page = { total: number; items: Array<{ number: string; group: { grid: string } }> };

beforeAll(async () => {
  t = await createTestApp({ gateways: [playgroundGateway] });
  for (const [group, text] of [["lianhua-03", "3栋又停电了，什么时候来电？"], ["taoyuan-02", "楼道里有人飞线充电，太危险了"]]) {
    const res = await fetch(`${t.url}/api/playground/groups/${group}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sender: "王阿姨", text }) });
    expect(res.status).toBe(202);
  }
  await waitFor(async () => (await t.app.prisma.ticket.count()) === 2, { what: "two tickets" });
}, 60_000);
afterAll(async () => t?.cleanup());

describe("/admin/", () => {
  it("serves the built page at /admin/ and at its deep links, under the playground's CSP", async () => {
    const index = fs.readFileSync(path.join(ADMIN_DIST, "index.html"), "utf8");
    const root = await get("/");
    for (const p of ["/admin/", "/admin/tickets", "/admin/lexicon?x=1"]) {
      const res = await get(p, {});
      expect(res.status, p).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toBe(index);
      expect(res.headers.get("cache-control"), p).toBe("no-cache"); // a new build is picked up at the next load
      expect(res.headers.get("content-security-policy")).toBe(root.headers.get("content-security-policy"));
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    }
    const redirect = await get("/admin", {});
    expect([301, 302]).toContain(redirect.status);
    expect(redirect.headers.get("location")).toBe("/admin/");
  });

  it("serves hashed assets cached for good, and a missing asset is a 404, not the page", async () => {
    const script = /src="\/admin\/(assets\/[^"]+\.js)"/.exec(fs.readFileSync(path.join(ADMIN_DIST, "index.html"), "utf8"))![1];
    const res = await get(`/admin/${script}`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.headers.get("cache-control")).toContain("immutable");
    const missing = await get("/admin/assets/nothing-here.js", {});
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe("not_found");
  });

  it("says how to build the admin when web/admin/dist is missing", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-nodist-"));
    const server = Fastify();
    await server.register(adminRoutes, { prefix: "/admin", dist: empty });
    const res = await server.inject({ url: "/admin/tickets" });
    await server.close();
    fs.rmSync(empty, { recursive: true, force: true });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("npm run build:admin");
  });
});

describe("what the ticket board asks the API", () => {
  it("filters by grid and by search (number or words)", async () => {
    const all = (await (await get("/api/tickets")).json()) as Page;
    expect(all.total).toBe(2);
    const taoyuan = (await (await get(`/api/tickets?grid=${encodeURIComponent("桃源社区第二网格")}`)).json()) as Page;
    expect(taoyuan.items.map((i) => i.group.grid)).toEqual(["桃源社区第二网格"]);
    const words = (await (await get(`/api/tickets?q=${encodeURIComponent("停电")}`)).json()) as Page;
    expect(words.items.map((i) => i.group.grid)).toEqual(["莲花社区第一网格"]);
    const byNumber = (await (await get(`/api/tickets?q=${taoyuan.items[0].number.toLowerCase()}`)).json()) as Page;
    expect(byNumber.items.map((i) => i.number)).toEqual([taoyuan.items[0].number]);
  });

  it("keeps a scoped reader in their grids, and lets only admins search by a personal number", async () => {
    const leader = await tokenFor("grid_leader", "莲花社区第一网格");
    const outside = (await (await get(`/api/tickets?grid=${encodeURIComponent("桃源社区第二网格")}`, leader)).json()) as Page;
    expect(outside.total).toBe(0);
    const viewer = await tokenFor("viewer");
    const refused = await get("/api/tickets?q=13812345678", viewer);
    expect(refused.status).toBe(403);
    expect((await get("/api/tickets?q=13812345678")).status).toBe(200);
    expect((await get("/api/tickets?q=A0001", viewer)).status).toBe(200);
  });

  it("names the actions a ticket allows now, and the labels of every code", async () => {
    const { items } = (await (await get("/api/tickets")).json()) as Page;
    const before = (await (await get(`/api/tickets/${items[0].number}`)).json()) as { status: string; actions: string[] };
    expect(before.actions).toContain("accept");
    expect(before.actions).not.toContain("publish");
    const accepted = await fetch(`${t.url}/api/tickets/${items[0].number}/accept`, { method: "POST", headers: { ...t.auth, "content-type": "application/json" }, body: "{}" });
    expect(accepted.status).toBe(200);
    const after = (await (await get(`/api/tickets/${items[0].number}`)).json()) as { status: string; actions: string[] };
    expect(after.status).toBe("accepted");
    expect(after.actions).toContain("resolve");
    expect(after.actions).not.toContain("accept");

    const labels = (await (await get("/api/labels")).json()) as { categories: Array<{ code: string; zh: string }>; statuses: Array<{ code: string; zh: string }>; actions: Array<{ code: string; zh: string }> };
    expect(labels.categories.find((c) => c.code === "utilities")?.zh).toBe("水电气暖");
    expect(labels.statuses.find((s) => s.code === "accepted")?.zh).toBe("已受理");
    expect(labels.actions.find((a) => a.code === "accept")?.zh).toBe("受理");
    expect((await get("/api/labels", {})).status).toBe(401);
  });
});
