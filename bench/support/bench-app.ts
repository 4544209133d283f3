// The setup every broadcast bench shares: a fresh SQLite file (migrated), a unique Redis prefix, a Gridlink app
// with only the given gateways and no HTTP or intake workers, and a cleanup that removes all of it.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { createApp, type App } from "../../core/app.js";
import { loadConfig, type Config } from "../../core/infra/config.js";
import { migrateDatabase } from "../../core/infra/db.js";
import { createLogger } from "../../core/infra/log.js";
import { deleteKeysUnder } from "../../core/infra/redis.js";
import type { GatewayFactory } from "../../core/ports/index.js";

/** Where benches find Redis. */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A started bench app and how to remove it again. */
export interface BenchApp {
  app: App;
  config: Config;
  /** Stop the app, delete its Redis keys and its database directory. */
  close(): Promise<void>;
}

/** Start an app for a bench: `name` names the temp dir and prefix; `env` adds to the quiet defaults. */
export async function startBenchApp(name: string, gateways: GatewayFactory[], env: Record<string, string> = {}): Promise<BenchApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gridlink-bench-${name}-`));
  const url = `file:${path.join(dir, "bench.db")}`;
  await migrateDatabase(url);
  const prefix = `bench-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent", REDIS_AUTOSTART: "false", PLAYGROUND_ENABLED: "false", ...env });
  const app = await createApp({ config, gateways, roles: { http: false, workers: false }, log: createLogger("silent") });
  await app.start();
  return {
    app,
    config,
    async close() {
      await app.stop();
      const r = new Redis(REDIS_URL);
      await deleteKeysUnder(r, prefix);
      r.disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolve once `fn` is true, checking every `everyMs`. */
export async function until(fn: () => boolean | Promise<boolean>, everyMs = 100): Promise<void> {
  while (!(await fn())) await new Promise((r) => setTimeout(r, everyMs));
}

/** Until no delivery of the broadcast is queued any more. */
export const broadcastSettled = (app: App, broadcastId: number): Promise<void> =>
  until(async () => (await app.prisma.outboundMessage.count({ where: { broadcastId, status: "queued" } })) === 0);

/** The p-th percentile (nearest rank). */
export const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** The system actor benches broadcast as. */
export const BENCH_ACTOR = { role: "admin", name: "bench", channel: "system" } as const;
