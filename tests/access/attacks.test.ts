// The attacks the access issue lists, each against the real server: guessing passwords, forged and expired
// cookies, cross-site POSTs, revoked tokens, X-Forwarded-For from an untrusted peer; plus logout, password change
// ending every session, and the playground's sender names never granting rights.

import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { findAuditEvents } from "../../core/audit/find-audit-events.js";
import { waitFor, type TestApp } from "../helpers/harness.js";
import { accessWorld, login, PASSWORD } from "./helpers.js";

let world: Awaited<ReturnType<typeof accessWorld>> | undefined;
afterEach(async () => {
  await world?.t.cleanup();
  world = undefined;
});

const json = { "content-type": "application/json" };
const attempt = (t: TestApp, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/api/session`, { method: "POST", headers: { ...json, ...headers }, body: JSON.stringify(body) });

describe("logging in", () => {
  it("1,000 wrong passwords: limited with a clear message and an audit row; nothing tells which part was wrong", async () => {
    world = await accessWorld({ LOGIN_MAX_PER_ACCOUNT: "5", LOGIN_MAX_PER_IP: "5000" });
    const { t } = world;
    const unknownUser = await attempt(t, { username: "nobody-here", password: "whatever-it-is" });
    const wrongPassword = await attempt(t, { username: "admin", password: "not the password" });
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.status).toBe(401);
    expect(await unknownUser.text()).toBe(await wrongPassword.text());
    const statuses: number[] = [];
    let limitedBody = "";
    for (let i = 0; i < 1000; i++) {
      const res = await attempt(t, { username: "admin", password: `guess-${i}` });
      statuses.push(res.status);
      const text = await res.text();
      if (res.status === 429) limitedBody = text;
      expect(text).not.toMatch(/argon|hash|\$argon2/i);
    }
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(995);
    expect(JSON.parse(limitedBody).message).toMatch(/Too many login attempts from this account\. Try again in \d+ minute/);
    // Locked: even the right password waits, so the limit cannot be used to confirm a guess.
    expect((await attempt(t, { username: "admin", password: PASSWORD })).status).toBe(429);
    const limited = await findAuditEvents({ db: t.app.prisma, action: "session.limited", limit: 2000 });
    // ~995 refused attempts in one window on one key are one audit event, not one per attempt.
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ subject: "account:admin", channel: "web", ip: "127.0.0.1", after: { by: "account" } });
    expect((await findAuditEvents({ db: t.app.prisma, action: "session.login_failed", limit: 50 })).length).toBeGreaterThanOrEqual(2);
    // Another account from the same address is not locked out by this one.
    expect((await attempt(t, { username: "viewer", password: PASSWORD })).status).toBe(200);
  }, 120_000);

  it("X-Forwarded-For from an untrusted peer is ignored: changing it does not escape the per-address limit or change the audited IP", async () => {
    // The world's four setup logins count too: 4 + 5 attempts are allowed from 127.0.0.1.
    world = await accessWorld({ LOGIN_MAX_PER_IP: "9", LOGIN_MAX_PER_ACCOUNT: "100" });
    const { t } = world;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await attempt(t, { username: `u${i}`, password: "wrong-wrong" }, { "x-forwarded-for": `203.0.113.${i}` });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    // Seven refused attempts from one address (under twelve names) in one window: one limited event.
    const limited = await findAuditEvents({ db: t.app.prisma, action: "session.limited", limit: 50 });
    expect(limited.map((e) => e.after)).toEqual([expect.objectContaining({ by: "ip" })]);
    const failed = await findAuditEvents({ db: t.app.prisma, action: "session.", limit: 50 });
    expect(failed.filter((e) => e.ip !== "127.0.0.1")).toEqual([]);
  }, 60_000);

  it("the limits live in Redis under <prefix>-login-ip-<address> and -user-<name>: one address or name is limited, another is not", async () => {
    // 4 setup logins from 127.0.0.1 count against its limit of 6: two more are allowed from there.
    world = await accessWorld({ LOGIN_MAX_PER_IP: "6", LOGIN_MAX_PER_ACCOUNT: "3" });
    const { t } = world;
    // From a chosen loopback address (Linux answers on all of 127/8), so the server sees two different peers.
    const from = (localAddress: string, username: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ username, password: "wrong-wrong" });
        const req = request(`${t.url}/api/session`, { method: "POST", localAddress, headers: { ...json, "content-length": Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(body);
      });
    const one = [await from("127.0.0.1", "a1"), await from("127.0.0.1", "a2"), await from("127.0.0.1", "a3")];
    expect(one).toEqual([401, 401, 429]); // 127.0.0.1 is limited…
    expect(await from("127.0.0.2", "a4")).toBe(401); // …127.0.0.2 is not
    // Per name: "carol" from 127.0.0.2 is limited after 3 tries, "dave" from the same address is not.
    const carol = [await from("127.0.0.2", "carol"), await from("127.0.0.2", "carol"), await from("127.0.0.2", "carol"), await from("127.0.0.2", "carol")];
    expect(carol).toEqual([401, 401, 401, 429]);
    expect(await from("127.0.0.2", "dave")).toBe(401);
    const prefix = t.config.QUEUE_PREFIX;
    const redis = t.app.queues.connection;
    const keys = (await redis.keys(`${prefix}-login-*`)).sort();
    expect(keys.some((k) => k.includes("undefined"))).toBe(false);
    const counters = keys.filter((k) => !k.startsWith(`${prefix}-login-limited-`));
    expect(counters).toEqual(
      [`${prefix}-login-ip-127.0.0.1`, `${prefix}-login-ip-127.0.0.2`, ...["a1", "a2", "a4", "admin", "carol", "dave", "grid_leader", "street", "viewer"].map((u) => `${prefix}-login-user-${u}`)].sort(),
    );
    expect(Number(await redis.get(`${prefix}-login-ip-127.0.0.1`))).toBe(7); // 4 setup logins + 3 tries
    expect(Number(await redis.get(`${prefix}-login-ip-127.0.0.2`))).toBe(6);
    expect(Number(await redis.get(`${prefix}-login-user-carol`))).toBe(4);
  }, 60_000);

  it("a forged or expired session cookie is 401; logout ends the session; a password change logs out everywhere", async () => {
    world = await accessWorld();
    const { t } = world;
    const get = async (headers: Record<string, string>) => {
      const res = await fetch(`${t.url}/api/tickets`, { headers });
      await res.arrayBuffer();
      return res.status;
    };
    expect(await get({ cookie: "gridlink_session=forged-value-000000000000000000000000" })).toBe(401);
    // Expired: idle too long, and too old however busy.
    const idle = await login(t.url, "viewer");
    expect(await get(idle)).toBe(200);
    await t.app.prisma.staffSession.updateMany({ data: { lastSeenAt: new Date(Date.now() - (t.config.SESSION_IDLE_MINUTES + 1) * 60_000) } });
    expect(await get(idle)).toBe(401);
    const old = await login(t.url, "viewer");
    await t.app.prisma.staffSession.updateMany({ data: { createdAt: new Date(Date.now() - (t.config.SESSION_MAX_HOURS + 1) * 3_600_000) } });
    expect(await get(old)).toBe(401);
    // Logout.
    const mine = await login(t.url, "street");
    const who = await fetch(`${t.url}/api/session`, { headers: mine });
    expect(((await who.json()) as { account: { username: string; role: string } }).account).toMatchObject({ username: "street", role: "street" });
    const out = await fetch(`${t.url}/api/session`, { method: "DELETE", headers: mine });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await get(mine)).toBe(401);
    // The cookie's attributes.
    const res = await attempt(t, { username: "admin", password: PASSWORD });
    expect(res.headers.get("set-cookie")).toMatch(/^gridlink_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    await res.arrayBuffer();
    // Password change: both of the leader's sessions end.
    const a = await login(t.url, "grid_leader");
    const b = await login(t.url, "grid_leader");
    const change = await fetch(`${t.url}/api/session/password`, { method: "POST", headers: { ...json, ...a }, body: JSON.stringify({ currentPassword: PASSWORD, newPassword: "an even longer passphrase" }) });
    expect(change.status).toBe(204);
    expect(await get(a)).toBe(401);
    expect(await get(b)).toBe(401);
    expect(await get(await login(t.url, "grid_leader", "an even longer passphrase"))).toBe(200);
  }, 60_000);
});

describe("cross-site requests and tokens", () => {
  it("a cross-site POST/PATCH with the cookie but without our Origin is 403 and changes nothing", async () => {
    world = await accessWorld();
    const { t, cookies } = world;
    const cookie = { cookie: cookies.admin.cookie };
    const patch = (headers: Record<string, string>) => fetch(`${t.url}/api/groups/1`, { method: "PATCH", headers: { ...json, ...cookie, ...headers }, body: JSON.stringify({ tags: ["hijacked"] }) });
    for (const headers of [{ origin: "https://evil.example" }, {}, { referer: "https://evil.example/page" }, { origin: "null" }] as Array<Record<string, string>>) {
      const res = await patch(headers);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toBe("csrf");
    }
    const org = await fetch(`${t.url}/api/org`, { method: "POST", headers: { ...json, ...cookie, origin: "https://evil.example" }, body: JSON.stringify({ kind: "grid", name: "evil" }) });
    expect(org.status).toBe(403);
    expect((await t.app.prisma.group.findUniqueOrThrow({ where: { id: 1 } })).tags).toBe("");
    expect(await t.app.prisma.orgNode.count({ where: { name: "evil" } })).toBe(0);
    expect(await t.app.prisma.auditEvent.count({ where: { action: { in: ["group.update", "org.add"] } } })).toBe(0);
    // The same request from our own page works.
    expect((await patch({ origin: t.url })).status).toBe(200);
  }, 60_000);

  it("an API token: shown once, stored hashed, listed with last use; revoked, it is refused on the very next request", async () => {
    world = await accessWorld();
    const { t, cookies } = world;
    const created = await fetch(`${t.url}/api/tokens`, { method: "POST", headers: { ...json, ...cookies.admin }, body: JSON.stringify({ name: "dashboard", role: "grid_leader", scope: "莲花社区第一网格" }) });
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: number; token: string };
    expect(token).toMatch(/^glt_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await t.app.prisma.apiToken.findMany())).not.toContain(token.slice(4));
    const bearer = { authorization: `Bearer ${token}` };
    const tickets = await fetch(`${t.url}/api/tickets`, { headers: bearer });
    expect(((await tickets.json()) as { items: Array<{ number: string }> }).items.map((x) => x.number)).toEqual([world.ticket1]);
    const other = await fetch(`${t.url}/api/tickets/${world.ticket2}`, { headers: bearer });
    expect(other.status).toBe(403);
    await other.arrayBuffer();
    const listed = (await (await fetch(`${t.url}/api/tokens`, { headers: cookies.admin })).json()) as { tokens: Array<{ id: number; lastUsedAt: string | null; token?: string }> };
    const row = listed.tokens.find((x) => x.id === id)!;
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.token).toBeUndefined();
    const revoke = await fetch(`${t.url}/api/tokens/${id}`, { method: "DELETE", headers: cookies.admin });
    expect(revoke.status).toBe(204);
    const after = await fetch(`${t.url}/api/tickets`, { headers: bearer });
    expect(after.status).toBe(401);
    expect((await fetch(`${t.url}/api/tickets`, { headers: { authorization: "Bearer glt_made-up" } })).status).toBe(401);
    const audit = await findAuditEvents({ db: t.app.prisma, action: "token.", limit: 10 });
    expect(audit.map((e) => [e.action, e.channel])).toEqual([["token.revoke", "web"], ["token.create", "web"]]);
  }, 60_000);
});

describe("the playground", () => {
  it("an anonymous message acts as a resident whatever name it carries; with a staff session it acts as that account", async () => {
    world = await accessWorld();
    const { t, cookies, pg } = world;
    const post = async (headers: Record<string, string>, body: unknown) => {
      const res = await fetch(`${t.url}/api/playground/groups/lianhua-04/messages`, { method: "POST", headers: { ...json, ...headers }, body: JSON.stringify(body) });
      expect(res.status).toBe(202);
      return ((await res.json()) as { messageId: string }).messageId;
    };
    const reply = (messageId: string) => waitFor(async () => (await pg().transcript("lianhua-04")).find((l) => l.from === "bot" && l.replyTo === messageId));
    // "grid_leader-name" is the leader's display name: as a sender name it grants nothing.
    const anon = await post({}, { sender: "grid_leader-name", text: `/ticket ${world.ticket1}` });
    expect((await reply(anon)).text).toMatch(/只有网格员或管理员/);
    const asLeader = await post(cookies.grid_leader, { sender: "ignored", text: `/ticket ${world.ticket1}` });
    expect((await reply(asLeader)).text).toContain(world.ticket1);
    const line = (await pg().transcript("lianhua-04")).find((l) => l.id === asLeader)!;
    expect(line.sender).toBe("grid_leader-name");
  }, 60_000);
});

describe("personal numbers by role", () => {
  it("are masked for every role but admin; an admin's ?raw=1 shows them and is itself audited; anyone else's is 403", async () => {
    world = await accessWorld();
    const { t, cookies } = world;
    await t.app.queues.submit({ platform: "playground", chatId: "lianhua-05", messageId: "pii-1", sender: { id: "pg-周叔", name: "周叔" }, text: "7栋又停电了，电话13812345678" /* not 3栋: that incident is open already and it would join it */, sentAt: Date.now() });
    const ticket = await waitFor(() => t.app.prisma.ticket.findFirst({ where: { text: { contains: "138" } } }));
    const read = async (who: "viewer" | "street" | "admin", raw: boolean) => {
      const res = await fetch(`${t.url}/api/tickets/${ticket.number}${raw ? "?raw=1" : ""}`, { headers: cookies[who] });
      return { status: res.status, text: await res.text() };
    };
    for (const who of ["viewer", "street", "admin"] as const) {
      const r = await read(who, false);
      expect(r.status).toBe(200);
      expect(r.text).toContain("138****5678");
      expect(r.text).not.toContain("13812345678");
    }
    expect((await read("street", true)).status).toBe(403);
    const raw = await read("admin", true);
    expect(raw.status).toBe(200);
    expect(raw.text).toContain("13812345678");
    const audit = await findAuditEvents({ db: t.app.prisma, action: "privacy.raw" });
    expect(audit.map((e) => [e.subject, e.channel, e.actor])).toEqual([[`ticket:${ticket.number}`, "web", "web:admin-name"]]);
  }, 60_000);
});
