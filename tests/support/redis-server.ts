// A redis-server of the test's own on a free port, append-only in a temp dir, that a test can kill -9,
// freeze (SIGSTOP) and start again on the same port with the same data.

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ping } from "../../core/infra/redis.js";
import { waitFor } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

/** A test-owned Redis. */
export interface OwnRedis {
  port: number;
  url: string;
  dir: string;
  /** SIGKILL it (a crash: nothing flushed beyond what the AOF already has). */
  kill(): Promise<void>;
  /** Start it again on the same port and data (no-op while it runs). */
  start(): Promise<void>;
  /** Freeze (SIGSTOP) / thaw (SIGCONT): commands are read by nobody meanwhile. */
  freeze(): void;
  thaw(): void;
  /** Kill it and remove its data. */
  cleanup(): Promise<void>;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

/** Start a redis-server with --appendonly yes on a free port in a fresh temp dir. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return; // already running
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", "", "--maxmemory-policy", "noeviction"], { stdio: "ignore" });
    await waitFor(() => ping(url, 300), 15_000, 50);
  };
  const kill = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    c.kill("SIGKILL"); // also kills a frozen one, without letting it read what waits on its sockets

    await exited(c);
  };
  await start();
  return {
    port,
    url,
    dir,
    kill,
    start,
    freeze: () => child?.kill("SIGSTOP"),
    thaw: () => child?.kill("SIGCONT"),
    async cleanup() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
