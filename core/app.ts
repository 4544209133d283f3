// The composition root of core: one App wires the database, Redis, queues, workers, gateways and HTTP.
// `gridlink start` runs every role in one process; `worker`, `gateway <p>` and `web` run one role each.

import { Worker } from "bullmq";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import type { ChatGateway, ChatMessage, GatewayHost } from "./chat.js";
import type { Config } from "./config.js";
import { openDatabase, type Db } from "./db.js";
import { createGroupRegistry } from "./groups.js";
import { handleMessage, type IntakeDeps } from "./intake.js";
import { createLogger, throttle, type Logger } from "./log.js";
import { startOutboxWorker } from "./outbox.js";
import { INTAKE_QUEUE, Queues } from "./queues.js";
import { closeRedis, WORKER_REDIS_OPTIONS } from "./redis.js";
import { buildServer } from "./http/server.js";
import { paceSeconds } from "./broadcast.js";
import { lexiconChannel } from "./lexicon/context.js";
import { createLiveDetector, type LiveDetector } from "./lexicon/live.js";
import type { Detection } from "../nlp/index.js";
import { createAssistant, type Assistant } from "./assistant/index.js";
import { faqRoutes } from "./assistant/routes.js";

/** Builds a platform gateway, or returns undefined when that platform is not configured. */
export type GatewayFactory = (host: GatewayHost, config: Config) => ChatGateway | undefined;

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
  /** The BullMQ workers this process runs (intake and each gateway's outbox), once started. */
  workers: Worker[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Resolve once a worker's blocking connection is ready (it emits "ready"), or after timeoutMs. start() waits
 * for this so "started" means "consuming", and a stop() right after start never closes a connection that is
 * still in its handshake (ioredis then rejects the handshake's INFO with nobody listening).
 */
function workerReady(worker: Worker, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    worker.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Wire everything; nothing listens or consumes until start(). The database must be migrated already. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const roles: Roles = { http: true, workers: true, gateways: true, ...opts.roles };
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const prisma = await openDatabase(config.DATABASE_URL);
  const redis = new Redis(config.REDIS_URL, WORKER_REDIS_OPTIONS);
  const quiet = throttle();
  redis.on("error", (err) => quiet("redis", () => log.warn({ err: err.message }, "redis connection error")));
  // The producer must never accept late what it refused: a message answered 503 must not be queued after
  // Redis returns. So commands unanswered when the connection drops are not re-sent, and once connected (in
  // start()) the offline queue is switched off — every add either reaches Redis now or fails now.
  const producer = new Redis(config.REDIS_URL, { autoResendUnfulfilledCommands: false });
  producer.on("error", () => {});
  const queues = new Queues(producer, config.QUEUE_PREFIX);
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
  const intake: IntakeDeps = {
    prisma,
    queues,
    detect: opts.detect ?? live!.detect,
    log: log.child({ name: "gridlink:intake" }),
    ticketPrefix: config.TICKET_PREFIX,
    maxStoredChars: config.MAX_STORED_CHARS,
    paceSeconds: paceSeconds(config),
  };
  const assistant = config.ASSISTANT_ENABLED
    ? await createAssistant({ prisma, redis, queues, log: log.child({ name: "gridlink:assistant" }), config, detect: intake.detect })
    : undefined;
  intake.assistant = assistant;

  const gateways = roles.gateways ? (opts.gateways ?? []).map((f) => f(host, config)).filter((g): g is ChatGateway => g !== undefined) : [];
  const workers: Worker[] = [];
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
    workers,
    async start() {
      if (producer.status !== "ready") await new Promise((resolve) => producer.once("ready", resolve));
      producer.options.enableOfflineQueue = false;
      for (const g of gateways) {
        await g.start();
        const outbox = startOutboxWorker({ prisma, gateway: g, groups, connection: redis, prefix: config.QUEUE_PREFIX, log: log.child({ name: `gridlink:outbox-${g.platform}` }) });
        workers.push(outbox);
        await workerReady(outbox);
        log.info({ platform: g.platform }, "gateway started");
      }
      if (roles.workers) {
        intake.detect("预热"); // load the segmenter's dictionaries now, not on the first resident's message
        const worker = new Worker<ChatMessage>(INTAKE_QUEUE, (job) => handleMessage(intake, job.data), {
          connection: redis,
          prefix: config.QUEUE_PREFIX,
          concurrency: config.INTAKE_CONCURRENCY,
          lockDuration: config.INTAKE_LOCK_MS,
          stalledInterval: config.INTAKE_STALLED_CHECK_MS,
        });
        worker.on("error", (err) => quiet("intake", () => log.error({ err: err.message }, "intake worker error")));
        worker.on("failed", (job, err) => {
          const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1);
          log.error({ jobId: job?.id, attempt: job?.attemptsMade, final, err: err.message }, "intake job failed");
          if (final) void host.alert("intake", `一条群消息处理失败，已停止重试（${err.message}）。修复后运行 gridlink queue retry 重新处理。`);
        });
        workers.push(worker);
        await workerReady(worker);
      }
      if (roles.http) {
        app.http = await buildServer({ ctx: { config, prisma, queues, gateways, live }, alertsKey, log });
        if (assistant) await app.http.register(faqRoutes, { prisma, faq: assistant.faq });
        const address = await app.http.listen({ port: config.PORT, host: config.HOST });
        app.url = address.replace("[::1]", "localhost");
        log.info({ url: app.url }, "HTTP listening");
      }
    },
    async stop() {
      await app.http?.close();
      // Workers first: close() lets jobs in flight finish while their gateway can still send.
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled(gateways.map((g) => g.stop()));
      await queues.close();
      await live?.close();
      await assistant?.close();
      await Promise.all([closeRedis(redis), closeRedis(producer)]);
      await prisma.$disconnect();
    },
  };
  return app;
}
