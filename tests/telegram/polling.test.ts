// Long polling: updates reach intake in order, a failed submit is retried (never skipped), re-delivered
// updates are ignored, and stop() leaves an unhandled update unconfirmed.

import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { createTelegramGateway, type TelegramGateway } from "../../bots/telegram/index.js";
import type { FakeBotApi } from "./fake-bot-api.js";
import { eventually, telegramConfig, useFakeBotApi, type TestHost } from "./helpers.js";

let api: FakeBotApi;
let apiRoot: string;
let t: TestHost;

const say = (update_id: number, text: string, chatId = -4128806631): Update =>
  ({
    update_id,
    message: { message_id: update_id, date: 1732170000, chat: { id: chatId, type: "group", title: "莲花社区1号楼业主群" }, from: { id: 5234401187, is_bot: false, first_name: "王阿姨" }, text },
  }) as Update;

const track = useFakeBotApi((c) => ({ api, apiRoot, t } = c));

function gateway(host = t.host): TelegramGateway {
  return track(createTelegramGateway(host, telegramConfig(apiRoot), { pollIdleMs: 10, retryBaseMs: 20, retryMaxMs: 100 })!);
}

describe("long polling", () => {
  it("is the default: learns its username, drops any webhook, and submits group messages in order", async () => {
    const g = gateway();
    expect(g.mode).toBe("polling");
    expect(g.routes).toBeUndefined();
    api.pushUpdate(say(1, "3栋又停电了"));
    api.pushUpdate(say(2, "/status@GridlinkBot A0001"));
    api.pushUpdate(say(3, "/help@OtherBot"));
    api.pushUpdate({ update_id: 4, message: { message_id: 4, date: 1, chat: { id: -4128806631, type: "group", title: "x" }, from: { id: 1, is_bot: false, first_name: "a" }, sticker: { file_id: "x" } } } as unknown as Update);
    api.pushUpdate(say(5, "电梯坏了"));
    await g.start();
    expect(g.username).toBe("GridlinkBot");
    expect(api.callsOf("deleteWebhook")[0].body).toMatchObject({ drop_pending_updates: false });
    await eventually(() => t.submitted.length === 3, "three messages submitted");
    expect(t.submitted.map((m) => m.text)).toEqual(["3栋又停电了", "/status A0001", "电梯坏了"]);
    expect(api.callsOf("getUpdates")[0].body.allowed_updates).toEqual(["message", "edited_message", "my_chat_member"]);
    expect(g.health()).toMatchObject({ mode: "polling", username: "GridlinkBot", ready: true });
  });

  it("retries an update whose submit failed, and confirms it only afterwards", async () => {
    // Note how many Bot API calls had been made when update 10 finally made it into the queue.
    let callsWhenQueued = -1;
    const submit = t.host.submit;
    const g = gateway({
      ...t.host,
      submit: async (msg) => {
        await submit(msg);
        if (msg.messageId === "10") callsWhenQueued = api.calls.length;
      },
    });
    t.failSubmits(2);
    api.pushUpdate(say(10, "3栋又停电了"));
    api.pushUpdate(say(11, "电梯坏了"));
    await g.start();
    await eventually(() => t.submitted.length === 2, "both submitted");
    expect(t.submitted.map((m) => m.messageId)).toEqual(["10", "11"]);
    // No getUpdates before that moment confirmed update 10 (offset > 10); one after it did.
    const before = api.calls.slice(0, callsWhenQueued).filter((c) => c.method === "getUpdates");
    expect(before.every((c) => (c.body.offset ?? 0) <= 10)).toBe(true);
    await eventually(() => api.callsOf("getUpdates").some((c) => (c.body.offset ?? 0) > 11), "offset confirmed");
    expect(t.alerts).toEqual([]); // two failures are not yet worth an alert
  });

  it("ignores an update delivered twice (a restart before the offset was confirmed)", async () => {
    api.pushUpdate(say(20, "3栋又停电了"));
    const first = gateway();
    await first.start();
    await eventually(() => t.submitted.length === 1, "first delivery");
    await first.stop();
    // A new process starts from offset 0: Telegram re-delivers what was never confirmed.
    api.pushUpdate(say(20, "3栋又停电了"));
    api.pushUpdate(say(21, "电梯坏了"));
    const second = gateway();
    await second.start();
    await eventually(() => t.submitted.length === 2, "second message");
    expect(t.submitted.map((m) => m.messageId)).toEqual(["20", "21"]);
  });

  it("alerts on a 409 conflict (another poller) and keeps trying", async () => {
    api.script = ({ method, index }) => (method === "getUpdates" && index === 0 ? { error_code: 409, description: "Conflict: terminated by other getUpdates request" } : undefined);
    const g = gateway();
    await g.start();
    await eventually(() => t.alerts.some((a) => a.includes("409")), "conflict alert");
    api.pushUpdate(say(30, "3栋又停电了"));
    await eventually(() => t.submitted.length === 1, "polling resumed", 15_000);
  });

  it("refuses to start with a rejected token", async () => {
    api.script = ({ method }) => (method === "getMe" ? { error_code: 401, description: "Unauthorized" } : undefined);
    await expect(gateway().start()).rejects.toThrow(/TELEGRAM_BOT_TOKEN was rejected/);
  });

  it("keeps trying in the background when the Bot API is down at start", async () => {
    let down = true;
    api.script = ({ method }) => (down && method === "getMe" ? { error_code: 502, description: "Bad Gateway" } : undefined);
    const g = gateway();
    await g.start(); // does not block Gridlink's start
    expect(g.health()).toMatchObject({ ready: false });
    expect(t.alerts.some((a) => a.includes("unreachable"))).toBe(true);
    down = false;
    api.pushUpdate(say(40, "3栋又停电了"));
    await eventually(() => t.submitted.length === 1, "polling after recovery", 15_000);
  });
});
