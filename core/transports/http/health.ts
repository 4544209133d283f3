// GET /healthz: Redis and database status, gateways' own facts (login state, gaps) and recent alerts.

import type { FastifyPluginAsync } from "fastify";
import type { HttpContext } from "./context.js";

/** Health route; 503 when Redis or the database does not answer. */
export const healthRoutes: FastifyPluginAsync<{ app: HttpContext; alertsKey: string }> = async (server, { app, alertsKey }) => {
  server.get("/healthz", async (_req, reply) => {
    const timed = async <T>(fn: () => Promise<T>, ms = 1000) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const value = await Promise.race([fn(), new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error("timeout")), ms)))]);
        return { ok: true, latencyMs: Date.now() - started, value };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    };
    const redis = await timed(() => app.queues.connection.ping());
    const database = await timed(() => app.prisma.$queryRawUnsafe("SELECT 1"));
    const alerts = redis.ok ? await timed(() => app.queues.connection.lrange(alertsKey, 0, 9)) : { ok: false, value: [] as string[] };
    const gateways = Object.fromEntries(app.gateways.map((g) => [g.platform, g.health?.() ?? { running: true }]));
    const ok = redis.ok && database.ok;
    return reply.status(ok ? 200 : 503).send({
      status: ok ? "ok" : "degraded",
      redis: { ok: redis.ok, latencyMs: "latencyMs" in redis ? redis.latencyMs : undefined, error: "error" in redis ? redis.error : undefined },
      database: { ok: database.ok, error: "error" in database ? database.error : undefined },
      gateways,
      alerts: ((alerts.ok && alerts.value) || []).map((a) => JSON.parse(a as string)),
    });
  });
};
