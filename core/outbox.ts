// The outbox: every message the bot sends is first an OutboundMessage row (status queued), then a job in
// `outbox-<platform>` consumed where that platform's gateway runs. Send failures are mapped here, once.

import { UnrecoverableError, WaitingError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { SendError, type ChatGateway, type GroupRegistry, type OutgoingMessage, type Platform } from "./ports/chat.js";
import type { Db } from "./infra/db.js";
import { bounded } from "./infra/redis.js";
import { Prisma } from "../prisma/generated/client.ts";
import { throttle, type Logger } from "./infra/log.js";
import { outboxQueueName, type OutboxJob } from "./infra/queues.js";
import type { Tx } from "./infra/rows.js";

// === Creating outbound messages

/** What to send where; `key` makes creating it idempotent. */
export interface OutboundInput {
  key: string;
  platform: Platform;
  groupId: number;
  kind: "reply" | "notify" | "broadcast" | "command";
  text: string;
  replyTo?: { messageId: string; senderName: string; excerpt: string };
  mention?: { userId: string; name: string };
  ticketId?: number;
  sourceMessageId?: number;
  broadcastId?: number;
}

/** Create (or find, on replay) an OutboundMessage row; returns its id for queueing after the transaction. */
export async function createOutbound(tx: Tx, input: OutboundInput, opts: { fresh?: boolean } = {}): Promise<number> {
  // `fresh`: the caller knows no row with this key can exist (its key names a row created in this transaction).
  if (!opts.fresh) {
    const existing = await tx.outboundMessage.findUnique({ where: { key: input.key }, select: { id: true } });
    if (existing) return existing.id;
  }
  const row = await tx.outboundMessage.create({
    data: {
      key: input.key,
      platform: input.platform,
      groupId: input.groupId,
      kind: input.kind,
      text: input.text,
      replyToMessageId: input.replyTo?.messageId,
      replyToName: input.replyTo?.senderName,
      replyExcerpt: input.replyTo?.excerpt,
      mentionUserId: input.mention?.userId,
      mentionName: input.mention?.name,
      ticketId: input.ticketId,
      sourceMessageId: input.sourceMessageId,
      broadcastId: input.broadcastId,
    },
    select: { id: true },
  });
  return row.id;
}

/** One new delivery row of a fan-out (a broadcast's group): queued, or skipped with why. */
export interface NewDelivery {
  key: string;
  platform: string;
  groupId: number;
  kind: OutboundInput["kind"];
  text: string;
  broadcastId?: number;
  status?: "queued" | "skipped";
  error?: string;
}

/** Rows per INSERT: 9 parameters a row stays far below SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 500;

/**
 * Insert many new delivery rows with multi-row INSERTs (chunks of 500), for keys known to be new (a fresh
 * broadcast id is in every key). Prisma's createMany costs ~0.5 ms a row here; one statement per chunk costs a
 * few µs a row. Placeholders come from Prisma.sql, so the SQL is the same on SQLite and PostgreSQL.
 */
export async function insertDeliveries(tx: Tx, rows: NewDelivery[], now = new Date()): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const values = rows
      .slice(i, i + INSERT_CHUNK)
      .map((r) => Prisma.sql`(${r.key}, ${r.platform}, ${r.groupId}, ${r.kind}, ${r.text}, ${r.status ?? "queued"}, ${r.error ?? null}, ${r.broadcastId ?? null}, ${now})`);
    await tx.$executeRaw`INSERT INTO "OutboundMessage" ("key", "platform", "groupId", "kind", "text", "status", "error", "broadcastId", "createdAt") VALUES ${Prisma.join(values)}`;
  }
}

// === The outbox worker

/** Options of one platform's outbox worker. */
export interface OutboxWorkerOptions {
  prisma: Db;
  gateway: ChatGateway;
  groups: GroupRegistry;
  /** A connection with maxRetriesPerRequest: null (BullMQ workers block on it). */
  connection: Redis;
  prefix: string;
  log: Logger;
  /** @defaultValue gateway.sendConcurrency ?? 1 */
  concurrency?: number;
  /** The job lock (a crashed worker's in-flight sends are taken over after it). @defaultValue 30000 */
  lockDurationMs?: number;
  /** Told when a broadcast delivery ended (sent, failed or skipped): progress and the final report. */
  onBroadcastDelivery?: (broadcastId: number) => Promise<void>;
}

/** Turn a stored row into what the gateway sends, at the group's current chat id (it may have migrated). */
export function toOutgoing(row: {
  id: number;
  platform: string;
  text: string;
  replyToMessageId: string | null;
  replyToName: string | null;
  replyExcerpt: string | null;
  mentionUserId: string | null;
  mentionName: string | null;
  group: { chatId: string };
}): OutgoingMessage {
  return {
    outboundId: row.id,
    platform: row.platform as Platform,
    chatId: row.group.chatId,
    text: row.text,
    replyTo: row.replyToMessageId ? { messageId: row.replyToMessageId, senderName: row.replyToName ?? "", excerpt: row.replyExcerpt ?? "" } : undefined,
    mention: row.mentionUserId ? { userId: row.mentionUserId, name: row.mentionName ?? "" } : undefined,
  };
}

/**
 * Start the worker that sends one platform's queued messages. 429 → the whole queue waits retry_after without
 * using an attempt; kicked → group inactive, no retry; migrated → group moves, resend once; 5xx → backoff.
 */
export function startOutboxWorker(opts: OutboxWorkerOptions): Worker<OutboxJob> {
  const { prisma, gateway, groups, log } = opts;
  const platform = gateway.platform;

  const fail = async (id: number, error: string) => {
    await prisma.outboundMessage.update({ where: { id }, data: { status: "failed", error: error.slice(0, 500) } });
  };

  // The lanes: replies, ticket notices and command answers are queued without a priority (BullMQ's wait list);
  // a broadcast send waiting for its pacing slot gives way while one of them waits for a sender.
  const replyWaiting = async (): Promise<boolean> => (await bounded(opts.connection.llen(worker.toKey("wait")), 1000, "the reply lane check")) > 0;

  const processor = async (job: Job<OutboxJob>, token?: string) => {
    const row = await prisma.outboundMessage.findUnique({ where: { id: job.data.outboundId }, include: { group: true } });
    if (!row) throw new UnrecoverableError(`outbound message ${job.data.outboundId} does not exist`);
    if (row.status === "sent") return { skipped: "already sent" };
    if (row.status === "skipped") return { skipped: row.error ?? "skipped" };
    let urgent = false;
    if (row.broadcastId) {
      // A paused (or not yet started) broadcast holds its deliveries: the row stays pending, resume queues it again.
      const b = await prisma.broadcast.findUnique({ where: { id: row.broadcastId }, select: { status: true, priority: true } });
      urgent = b?.priority === "urgent";
      if (b?.status === "cancelled") {
        await prisma.outboundMessage.updateMany({ where: { id: row.id, status: "queued" }, data: { status: "skipped", error: "cancelled" } });
        return { skipped: "broadcast cancelled" };
      }
      if (b && b.status !== "sending" && b.status !== "done") return { held: b.status };
    }
    if (!row.group.active) {
      await fail(row.id, "group inactive: the bot is no longer in this chat");
      throw new UnrecoverableError("group inactive");
    }
    const bulk = row.kind === "broadcast";
    const out = { ...toOutgoing(row), ...(urgent ? { urgent } : {}), ...(bulk ? { bulk } : {}) };
    let result: { platformMessageId: string } | undefined;
    // A job that started before may have been sent by a process that died before recording it: where the
    // platform lets us look, record that send instead of doubling it.
    if (job.attemptsStarted > 1 && gateway.sentBefore) {
      result = await gateway.sentBefore(out).catch(() => undefined);
      if (result) log.warn({ platform, outboundId: row.id }, "a send recorded late: it had reached the chat before its process stopped");
    }
    for (let migrations = 0; !result; migrations++) {
      try {
        result = await gateway.send(out, bulk ? { giveWay: replyWaiting } : {});
        break;
      } catch (raw) {
        const err = raw instanceof SendError ? raw : new SendError("transient", raw instanceof Error ? raw.message : String(raw), { cause: raw });
        if ((err.kind === "yielded" || err.kind === "stopping") && token) {
          // Nothing was sent: back to the head of its lane (BullMQ keeps a prioritised job's place), no attempt used;
          // the worker takes the waiting reply next — or, stopping (the gateway woke the send at shutdown), the job
          // waits there for the next start.
          await job.moveToWait(token);
          throw new WaitingError();
        }
        await prisma.outboundMessage.update({ where: { id: row.id }, data: { attempts: { increment: 1 }, error: `${err.kind}: ${err.message}`.slice(0, 500) } });
        if (err.kind === "rate_limited") {
          const wait = Math.max(err.retryAfterMs ?? 1000, 1);
          log.warn({ platform, waitMs: wait }, "platform asked us to slow down; pausing this outbox");
          await worker.rateLimit(wait);
          throw Worker.RateLimitError();
        }
        if (err.kind === "migrated" && err.newChatId && migrations === 0) {
          await groups.migrate(platform, out.chatId, err.newChatId);
          out.chatId = err.newChatId;
          continue; // resend exactly once at the new id
        }
        if (err.kind === "chat_gone") {
          await groups.setActive(platform, out.chatId, false, err.message);
          await fail(row.id, `chat gone: ${err.message}`);
          throw new UnrecoverableError(err.message);
        }
        if (err.kind === "permanent" || err.kind === "migrated") {
          await fail(row.id, err.message);
          throw new UnrecoverableError(err.message);
        }
        throw err; // transient: BullMQ retries with backoff
      }
    }
    const sentAt = new Date();
    await prisma.outboundMessage.update({
      where: { id: row.id },
      data: { status: "sent", sentAt, platformMessageId: result.platformMessageId, error: null, attempts: { increment: 1 } },
    });
    // Bot replies are messages that matter: keep them next to the complaints they answer.
    await prisma.message
      .create({ data: { platform, chatId: out.chatId, messageId: result.platformMessageId, groupId: row.groupId, kind: "bot", text: row.text, sentAt } })
      .catch((err: { code?: string }) => {
        if (err?.code !== "P2002") throw err; // only "a replayed send already stored it" is expected here
      });
    if (row.broadcastId) await delivered(row.broadcastId);
    return { platformMessageId: result.platformMessageId };
  };
  const delivered = async (broadcastId: number) => {
    await opts.onBroadcastDelivery?.(broadcastId).catch((err: Error) => log.warn({ broadcastId, err: err.message }, "broadcast progress failed; the next delivery reports it"));
  };

  const worker: Worker<OutboxJob> = new Worker<OutboxJob>(outboxQueueName(platform), processor, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency ?? gateway.sendConcurrency ?? 1,
    autorun: true,
    ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: Math.max(500, Math.floor(opts.lockDurationMs / 2)) } : {}),
  });
  worker.on("failed", (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) {
      fail(job.data.outboundId, err.message)
        .then(async () => {
          const row = await prisma.outboundMessage.findUnique({ where: { id: job.data.outboundId }, select: { broadcastId: true } });
          if (row?.broadcastId) await delivered(row.broadcastId);
        })
        .catch(() => undefined);
      log.error({ platform, outboundId: job.data.outboundId, err: err.message }, "message could not be delivered");
    }
  });
  const quiet = throttle();
  worker.on("error", (err) => quiet("error", () => log.error({ platform, err: err.message }, "outbox worker error")));
  return worker;
}
