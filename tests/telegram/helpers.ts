// Test helpers for the Telegram gateway on its own: a GatewayHost that records what the gateway reports,
// on real Redis under a unique prefix that is wiped afterwards.

import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import type { ChatMessage, GatewayHost, Platform } from "../../core/ports/chat.js";
import { loadConfig, type Config } from "../../core/infra/config.js";
import { afterEach, beforeEach } from "vitest";
import type { TelegramGateway } from "../../bots/telegram/index.js";
import { FakeBotApi } from "./fake-bot-api.js";

/** A registry call the gateway made. */
export type GroupCall =
  | { op: "seen"; platform: Platform; chatId: string; info: { title?: string; active?: boolean } }
  | { op: "setActive"; platform: Platform; chatId: string; active: boolean; reason?: string }
  | { op: "migrate"; platform: Platform; oldChatId: string; newChatId: string };

/** A recording host plus its cleanup. */
export interface TestHost {
  host: GatewayHost;
  redis: Redis;
  prefix: string;
  submitted: ChatMessage[];
  groupCalls: GroupCall[];
  alerts: string[];
  /** Make the next n submits throw (Redis down, say). */
  failSubmits(n: number): void;
  cleanup(): Promise<void>;
}

/** Build a host on real Redis (127.0.0.1:6379) with a unique key prefix. */
export function createTestHost(): TestHost {
  const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 3 });
  const prefix = `tgtest-${randomUUID().slice(0, 8)}`;
  const submitted: ChatMessage[] = [];
  const groupCalls: GroupCall[] = [];
  const alerts: string[] = [];
  let failing = 0;
  const host: GatewayHost = {
    async submit(msg) {
      if (failing > 0) {
        failing--;
        throw new Error("intake queue unavailable");
      }
      submitted.push(msg);
    },
    groups: {
      async seen(platform, chatId, info) {
        groupCalls.push({ op: "seen", platform, chatId, info });
      },
      async setActive(platform, chatId, active, reason) {
        groupCalls.push({ op: "setActive", platform, chatId, active, reason });
      },
      async migrate(platform, oldChatId, newChatId) {
        groupCalls.push({ op: "migrate", platform, oldChatId, newChatId });
      },
    },
    redis,
    prefix,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    async alert(source, message) {
      alerts.push(`${source}: ${message}`);
    },
  };
  return {
    host,
    redis,
    prefix,
    submitted,
    groupCalls,
    alerts,
    failSubmits(n) {
      failing = n;
    },
    async cleanup() {
      const keys = await scanKeys(redis, `${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** Every key matching a pattern. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}

/** A Config for the gateway pointing at a fake or emulated Bot API. */
export function telegramConfig(apiRoot: string, env: Record<string, string> = {}): Config {
  return loadConfig({ TELEGRAM_BOT_TOKEN: "123456:TEST-token", TELEGRAM_API_ROOT: apiRoot, ...env });
}

/** Resolve when `check` passes (polls; no wall-clock assertion involved). */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One test's fake Bot API and recording host. */
export interface FakeBotApiContext {
  api: FakeBotApi;
  apiRoot: string;
  t: TestHost;
}

/**
 * Per test: a started fake Bot API and a fresh host (handed to `bind`); afterwards every gateway passed to
 * the returned `track` is stopped, then the API and the host's Redis keys. Returns `track`.
 */
export function useFakeBotApi(bind: (ctx: FakeBotApiContext) => void): (g: TelegramGateway) => TelegramGateway {
  const gateways: TelegramGateway[] = [];
  let ctx: FakeBotApiContext | null = null;
  beforeEach(async () => {
    const api = new FakeBotApi();
    ctx = { api, apiRoot: await api.start(), t: createTestHost() };
    bind(ctx);
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.stop()));
    await ctx?.api.stop();
    await ctx?.t.cleanup();
  });
  return (g) => {
    gateways.push(g);
    return g;
  };
}
