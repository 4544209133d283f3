// A real Gridlink process (`node bin/gridlink.js start`) on a temp SQLite file (copied from the migrated,
// seeded template) and a given Redis, for fault tests that kill it and start it again.

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../core/infra/db.js";
import { freshDatabase, uniquePrefix, waitFor } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

/** A Gridlink process a test controls. */
export interface GridlinkProcess {
  url: string;
  databaseUrl: string;
  prefix: string;
  env: Record<string, string>;
  /** Start (again) with the same database, Redis and port; resolves once /healthz answers. */
  start(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** What the process wrote to stderr/stdout (the last 20 KB), for failure messages. */
  output(): string;
  cleanup(): Promise<void>;
}

/** Prepare (and start) `gridlink start` against redisUrl; extra env wins. */
export async function startGridlink(redisUrl: string, extraEnv: Record<string, string> = {}): Promise<GridlinkProcess> {
  const db = freshDatabase({ seeded: true });
  const port = await freePort();
  const prefix = uniquePrefix();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    REDIS_AUTOSTART: "false",
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
    ...extraEnv,
  };
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let out = "";
  const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once("exit", () => resolve())));
  const proc: GridlinkProcess = {
    url,
    databaseUrl: db.url,
    prefix,
    env,
    async start() {
      const c = spawn(process.execPath, [path.join(ROOT, "bin", "gridlink.js"), "start"], { env, stdio: ["ignore", "pipe", "pipe"] });
      child = c;
      const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
      c.stdout!.on("data", keep);
      c.stderr!.on("data", keep);
      await waitFor(
        async () => {
          if (c.exitCode !== null) throw new Error(`gridlink exited with ${c.exitCode}:\n${out}`);
          return fetch(`${url}/healthz`).then(() => true, () => false);
        },
        60_000,
        100,
      );
    },
    async kill() {
      if (!child) return;
      const c = child;
      child = undefined;
      c.kill("SIGKILL");
      await exited(c);
    },
    async stop() {
      if (!child) return;
      const c = child;
      child = undefined;
      c.kill("SIGTERM");
      await exited(c);
    },
    output: () => out,
    async cleanup() {
      await proc.kill();
      fs.rmSync(db.dir, { recursive: true, force: true });
    },
  };
  return proc;
}
