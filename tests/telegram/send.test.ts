// gateway.send() against a fake Bot API: quoting, splitting, error kinds, and the cross-process limits
// (429 pause, per-chat and global budgets). Times are read from the fake server's request log.

import { describe, expect, it } from "vitest";
import type { OutgoingMessage } from "../../core/ports/chat.js";
import { sendError } from "../helpers/send-error.js";
import { createTelegramGateway, type TelegramGateway } from "../../bots/telegram/index.js";
import type { FakeBotApi } from "./fake-bot-api.js";
import { createTestHost, telegramConfig, useFakeBotApi, type TestHost } from "./helpers.js";

let api: FakeBotApi;
let apiRoot: string;
let t: TestHost;

const track = useFakeBotApi((c) => ({ api, apiRoot, t } = c));

function gateway(env: Record<string, string> = {}, host = t.host): TelegramGateway {
  return track(createTelegramGateway(host, telegramConfig(apiRoot, env))!);
}

let nextId = 1;
const out = (chatId: string, text: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({ outboundId: nextId++, platform: "telegram", chatId, text, ...extra });


describe("send", () => {
  it("quotes the resident with reply_parameters and returns Telegram's message id", async () => {
    const g = gateway();
    const res = await g.send(out("-4128806631", "收到，您反映的【停电】问题已登记为工单 #A0012。", { replyTo: { messageId: "4512", senderName: "王阿姨", excerpt: "3栋又停电了" } }));
    const [call] = api.callsOf("sendMessage");
    expect(call.body).toMatchObject({ chat_id: -4128806631, text: "收到，您反映的【停电】问题已登记为工单 #A0012。", reply_parameters: { message_id: 4512, allow_sending_without_reply: true } });
    expect(res.platformMessageId).toBe(String((JSON.parse(call.response as string) as { result: { message_id: number } }).result.message_id));
  });

  it("sends no reply_parameters without replyTo", async () => {
    await gateway().send(out("-100200", "停水通知"));
    expect(api.callsOf("sendMessage")[0].body.reply_parameters).toBeUndefined();
  });

  it("splits a long text at sentence ends; only the first part quotes", async () => {
    const sentence = "各位居民请注意，明天上午九点到十二点停水检修。";
    const text = sentence.repeat(200); // 4600 chars → 2 parts
    const g = gateway({ TELEGRAM_PER_CHAT_PER_SECOND: "5" });
    await g.send(out("-100300", text, { replyTo: { messageId: "77", senderName: "李", excerpt: "停水" } }));
    const calls = api.callsOf("sendMessage");
    expect(calls).toHaveLength(2);
    expect(calls[0].body.reply_parameters).toEqual({ message_id: 77, allow_sending_without_reply: true });
    expect(calls[1].body.reply_parameters).toBeUndefined();
    expect(calls.map((c) => c.body.text as string).join("")).toBe(text);
    expect(calls.every((c) => (c.body.text as string).length <= 4096 && (c.body.text as string).endsWith("。"))).toBe(true);
  });

  it("resumes a split message at the part that failed instead of repeating the parts already out", async () => {
    const text = "第一句。".repeat(1100); // 4400 chars → 2 parts
    api.script = ({ method, index }) => (method === "sendMessage" && index === 1 ? { error_code: 502, description: "Bad Gateway" } : undefined);
    const g = gateway({ TELEGRAM_PER_CHAT_PER_SECOND: "5" });
    const msg = out("-100301", text);
    expect((await sendError(g.send(msg))).kind).toBe("transient");
    const res = await g.send(msg);
    const calls = api.callsOf("sendMessage");
    expect(calls).toHaveLength(3);
    expect(calls[2].body.text).toBe(calls[1].body.text); // the failed part again, not the first
    expect(calls[2].body.text).not.toBe(calls[0].body.text);
    expect(res.platformMessageId).toBe(String((JSON.parse(calls[0].response as string) as { result: { message_id: number } }).result.message_id));
    // Delivered in full: a further retry (core lost the result) sends nothing.
    await g.send(msg);
    expect(api.callsOf("sendMessage")).toHaveLength(3);
  });
});

describe("send errors", () => {
  it("403 → chat_gone after one call, not retried by the gateway", async () => {
    api.script = ({ method }) => (method === "sendMessage" ? { error_code: 403, description: "Forbidden: bot was kicked from the group chat" } : undefined);
    const e = await sendError(gateway().send(out("-100400", "hi")));
    expect(e.kind).toBe("chat_gone");
    expect(api.callsOf("sendMessage")).toHaveLength(1);
  });

  it("400 migrate_to_chat_id → migrated with the new id", async () => {
    api.script = ({ method, body }) =>
      method === "sendMessage" && body.chat_id === -100401 ? { error_code: 400, description: "Bad Request: group chat was upgraded to a supergroup chat", parameters: { migrate_to_chat_id: -1009990401 } } : undefined;
    const e = await sendError(gateway().send(out("-100401", "hi")));
    expect(e.kind).toBe("migrated");
    expect(e.newChatId).toBe("-1009990401");
  });

  it("5xx and an unreadable answer → transient; the next attempt goes through", async () => {
    api.script = ({ method, index }) => {
      if (method !== "sendMessage") return undefined;
      if (index === 0) return { error_code: 500, description: "Internal Server Error" };
      if (index === 1) return { raw: "<html>502 Bad Gateway</html>", status: 502 };
      return undefined;
    };
    const g = gateway({ TELEGRAM_PER_CHAT_PER_SECOND: "10" });
    const msg = out("-100402", "hi");
    expect((await sendError(g.send(msg))).kind).toBe("transient");
    expect((await sendError(g.send(msg))).kind).toBe("transient");
    await expect(g.send(msg)).resolves.toMatchObject({ platformMessageId: expect.any(String) });
    expect(api.callsOf("sendMessage")).toHaveLength(3);
  });

  it("network failure → transient", async () => {
    const g = gateway();
    await api.stop();
    expect((await sendError(g.send(out("-100403", "hi")))).kind).toBe("transient");
  });
});

describe("limits", () => {
  it("after a 429 no process sends before retry_after has passed", async () => {
    api.script = ({ method, index }) =>
      method === "sendMessage" && index === 0 ? { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } } : undefined;
    const a = gateway();
    // A second gateway on its own Redis connection stands for another worker process of the same bot.
    const other = createTestHost();
    const b = gateway({}, { ...t.host, redis: other.redis });
    try {
      const e = await sendError(a.send(out("-100500", "first")));
      expect(e.kind).toBe("rate_limited");
      expect(e.retryAfterMs).toBe(1000);
      await Promise.all([a.send(out("-100501", "from a")), b.send(out("-100502", "from b")), b.send(out("-100503", "from b too"))]);
      const [limited, ...after] = api.callsOf("sendMessage");
      expect(limited.status).toBe(429);
      expect(after).toHaveLength(3);
      for (const c of after) expect(c.at).toBeGreaterThanOrEqual(limited.respondedAt + 1000);
      expect(t.alerts.some((m) => m.includes("429"))).toBe(true);
    } finally {
      await other.redis.quit();
    }
  });

  it("waits for the per-chat budget instead of failing or dropping", async () => {
    const g = gateway({ TELEGRAM_PER_CHAT_PER_SECOND: "1" });
    await g.send(out("-100600", "warm-up")); // the first request also opens the connection
    const results = await Promise.all([1, 2, 3].map((i) => g.send(out("-100601", `n${i}`))));
    expect(results).toHaveLength(3);
    const calls = api.callsOf("sendMessage").filter((c) => c.body.chat_id === -100601);
    expect(calls).toHaveLength(3);
    // One per second per chat: the third cannot go before two windows have passed. A chat's window opens when its
    // budget is taken; the send then waits for its evenly spaced global slot (at most 1/30 s), so the first may
    // leave up to one slot later than its window opened.
    expect(calls[2].at - calls[0].at).toBeGreaterThanOrEqual(2000 - Math.ceil(1000 / 30) - 25);
  });

  it("holds sends while the chat's per-minute budget is spent", async () => {
    const g = gateway();
    const keyPrefix = `${t.prefix}:telegram:123456`;
    // Spend chat -100700's minute budget for the next 1.5 s, as other workers would have.
    const before = Date.now();
    await t.redis.set(`${keyPrefix}:rl:chat-m:-100700`, "20", "PX", 1500);
    const spentUntil = before + 1500; // the key cannot expire earlier than this
    await Promise.all([g.send(out("-100700", "held")), g.send(out("-100701", "free"))]);
    const held = api.callsOf("sendMessage").find((c) => c.body.chat_id === -100700)!;
    const free = api.callsOf("sendMessage").find((c) => c.body.chat_id === -100701)!;
    expect(held.at).toBeGreaterThanOrEqual(spentUntil);
    expect(free.at).toBeLessThan(held.at); // other chats are not held up
  });

  it("keeps to the global budget across chats: no six sends within a second at 5 per second", async () => {
    const g = gateway({ TELEGRAM_GLOBAL_PER_SECOND: "5" });
    await g.send(out("-100800", "warm-up")); // opens the connection
    await Promise.all(Array.from({ length: 11 }, (_, i) => g.send(out(String(-100900 - i), `n${i}`))));
    const calls = api.callsOf("sendMessage").slice(1);
    expect(calls).toHaveLength(11);
    // Any six consecutive sends span a second (five per second, evenly spaced): without the limiter all eleven
    // arrive within a few ms. Arrival times carry the machine's scheduling jitter, hence the 100 ms allowance.
    for (let i = 0; i + 5 < calls.length; i++) expect(calls[i + 5].at - calls[i].at).toBeGreaterThanOrEqual(900);
    expect(calls[10].at - calls[0].at).toBeGreaterThanOrEqual(1900);
  });

  it("stop() wakes a send waiting for a slot as \"stopping\" (core puts it back in the queue, no attempt used)", async () => {
    const g = gateway();
    await t.redis.set(`${t.prefix}:telegram:123456:paused`, "1", "PX", 60_000);
    const pending = g.send(out("-100950", "never"));
    await new Promise((r) => setTimeout(r, 50));
    await g.stop();
    expect((await sendError(pending)).kind).toBe("stopping");
    expect(api.callsOf("sendMessage")).toHaveLength(0);
  });
});
