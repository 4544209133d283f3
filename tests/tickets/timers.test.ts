// The residents' side's timed work over real Redis: a resolved ticket nobody rated closes as rated-by-default
// (not as satisfied) by its delayed job, once however often the job is armed; a fresh resolution waits; the daily
// digest reaches the grid's staff room with the grid's figures, once per day.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { armRatingTimeouts, RESIDENT_CYCLE_QUEUE } from "../../core/jobs/resident-cycle.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { RATED_BY_DEFAULT } from "../../core/tickets/close-unrated.js";
import { sendDigest } from "../../core/tickets/send-digest.js";
import { createTestApp, waitFor, TEST_REDIS_URL, type TestApp } from "../helpers/harness.js";

let t: TestApp;
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await t?.cleanup();
});

let seq = 0;
async function complaint(chatId: string, sender: string, text: string) {
  const msg: ChatMessage = { platform: "playground", chatId, messageId: `tm${++seq}`, sender: { id: `pg-${sender}`, name: sender }, text, sentAt: Date.now() };
  await t.app.queues.submit(msg);
  return waitFor(() => t.app.prisma.ticket.findFirst({ where: { sourceMessage: { messageId: msg.messageId } } }));
}

describe("rating timeouts and the daily digest", () => {
  it("closes an unrated resolved ticket as rated-by-default once its time is up, and leaves a fresh one", async () => {
    t = await createTestApp({ gateways: [playgroundGateway], env: { RATING_TIMEOUT_HOURS: "72" } });
    const old = await complaint("lianhua-01", "王阿姨", "3栋停电了");
    const fresh = await complaint("lianhua-05", "李叔", "楼道灯坏了，晚上黑乎乎的");
    const fourDaysAgo = new Date(Date.now() - 4 * 86_400_000);
    await t.app.prisma.ticket.update({ where: { id: old.id }, data: { status: "resolved", closedAt: fourDaysAgo } });
    await t.app.prisma.ticket.update({ where: { id: fresh.id }, data: { status: "resolved", closedAt: new Date() } });

    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(RESIDENT_CYCLE_QUEUE, { connection, prefix: t.config.QUEUE_PREFIX });
    closers.push(() => queue.close(), async () => connection.disconnect());
    // Armed three times (a restart, the repeatable pass, a replay): the same job ids, one closing.
    const arm = () => armRatingTimeouts({ prisma: t.app.prisma, queue, ratingTimeoutMs: 72 * 3600_000 });
    expect(await arm()).toBe(2);
    await arm();
    await arm();
    const closed = await waitFor(async () => {
      const row = await t.app.prisma.ticket.findUniqueOrThrow({ where: { id: old.id }, include: { events: true } });
      return row.status === "rated" ? row : undefined;
    });
    expect(closed.rating).toBeNull(); // recorded as rated-by-default, never as satisfied
    await arm(); // armed again after it closed: nothing more happens
    expect((await t.app.prisma.ticketEvent.findMany({ where: { ticketId: old.id, note: RATED_BY_DEFAULT } }))).toHaveLength(1);
    expect(closed.events.filter((e) => e.note === RATED_BY_DEFAULT)).toHaveLength(1);
    expect(await t.app.prisma.auditEvent.count({ where: { action: "ticket.rated_by_default", subject: `ticket:${old.number}` } })).toBe(1);
    const waiting = await queue.getJob(`ratedefault-${fresh.id}-${(await t.app.prisma.ticket.findUniqueOrThrow({ where: { id: fresh.id } })).closedAt!.getTime()}`);
    expect(await waiting?.isDelayed()).toBe(true);
    expect((await t.app.prisma.ticket.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe("resolved");
    // The digest runs as a repeatable job at DIGEST_HOUR China time.
    const digest = await queue.getJobScheduler("digest");
    expect(digest).toMatchObject({ pattern: `0 ${t.config.DIGEST_HOUR} * * *`, tz: "Asia/Shanghai" });
  });

  it("sends the grid's digest to its staff room with its figures, once a day", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const room = await t.app.prisma.group.update({ where: { platform_chatId: { platform: "playground", chatId: "lianhua-10" } }, data: { staffRoom: true } });
    const a = await complaint("lianhua-01", "王阿姨", "3栋停电了");
    await complaint("lianhua-02", "赵姐", "垃圾没人清理，臭死了");
    await complaint("taoyuan-01", "钱叔", "电梯坏了"); // another grid: not in this digest
    await t.app.prisma.ticket.update({ where: { id: a.id }, data: { status: "rated", rating: 4, closedAt: new Date(), secondsToResolve: 3600 } }); // what the resolving step writes
    const first = await sendDigest({ db: t.app.prisma, grid: "莲花社区第一网格" });
    const again = await sendDigest({ db: t.app.prisma, grid: "莲花社区第一网格" });
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
    const rows = await t.app.prisma.outboundMessage.findMany({ where: { key: { startsWith: "digest-" } } });
    expect(rows.map((r) => r.groupId)).toEqual([room.id]);
    expect(rows[0].text).toMatch(/^【莲花社区第一网格 日报 \d{4}-\d\d-\d\d】新报 2，办结 1，未结 1，超时 0，上报 0，满意度 4\.0\/5，24 小时办结率 50%$/);
  });
});
