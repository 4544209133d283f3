// Stopping while a reply waits for a long WeChat pace slot: stop() wakes the waiting send, every stop step
// finishes in time (none forced), the reply stays queued, and the next start delivers it exactly once.

import fs from "node:fs";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { wechatGatewayWith, type WechatGateway } from "../../bots/wechat/index.js";
import { paceKeys } from "../../bots/wechat/pacer.js";
import { createApp } from "../../core/app.js";
import { dropPrefix, testConfig, waitFor } from "../helpers/harness.js";
import { recordingLogger, stopWithin } from "../support/stop-log.js";
import { mockWorld, WECHAT_MESSAGE_TYPE as T } from "./mock-world.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("stop while a reply waits for its WeChat pace slot", () => {
  it("wakes the waiting send, forces no step, and the next start sends the reply exactly once", async () => {
    const w = mockWorld();
    const admin = w.resident("王主任", "wxid_admin");
    const room = w.room("莲花社区1号楼业主群", [admin]);
    // A 30 s gap: the 取消 answer waits in-process for its slot (below maxWaitMs), far longer than a stop step.
    const { config, dbDir } = testConfig({ WECHAT_MIN_GAP_MS: "30000", WECHAT_MAX_GAP_MS: "30000", WECHAT_SAME_ROOM_GAP_MS: "0" });
    cleanups.push(() => fs.rmSync(dbDir, { recursive: true, force: true }));
    cleanups.push(() => dropPrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const redis = new Redis(config.REDIS_URL);
    cleanups.push(() => redis.quit());

    const first = recordingLogger();
    const app1 = await createApp({ config, gateways: [wechatGatewayWith({ puppet: w.puppet })], log: first.log });
    let app1Stopped = false;
    cleanups.push(() => (app1Stopped ? undefined : app1.stop()));
    await app1.start();
    const gw1 = app1.gateways.find((g) => g.platform === "wechat") as WechatGateway;
    w.login();
    await waitFor(() => gw1.primary.health.status === "logged_in");
    await waitFor(() => app1.prisma.group.count({ where: { platform: "wechat" } }), { accept: (n) => n === 1 });
    await app1.prisma.group.updateMany({ where: { platform: "wechat" }, data: { enabled: true, grid: "莲花社区第一网格" } });
    await app1.prisma.staff.create({ data: { platform: "wechat", userId: admin.id, role: "admin", name: "王主任" } });

    w.emit(admin, room, T.Text, "#通知 明天8:00-12:00 3栋检修停水");
    await waitFor(() => w.sent().find((s) => s.text?.includes("将发送到")), { what: "the preview", timeoutMs: 20_000 });
    w.emit(admin, room, T.Text, "取消");
    // The answer is queued and its send holds a claim on the account's next slot: it waits in the pacer.
    const answer = await waitFor(() => app1.prisma.outboundMessage.findFirst({ where: { text: { contains: "已放弃" } } }), { what: "the 取消 answer row", timeoutMs: 20_000 });
    await waitFor(() => redis.zcard(paceKeys(config.QUEUE_PREFIX, w.me.id).replies), { what: "the answer waiting for its slot", timeoutMs: 20_000 });
    expect(w.sent().some((s) => s.text?.includes("已放弃"))).toBe(false);

    expect(await stopWithin(app1, 20_000)).toBe("stopped");
    app1Stopped = true;
    expect(first.forcedSteps()).toEqual([]);
    // Nothing was sent while stopping, and the answer was neither lost nor marked done.
    expect(w.sent().some((s) => s.text?.includes("已放弃"))).toBe(false);

    const second = recordingLogger();
    const app2 = await createApp({ config, gateways: [wechatGatewayWith({ puppet: w.puppet })], log: second.log });
    let app2Stopped = false;
    cleanups.push(() => (app2Stopped ? undefined : app2.stop()));
    await app2.start();
    const gw2 = app2.gateways.find((g) => g.platform === "wechat") as WechatGateway;
    w.login();
    await waitFor(() => gw2.primary.health.status === "logged_in");
    // It waits out the rest of the 30 s gap the preview started, then goes out.
    await waitFor(() => app2.prisma.outboundMessage.findUnique({ where: { id: answer.id } }), { what: "the answer sent after the restart", timeoutMs: 60_000, accept: (r) => r?.status === "sent" });
    const queue = app2.queues.outbox("wechat");
    await waitFor(() => queue.getJobCounts("wait", "active", "delayed", "prioritized"), { what: "the outbox drained", accept: (c) => Object.values(c).every((n) => n === 0) });
    expect(w.sent().filter((s) => s.text?.includes("已放弃")).length).toBe(1);

    expect(await stopWithin(app2, 20_000)).toBe("stopped");
    app2Stopped = true;
    expect(second.forcedSteps()).toEqual([]);
  }, 120_000);
});
