// Test helpers for the WeChat gateway: a wechaty-puppet-mock world (bot account, residents, rooms) and a
// stand-in GatewayHost that records what the gateway reports, on the real Redis.

import { recordingHost } from "../support/recording-host.js";
import { waitFor } from "../support/wait-for.js";
import { Redis } from "ioredis";
import { PuppetMock, mock } from "wechaty-puppet-mock";
import type { ChatMessage, GatewayHost, Platform } from "../../core/ports/chat.js";
import { loadConfig, type Config } from "../../core/infra/config.js";
import { WECHAT_MESSAGE_TYPE } from "../../bots/wechat/message.js";

/** Where tests find Redis. */
export { TEST_REDIS_URL as REDIS_URL } from "../support/redis.js";

type MockContact = ReturnType<mock.Mocker["createContact"]>;
type MockRoom = ReturnType<mock.Mocker["createRoom"]>;

/** One mock WeChat: the bot's own contact, residents and rooms, driven through the real Wechaty SDK. */
export interface MockWorld {
  mocker: mock.Mocker;
  puppet: PuppetMock;
  me: MockContact;
  /** Log the bot account in (the mock's "scan confirmed"). */
  login(): void;
  resident(name: string, id?: string): MockContact;
  room(topic: string, members: MockContact[], opts?: { withBot?: boolean }): MockRoom;
  /** A message of any type into a room (text via contact.say(text).to(room) is the usual way). */
  emit(talker: MockContact, room: MockRoom | undefined, type: number, text?: string, listener?: MockContact): string;
  /** Payloads of every message the bot account sent, in order. */
  sent(): Array<{ id: string; roomId?: string; text?: string; timestamp: number }>;
}

/** Build a mock world; `meName` is the bot account's WeChat name. */
export function mockWorld(meName = "网格助手", meId = "wxid_gridlink_bot"): MockWorld {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const me = mocker.createContact({ id: meId, name: meName });
  const sent: Array<{ id: string; roomId?: string; text?: string; timestamp: number }> = [];
  puppet.on("message", ({ messageId }) => {
    const p = mocker.cacheMessagePayload.get(messageId) as { id: string; talkerId?: string; roomId?: string; text?: string; timestamp: number } | undefined;
    if (p && p.talkerId === me.id) sent.push({ id: p.id, roomId: p.roomId, text: p.text, timestamp: p.timestamp });
  });
  return {
    mocker,
    puppet,
    me,
    login: () => mocker.login(me),
    resident: (name, id) => mocker.createContact({ name, ...(id ? { id } : {}) }),
    room: (topic, members, opts = {}) =>
      mocker.createRoom({ topic, memberIdList: [...(opts.withBot === false ? [] : [me.id]), ...members.map((m) => m.id)] }),
    emit(talker, room, type, text, listener) {
      const id = `m${Math.random().toString(36).slice(2, 12)}`;
      const base = { id, talkerId: talker.id, timestamp: Date.now(), type, ...(text !== undefined ? { text } : {}) };
      const payload = room ? { ...base, roomId: room.id, mentionIdList: [] } : { ...base, listenerId: (listener ?? me).id };
      mocker.MessageMock.create(payload as never);
      puppet.emit("message", { messageId: id });
      return id;
    },
    sent: () => [...sent],
  };
}

/** What the fake host saw. */
export interface HostRecord {
  submitted: ChatMessage[];
  alerts: Array<{ source: string; message: string }>;
  registry: Array<{ op: "seen" | "setActive" | "migrate"; platform: Platform; chatId: string; info?: unknown }>;
}

/** A GatewayHost on the real Redis that records submits, alerts and registry calls (tests/support's recording host). */
export function fakeHost(prefix: string, opts: { failSubmits?: number } = {}): { host: GatewayHost; record: HostRecord; redis: Redis; close(): Promise<void> } {
  const r = recordingHost({ prefix });
  if (opts.failSubmits) r.failSubmits(opts.failSubmits, "Connection is closed.");
  const record: HostRecord = {
    submitted: r.submitted,
    alerts: r.alerts,
    get registry() {
      return r.groupCalls.map((c) =>
        c.op === "seen" ? { op: c.op, platform: c.platform, chatId: c.chatId, info: c.info }
        : c.op === "setActive" ? { op: c.op, platform: c.platform, chatId: c.chatId, info: { active: c.active, reason: c.reason } }
        : { op: c.op, platform: c.platform, chatId: c.oldChatId, info: { newChatId: c.newChatId } });
    },
  };
  return { host: r.host, record, redis: r.redis, close: () => r.close() };
}

/** Config for gateway tests: WeChat on (mock), pacing shortened; overrides win. */
export function wechatConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    WECHATY_PUPPET: "wechaty-puppet-mock",
    WECHAT_MIN_GAP_MS: "0",
    WECHAT_MAX_GAP_MS: "0",
    WECHAT_SAME_ROOM_GAP_MS: "0",
    LOG_LEVEL: "silent",
    ...env,
  });
}

/** Poll until fn returns a truthy value (or throw after timeoutMs) — tests/support's waitFor. */
export function until<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = "condition"): Promise<NonNullable<T>> {
  return waitFor(fn, { timeoutMs, what, intervalMs: 10 });
}

export { WECHAT_MESSAGE_TYPE };

