// The composition root of core: one App wires the database, Redis, queues, workers, gateways and HTTP.
// `gridlink start` runs every role in one process; `worker`, `gateway <p>` and `web` run one role each.

import { Worker } from "bullmq";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import type { ChatGateway, ChatMessage, GatewayHost } from "./ports/chat.js";
import type { Config } from "./infra/config.js";
import { openDatabase, type Db } from "./infra/db.js";
import { createGroupRegistry } from "./groups/registry.js";
import { handleMessage, type IntakeDeps } from "./intake.js";
import { createLogger, throttle, type Logger } from "./infra/log.js";
import { startOutboxWorker } from "./outbox.js";
import { INTAKE_QUEUE, Queues } from "./infra/queues.js";
import { closeRedis, WORKER_REDIS_OPTIONS } from "./infra/redis.js";
import { buildServer } from "./transports/http/server.js";
import { readSendingPaces } from "./broadcasts/sending-pace.js";
import { lexiconChannel } from "./lexicon/context.js";
import { createLiveDetector, type LiveDetector } from "./lexicon/live.js";
import type { Detection } from "../nlp/index.js";

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
  opts.onPhase?.("dictionaries+lexicon"); // building the detector loads jieba's dictionaries
  const intake: IntakeDeps = {
    prisma,
    queues,
    detect: opts.detect ?? live!.detect,
    log: log.child({ name: "gridlink:intake" }),
    ticketPrefix: config.TICKET_PREFIX,
    maxStoredChars: config.MAX_STORED_CHARS,
    sendingPaces: () => readSendingPaces({ redis: producer, prefix: config.QUEUE_PREFIX }),
  };

  const gateways = roles.gateways ? (await Promise.all((opts.gateways ?? []).map((f) => f(host, config)))).filter((g): g is ChatGateway => g !== undefined) : [];
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
      if (gateways.length) opts.onPhase?.("gateways");
      if (roles.workers) {
        // Warm the whole detection path now, not on the first resident's message: a sentence with a shipped
        // keyword, so the quick scan cannot skip segmentation (a bare "预热" never reached jieba).
        intake.detect("3栋楼道的灯坏了，停电好几天了");
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
        const address = await app.http.listen({ port: config.PORT, host: config.HOST });
        app.url = address.replace("[::1]", "localhost");
        log.info({ url: app.url }, "HTTP listening");
        opts.onPhase?.("http");
      }
    },
    async stop() {
      await app.http?.close();
      // Workers first: close() lets jobs in flight finish while their gateway can still send.
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled(gateways.map((g) => g.stop()));
      await queues.close();
      await live?.close();
      await Promise.all([closeRedis(redis), closeRedis(producer)]);
      await prisma.$disconnect();
    },
  };
  return app;
}
