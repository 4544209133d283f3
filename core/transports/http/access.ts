// /api/session (log in, who am I, log out, change password), /api/org, /api/staff, /api/tokens and /api/audit:
// the access doors of the web admin and integrations. Parse, call a service, format.

import { createRequire } from "node:module";
import rateLimit, { type FastifyRateLimitStore } from "@fastify/rate-limit";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { findAuditEvents } from "../../audit/find-audit-events.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../infra/errors.js";
import { bounded } from "../../infra/redis.js";
import { addOrgNode, listOrg, moveOrgNode, ORG_KINDS } from "../../org/org-tree.js";
import { STAFF_ROLES } from "../../policy/authorize.js";
import { maskPersonal } from "../../privacy.js";
import { addAccount, findAccount, listAccounts, setPassword } from "../../staff/accounts.js";
import { createApiToken, listApiTokens, logIn, logOut, revokeApiToken } from "../../staff/sessions.js";
import { actorOf, SESSION_COOKIE } from "./auth.js";
import type { HttpContext } from "./context.js";

/** The plugin's own Redis store (its counting script); not exported by the package's types. */
const RedisStore = createRequire(import.meta.url)("@fastify/rate-limit/store/RedisStore.js") as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: HttpContext["queues"]["connection"],
  key: string,
) => FastifyRateLimitStore;

const LoginBody = z.object({ username: z.string().max(200), password: z.string().max(2000) });
const PasswordBody = z.object({ currentPassword: z.string().max(2000), newPassword: z.string().max(2000) });
const OrgBody = z.object({ kind: z.enum(ORG_KINDS), name: z.string().trim().min(1).max(60), parent: z.union([z.string(), z.number()]).nullish() }).strict();
const MoveBody = z.object({ parent: z.union([z.string(), z.number()]).nullable() }).strict();
const StaffBody = z
  .object({ username: z.string(), role: z.enum(STAFF_ROLES), scope: z.union([z.string(), z.number()]).nullish(), password: z.string().optional(), name: z.string().max(60).nullish() })
  .strict();
const TokenBody = z.object({ name: z.string(), role: z.enum(STAFF_ROLES), scope: z.union([z.string(), z.number()]).nullish() }).strict();
const AuditQuery = z.object({ actor: z.string().max(100).optional(), action: z.string().max(100).optional(), subject: z.string().max(200).optional(), since: z.coerce.date().optional(), until: z.coerce.date().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** The access routes. */
export const accessRoutes: FastifyPluginAsync<{ app: HttpContext }> = async (server, { app }) => {
  const { prisma: db, config } = app;
  // Login attempts are counted in Redis (shared by every web process), per client address and per username.
  // The plugin's Redis store names a limiter's keys after the route it was declared on; a limiter made with
  // createRateLimit has no route, which made every key `<prefix>-login-undefinedundefined-…`. This store keeps
  // the plugin's counting (its Redis script) and names the keys `<prefix>-login-ip-<address>` / `-user-<name>`.
  const namespace = `${config.QUEUE_PREFIX}-login-`;
  class LoginStore extends RedisStore {
    constructor() {
      super(false, false, app.queues.connection, namespace);
    }
    override child(): LoginStore {
      return this;
    }
  }
  await server.register(rateLimit, { global: false, store: LoginStore, skipOnError: false });
  const window = config.LOGIN_WINDOW_MINUTES * 60_000;
  const perIp = server.createRateLimit({ max: config.LOGIN_MAX_PER_IP, timeWindow: window, keyGenerator: (req) => `ip-${req.ip}` });
  const perAccount = server.createRateLimit({
    max: config.LOGIN_MAX_PER_ACCOUNT,
    timeWindow: window,
    keyGenerator: (req) => `user-${String((req.body as { username?: unknown } | undefined)?.username ?? "").trim().toLowerCase().slice(0, 80)}`,
  });

  const https = (req: FastifyRequest) => req.protocol === "https";
  const setCookie = (req: FastifyRequest, reply: FastifyReply, token: string, maxAgeS: number) =>
    reply.header("set-cookie", `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${https(req) ? "; Secure" : ""}`);

  // === Session

  server.post("/api/session", { config: { action: "public" } }, async (req, reply) => {
    const body = LoginBody.parse(req.body ?? {});
    for (const [limiter, what] of [[perIp, "this address"], [perAccount, "this account"]] as const) {
      const r = await limiter(req);
      if (!r.isAllowed && r.isExceeded) {
        // One audit row per limited window per key (not one per refused attempt: 1,000 tries are one event).
        const by = what === "this address" ? "ip" : "account";
        const ttlMs = Math.max(1000, r.ttl ?? window);
        const first = await bounded(app.queues.connection.set(`${config.QUEUE_PREFIX}-login-limited-${r.key}`, "1", "PX", ttlMs, "NX"), config.REDIS_COMMAND_TIMEOUT_MS, "the login-limit audit marker").catch(() => "OK");
        if (first === "OK") await recordAudit(db, { actor: { name: body.username.trim().slice(0, 80) || "-", channel: "web", ip: req.ip }, action: "session.limited", subject: `account:${body.username.trim().slice(0, 80) || "-"}`, after: { by, until: new Date(Date.now() + ttlMs).toISOString() } });
        const minutes = Math.max(1, Math.ceil((r.ttlInSeconds ?? window / 1000) / 60));
        return reply.status(429).header("retry-after", String(r.ttlInSeconds ?? 60)).send({ error: "rate_limited", message: `Too many login attempts from ${what}. Try again in ${minutes} minute(s).` });
      }
    }
    const { token, account } = await logIn({ db, username: body.username, password: body.password, ip: req.ip });
    setCookie(req, reply, token, config.SESSION_MAX_HOURS * 3600);
    return { account };
  });
  server.get("/api/session", { config: { action: "session.self" } }, async (req) => {
    const actor = actorOf(req);
    const account = actor.accountId ? await findAccount({ db, id: actor.accountId }) : null;
    return { account, actor: { role: actor.role, name: actor.name, channel: actor.channel, grids: actor.grids ?? null } };
  });
  server.delete("/api/session", { config: { action: "session.self" } }, async (req, reply) => {
    if (req.sessionToken) await logOut({ db, token: req.sessionToken, actor: actorOf(req) });
    setCookie(req, reply, "", 0);
    return reply.status(204).send();
  });
  server.post("/api/session/password", { config: { action: "session.self" } }, async (req, reply) => {
    const actor = actorOf(req);
    const body = PasswordBody.parse(req.body ?? {});
    const account = actor.accountId ? await findAccount({ db, id: actor.accountId }) : null;
    if (!account) throw new AppError("bad_request", { message: "only a logged-in account changes its password here" });
    await logIn({ db, username: account.username, password: body.currentPassword, ip: req.ip }); // proves the current one
    await setPassword({ db, actor, username: account.username, password: body.newPassword }); // ends every session
    setCookie(req, reply, "", 0);
    return reply.status(204).send();
  });

  // === Organisation

  server.get("/api/org", { config: { action: "org.read" } }, async () => ({ nodes: await listOrg({ db }) }));
  server.post("/api/org", { config: { action: "org.edit" } }, async (req, reply) => {
    const body = OrgBody.parse(req.body ?? {});
    return reply.status(201).send(await addOrgNode({ db, actor: actorOf(req), kind: body.kind, name: body.name, parent: body.parent ?? null }));
  });
  server.post<{ Params: { id: string } }>("/api/org/:id/move", { config: { action: "org.edit" } }, async (req) => {
    const body = MoveBody.parse(req.body ?? {});
    return moveOrgNode({ db, actor: actorOf(req), ref: req.params.id, parent: body.parent });
  });

  // === Staff accounts and API tokens (admins)

  server.get("/api/staff", { config: { action: "staff.manage" } }, async () => ({ accounts: await listAccounts({ db }) }));
  server.post("/api/staff", { config: { action: "staff.manage" } }, async (req, reply) => {
    const body = StaffBody.parse(req.body ?? {});
    return reply.status(201).send(await addAccount({ db, actor: actorOf(req), username: body.username, role: body.role, scope: body.scope, password: body.password, name: body.name }));
  });
  server.get("/api/tokens", { config: { action: "token.manage" } }, async () => ({ tokens: await listApiTokens({ db }) }));
  server.post("/api/tokens", { config: { action: "token.manage" } }, async (req, reply) => {
    const body = TokenBody.parse(req.body ?? {});
    const { token, info } = await createApiToken({ db, actor: actorOf(req), name: body.name, role: body.role, scope: body.scope });
    return reply.status(201).send({ ...info, token, note: "Shown once: store it now; Gridlink keeps only its hash." });
  });
  server.delete<{ Params: { id: string } }>("/api/tokens/:id", { config: { action: "token.manage" } }, async (req, reply) => {
    await revokeApiToken({ db, actor: actorOf(req), id: z.coerce.number().int().positive().parse(req.params.id) });
    return reply.status(204).send();
  });

  // === Audit (read only: no route edits or deletes an event)

  server.get("/api/audit", { config: { action: "audit.read" } }, async (req) => {
    const q = AuditQuery.parse(req.query);
    const events = await findAuditEvents({ db, actor: q.actor, action: q.action, subject: q.subject, since: q.since, until: q.until, limit: q.limit });
    return { events: events.map((e) => ({ ...e, before: maskJson(e.before), after: maskJson(e.after) })) };
  });
};

/** Personal numbers inside audit before/after are masked here too (admins ask for raw text where it is stored). */
const maskJson = (v: unknown): unknown => (v === null || v === undefined ? v : JSON.parse(maskPersonal(JSON.stringify(v))));
