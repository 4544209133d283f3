// At-least-once delivery made harmless: the same message delivered many times opens one ticket, one reply.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { handleMessage } from "../../core/intake.js";
import { countIntakeDone, createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

let t: TestApp;
afterEach(async () => t?.cleanup());

const msg = (over: Partial<ChatMessage> = {}): ChatMessage => ({
  platform: "playground",
  chatId: "lianhua-02",
  messageId: "m-1",
  sender: { id: "pg-王阿姨", name: "王阿姨" },
  text: "3栋又停电了",
  sentAt: Date.now(),
  ...over,
});

describe("replays", () => {
  it("three concurrent deliveries through the queue give one ticket and one reply", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const done = countIntakeDone(t.app);
    await Promise.all([t.app.queues.submit(msg()), t.app.queues.submit(msg()), t.app.queues.submit(msg())]);
    await waitFor(() => t.app.prisma.outboundMessage.findFirst({ where: { status: "sent" } }));
    await waitFor(async () => {
      const left = await t.app.queues.intake.getJobCounts("waiting", "active", "delayed");
      return done() >= 1 && left.waiting + left.active + left.delayed === 0;
    });
    expect(await t.app.prisma.ticket.count()).toBe(1);
    expect(await t.app.prisma.outboundMessage.count()).toBe(1);
  });

  it("three concurrent deliveries that bypass the queue's job-id dedupe still give one ticket and one reply", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const outcomes = await Promise.all([1, 2, 3].map(() => handleMessage(t.app.intake, msg())));
    expect(outcomes.filter((o) => o.action === "ticket")).toHaveLength(1);
    expect(outcomes.filter((o) => o.action === "duplicate")).toHaveLength(2);
    await waitFor(() => t.app.prisma.outboundMessage.findFirst({ where: { status: "sent" } }));
    expect(await t.app.prisma.ticket.count()).toBe(1);
    expect(await t.app.prisma.outboundMessage.count()).toBe(1);
    const bot = await t.app.prisma.message.count({ where: { kind: "bot" } });
    expect(bot).toBe(1);
  });

  it("an edited complaint updates the stored message and its ticket instead of opening a second ticket", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    await handleMessage(t.app.intake, msg());
    const edit = await handleMessage(t.app.intake, msg({ text: "3栋又停电了，已经两个小时", edited: true, sentAt: Date.now() + 1000 }));
    expect(edit.action).toBe("edited");
    const tickets = await t.app.prisma.ticket.findMany();
    expect(tickets).toHaveLength(1);
    expect(tickets[0].text).toBe("3栋又停电了，已经两个小时");
  });
});

describe("crash between storing and queueing", () => {
  it("a replay after the transaction committed but the reply was never queued sends exactly one reply", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const enqueue = t.app.queues.enqueueOutbound.bind(t.app.queues);
    let failOnce = true;
    t.app.queues.enqueueOutbound = async (platform, id) => {
      if (failOnce) {
        failOnce = false;
        throw new Error("worker died before queueing the reply");
      }
      return enqueue(platform, id);
    };
    await expect(handleMessage(t.app.intake, msg({ messageId: "m-crash" }))).rejects.toThrow(/worker died/);
    expect(await t.app.prisma.ticket.count()).toBe(1);
    expect(await t.app.prisma.outboundMessage.count({ where: { status: "queued" } })).toBe(1);

    const replay = await handleMessage(t.app.intake, msg({ messageId: "m-crash" }));
    expect(replay).toEqual({ action: "duplicate", requeued: 1 });
    await waitFor(() => t.app.prisma.outboundMessage.findFirst({ where: { status: "sent" } }));
    const again = await handleMessage(t.app.intake, msg({ messageId: "m-crash" }));
    expect(again).toEqual({ action: "duplicate", requeued: 0 });
    expect(await t.app.prisma.ticket.count()).toBe(1);
    expect(await t.app.prisma.message.count({ where: { kind: "bot" } })).toBe(1);
  });
});
