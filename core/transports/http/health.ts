// GET /healthz: Redis and database status, intake's progress (stall, backlog age, dead letters), gateways'
// own facts (login state, gaps) and recent alerts. Every read is bounded, so the answer comes within ~1 s.

import { monitorEventLoopDelay } from "node:perf_hooks";
import type { FastifyPluginAsync } from "fastify";
import type { HttpContext } from "./context.js";
import { intakeHealth, type IntakeHealth } from "../../infra/queues.js";
import { bounded } from "../../infra/redis.js";

/** Length of one event-loop delay window reported by /healthz. */
export const EVENT_LOOP_WINDOW_MS = 5000;

/** Health route; 503 with the reasons when Redis or the database does not answer or intake is unhealthy. */
export const healthRoutes: FastifyPluginAsync<{ app: HttpContext; alertsKey: string }> = async (server, { app, alertsKey }) => {
  // Event-loop delay in windows of EVENT_LOOP_WINDOW_MS: the current window and the last complete one, so a
  // monitor polling /healthz sees every freeze (a message that blocks the loop shows up here afterwards).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const stats = () => ({ p99Ms: Math.round(loop.percentile(99) / 1e5) / 10, maxMs: Math.round(loop.max / 1e5) / 10 });
  let windowStartedAt = Date.now();
  let previous: { startedAt: number; endedAt: number; p99Ms: number; maxMs: number } | undefined;
  const roll = setInterval(() => {
    const endedAt = Date.now();
    previous = { startedAt: windowStartedAt, endedAt, ...stats() };
    windowStartedAt = endedAt;
    loop.reset();
  }, EVENT_LOOP_WINDOW_MS);
  roll.unref();
  server.addHook("onClose", async () => {
    clearInterval(roll);
    loop.disable();
  });

  server.get("/healthz", { config: { action: "public" } }, async (_req, reply) => {
    const timed = async <T>(fn: () => Promise<T>, ms = 1000) => {
      const started = Date.now();
      try {
        const value = await bounded(fn(), ms, "the health check");
        return { ok: true as const, latencyMs: Date.now() - started, value };
      } catch (err) {
        return { ok: false as const, error: (err as Error).message };
      }
    };
    const [redis, database] = await Promise.all([timed(() => app.queues.connection.ping()), timed(() => app.prisma.$queryRawUnsafe("SELECT 1"))]);
    const alerts = redis.ok ? await timed(() => app.queues.connection.lrange(alertsKey, 0, 9)) : undefined;
    const intake = redis.ok ? await timed(() => intakeHealth(app.queues, { stallMs: app.config.HEALTH_STALL_MS, maxWaitMs: app.config.HEALTH_MAX_WAIT_MS })) : undefined;
    const gateways = Object.fromEntries(app.gateways.map((g) => [g.platform, g.health?.() ?? { running: true }]));
    const reasons: string[] = [];
    if (!redis.ok) reasons.push(`redis: ${redis.error}`);
    if (!database.ok) reasons.push(`database: ${database.error}`);
    if (intake && !intake.ok) reasons.push(`intake: ${intake.error}`);
    const intakeState: IntakeHealth | undefined = intake?.ok ? intake.value : undefined;
    reasons.push(...(intakeState?.problems ?? []));
    const ok = reasons.length === 0;
    return reply.status(ok ? 200 : 503).send({
      status: ok ? "ok" : "degraded",
      reasons,
      redis: { ok: redis.ok, latencyMs: redis.ok ? redis.latencyMs : undefined, error: redis.ok ? undefined : redis.error },
      database: { ok: database.ok, error: database.ok ? undefined : database.error },
      intake: intakeState,
      eventLoop: { windowMs: EVENT_LOOP_WINDOW_MS, current: { startedAt: windowStartedAt, ...stats() }, previous },
      gateways,
      alerts: (alerts?.ok ? alerts.value : []).map((a) => JSON.parse(a as string)),
    });
  });
};
