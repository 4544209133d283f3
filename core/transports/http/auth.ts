// Who is asking, decided once per request: a session cookie (the web admin) or an `Authorization: Bearer` API
// token. Every route declares its action (`config: { action }`), and this hook refuses before the handler runs:
// 401 without a valid session or token, 403 when the role is too low, 403 for a cookie-authenticated change whose
// Origin is not ours (CSRF). Scope (which grids) is checked by the services with the resource in hand.

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decide, NEEDS, type Action, type Actor } from "../../policy/authorize.js";
import { sessionActor, tokenActor, type SessionLimits } from "../../staff/sessions.js";
import { requestLang, type HttpContext } from "./context.js";

/** What a route declares: the action it performs, or "public" (health, the page, login, gateways' webhooks). */
export type RouteAction = Action | "public";

/** One route as declared: what `gridlink routes` lists (with the roles its action allows). */
export interface DeclaredRoute {
  method: string;
  url: string;
  action: RouteAction;
}

declare module "fastify" {
  interface FastifyContextConfig {
    action?: RouteAction;
  }
  interface FastifyInstance {
    /** Every route registered on this server, with its declared action (filled by installAuth's onRoute hook). */
    declaredRoutes: DeclaredRoute[];
  }
  interface FastifyRequest {
    /** The authenticated staff member or token; absent for anonymous requests to public or resident routes. */
    actor?: Actor;
    /** The raw session token (when the request came with a valid session cookie). */
    sessionToken?: string;
  }
}

/** The name of the session cookie. */
export const SESSION_COOKIE = "gridlink_session";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** The action a gateway's route gets when it declares none: the playground is resident-level, the rest public. */
function defaultAction(url: string): RouteAction | undefined {
  if (url.startsWith("/api/playground")) return "playground.use";
  if (/^\/api\/(wechat|telegram)\//.test(url)) return "gateway.admin"; // a gateway's operator routes (WeChat login state)
  if (!url.startsWith("/api")) return "public";
  return undefined;
}

/** Same-origin check for cookie-authenticated changes: the browser's Origin (or Referer) must be this server. */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin ?? (req.headers.referer ? safeOrigin(req.headers.referer) : undefined);
  if (!origin || origin === "null") return false;
  return origin === `${req.protocol}://${req.host}`;
}
const safeOrigin = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** The session token from the Cookie header (no cookie library needed to read one value). */
export function cookieToken(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/** Install the route-action check and the authentication hook on the root server (before any route). */
export function installAuth(server: FastifyInstance, app: HttpContext): void {
  const limits: SessionLimits = { idleMs: app.config.SESSION_IDLE_MINUTES * 60_000, maxMs: app.config.SESSION_MAX_HOURS * 3_600_000 };
  server.decorateRequest("actor", undefined);
  server.decorateRequest("sessionToken", undefined);
  const declared: DeclaredRoute[] = [];
  server.decorate("declaredRoutes", declared);
  server.addHook("onRoute", (route) => {
    route.config ??= {};
    const config = route.config as { action?: RouteAction };
    config.action ??= defaultAction(route.url);
    if (!config.action) throw new Error(`route ${String(route.method)} ${route.url} declares no action (config: { action })`);
    for (const method of [route.method].flat()) if (method !== "HEAD") declared.push({ method, url: route.url, action: config.action });
  });
  server.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    const action = (req.routeOptions.config as { action?: RouteAction } | undefined)?.action;
    if (!action) return; // no route: the 404 handler answers
    const ip = req.ip;
    const auth = req.headers.authorization;
    let actor: Actor | null = null;
    let viaCookie = false;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      actor = m ? await tokenActor({ db: app.prisma, token: m[1], ip }) : null;
      if (!actor) return reply.status(401).send({ error: "unauthorized", message: "This API token is not valid (revoked or unknown)." });
    } else {
      const token = cookieToken(req);
      if (token) {
        actor = await sessionActor({ db: app.prisma, token, limits, ip });
        if (actor) {
          viaCookie = true;
          req.sessionToken = token;
        } else if (action !== "public" && NEEDS[action as Action] !== "resident") {
          return reply.status(401).send({ error: "unauthorized", message: "Your session has ended. Log in again." });
        }
      }
    }
    // CSRF: a change made with the ambient cookie must come from our own page (SameSite=Lax is the second fence).
    if (!SAFE.has(req.method) && (viaCookie || (action === "public" && req.headers.origin !== undefined)) && !sameOrigin(req)) {
      return reply.status(403).send({ error: "csrf", message: "Cross-site request refused: send it from the Gridlink page (Origin must match)." });
    }
    if (actor) req.actor = actor;
    if (action === "public") return;
    const who: Actor = actor ?? { role: "resident", name: "anonymous", channel: "web", ip };
    if (NEEDS[action] === "resident") {
      if (actor) req.actor = actor;
      return;
    }
    if (!actor) return reply.status(401).send({ error: "unauthorized", message: "Log in first (POST /api/session) or send an API token (Authorization: Bearer)." });
    if (decide(who, action)) {
      const message = requestLang(req.headers["accept-language"]) === "zh" ? `你的角色（${ROLE_NAMES_ZH[who.role] ?? who.role}）无权执行 ${action}。` : `Your role (${who.role}) may not ${action}.`;
      return reply.status(403).send({ error: "forbidden", message });
    }
  });
}

/** Roles as a Chinese refusal names them (the web admin asks for zh-CN). */
const ROLE_NAMES_ZH: Record<string, string> = { admin: "管理员", street: "街道工作人员", grid_leader: "网格长", viewer: "只读账号", resident: "居民" };

/** The actor of a request whose route required one (the hook has run). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new Error("no actor on a route that requires one: declare its action");
  return req.actor;
}
