// Queue definitions: `intake` (one job per inbound message) and `outbox-<platform>` (one job per message to
// send). Job ids are deterministic so a replay is harmless; BullMQ ids may not contain ":" nor be integers.

import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { maskPersonal } from "../privacy.js";
import { bounded } from "./redis.js";
import type { ChatMessage, Platform } from "../ports/chat.js";
import { definedOnly } from "./options.js";

/**
 * The queue (Redis) did not take a message. `maybeQueued` is false when it certainly is not queued (the normal
 * 503); true only when Redis vanished mid-write and did not come back in time to check — then a retry with the
 * same message id (Telegram re-sends the same update; the playground takes a clientMessageId) is exactly-once.
 */
export class QueueUnavailableError extends Error {
  readonly maybeQueued: boolean;
  constructor(message: string, opts: { cause?: unknown; maybeQueued?: boolean } = {}) {
    super(`The queue (Redis) is unreachable; ${opts.maybeQueued ? "the message may or may not have been accepted (retry with the same id)" : "nothing was accepted"}: ${message}`, { cause: opts.cause });
    this.name = "QueueUnavailableError";
    this.maybeQueued = opts.maybeQueued ?? false;
  }
}

/** The intake queue's name. */
export const INTAKE_QUEUE = "intake";
/** The outbox queue of one platform; it is consumed where that platform's gateway runs. */
export const outboxQueueName = (platform: Platform): string => `outbox-${platform}`;

/** The queue of broadcast control jobs (a scheduled broadcast's delayed start, `bcstart-<id>`). */
export const BROADCASTS_QUEUE = "broadcasts";

/** Job data of a broadcast control job. */
export interface BroadcastJob {
  broadcastId: number;
}

/** The queue of poll jobs (a poll's close at its deadline, `pollclose-<id>`: results posted to every group). */
export const POLLS_QUEUE = "polls";

/** Job data of a poll job. */
export interface PollJob {
  pollId: number;
}

/**
 * The lanes of an outbox: replies, ticket notices and command answers carry no priority, and BullMQ takes
 * un-prioritised jobs before any prioritised one — so they never wait behind a broadcast; urgent broadcasts
 * (priority 1) go ahead of ordinary ones (priority 10).
 */
export function lanePriority(row: { kind?: string; priority?: string | null }): number | undefined {
  if (row.kind !== "broadcast") return undefined;
  return row.priority === "urgent" ? 1 : 10;
}

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
 * made harmless by the database's unique message key, not by the job id. A job that fails for good is a dead
 * letter: its text is masked at once (see maskDeadLetter) and it is kept DEAD_LETTER_KEEP_HOURS for
 * `gridlink queue retry`. The deduplication marker (an hour) is what submit() checks when an add went
 * unanswered, and it makes a client's retry with the same message id harmless while it lives.
 */
export const INTAKE_JOB_OPTIONS: JobsOptions = {
  attempts: 11,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 72 * 3600 },
};

/** How long the intake deduplication marker lives. */
export const INTAKE_DEDUP_TTL_MS = 3600_000;

/** The dead-letter copy of a message: personal numbers masked (the text is still there to retry after a fix). */
export function maskDeadLetter(msg: ChatMessage): ChatMessage {
  return { ...msg, text: maskPersonal(typeof msg.text === "string" ? msg.text : ""), chatTitle: msg.chatTitle && maskPersonal(msg.chatTitle), sender: { ...msg.sender, name: maskPersonal(msg.sender?.name ?? "") } };
}

/** Outbox jobs retry longer: a platform outage should delay replies, not lose them. */
export const OUTBOX_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Options of Queues beyond its connections. */
export interface QueuesOptions {
  /** The fail-fast producer connection submit() uses (see producerRedisOptions). @defaultValue the main one */
  submitConnection?: Redis;
  /** submit()'s whole budget: add, and if unanswered, the check whether it landed. @defaultValue 1500 */
  submitTimeoutMs?: number;
  /** Every other queue call's bound. @defaultValue 5000 */
  commandTimeoutMs?: number;
  /** @defaultValue 72 */
  deadLetterKeepHours?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** ioredis refused to write the command at all (no connection, offline queue off): it never reached Redis. */
const neverSent = (err: unknown) => /Stream isn't writeable|Connection is closed/.test((err as Error)?.message ?? "");

/** The producers Gridlink uses; every call is bounded, so none hangs across a Redis restart. */
export class Queues {
  readonly intake: Queue<ChatMessage>;
  private readonly outboxes = new Map<Platform, Queue<OutboxJob>>();
  private readonly opts: Required<Omit<QueuesOptions, "submitConnection">>;
  private readonly submitConnection: Redis;

  constructor(
    /** The connection for queue work and reads (waits through a blip, each command bounded). */
    readonly connection: Redis,
    readonly prefix: string,
    opts: QueuesOptions = {},
  ) {
    this.opts = { submitTimeoutMs: 1500, commandTimeoutMs: 5000, deadLetterKeepHours: 72, ...definedOnly(opts) };
    this.submitConnection = opts.submitConnection ?? connection;
    this.intake = new Queue<ChatMessage>(INTAKE_QUEUE, { connection: this.submitConnection, prefix });
    this.intake.on("error", () => {}); // connection errors surface where a caller awaits a command
  }

  /** The outbox queue of a platform (created on first use). */
  outbox(platform: Platform): Queue<OutboxJob> {
    let q = this.outboxes.get(platform);
    if (!q) {
      if (this.closed) throw new Error("the queues are closed");
      q = new Queue<OutboxJob>(outboxQueueName(platform), { connection: this.connection, prefix: this.prefix });
      q.on("error", () => {});
      this.outboxes.set(platform, q);
    }
    return q;
  }

  /** The Redis key of an intake job's deduplication marker (set atomically by the add). */
  dedupKey(id: string): string {
    return `${this.prefix}:${INTAKE_QUEUE}:de:${id}`;
  }

  /**
   * Queue an inbound message; resolves once Redis has it (duplicates are ignored). Rejects with
   * QueueUnavailableError within submitTimeoutMs otherwise. The contract: it rejects with maybeQueued false only
   * when the message is certainly not queued — the add was refused before it was written, or it went
   * unanswered and a later read of its marker found none (on the same connection, so after the add; after a
   * reconnect, after the add was re-sent). Redis is single-threaded and answers one connection in order.
   */
  async submit(msg: ChatMessage): Promise<void> {
    const conn = this.submitConnection;
    if (conn.status !== "ready") throw new QueueUnavailableError(`Redis connection is ${conn.status}`);
    const id = intakeJobId(msg);
    const deadline = Date.now() + this.opts.submitTimeoutMs;
    const opts = { ...INTAKE_JOB_OPTIONS, removeOnFail: { age: this.opts.deadLetterKeepHours * 3600 }, jobId: id, deduplication: { id, ttl: INTAKE_DEDUP_TTL_MS } };
    try {
      await bounded(this.intake.add("message", msg, opts), Math.floor(this.opts.submitTimeoutMs / 2), "the intake add");
      return;
    } catch (err) {
      if (neverSent(err)) throw new QueueUnavailableError((err as Error).message, { cause: err });
    }
    // Unanswered: find out whether it landed before answering.
    let last: unknown;
    while (Date.now() < deadline - 20) {
      if (conn.status === "ready") {
        try {
          const found = await bounded(conn.exists(this.dedupKey(id)), Math.max(deadline - Date.now(), 20), "the intake check");
          if (found) return;
          throw new QueueUnavailableError("the add was not answered and did not land");
        } catch (err) {
          if (err instanceof QueueUnavailableError) throw err;
          last = err;
        }
      }
      await sleep(50);
    }
    throw new QueueUnavailableError(`the add was not answered and Redis did not come back to check (${(last as Error)?.message ?? "disconnected"})`, { maybeQueued: true });
  }

  /** Queue one OutboundMessage row for sending (bounded: throws instead of hanging; the job retries). */
  async enqueueOutbound(platform: Platform, outboundId: number): Promise<void> {
    await bounded(this.outbox(platform).add("send", { outboundId }, { ...OUTBOX_JOB_OPTIONS, jobId: jobId("out", outboundId) }), this.opts.commandTimeoutMs, "the outbox add");
  }

  /** Queue many OutboundMessage rows at once, one bulk add per platform (broadcast fan-out, replays), each in its lane. */
  async enqueueOutboundRows(rows: Array<{ id: number; platform: string; priority?: number }>): Promise<void> {
    const byPlatform = new Map<Platform, Array<{ id: number; priority?: number }>>();
    for (const r of rows) {
      const list = byPlatform.get(r.platform as Platform) ?? [];
      list.push(r);
      byPlatform.set(r.platform as Platform, list);
    }
    for (const [platform, list] of byPlatform) {
      for (let i = 0; i < list.length; i += 1000) {
        const jobs = list.slice(i, i + 1000).map((r) => ({ name: "send", data: { outboundId: r.id }, opts: { ...OUTBOX_JOB_OPTIONS, jobId: jobId("out", r.id), ...(r.priority ? { priority: r.priority } : {}) } }));
        await bounded(this.outbox(platform).addBulk(jobs), this.opts.commandTimeoutMs, "the outbox bulk add");
      }
    }
  }

  /** Remove the outbox jobs of these rows unless a worker holds them (so a resume can queue them afresh). */
  async removeOutboxJobs(rows: Array<{ id: number; platform: string }>): Promise<void> {
    for (const r of rows) await bounded(this.outbox(r.platform as Platform).remove(jobId("out", r.id)), this.opts.commandTimeoutMs, "the outbox job removal").catch(() => 0);
  }

  /** A queue of delayed jobs, created on first use and closed with the rest. */
  private lazyQueue<T>(name: string): Queue<T> {
    let q = this.lazyQueues.get(name);
    if (!q) {
      if (this.closed) throw new Error("the queues are closed");
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on("error", () => {});
      this.lazyQueues.set(name, q);
    }
    return q as Queue<T>;
  }
  private readonly lazyQueues = new Map<string, Queue>();

  /** Add a job due at `at` under a deterministic id (adding twice is one job), retried with backoff. */
  private async addAt<T>(queue: Queue<T>, name: string, data: T, id: string, at: Date, what: string): Promise<void> {
    const opts = { jobId: id, delay: Math.max(0, at.getTime() - Date.now()), attempts: 10, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } };
    await bounded((queue as Queue).add(name, data, opts), this.opts.commandTimeoutMs, what);
  }

  /** The queue of broadcast control jobs (created on first use). */
  get broadcasts(): Queue<BroadcastJob> {
    return this.lazyQueue<BroadcastJob>(BROADCASTS_QUEUE);
  }

  /** Schedule a broadcast's start at `at` (deterministic id: scheduling twice is one job). */
  async scheduleBroadcast(broadcastId: number, at: Date): Promise<void> {
    await this.addAt(this.broadcasts, "start", { broadcastId }, jobId("bcstart", broadcastId), at, "the broadcast schedule");
  }

  /** Remove a scheduled broadcast's start job (cancel before it starts). */
  async unscheduleBroadcast(broadcastId: number): Promise<void> {
    await bounded(this.broadcasts.remove(jobId("bcstart", broadcastId)), this.opts.commandTimeoutMs, "the broadcast unschedule").catch(() => 0);
  }

  /** The queue of poll jobs (created on first use). */
  get polls(): Queue<PollJob> {
    return this.lazyQueue<PollJob>(POLLS_QUEUE);
  }

  /** Close a poll at `at` (deterministic id: arming twice is one job; a replay after it ran closes nothing twice). */
  async schedulePollClose(pollId: number, at: Date): Promise<void> {
    await this.addAt(this.polls, "close", { pollId }, jobId("pollclose", pollId), at, "the poll close schedule");
  }

  private closed = false;

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.intake.close(), ...[...this.outboxes.values()].map((q) => q.close()), ...[...this.lazyQueues.values()].map((q) => q.close())]);
  }
}

/** Epoch ms of the last intake job any worker finished (completed or failed): /healthz's progress signal. */
export const intakeProgressKey = (prefix: string): string => `${prefix}:${INTAKE_QUEUE}:progress`;
/** The dead-letter count an operator has acknowledged (`gridlink queue ack`); /healthz alarms above it. */
export const deadLetterAckKey = (prefix: string): string => `${prefix}:${INTAKE_QUEUE}:dead-letter-ack`;

/** What /healthz and `gridlink queue status` report about intake. */
export interface IntakeHealth {
  waiting: number;
  active: number;
  delayed: number;
  /** Failed for good (permanent error, or retries exhausted): the dead-letter set. */
  deadLetter: number;
  deadLetterAcknowledged: number;
  /** Age of the oldest waiting job, ms (0 when none waits). */
  oldestWaitingMs: number;
  /** Since the last finished job or the oldest waiting job's arrival, whichever is later; 0 when none waits. */
  noProgressMs: number;
  /** Why intake is unhealthy, empty when it is fine. */
  problems: string[];
}

/** Read intake's state and judge it against the thresholds (every read bounded). */
export async function intakeHealth(queues: Queues, opts: { stallMs: number; maxWaitMs: number; timeoutMs?: number }): Promise<IntakeHealth> {
  const ms = opts.timeoutMs ?? 1000;
  const conn = queues.connection;
  const [counts, oldest, progress, ack] = await Promise.all([
    bounded(queues.intake.getJobCounts("wait", "active", "delayed", "failed"), ms, "intake counts"),
    bounded(queues.intake.getJobs(["wait"], 0, 0, true), ms, "the oldest waiting job"),
    bounded(conn.get(intakeProgressKey(queues.prefix)), ms, "intake progress"),
    bounded(conn.get(deadLetterAckKey(queues.prefix)), ms, "the dead-letter acknowledgement"),
  ]);
  const now = Date.now();
  const waiting = counts.wait ?? 0;
  const oldestAt = oldest[0]?.timestamp;
  const oldestWaitingMs = waiting && oldestAt ? Math.max(0, now - oldestAt) : 0;
  const noProgressMs = waiting ? Math.max(0, now - Math.max(Number(progress ?? 0), oldestAt ?? now)) : 0;
  const deadLetter = counts.failed ?? 0;
  const deadLetterAcknowledged = Number(ack ?? 0);
  const problems: string[] = [];
  if (waiting && noProgressMs > opts.stallMs) problems.push(`intake stalled: ${waiting} waiting and no job finished for ${Math.round(noProgressMs / 1000)} s`);
  if (oldestWaitingMs > opts.maxWaitMs) problems.push(`intake behind: the oldest waiting message arrived ${Math.round(oldestWaitingMs / 1000)} s ago`);
  if (deadLetter > deadLetterAcknowledged) problems.push(`${deadLetter - deadLetterAcknowledged} new dead-letter intake job(s): fix the cause, then gridlink queue retry (or gridlink queue ack)`);
  return { waiting, active: counts.active ?? 0, delayed: counts.delayed ?? 0, deadLetter, deadLetterAcknowledged, oldestWaitingMs, noProgressMs, problems };
}
