// The `gridlink` command line: run Gridlink in one process or split by role, migrate, manage staff and groups.

import { Command, Option } from "commander";
import { ALL_GATEWAYS, GATEWAYS } from "../bots/index.js";
import { createApp, type AppOptions, type Roles } from "../core/app.js";
import { PLATFORMS, type Platform } from "../core/chat.js";
import { loadConfig, type Config } from "../core/config.js";
import { migrateDatabase, openDatabase } from "../core/db.js";
import { createLogger } from "../core/log.js";
import { Queues } from "../core/queues.js";
import { ensureRedis } from "../core/redis.js";
import { Redis } from "ioredis";
import { joinTags, splitTags } from "../core/groups.js";
import { openLexiconContext } from "../core/lexicon/context.js";
import { classifyCommand, lexiconCommand } from "./lexicon-cli.js";
import { openFaqContext } from "../core/assistant/context.js";
import { faqCommand } from "./faq-cli.js";

const program = new Command("gridlink").description("Gridlink: residents' complaints in group chats become tracked tickets.").showHelpAfterError();

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}

/** Start the roles this process runs, and stop them gracefully on SIGINT/SIGTERM. */
async function run(roles: Roles, gateways: AppOptions["gateways"]): Promise<void> {
  const cfg = config();
  const log = createLogger(cfg.LOG_LEVEL);
  let redis;
  try {
    redis = await ensureRedis(cfg.REDIS_URL, { autostart: cfg.REDIS_AUTOSTART, dataDir: cfg.REDIS_DATA_DIR, log });
    await migrateDatabase(cfg.DATABASE_URL);
  } catch (err) {
    log.fatal((err as Error).message);
    await redis?.stop();
    process.exit(1);
  }
  // An embedded redis-server must not outlive us, however we exit.
  process.on("exit", () => redis?.child?.kill());
  let app;
  try {
    app = await createApp({ config: cfg, roles, gateways, log });
  } catch (err) {
    log.fatal({ err: (err as Error).message }, "could not start");
    await redis.stop();
    process.exit(1);
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: finishing jobs in flight");
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await app.stop();
    await redis!.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  try {
    await app.start();
  } catch (err) {
    log.fatal({ err: (err as Error).message }, "could not start");
    await app.stop().catch(() => undefined);
    await redis.stop();
    process.exit(1);
  }
  if (app.url && roles.http) {
    const playground = app.gateways.some((g) => g.platform === "playground");
    console.log(`\nGridlink is running: ${app.url}${playground ? "  (playground: 20 demo groups — open it in a browser)" : ""}\n`);
  }
}

program
  .command("start")
  .description("run everything in one process: HTTP + workers + every configured gateway (the default of npm start)")
  .action(() => run({ http: true, workers: true, gateways: true }, ALL_GATEWAYS));

program
  .command("worker")
  .description("intake workers only; start any number against one Redis and database")
  .action(() => run({ http: false, workers: true, gateways: false }, []));

program
  .command("gateway")
  .description("one platform's gateway and its sender (serves its HTTP routes, e.g. the Telegram webhook, on PORT)")
  .addArgument(new Command().createArgument("<platform>", "playground | telegram | wechat").choices(PLATFORMS))
  .action((platform: Platform) => {
    const missing = platform === "telegram" && !config().TELEGRAM_BOT_TOKEN ? "TELEGRAM_BOT_TOKEN" : platform === "wechat" && !config().WECHATY_PUPPET ? "WECHATY_PUPPET" : platform === "playground" && !config().PLAYGROUND_ENABLED ? "PLAYGROUND_ENABLED=true" : undefined;
    if (missing) {
      console.error(`The ${platform} gateway is not configured: set ${missing} (see .env.example).`);
      process.exit(2);
    }
    return run({ http: true, workers: false, gateways: true }, [GATEWAYS[platform]]);
  });

program
  .command("web")
  .description("the HTTP API and web admin only")
  .action(() => run({ http: true, workers: false, gateways: false }, []));

program
  .command("migrate")
  .description("apply database migrations (start does this too)")
  .action(async () => {
    const cfg = config();
    await migrateDatabase(cfg.DATABASE_URL);
    console.log(`database ready: ${cfg.DATABASE_URL}`);
  });

// === Staff registry: who is a grid leader or admin (never inferred from being a group admin on a platform)

async function withDb<T>(fn: (prisma: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const cfg = config();
  await migrateDatabase(cfg.DATABASE_URL);
  const prisma = await openDatabase(cfg.DATABASE_URL);
  try {
    return await fn(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

const platformOptions = (cmd: Command) =>
  cmd
    .addOption(new Option("--telegram <userId>", "Telegram numeric user id"))
    .addOption(new Option("--wechat <contactId>", "WeChat contact id or alias"))
    .addOption(new Option("--playground <name>", "playground display name"));

function identity(opts: { telegram?: string; wechat?: string; playground?: string }): { platform: Platform; userId: string } {
  const given = (["telegram", "wechat", "playground"] as const).filter((p) => opts[p]);
  if (given.length !== 1) {
    console.error("Give exactly one of --telegram <user id>, --wechat <contact id> or --playground <name>.");
    process.exit(2);
  }
  const platform = given[0];
  return { platform, userId: platform === "playground" ? `pg-${opts.playground}` : opts[platform]! };
}

const staff = program.command("staff").description("grid leaders and admins");
platformOptions(staff.command("add").description("register a grid leader or admin"))
  .addOption(new Option("--role <role>", "grid_leader or admin").choices(["grid_leader", "admin"]).makeOptionMandatory())
  .option("--grid <grid>", "the grid this leader looks after (limits tickets and broadcasts)")
  .option("--name <name>", "display name used in notices")
  .action(async (opts) => {
    const who = identity(opts);
    await withDb(async (prisma) => {
      const row = await prisma.staff.upsert({
        where: { platform_userId: who },
        create: { ...who, role: opts.role, grid: opts.grid ?? null, name: opts.name ?? null },
        update: { role: opts.role, grid: opts.grid ?? null, name: opts.name ?? null },
      });
      console.log(`staff ${row.platform}:${row.userId} is ${row.role}${row.grid ? ` of ${row.grid}` : ""}`);
    });
  });
platformOptions(staff.command("remove").description("remove a staff member")).action(async (opts) => {
  const who = identity(opts);
  await withDb(async (prisma) => {
    const { count } = await prisma.staff.deleteMany({ where: who });
    console.log(count ? `removed ${who.platform}:${who.userId}` : `no staff ${who.platform}:${who.userId}`);
    if (!count) process.exitCode = 1;
  });
});
staff
  .command("list")
  .description("list staff")
  .action(() =>
    withDb(async (prisma) => {
      for (const s of await prisma.staff.findMany({ orderBy: { id: "asc" } })) console.log(`${s.platform}\t${s.userId}\t${s.role}\t${s.grid ?? "-"}\t${s.name ?? ""}`);
    }),
  );

// === Groups: enable WeChat rooms, set grids and tags

const group = program.command("group").description("groups the bot is in");
group
  .command("list")
  .option("--platform <platform>")
  .action((opts) =>
    withDb(async (prisma) => {
      for (const g of await prisma.group.findMany({ where: { platform: opts.platform }, orderBy: { id: "asc" } })) {
        console.log(`${g.id}\t${g.platform}\t${g.chatId}\t${g.title}\t${g.grid ?? "-"}\t${g.tags || "-"}\t${g.active ? "active" : "inactive"}\t${g.enabled ? "enabled" : "disabled"}`);
      }
    }),
  );
group
  .command("set <id>")
  .description("change a group (by its numeric id from `group list`)")
  .option("--enable", "Gridlink acts here")
  .option("--disable", "listen silently")
  .option("--grid <grid>")
  .option("--tags <tags>", "comma-separated; replaces the tags")
  .action((id: string, opts) =>
    withDb(async (prisma) => {
      const data: { enabled?: boolean; grid?: string; tags?: string } = {};
      if (opts.enable) data.enabled = true;
      if (opts.disable) data.enabled = false;
      if (opts.grid) data.grid = opts.grid;
      if (opts.tags !== undefined) data.tags = joinTags(splitTags(opts.tags));
      const g = await prisma.group.update({ where: { id: Number(id) }, data }).catch(() => undefined);
      if (!g) {
        console.error(`no group with id ${id}`);
        process.exitCode = 1;
        return;
      }
      console.log(`${g.title}: ${g.enabled ? "enabled" : "disabled"}, grid ${g.grid ?? "-"}, tags ${g.tags || "-"}`);
    }),
  );

// === Queues: see what waits, re-run what failed

const queue = program.command("queue").description("the intake and outbox queues");
async function withQueues(fn: (queues: Queues) => Promise<void>): Promise<void> {
  const cfg = config();
  const connection = new Redis(cfg.REDIS_URL, { maxRetriesPerRequest: 2 });
  const queues = new Queues(connection, cfg.QUEUE_PREFIX);
  try {
    await fn(queues);
  } finally {
    await queues.close();
    connection.disconnect();
  }
}
const allQueues = (queues: Queues) => [queues.intake, ...PLATFORMS.map((p) => queues.outbox(p))];
queue
  .command("status")
  .description("jobs per state in every queue")
  .action(() =>
    withQueues(async (queues) => {
      for (const q of allQueues(queues)) {
        const c = await q.getJobCounts("waiting", "active", "delayed", "failed", "completed");
        console.log(`${q.name.padEnd(20)} waiting ${c.waiting}  active ${c.active}  delayed ${c.delayed}  failed ${c.failed}`);
      }
    }),
  );
queue
  .command("retry")
  .description("run every failed job again (after fixing what made it fail)")
  .action(() =>
    withQueues(async (queues) => {
      for (const q of allQueues(queues)) {
        const failed = await q.getFailedCount();
        if (failed === 0) continue;
        await q.retryJobs({ state: "failed" });
        console.log(`${q.name}: ${failed} failed job(s) queued again`);
      }
    }),
  );

// === Lexicon curation and classification

program.addCommand(
  lexiconCommand(async () => {
    const cfg = config();
    await migrateDatabase(cfg.DATABASE_URL);
    return openLexiconContext({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL, queuePrefix: cfg.QUEUE_PREFIX });
  }),
);
program.addCommand(classifyCommand());
program.addCommand(faqCommand(async () => { const cfg = config(); await migrateDatabase(cfg.DATABASE_URL); return openFaqContext({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL, queuePrefix: cfg.QUEUE_PREFIX }); }, { exitOnError: true }));

await program.parseAsync(process.argv);
