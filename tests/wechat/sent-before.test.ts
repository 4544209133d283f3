// A send WeChat accepted whose process died before the database recorded it: the job's retry (another worker, after
// the lock lapsed) finds the gateway's sent record and records the send instead of saying it again. Real Wechaty SDK
// on wechaty-puppet-mock, real outbox workers on the real Redis, a fresh SQLite file.

import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { wechatGatewayWith, type WechatGateway } from "../../bots/wechat/index.js";
import { createOutbound, startOutboxWorker } from "../../core/outbox.js";
import { WORKER_REDIS_OPTIONS } from "../../core/infra/redis.js";
import type { OutgoingMessage, SendOptions, SendResult } from "../../core/ports/chat.js";
import { createTestApp, TEST_REDIS_URL, waitFor, type TestApp } from "../helpers/harness.js";
import { mockWorld } from "./mock-world.js";

let t: TestApp | undefined;
const extra: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of extra.splice(0).reverse()) await close();
  await t?.cleanup();
  t = undefined;
});

describe("a WeChat send that succeeded before its process died", () => {
  it("is recorded by the retried job, not said twice", async () => {
    const world = mockWorld();
    const wang = world.resident("王阿姨", "wxid_wang");
    const room = world.room("莲花社区1号楼业主群", [wang]);
    t = await createTestApp({ env: { WECHAT_MIN_GAP_MS: "0", WECHAT_MAX_GAP_MS: "0", WECHAT_SAME_ROOM_GAP_MS: "0", OUTBOX_LOCK_MS: "1000" }, gateways: [wechatGatewayWith({ puppet: world.puppet })] });
    const app = t.app;
    const gw = app.gateways.find((g) => g.platform === "wechat") as WechatGateway;
    world.login();
    await waitFor(() => gw.primary.health.status === "logged_in");
    const group = await waitFor(() => app.prisma.group.findFirst({ where: { chatId: room.id } }));

    // The first worker's process "dies" right after WeChat accepted the message: its send never returns.
    const realSend = gw.send.bind(gw);
    const accepted: SendResult[] = [];
    gw.send = async (msg: OutgoingMessage, opts?: SendOptions) => {
      const result = await realSend(msg, opts);
      accepted.push(result);
      return new Promise<SendResult>(() => {});
    };
    const text = "【回复】您反映的停电问题已登记为工单";
    const id = await createOutbound(app.prisma, { key: "crash-reply", platform: "wechat", groupId: group.id, kind: "reply", text });
    await app.queues.enqueueOutboundRows([{ id, platform: "wechat" }]);
    await waitFor(() => accepted.length === 1);
    await app.workers.find((w) => w.name === "outbox-wechat")!.close(true);
    gw.send = realSend;

    // Another worker (the restarted process) takes the job over once its lock lapsed.
    const connection = new Redis(TEST_REDIS_URL, WORKER_REDIS_OPTIONS);
    const second = startOutboxWorker({ prisma: app.prisma, gateway: gw, groups: app.host.groups, connection, prefix: app.config.QUEUE_PREFIX, log: app.log, lockDurationMs: 1000 });
    extra.push(() => connection.quit(), () => second.close());
    const row = await waitFor(async () => {
      const r = await app.prisma.outboundMessage.findUnique({ where: { id } });
      return r?.status === "sent" ? r : undefined;
    }, 20_000);
    expect(row.platformMessageId).toBe(accepted[0]!.platformMessageId);
    expect(world.sent().filter((s) => s.text?.includes("停电问题已登记"))).toHaveLength(1);
  });
});
