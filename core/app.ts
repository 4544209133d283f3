// The composition root of core: one App wires the database, Redis, queues, workers, gateways and HTTP.
// `gridlink start` runs every role in one process; `worker`, `gateway <p>` and `web` run one role each.

import { UnrecoverableError, Worker, type Job, type Queue } from "bullmq";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import type { ChatGateway, ChatMessage, GatewayHost } from "./ports/chat.js";
import type { Config } from "./infra/config.js";
import { openDatabase, type Db } from "./infra/db.js";
import { createGroupRegistry } from "./groups/registry.js";
import { handleMessage, type IntakeDeps } from "./intake.js";
import { cycleSettingsOf } from "./tickets/cycle-settings.js";
import { createLogger, throttle, type Logger } from "./infra/log.js";
import { startOutboxWorker } from "./outbox.js";
import { INTAKE_QUEUE, intakeProgressKey, maskDeadLetter, Queues } from "./infra/queues.js";
import { bounded, closeRedis, settlesWithin, jobRedisOptions, producerRedisOptions, WORKER_REDIS_OPTIONS } from "./infra/redis.js";
import { startReconcileOutbox } from "./jobs/reconcile-outbox.js";
import { startBroadcastWorker } from "./jobs/start-broadcasts.js";
import { startRetentionJob } from "./jobs/purge-retention.js";
import { startPollWorker } from "./jobs/close-polls.js";
import { createTicketClocks, type TicketClocks } from "./jobs/ticket-clocks.js";
import { createHotlineBridge } from "./tickets/hotline-bridge.js";
import { createRatingTimeouts, startResidentCycle } from "./jobs/resident-cycle.js";
import { afterDelivery } from "./broadcasts/control-broadcast.js";
import { isPermanentError } from "./infra/errors.js";
import { buildServer } from "./transports/http/server.js";
import { readSendingPaces } from "./broadcasts/sending-pace.js";
import { createLiveDetector, lexiconChannel, type LiveDetector } from "./lexicon/live.js";
import type { Detection } from "../nlp/index.js";
import { createAssistant, type Assistant } from "./assistant/index.js";
import { faqRoutes } from "./assistant/routes.js";

import type { GatewayFactory } from "./ports/index.js";
export type { GatewayFactory };

/** Which parts of Gridlink this process runs. */
export interface Roles {
  /** HTTP API, web admin and gateways' routes. @defaultValue true */
  http: boolean;
  /** Intake workers. @defaultValue true */
  workers: boolean;
  /** Gateways (and their outbox workers). @defaultValue true */
  gateways: boolean;
}

/** Options of createApp; only `config` is required. */
export interface AppOptions {
  config: Config;
  gateways?: GatewayFactory[];
  roles?: Partial<Roles>;
  log?: Logger;
  /** Told when each start phase ends (lexicon, dictionaries, gateways, HTTP), for the start bench's log lines. */
  onPhase?: (name: string) => void;
  /** The complaint detector. @defaultValue the live detector over the curated lexicon in the database */
  detect?: (text: string) => Detection;
}

/** A recorded alert for admins (account logged out, rate-limited…). */
export interface Alert {
  at: string;
  source: string;
  message: string;
}

/** A running (or startable) Gridlink. */
export interface App {
  config: Config;
  log: Logger;
  prisma: Db;
  /** Shared connection for gateways and rate limiters (blocks and retries while Redis is away). */
  redis: Redis;
  queues: Queues;
  host: GatewayHost;
  gateways: ChatGateway[];
  http?: FastifyInstance;
  /** http://host:port once started with the HTTP role. */
  url?: string;
  intake: IntakeDeps;
  /** The detector that follows admins' lexicon edits (absent when a detect function was injected). */
  live?: LiveDetector;
  /** The assistant that answers residents' questions (absent when ASSISTANT_ENABLED=false). */
  assistant?: Assistant;
  /** SLA clocks and the hotline bridge's jobs (a producer in every process; the worker where workers run). */
  clocks: TicketClocks;
  /** The BullMQ workers this process runs (intake and each gateway's outbox), once started. */
  workers: Worker[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Resolve once a worker's connections are ready (BullMQ's waitUntilReady: connected and version-checked), or after
 * timeoutMs (Redis away: the worker keeps retrying on its own). start() waits for this so "started" means
 * "consuming", and a stop() right after start never closes a connection still in its handshake. Not the "ready"
 * event: a worker whose connection became ready before the listener was attached (its creator awaited something
 * else first, as the reconciler's schedule) emitted it already, and start() then sat out the whole timeout (10 s).
 */
async function workerReady(worker: Worker, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([worker.waitUntilReady().then(() => undefined, () => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

/**
 * Force a worker whose close() overran: mark its Redis connection closed, so a job that still ends later reports
 * nothing to Redis (its lock lapses and the next start takes it over; sentBefore keeps a send from doubling).
 * Never `worker.disconnect()`: the connection is shared (the app's, the pacer's), and BullMQ retries a closing
 * worker's "Connection is closed" job updates with no delay — a loop that spins the CPU and starves every timer,
 * the remaining stop steps' bounds included. `connection` is protected in BullMQ's typings, hence the cast.
 */
async function forceWorker(worker: Worker): Promise<void> {
  await (worker as unknown as { connection: { close(force: boolean): Promise<void> } }).connection.close(true);
}

/** Wire everything; nothing listens or consumes until start(). The database must be migrated already. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const roles: Roles = { http: true, workers: true, gateways: true, ...opts.roles };
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const prisma = await openDatabase(config.DATABASE_URL, { busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS });
  const redis = new Redis(config.REDIS_URL, WORKER_REDIS_OPTIONS);
  const quiet = throttle();
  redis.on("error", (err) => quiet("redis", () => log.warn({ err: err.message }, "redis connection error")));
  // A 503 means "certainly not queued": once connected (in start()) the producer's offline queue is off, so an
  // add while Redis is away is refused unwritten; an add written but unanswered is checked by Queues.submit.
  // Every command on it and on the jobs' connection is bounded (commandTimeout): nothing awaits Redis forever.
  const producer = new Redis(config.REDIS_URL, producerRedisOptions(config.REDIS_COMMAND_TIMEOUT_MS));
  producer.on("error", () => {});
  const jobConnection = new Redis(config.REDIS_URL, jobRedisOptions(config.REDIS_COMMAND_TIMEOUT_MS));
  jobConnection.on("error", () => {});
  const queues = new Queues(jobConnection, config.QUEUE_PREFIX, {
    submitConnection: producer,
    submitTimeoutMs: config.SUBMIT_TIMEOUT_MS,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    deadLetterKeepHours: config.DEAD_LETTER_KEEP_HOURS,
  });
  const groups = createGroupRegistry(prisma, log);
  const alertsKey = `${config.QUEUE_PREFIX}:alerts`;

  const host: GatewayHost = {
    submit: (msg: ChatMessage) => queues.submit(msg),
    groups,
    redis,
    prefix: config.QUEUE_PREFIX,
    log,
    async alert(source, message) {
      log.warn({ source }, `ALERT ${message}`);
      const entry: Alert = { at: new Date().toISOString(), source, message };
      await producer.multi().lpush(alertsKey, JSON.stringify(entry)).ltrim(alertsKey, 0, 99).exec().catch(() => undefined);
    },
  };

  // Seeds the lexicon table on first start; rebuilt in every process within a second of an edit anywhere.
  const live = opts.detect
    ? undefined
    : await createLiveDetector({ prisma, redis, channel: lexiconChannel(config.QUEUE_PREFIX), onError: (err) => log.error({ err: err.message }, "lexicon rebuild failed; keeping the previous one") });
  opts.onPhase?.("dictionaries+lexicon"); // building the detector loads jieba's dictionaries
  const intake: IntakeDeps = {
    prisma,
    queues,
    detect: opts.detect ?? live!.detect,
    log: log.child({ name: "gridlink:intake" }),
    ticketPrefix: config.TICKET_PREFIX,
    maxStoredChars: config.MAX_STORED_CHARS,
    sendingPaces: () => readSendingPaces({ redis: producer, prefix: config.QUEUE_PREFIX }),
    broadcastConfirmTtlMs: config.BROADCAST_CONFIRM_TTL_MS,
    clusterWindowMs: config.CLUSTER_WINDOW_MINUTES * 60_000,
    cycleSettings: cycleSettingsOf(config),
  };
  // Ticket clocks: armed after every committed step from any door; a failed arm is re-armed by the sweep.
  const hotline = createHotlineBridge({ prisma, config, log: log.child({ name: "gridlink:hotline" }) });
  const clocks = createTicketClocks({ prisma, queues, connection: jobConnection, prefix: config.QUEUE_PREFIX, log: log.child({ name: "gridlink:clocks" }), unitMs: config.SLA_MINUTE_MS, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, hotline });
  // 评单 timeouts: a resolution arms its rated-by-default job, the step that leaves it removes it (any door).
  const ratingTimeoutMs = Math.round(config.RATING_TIMEOUT_HOURS * 3600_000);
  const ratings = createRatingTimeouts({ prisma, connection: jobConnection, prefix: config.QUEUE_PREFIX, ratingTimeoutMs, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  const afterTicketSteps = async (followUps: Parameters<TicketClocks["afterSteps"]>[0]) => {
    await clocks.afterSteps(followUps).catch((err: Error) => log.warn({ err: err.message }, "could not arm a ticket clock; the sweep re-arms it"));
    await ratings.afterSteps(followUps).catch((err: Error) => log.warn({ err: err.message }, "could not arm or remove a rating timeout; the sweep re-arms it, a stale one does nothing"));
  };
  intake.afterTicketSteps = afterTicketSteps;
  const assistant = config.ASSISTANT_ENABLED
    ? await createAssistant({ prisma, redis, queues, log: log.child({ name: "gridlink:assistant" }), config, detect: intake.detect })
    : undefined;
  intake.assistant = assistant;

  const gateways = roles.gateways ? (await Promise.all((opts.gateways ?? []).map((f) => f(host, config)))).filter((g): g is ChatGateway => g !== undefined) : [];
  const workers: Worker[] = [];
  const extraQueues: Queue[] = [];
  const inFlight: Promise<unknown>[] = [];
  const app: App = {
    config,
    log,
    prisma,
    redis,
    queues,
    host,
    gateways,
    intake,
    live,
    assistant,
    clocks,
    workers,
    async start() {
      for (const conn of [producer, jobConnection]) if (conn.status !== "ready") await new Promise((resolve) => conn.once("ready", resolve));
      producer.options.enableOfflineQueue = false;
      for (const g of gateways) {
        await g.start();
        const outbox = startOutboxWorker({
          prisma,
          gateway: g,
          groups,
          connection: redis,
          prefix: config.QUEUE_PREFIX,
          log: log.child({ name: `gridlink:outbox-${g.platform}` }),
          lockDurationMs: config.OUTBOX_LOCK_MS,
          onBroadcastDelivery: (broadcastId) => afterDelivery({ db: prisma, queues, broadcastId, progressEveryMs: config.BROADCAST_PROGRESS_EVERY_MS }),
        });
        workers.push(outbox);
        await workerReady(outbox);
        log.info({ platform: g.platform }, "gateway started");
      }
      if (gateways.length) opts.onPhase?.("gateways");
      if (roles.workers) {
        // Warm the whole detection path now, not on the first resident's message: a sentence with a shipped
        // keyword, so the quick scan cannot skip segmentation (a bare "预热" never reached jieba).
        intake.detect("3栋楼道的灯坏了，停电好几天了");
        // A job that can never succeed (malformed data, a bug) is a dead letter at once; others retry. Detection
        // is linear and capped (MAX_ANALYSED_CHARS: the worst shapes take ~25 ms, bench/detect-sizes.ts), far
        // inside the job's lock; if a lock still expires (a starved machine), the re-run is a harmless replay:
        // the message's unique key keeps it to one ticket and one reply (tests/reliability/lock-expiry.test.ts).
        const processor = async (job: Job<ChatMessage>) => {
          try {
            return await handleMessage(intake, job.data);
          } catch (err) {
            if (isPermanentError(err)) throw new UnrecoverableError(`permanent: ${(err as Error).message}`.slice(0, 1000));
            throw err;
          }
        };
        const worker = new Worker<ChatMessage>(INTAKE_QUEUE, processor, {
          connection: redis,
          prefix: config.QUEUE_PREFIX,
          concurrency: config.INTAKE_CONCURRENCY,
          lockDuration: config.INTAKE_LOCK_MS,
          stalledInterval: config.INTAKE_STALLED_CHECK_MS,
        });
        let lastMark = 0;
        const progressed = () => {
          const now = Date.now();
          if (now - lastMark < 250) return;
          lastMark = now;
          void bounded(jobConnection.set(intakeProgressKey(config.QUEUE_PREFIX), String(now), "EX", 7 * 24 * 3600), config.REDIS_COMMAND_TIMEOUT_MS).catch(() => undefined);
        };
        worker.on("completed", progressed);
        worker.on("error", (err) => quiet("intake", () => log.error({ err: err.message }, "intake worker error")));
        worker.on("failed", (job, err) => {
          progressed();
          const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
          log.error({ jobId: job?.id, attempt: job?.attemptsMade, final, err: err.message }, "intake job failed");
          if (!final) return;
          // A dead letter keeps only what a retry needs, with personal numbers masked (not the raw text for days).
          if (job) void bounded(job.updateData(maskDeadLetter(job.data)), config.REDIS_COMMAND_TIMEOUT_MS).catch((e: Error) => log.warn({ jobId: job.id, err: e.message }, "could not mask a dead letter"));
          void host.alert("intake", `一条群消息处理失败，已停止重试（${err.message}）。修复后运行 gridlink queue retry 重新处理。`);
        });
        workers.push(worker);
        await workerReady(worker);
        const reconcile = await startReconcileOutbox({ prisma, queues, connection: redis, prefix: config.QUEUE_PREFIX, log: log.child({ name: "gridlink:reconcile" }), everyMs: config.RECONCILE_EVERY_MS, minAgeMs: config.RECONCILE_MIN_AGE_MS, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
        workers.push(reconcile.worker);
        extraQueues.push(reconcile.queue);
        await workerReady(reconcile.worker);
        inFlight.push(reconcile.firstPass);
        const broadcasts = await startBroadcastWorker({ prisma, queues, connection: redis, prefix: config.QUEUE_PREFIX, log: log.child({ name: "gridlink:broadcasts" }) });
        workers.push(broadcasts.worker);
        await workerReady(broadcasts.worker);
        inFlight.push(broadcasts.firstPass);
        const retention = await startRetentionJob({ prisma, connection: redis, prefix: config.QUEUE_PREFIX, log: log.child({ name: "gridlink:retention" }), retentionDays: config.RETENTION_DAYS });
        workers.push(retention.worker);
        extraQueues.push(retention.queue);
        await workerReady(retention.worker);
        const polls = await startPollWorker({ prisma, queues, connection: redis, prefix: config.QUEUE_PREFIX, log: log.child({ name: "gridlink:polls" }) });
        workers.push(polls.worker);
        await workerReady(polls.worker);
        inFlight.push(polls.firstPass);
        const ticketClocks = await clocks.startWorker({ connection: redis, sweepEveryMs: config.SLA_SWEEP_EVERY_MS });
        workers.push(ticketClocks.worker);
        await workerReady(ticketClocks.worker);
        inFlight.push(ticketClocks.firstPass);
        // 评单 timeouts (rated-by-default) and the daily digest per grid.
        const cycle = await startResidentCycle({ prisma, queues, connection: redis, prefix: config.QUEUE_PREFIX, log: log.child({ name: "gridlink:resident-cycle" }), ratings, ratingTimeoutMs, digestHour: config.DIGEST_HOUR });
        workers.push(cycle.worker);
        await workerReady(cycle.worker);
        inFlight.push(cycle.firstPass);
      }
      if (roles.http) {
        app.http = await buildServer({ ctx: { config, prisma, queues, gateways, live, afterTicketSteps }, alertsKey, log });
        if (assistant) await app.http.register(faqRoutes, { prisma, faq: assistant.faq });
        const address = await app.http.listen({ port: config.PORT, host: config.HOST });
        app.url = address.replace("[::1]", "localhost");
        log.info({ url: app.url }, "HTTP listening");
        opts.onPhase?.("http");
      }
    },
    async stop() {
      // Every step is bounded: with Redis gone a BullMQ worker's blocking client sits in "reconnecting" and its
      // close() can wait forever (bullmq#4656); a step that overruns is logged and forced, and stop() goes on.
      const step = async (what: string, work: () => Promise<unknown>, force?: () => Promise<unknown>) => {
        if (await settlesWithin(work(), config.STOP_STEP_TIMEOUT_MS)) return;
        log.warn({ step: what, ms: config.STOP_STEP_TIMEOUT_MS }, "stop: a step did not finish in time; forcing it");
        if (force) await settlesWithin(force(), config.STOP_STEP_TIMEOUT_MS);
      };
      await step("http", async () => app.http?.close());
      // Sends waiting for a pace or rate-limit slot (a WeChat gap can be a minute) wake now and go back to their
      // queue unsent, so the outbox close below never waits one out; a send already past its slot completes.
      for (const g of gateways) g.stopSending?.();
      // Workers first: close() lets jobs in flight finish while their gateway can still send.
      await Promise.all(workers.map((w) => step(`worker ${w.name}`, () => w.close(), () => forceWorker(w))));
      await Promise.all(gateways.map((g) => step(`gateway ${g.platform}`, () => g.stop())));
      await step("jobs in flight", () => Promise.allSettled(inFlight));
      await step("queues", () => queues.close());
      await Promise.all(extraQueues.map((q) => step(`queue ${q.name}`, () => q.close(), () => q.disconnect())));
      await step("ticket clocks", () => clocks.close());
      await step("rating timeouts", () => ratings.close());
      await step("lexicon live reload", async () => live?.close());
      await step("assistant", async () => assistant?.close());
      await Promise.all([closeRedis(redis), closeRedis(producer), closeRedis(jobConnection)]);
      await prisma.$disconnect();
    },
  };
  return app;
}
