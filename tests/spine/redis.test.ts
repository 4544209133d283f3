// The embedded Redis default: start a child redis-server when nothing answers, refuse an evicting Redis.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/infra/log.js";
import { ensureRedis, ping } from "../../core/infra/redis.js";
import { waitFor } from "../helpers/harness.js";
import { freePort } from "../helpers/net.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});


const log = createLogger("silent");

describe("ensureRedis", () => {
  it("starts an embedded redis-server (append-only, noeviction) when nothing answers, and stops it", async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-redis-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const handle = await ensureRedis(`redis://127.0.0.1:${port}`, { autostart: true, dataDir: dir, log });
    cleanups.push(() => handle.stop());
    expect(handle.child).toBeDefined();
    const client = new Redis(port, "127.0.0.1");
    const [, policy] = (await client.config("GET", "maxmemory-policy")) as string[];
    const [, aof] = (await client.config("GET", "appendonly")) as string[];
    const [, data] = (await client.config("GET", "dir")) as string[];
    client.disconnect();
    expect(policy).toBe("noeviction");
    expect(aof).toBe("yes");
    expect(fs.realpathSync(data)).toBe(fs.realpathSync(dir));
    await handle.stop();
    expect(handle.child!.exitCode !== null || handle.child!.signalCode !== null).toBe(true);
  });

  it("says how to get Redis when nothing answers and autostart is off", async () => {
    const port = await freePort();
    await expect(ensureRedis(`redis://127.0.0.1:${port}`, { autostart: false, dataDir: os.tmpdir(), log })).rejects.toThrow(/Nothing answers at REDIS_URL/);
  });

  it("refuses a Redis whose maxmemory-policy could evict queue keys", async () => {
    const port = await freePort();
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--maxmemory-policy", "allkeys-lru"], { stdio: "ignore" });
    cleanups.push(() => {
      child.kill();
    });
    await waitFor(() => ping(`redis://127.0.0.1:${port}`, 500));
    await expect(ensureRedis(`redis://127.0.0.1:${port}`, { autostart: true, dataDir: os.tmpdir(), log })).rejects.toThrow(/maxmemory-policy=allkeys-lru/);
  });
});
