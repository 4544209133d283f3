// Test helpers for the Telegram gateway on its own: a GatewayHost that records what the gateway reports,
// on real Redis under a unique prefix that is wiped afterwards.

import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { ChatMessage, GatewayHost } from "../../core/ports/chat.js";
import { recordingHost } from "../support/recording-host.js";
import { waitFor } from "../support/wait-for.js";
import { loadConfig, type Config } from "../../core/infra/config.js";
import { afterEach, beforeEach } from "vitest";
import type { TelegramGateway } from "../../bots/telegram/index.js";
import { FakeBotApi } from "./fake-bot-api.js";

export type { GroupCall } from "../support/recording-host.js";
import type { GroupCall } from "../support/recording-host.js";

/** A recording host plus its cleanup (the Telegram tests' view of tests/support's recording host). */
export interface TestHost {
  host: GatewayHost;
  redis: Redis;
  prefix: string;
  submitted: ChatMessage[];
  groupCalls: GroupCall[];
  /** "source: message" */
  readonly alerts: string[];
  /** Make the next n submits throw (Redis down, say). */
  failSubmits(n: number): void;
  cleanup(): Promise<void>;
}

/** Build a host on real Redis with a unique key prefix. */
export function createTestHost(): TestHost {
  const r = recordingHost({ prefix: `tgtest-${randomUUID().slice(0, 8)}`, redisOptions: { maxRetriesPerRequest: 3 } });
  return {
    host: r.host,
    redis: r.redis,
    prefix: r.prefix,
    submitted: r.submitted,
    groupCalls: r.groupCalls,
    get alerts() {
      return r.alerts.map((a) => `${a.source}: ${a.message}`);
    },
    failSubmits: (n) => r.failSubmits(n),
    cleanup: () => r.close(),
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

/** Resolve when `check` passes (any value but undefined or false; a throw is "not yet") — tests/support's waitFor. */
export function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  return waitFor(check, { what, timeoutMs, intervalMs: 20, accept: (v) => v !== undefined && v !== false }) as Promise<T>;
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
