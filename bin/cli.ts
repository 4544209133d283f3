// The `gridlink` command line: run Gridlink in one process or split by role, migrate, manage staff and groups.
// Every command loads only what it needs (Wechaty alone takes ~2 s to import, jieba ~1 s to load), and only
// `start` and `migrate` ever apply migrations — the others check, cheaply, and say what to run.

import os from "node:os";
import { Command, Option } from "commander";
import { PLATFORMS, type Platform } from "../core/ports/chat.js";
import { loadConfig, type Config } from "../core/infra/config.js";
import type { Db } from "../core/infra/db.js";
import type { Queues } from "../core/infra/queues.js";
import { cliActor } from "../core/policy/authorize.js";
import type { Roles } from "../core/app.js";
import type { GatewayFactory } from "../core/ports/index.js";
import { broadcastCommand } from "./broadcast-cli.js";

const program = new Command("gridlink").description("Gridlink: residents' complaints in group chats become tracked tickets.").showHelpAfterError();

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}

/** A failure a person can act on: its message, exit code 1, no stack trace. */
function fail(err: unknown): never {
  console.error((err as Error).message);
  process.exit(1);
}

const actor = () => cliActor(os.userInfo().username);

/** Start the roles this process runs, and stop them gracefully on SIGINT/SIGTERM. Migrates only when `migrate` is set. */
async function run(roles: Roles, gateways: () => Promise<GatewayFactory[]>, opts: { migrate: boolean }): Promise<void> {
  const cfg = config();
  const { createLogger } = await import("../core/infra/log.js");
  const log = createLogger(cfg.LOG_LEVEL);
  const launched = performance.now();
  let last = launched;
  /** Each start phase is logged with its duration (bench/start.ts reads these lines). */
  const phase = (name: string) => {
    const now = performance.now();
    log.info({ phase: name, ms: Math.round(now - last) }, "start phase");
    last = now;
  };
  // Independent start phases overlap: the app's modules load while Redis answers and the migrations are checked.
  const appModule = import("../core/app.js");
  const factories = gateways();
  const { ensureRedis } = await import("../core/infra/redis.js");
  const { assertMigrated, migrateIfPending } = await import("../core/infra/migrations.js");
  let redis: Awaited<ReturnType<typeof ensureRedis>> | undefined;
  try {
    const migration = (async () => {
      if (!opts.migrate) return assertMigrated(cfg.DATABASE_URL);
      const applied = await migrateIfPending(cfg.DATABASE_URL, { onApply: (pending) => log.info({ pending }, "applying database migrations") });
      if (applied.length) log.info({ applied }, "database migrated");
    })();
    migration.catch(() => undefined); // awaited below; not an unhandled rejection while Redis is awaited
    redis = await ensureRedis(cfg.REDIS_URL, { autostart: cfg.REDIS_AUTOSTART, dataDir: cfg.REDIS_DATA_DIR, log });
    phase("redis");
    await migration;
    phase("migration check");
  } catch (err) {
    log.fatal((err as Error).message);
    await redis?.stop();
    process.exit(1);
  }
  // An embedded redis-server must not outlive us, however we exit.
  process.on("exit", () => redis?.child?.kill());
  const { createApp } = await appModule;
  let app;
  try {
    app = await createApp({ config: cfg, roles, gateways: await factories, log, onPhase: (name) => phase(name) });
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
  log.info({ phase: "ready", ms: Math.round(performance.now() - launched) }, "start phase");
  if (app.url && roles.http) {
    const playground = app.gateways.some((g) => g.platform === "playground");
    console.log(`\nGridlink is running: ${app.url}${playground ? "  (playground: 20 demo groups — open it in a browser)" : ""}\n`);
  }
}

const allGateways = async () => (await import("../bots/index.js")).ALL_GATEWAYS;

program
  .command("start")
  .description("run everything in one process: HTTP + workers + every configured gateway (the default of npm start)")
  .action(() => run({ http: true, workers: true, gateways: true }, allGateways, { migrate: true }));

program
  .command("worker")
  .description("intake workers only; start any number against one Redis and database")
  .action(() => run({ http: false, workers: true, gateways: false }, async () => [], { migrate: false }));

program
  .command("gateway")
  .description("one platform's gateway and its sender (serves its HTTP routes, e.g. the Telegram webhook, on PORT)")
  .addArgument(new Command().createArgument("<platform>", "playground | telegram | wechat").choices(PLATFORMS))
  .action((platform: Platform) => {
    const cfg = config();
    const missing = platform === "telegram" && !cfg.TELEGRAM_BOT_TOKEN ? "TELEGRAM_BOT_TOKEN" : platform === "wechat" && !cfg.WECHATY_PUPPET ? "WECHATY_PUPPET" : platform === "playground" && !cfg.PLAYGROUND_ENABLED ? "PLAYGROUND_ENABLED=true" : undefined;
    if (missing) {
      console.error(`The ${platform} gateway is not configured: set ${missing} (see .env.example).`);
      process.exit(2);
    }
    return run({ http: true, workers: false, gateways: true }, async () => [(await import("../bots/index.js")).GATEWAYS[platform]], { migrate: false });
  });

program
  .command("web")
  .description("the HTTP API and web admin only")
  .action(() => run({ http: true, workers: false, gateways: false }, async () => [], { migrate: false }));

program
  .command("migrate")
  .description("apply pending database migrations (start does this too); nothing to do is not an error")
  .action(async () => {
    const cfg = config();
    const { migrateIfPending } = await import("../core/infra/migrations.js");
    const applied = await migrateIfPending(cfg.DATABASE_URL).catch(fail);
    console.log(applied.length ? `applied ${applied.join(", ")}; database ready: ${cfg.DATABASE_URL}` : `database up to date: ${cfg.DATABASE_URL}`);
  });

// === Staff registry: who is a grid leader or admin (never inferred from being a group admin on a platform)

/** Open the (already migrated) database for one command; never migrates, so it works next to a running server. */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const cfg = config();
  const { assertMigrated } = await import("../core/infra/migrations.js");
  const { openDatabase } = await import("../core/infra/db.js");
  await assertMigrated(cfg.DATABASE_URL).catch(fail);
  const db = await openDatabase(cfg.DATABASE_URL);
  try {
    return await fn(db);
  } catch (err) {
    const { AppError } = await import("../core/infra/errors.js");
    if (err instanceof AppError) fail(err);
    throw err;
  } finally {
    await db.$disconnect();
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
    const { addStaff } = await import("../core/staff/add-staff.js");
    await withDb(async (db) => {
      const s = await addStaff({ db, actor: actor(), ...who, role: opts.role, grid: opts.grid, name: opts.name });
      console.log(`staff ${s.platform}:${s.userId} is ${s.role}${s.grid ? ` of ${s.grid}` : ""}`);
    });
  });
platformOptions(staff.command("remove").description("remove a staff member")).action(async (opts) => {
  const who = identity(opts);
  const { removeStaff } = await import("../core/staff/remove-staff.js");
  await withDb(async (db) => {
    const removed = await removeStaff({ db, actor: actor(), ...who });
    console.log(removed ? `removed ${who.platform}:${who.userId}` : `no staff ${who.platform}:${who.userId}`);
    if (!removed) process.exitCode = 1;
  });
});
staff
  .command("list")
  .description("list staff")
  .action(async () => {
    const { findStaff } = await import("../core/staff/find-staff.js");
    await withDb(async (db) => {
      for (const s of await findStaff({ db })) console.log(`${s.platform}\t${s.userId}\t${s.role}\t${s.grid ?? "-"}\t${s.name ?? ""}`);
    });
  });

// === Groups: enable WeChat rooms, set grids and tags

const group = program.command("group").description("groups the bot is in");
group
  .command("list")
  .addOption(new Option("--platform <platform>").choices(PLATFORMS))
  .action(async (opts: { platform?: Platform }) => {
    const { findGroups } = await import("../core/groups/find-groups.js");
    await withDb(async (db) => {
      for (const g of await findGroups({ db, platform: opts.platform })) {
        console.log(`${g.id}\t${g.platform}\t${g.chatId}\t${g.title}\t${g.grid ?? "-"}\t${g.tags.join(",") || "-"}\t${g.active ? "active" : "inactive"}\t${g.enabled ? "enabled" : "disabled"}`);
      }
    });
  });
group
  .command("set <id>")
  .description("change a group (by its numeric id from `group list`)")
  .option("--enable", "Gridlink acts here")
  .option("--disable", "listen silently")
  .option("--grid <grid>")
  .option("--tags <tags>", "comma-separated; replaces the tags")
  .action(async (id: string, opts: { enable?: boolean; disable?: boolean; grid?: string; tags?: string }) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n <= 0) fail(new Error(`no group with id ${id} (ids are the numbers \`gridlink group list\` shows)`));
    const { updateGroup } = await import("../core/groups/update-group.js");
    await withDb(async (db) => {
      const g = await updateGroup({
        db,
        actor: actor(),
        id: n,
        enabled: opts.enable ? true : opts.disable ? false : undefined,
        grid: opts.grid || undefined,
        tags: opts.tags === undefined ? undefined : opts.tags.split(","),
      }).catch((err: { code?: string }) => (err?.code === "not_found" ? undefined : Promise.reject(err)));
      if (!g) {
        console.error(`no group with id ${id}`);
        process.exitCode = 1;
        return;
      }
      console.log(`${g.title}: ${g.enabled ? "enabled" : "disabled"}, grid ${g.grid ?? "-"}, tags ${g.tags.join(",") || "-"}`);
    });
  });

// === Queues: see what waits, re-run what failed

const queue = program.command("queue").description("the intake and outbox queues");
async function withQueues(fn: (queues: Queues) => Promise<void>): Promise<void> {
  const cfg = config();
  const { Redis } = await import("ioredis");
  const { Queues } = await import("../core/infra/queues.js");
  const connection = new Redis(cfg.REDIS_URL, { maxRetriesPerRequest: 2 });
  const queues = new Queues(connection, cfg.QUEUE_PREFIX);
  try {
    await fn(queues);
  } finally {
    await queues.close();
    connection.disconnect();
  }
}
queue
  .command("status")
  .description("jobs per state in every queue")
  .action(async () => {
    const { queueStatus, deadLetters } = await import("../core/operations/retry-failed-jobs.js");
    await withQueues(async (queues) => {
      for (const c of await queueStatus({ queues })) console.log(`${c.queue.padEnd(20)} waiting ${c.waiting}  active ${c.active}  delayed ${c.delayed}  failed ${c.failed}`);
      const dead = await deadLetters({ queues });
      if (dead.length) console.log(`dead letters (failed for good; text masked) — fix the cause, then gridlink queue retry:\n${dead.map((d) => `  ${d.id}\t${d.at.toISOString()}\t${d.reason}`).join("\n")}`);
    });
  });
queue
  .command("ack")
  .description("acknowledge the current dead letters so /healthz is ok again (they stay retryable)")
  .action(async () => {
    const { acknowledgeDeadLetters } = await import("../core/operations/retry-failed-jobs.js");
    await withDb((db) => withQueues(async (queues) => console.log(`${await acknowledgeDeadLetters({ queues, db, actor: actor() })} dead letter(s) acknowledged`)));
  });
queue
  .command("retry")
  .description("run every failed job again (after fixing what made it fail)")
  .action(async () => {
    const { retryFailedJobs } = await import("../core/operations/retry-failed-jobs.js");
    await withDb((db) =>
      withQueues(async (queues) => {
        for (const r of await retryFailedJobs({ queues, db, actor: actor() })) console.log(`${r.queue}: ${r.count} failed job(s) queued again`);
      }),
    );
  });

// === Broadcasts (bin/broadcast-cli.ts)

program.addCommand(broadcastCommand({ config, withDb, withQueues, actor }));

// === The audit trail

program
  .command("audit")
  .description("recent administrative changes (group edits, staff, tickets, broadcasts, queue retries, lexicon)")
  .option("--subject <subject>", "e.g. group:3, ticket:A0012, staff:telegram:42")
  .option("--action <prefix>", "e.g. group., ticket.resolved")
  .option("--limit <n>", "how many", "50")
  .action(async (opts: { subject?: string; action?: string; limit: string }) => {
    const { findAuditEvents } = await import("../core/audit/find-audit-events.js");
    const { maskPersonal } = await import("../core/privacy.js");
    await withDb(async (db) => {
      for (const e of await findAuditEvents({ db, subject: opts.subject, action: opts.action, limit: Number(opts.limit) || 50 })) {
        console.log(maskPersonal(`${e.at.toISOString()}\t${e.actor}\t${e.action}\t${e.subject}\t${JSON.stringify(e.before)} → ${JSON.stringify(e.after)}`));
      }
    });
  });

// === Lexicon curation and classification (loaded only when asked for: they bring the detector and jieba)

if (process.argv[2] === "lexicon" || process.argv[2] === "classify") {
  const { classifyCommand, lexiconCommand } = await import("./lexicon-cli.js");
  program.addCommand(
    lexiconCommand(async () => {
      const cfg = config();
      const { assertMigrated } = await import("../core/infra/migrations.js");
      await assertMigrated(cfg.DATABASE_URL).catch(fail);
      const { openLexiconContext } = await import("../core/lexicon/context.js");
      return openLexiconContext({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL, queuePrefix: cfg.QUEUE_PREFIX });
    }),
  );
  program.addCommand(classifyCommand());
} else {
  // Listed in --help; the real definitions load when one of them is run.
  program.command("lexicon").description("curate the complaint keywords (list, add, remove, enable, disable, test, export, import)");
  program.command("classify").description("classify messages with the shipped detector (one JSON line each)");
}
if (process.argv[2] === "faq") {
  const { faqCommand } = await import("./faq-cli.js");
  program.addCommand(
    faqCommand(async () => {
      const cfg = config();
      const { assertMigrated } = await import("../core/infra/migrations.js");
      await assertMigrated(cfg.DATABASE_URL).catch(fail);
      const { openFaqContext } = await import("../core/assistant/context.js");
      return openFaqContext({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL, queuePrefix: cfg.QUEUE_PREFIX });
    }, { exitOnError: true }),
  );
} else {
  program.command("faq").description("curate the assistant's FAQ (list, add, remove, test)");
}

await program.parseAsync(process.argv);
