// The one recording gateway host: a GatewayHost on the real Redis (unique prefix) that records what a gateway
// submits, alerts and reports to the group registry, and can be told to fail submits (Redis away).

import { randomUUID } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { pino } from "pino";
import type { ChatMessage, GatewayHost, Platform } from "../../core/ports/index.js";
import { deleteKeysUnder } from "../../core/infra/redis.js";
import { TEST_REDIS_URL } from "./redis.js";

/** A registry call the gateway made. */
export type GroupCall =
  | { op: "seen"; platform: Platform; chatId: string; info: { title?: string; active?: boolean; grid?: string; community?: string } }
  | { op: "setActive"; platform: Platform; chatId: string; active: boolean; reason?: string }
  | { op: "migrate"; platform: Platform; oldChatId: string; newChatId: string };

/** What the host saw, and its controls. */
export interface RecordingHost {
  host: GatewayHost;
  redis: Redis;
  prefix: string;
  submitted: ChatMessage[];
  groupCalls: GroupCall[];
  alerts: Array<{ source: string; message: string }>;
  /** Make the next n submits throw with `message`. */
  failSubmits(n: number, message?: string): void;
  /** Delete the prefix's keys and close the connection. */
  close(): Promise<void>;
}

/** Build a recording host; `prefix` defaults to a unique one. */
export function recordingHost(opts: { prefix?: string; redisOptions?: RedisOptions } = {}): RecordingHost {
  const redis = new Redis(TEST_REDIS_URL, opts.redisOptions ?? { maxRetriesPerRequest: null });
  const prefix = opts.prefix ?? `hosttest-${randomUUID().slice(0, 8)}`;
  const submitted: ChatMessage[] = [];
  const groupCalls: GroupCall[] = [];
  const alerts: Array<{ source: string; message: string }> = [];
  let failing = 0;
  let failMessage = "intake queue unavailable";
  const host: GatewayHost = {
    async submit(msg) {
      if (failing > 0) {
        failing--;
        throw new Error(failMessage);
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
      alerts.push({ source, message });
    },
  };
  return {
    host,
    redis,
    prefix,
    submitted,
    groupCalls,
    alerts,
    failSubmits(n, message) {
      failing = n;
      if (message) failMessage = message;
    },
    async close() {
      await deleteKeysUnder(redis, prefix);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
