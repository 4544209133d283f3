// Queue definitions: `intake` (one job per inbound message) and `outbox-<platform>` (one job per message to
// send). Job ids are deterministic so a replay is harmless; BullMQ ids may not contain ":" nor be integers.

import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { ChatMessage, Platform } from "../ports/chat.js";

/** The queue (Redis) cannot take a message right now; nothing was accepted. Transports answer 503. */
export class QueueUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(`The queue (Redis) is unreachable; nothing was accepted: ${message}`, { cause });
    this.name = "QueueUnavailableError";
  }
}

/** The intake queue's name. */
export const INTAKE_QUEUE = "intake";
/** The outbox queue of one platform; it is consumed where that platform's gateway runs. */
export const outboxQueueName = (platform: Platform): string => `outbox-${platform}`;

/** Job data of an outbox job: the OutboundMessage row to send. */
export interface OutboxJob {
  outboundId: number;
}

/** Make a BullMQ-safe job id from parts: no ":" and never a bare integer. */
export function jobId(kind: string, ...parts: Array<string | number>): string {
  const safe = parts.map((p) => String(p).replace(/[^A-Za-z0-9_.@=+-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`));
  return [kind, ...safe].join("-");
}

/** The intake job id: platform + chat + message id (+ edit time for edits, which must be processed too). */
export function intakeJobId(msg: ChatMessage): string {
  return msg.edited ? jobId("in", msg.platform, msg.chatId, msg.messageId, "e", msg.sentAt) : jobId("in", msg.platform, msg.chatId, msg.messageId);
}

/**
 * Retries with exponential backoff for about half an hour (1 s, 2 s … 17 min). A completed job is removed at
 * once: its data is the resident's raw message, and chatter must not linger in Redis. Re-sends after that are
 * made harmless by the database's unique message key, not by the job id. Failed jobs are kept a week so
 * `gridlink queue retry` can run them again.
 */
export const INTAKE_JOB_OPTIONS: JobsOptions = {
  attempts: 11,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Outbox jobs retry longer: a platform outage should delay replies, not lose them. */
export const OUTBOX_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The producers Gridlink uses, on one connection that fails fast (no offline queue) when Redis is down. */
export class Queues {
  readonly intake: Queue<ChatMessage>;
  private readonly outboxes = new Map<Platform, Queue<OutboxJob>>();

  constructor(
    /** The producer connection (fails fast while Redis is away). */
    readonly connection: Redis,
    readonly prefix: string,
  ) {
    this.intake = new Queue<ChatMessage>(INTAKE_QUEUE, { connection, prefix });
    this.intake.on("error", () => {}); // connection errors surface where a caller awaits a command
  }

  /** The outbox queue of a platform (created on first use). */
  outbox(platform: Platform): Queue<OutboxJob> {
    let q = this.outboxes.get(platform);
    if (!q) {
      q = new Queue<OutboxJob>(outboxQueueName(platform), { connection: this.connection, prefix: this.prefix });
      q.on("error", () => {});
      this.outboxes.set(platform, q);
    }
    return q;
  }

  /**
   * Queue an inbound message; resolves once Redis has it. Duplicate ids are ignored by BullMQ. While Redis is
   * away this rejects at once (QueueUnavailableError) instead of waiting, so callers can answer 503.
   */
  async submit(msg: ChatMessage): Promise<void> {
    if (this.connection.status !== "ready") throw new QueueUnavailableError(`Redis connection is ${this.connection.status}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError("Redis did not answer within 5 s")), 5000);
    });
    try {
      await Promise.race([this.intake.add("message", msg, { ...INTAKE_JOB_OPTIONS, jobId: intakeJobId(msg) }), timeout]);
    } catch (err) {
      throw err instanceof QueueUnavailableError ? err : new QueueUnavailableError((err as Error).message, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Queue one OutboundMessage row for sending. */
  async enqueueOutbound(platform: Platform, outboundId: number): Promise<void> {
    await this.outbox(platform).add("send", { outboundId }, { ...OUTBOX_JOB_OPTIONS, jobId: jobId("out", outboundId) });
  }

  /** Queue many OutboundMessage rows at once, one bulk add per platform (broadcast fan-out, replays). */
  async enqueueOutboundRows(rows: Array<{ id: number; platform: string }>): Promise<void> {
    const byPlatform = new Map<Platform, number[]>();
    for (const r of rows) byPlatform.set(r.platform as Platform, [...(byPlatform.get(r.platform as Platform) ?? []), r.id]);
    for (const [platform, ids] of byPlatform) {
      await this.outbox(platform).addBulk(ids.map((id) => ({ name: "send", data: { outboundId: id }, opts: { ...OUTBOX_JOB_OPTIONS, jobId: jobId("out", id) } })));
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.intake.close(), ...[...this.outboxes.values()].map((q) => q.close())]);
  }
}
