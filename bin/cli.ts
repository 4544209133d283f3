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
import { pollCommand } from "./poll-cli.js";
import { dispatchCommand, slaCommand } from "./ticket-cli.js";

// A reader that stops early (`gridlink audit | head`) closes the pipe: a one-shot command then stops quietly, as
// Unix tools do, instead of dying on an unhandled EPIPE. Long-running roles keep the default.
if (!["start", "worker", "gateway", "web"].includes(process.argv[2] ?? "")) {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(0);
  });
}

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
  // cpuMs: CPU the whole process used since launch (all threads) — what a busy machine does not inflate much.
  const cpu = process.cpuUsage();
  log.info({ phase: "ready", ms: Math.round(performance.now() - launched), cpuMs: Math.round((cpu.user + cpu.system) / 1000) }, "start phase");
  if (app.url && roles.http) {
    const playground = app.gateways.some((g) => g.platform === "playground");
    console.log(`\nGridlink is running: ${app.url}${playground ? "  (playground: 20 demo groups — open it in a browser)" : ""}`);
    console.log(`Web admin (staff login): ${app.url}/admin/\n`);
    const { noAdminYet } = await import("../core/staff/accounts.js");
    if (await noAdminYet(app.prisma).catch(() => false)) {
      console.log(
        "No admin account yet: nobody can log in. Create the first one (you choose the password; there is no default):\n" +
          "  node bin/gridlink.js staff add --role admin --username <name> --password\n" +
          "  (or, in scripts: printf '%s' \"$PASSWORD\" | node bin/gridlink.js staff add --role admin --username <name> --password-stdin)\n" +
          `then log in at ${app.url}/admin/ (or POST /api/session {"username","password"}).\n`,
      );
    }
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

const staff = program.command("staff").description("staff accounts (admin, street, grid_leader, viewer) and chat identities");

/** Read a password: from stdin with --password-stdin, else prompted without echo (never a default). */
async function readPassword(opts: { password?: string | boolean; passwordStdin?: boolean }): Promise<string | undefined> {
  if (typeof opts.password === "string") return opts.password;
  if (opts.passwordStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  }
  if (opts.password !== true) return undefined;
  if (!process.stdin.isTTY) fail(new Error("no terminal to prompt for the password: use --password-stdin"));
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(q);
      let value = "";
      process.stdin.setRawMode(true);
      process.stdin.resume();
      const onData = (buf: Buffer) => {
        for (const ch of buf.toString("utf8")) {
          if (ch === "\r" || ch === "\n") {
            process.stdin.setRawMode(false);
            process.stdin.pause();
            process.stdin.off("data", onData);
            process.stdout.write("\n");
            return resolve(value);
          }
          if (ch === "\u0003") process.exit(130);
          value = ch === "\u007f" ? value.slice(0, -1) : value + ch;
        }
      };
      process.stdin.on("data", onData);
    });
  const first = await ask("Password: ");
  if ((await ask("Repeat password: ")) !== first) fail(new Error("the passwords differ"));
  return first;
}

platformOptions(staff.command("add").description("create a staff account (--username) or register a chat identity (legacy, without --username)"))
  .addOption(new Option("--role <role>", "admin, street, grid_leader or viewer").choices(["admin", "street", "grid_leader", "viewer"]).makeOptionMandatory())
  .option("--username <username>", "the login of a new account (one per person)")
  .option("--password [password]", "set a web password (prompted when no value is given)")
  .option("--password-stdin", "read the password from stdin (for scripts)")
  .option("--scope <node>", "the organisation node (id or name) the account looks after: a grid, community or street")
  .option("--grid <grid>", "legacy identity only: the grid this leader looks after")
  .option("--name <name>", "display name used in notices")
  .action(async (opts) => {
    if (opts.username) {
      const given = (["telegram", "wechat", "playground"] as const).filter((p) => opts[p]);
      const identities = given.map((p) => ({ platform: p as Platform, userId: p === "playground" ? `pg-${opts.playground}` : (opts[p] as string) }));
      const password = await readPassword(opts);
      const { addAccount } = await import("../core/staff/accounts.js");
      await withDb(async (db) => {
        const a = await addAccount({ db, actor: actor(), username: opts.username, role: opts.role, scope: opts.scope ?? opts.grid, password, name: opts.name, identities });
        console.log(`account ${a.username} is ${a.role}${a.scope ? ` of ${a.scope.kind} ${a.scope.name}` : ""}${a.canLogIn ? "; it can log in (POST /api/session)" : "; chat only (no password)"}${a.identities.length ? `; chat: ${a.identities.map((i) => `${i.platform}:${i.userId}`).join(", ")}` : ""}`);
      });
      return;
    }
    if (opts.role === "street" || opts.role === "viewer") fail(new Error(`a ${opts.role} needs an account: add --username`));
    const who = identity(opts);
    const { addStaff } = await import("../core/staff/add-staff.js");
    await withDb(async (db) => {
      const s = await addStaff({ db, actor: actor(), ...who, role: opts.role, grid: opts.grid, name: opts.name });
      console.log(`staff ${s.platform}:${s.userId} is ${s.role}${s.grid ? ` of ${s.grid}` : ""}`);
    });
  });
platformOptions(staff.command("link <username>").description("add chat identities to an account (the same person on another platform)")).action(async (username: string, opts) => {
  const given = (["telegram", "wechat", "playground"] as const).filter((p) => opts[p]);
  if (!given.length) fail(new Error("give --telegram, --wechat and/or --playground"));
  const { linkIdentities } = await import("../core/staff/accounts.js");
  await withDb(async (db) => {
    const a = await linkIdentities({ db, actor: actor(), username, identities: given.map((p) => ({ platform: p as Platform, userId: p === "playground" ? `pg-${opts.playground}` : (opts[p] as string) })) });
    console.log(`${a.username}: ${a.identities.map((i) => `${i.platform}:${i.userId}`).join(", ")}`);
  });
});
staff
  .command("password <username>")
  .description("set an account's password (prompted, or --password-stdin); every session of it ends")
  .option("--password-stdin", "read the password from stdin")
  .action(async (username: string, opts: { passwordStdin?: boolean }) => {
    const password = await readPassword({ password: opts.passwordStdin ? undefined : true, passwordStdin: opts.passwordStdin });
    const { setPassword } = await import("../core/staff/accounts.js");
    await withDb(async (db) => {
      await setPassword({ db, actor: actor(), username, password: password ?? "" });
      console.log(`password of ${username} changed; its sessions ended`);
    });
  });
staff
  .command("disable <username>")
  .description("disable an account (its sessions end at once; history stays)")
  .action(async (username: string) => {
    const { disableAccount } = await import("../core/staff/accounts.js");
    await withDb(async (db) => console.log(`${(await disableAccount({ db, actor: actor(), username })).username} disabled`));
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
    const { listAccounts } = await import("../core/staff/accounts.js");
    await withDb(async (db) => {
      for (const a of await listAccounts({ db })) {
        console.log(`account\t${a.username}\t${a.role}\t${a.scope ? `${a.scope.kind}:${a.scope.name}` : "-"}\t${a.canLogIn ? "login" : "chat-only"}${a.disabled ? "\tdisabled" : ""}\t${a.identities.map((i) => `${i.platform}:${i.userId}`).join(",")}`);
      }
      for (const s of (await findStaff({ db })).filter((x) => !x.accountId)) console.log(`${s.platform}\t${s.userId}\t${s.role}\t${s.grid ?? "-"}\t${s.name ?? ""}`);
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
  .option("--staff-room", "the grid's staff room: dispatch and SLA notices of its grid go here")
  .option("--no-staff-room", "not a staff room")
  .action(async (id: string, opts: { enable?: boolean; disable?: boolean; grid?: string; tags?: string; staffRoom?: boolean }) => {
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
        staffRoom: opts.staffRoom,
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
        const retried = await retryFailedJobs({ queues, db, actor: actor() });
        for (const r of retried) console.log(`${r.queue}: ${r.count} failed job(s) queued again`);
        if (!retried.length) console.log("no failed jobs to retry");
      }),
    );
  });

// === Broadcasts (bin/broadcast-cli.ts)

program.addCommand(broadcastCommand({ config, withDb, withQueues, actor }));
program.addCommand(pollCommand({ config, withDb, withQueues, actor }));

// === The ticket cycle's settings (bin/ticket-cli.ts): the SLA table, a grid's dispatch rule

program.addCommand(slaCommand({ withDb, actor }));

// === The organisation: district → street → community → grid

const org = program.command("org").description("the organisation tree: district → street → community → grid");
org.addCommand(dispatchCommand({ withDb, actor }));
org
  .command("add <kind> <name>")
  .description("add a node: kind is district, street, community or grid")
  .option("--parent <node>", "the node one level up (id or name)")
  .action(async (kind: string, name: string, opts: { parent?: string }) => {
    const { addOrgNode, ORG_KINDS } = await import("../core/org/org-tree.js");
    if (!(ORG_KINDS as readonly string[]).includes(kind)) fail(new Error(`kind must be one of ${ORG_KINDS.join(", ")}`));
    await withDb(async (db) => {
      const n = await addOrgNode({ db, actor: actor(), kind: kind as (typeof ORG_KINDS)[number], name, parent: opts.parent ?? null });
      console.log(`${n.id}\t${n.kind}\t${n.name}`);
    });
  });
org
  .command("list")
  .description("the tree, indented, with each grid's groups")
  .action(async () => {
    const { listOrg } = await import("../core/org/org-tree.js");
    await withDb(async (db) => {
      const nodes = await listOrg({ db });
      const print = (parentId: number | null, depth: number) => {
        for (const n of nodes.filter((x) => x.parentId === parentId)) {
          console.log(`${"  ".repeat(depth)}${n.id}\t${n.kind}\t${n.name}${n.kind === "grid" ? `\t${n.groups ?? 0} group(s)` : ""}`);
          print(n.id, depth + 1);
        }
      };
      print(null, 0);
    });
  });
org
  .command("move <node>")
  .description("put a node under another (one level up), e.g. a migrated grid under its community")
  .option("--parent <node>", "the new parent (id or name); omit for the top")
  .action(async (node: string, opts: { parent?: string }) => {
    const { moveOrgNode } = await import("../core/org/org-tree.js");
    await withDb(async (db) => {
      const n = await moveOrgNode({ db, actor: actor(), ref: node, parent: opts.parent ?? null });
      console.log(`${n.kind} ${n.name} is now under ${n.parentId ?? "the top"}`);
    });
  });

// === API tokens for integrations

const token = program.command("token").description("API tokens (Authorization: Bearer) for integrations");
token
  .command("create <name>")
  .addOption(new Option("--role <role>").choices(["admin", "street", "grid_leader", "viewer"]).makeOptionMandatory())
  .option("--scope <node>", "the organisation node it is limited to")
  .action(async (name: string, opts: { role: "admin" | "street" | "grid_leader" | "viewer"; scope?: string }) => {
    const { createApiToken } = await import("../core/staff/sessions.js");
    await withDb(async (db) => {
      const { token: secret, info } = await createApiToken({ db, actor: actor(), name, role: opts.role, scope: opts.scope });
      console.log(`token ${info.id} (${info.role}${info.scope ? ` of ${info.scope}` : ""}) — shown once, store it now:\n${secret}`);
    });
  });
token.command("list").action(async () => {
  const { listApiTokens } = await import("../core/staff/sessions.js");
  await withDb(async (db) => {
    for (const t of await listApiTokens({ db })) console.log(`${t.id}\t${t.name}\t${t.role}\t${t.scope ?? "-"}\tlast used ${t.lastUsedAt?.toISOString() ?? "never"}${t.revokedAt ? "\trevoked" : ""}`);
  });
});
token.command("revoke <id>").action(async (id: string) => {
  const { revokeApiToken } = await import("../core/staff/sessions.js");
  await withDb(async (db) => {
    await revokeApiToken({ db, actor: actor(), id: Number(id) });
    console.log(`token ${id} revoked`);
  });
});

// === The route table: every HTTP route, its declared action and the roles that action allows

program
  .command("routes")
  .description("list every HTTP route with its declared action and the roles allowed (builds the server on a free local port, then stops)")
  .option("--markdown", "a Markdown table")
  .action(async (opts: { markdown?: boolean }) => {
    const cfg = { ...config(), PORT: 0, HOST: "127.0.0.1", LOG_LEVEL: "silent" as const };
    const { ensureRedis } = await import("../core/infra/redis.js");
    const { assertMigrated } = await import("../core/infra/migrations.js");
    const { createLogger } = await import("../core/infra/log.js");
    const { rolesAllowed } = await import("../core/policy/authorize.js");
    await assertMigrated(cfg.DATABASE_URL).catch(fail);
    const log = createLogger("silent");
    const redis = await ensureRedis(cfg.REDIS_URL, { autostart: cfg.REDIS_AUTOSTART, dataDir: cfg.REDIS_DATA_DIR, log }).catch(fail);
    const { createApp } = await import("../core/app.js");
    const app = await createApp({ config: cfg, roles: { http: true, workers: false, gateways: true }, gateways: await allGateways(), log });
    try {
      await app.start();
      const rows = [...(app.http?.declaredRoutes ?? [])].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
      const who = (action: string) => (action === "public" ? "anyone (public)" : rolesAllowed(action as Parameters<typeof rolesAllowed>[0]).join(", "));
      if (opts.markdown) console.log("| route | action | roles |\n|---|---|---|");
      for (const r of rows) console.log(opts.markdown ? `| \`${r.method} ${r.url}\` | \`${r.action}\` | ${who(r.action)} |` : `${r.method} ${r.url}\t${r.action}\t${who(r.action)}`);
    } finally {
      await app.stop();
      await redis.stop();
    }
  });

// === Personal data: retention, a resident's export and erasure (core/residents)

const privacy = program.command("privacy").description("residents' personal data: retention purge, export and erase on request (all audited)");
privacy
  .command("purge")
  .description("replace residents' words and names on tickets closed more than RETENTION_DAYS ago by a masked excerpt and a pseudonym")
  .option("--dry-run", "only show what would change")
  .action(async (opts: { dryRun?: boolean }) => {
    const { purgeRetention } = await import("../core/residents/purge-retention.js");
    const cfg = config();
    await withDb(async (db) => {
      const r = await purgeRetention({ db, actor: actor(), retentionDays: cfg.RETENTION_DAYS, dryRun: !!opts.dryRun });
      const verb = r.dryRun ? "would purge" : "purged";
      console.log(`${verb} ${r.tickets.length} ticket(s) closed before ${r.cutoff.toISOString()} (RETENTION_DAYS=${cfg.RETENTION_DAYS}): ${r.messages} message(s), ${r.outbound} bot message(s), ${r.events} event(s); ${r.residents} resident name(s) → pseudonym`);
      if (r.tickets.length) console.log(`tickets: ${r.tickets.slice(0, 50).join(" ")}${r.tickets.length > 50 ? ` … (+${r.tickets.length - 50})` : ""}`);
    });
  });
privacy
  .command("export")
  .description("everything held about one resident, as JSON (stdout, or --out file)")
  .requiredOption("--resident <platform:id>", "e.g. telegram:123456789, wechat:wxid_abc")
  .option("--out <file>", "write the JSON here instead of stdout")
  .action(async (opts: { resident: string; out?: string }) => {
    const { exportResident } = await import("../core/residents/export-resident.js");
    await withDb(async (db) => {
      const data = await exportResident({ db, actor: actor(), resident: opts.resident });
      const json = `${JSON.stringify(data, null, 2)}\n`;
      if (!opts.out) return void process.stdout.write(json);
      const fs = await import("node:fs");
      fs.writeFileSync(opts.out, json, { mode: 0o600 });
      console.log(`wrote ${opts.out}: ${data.counts.messages} message(s), ${data.counts.tickets} ticket(s), ${data.counts.assistantReplies} assistant answer(s), ${data.counts.botMessages} bot message(s)`);
    });
  });
privacy
  .command("erase")
  .description("erase one resident's name, id and words, keeping anonymous counts")
  .requiredOption("--resident <platform:id>", "e.g. telegram:123456789")
  .action(async (opts: { resident: string }) => {
    const { eraseResident } = await import("../core/residents/erase-resident.js");
    await withDb(async (db) => {
      const r = await eraseResident({ db, actor: actor(), resident: opts.resident });
      console.log(`erased resident ${r.residentId} (now ${r.pseudonym}): ${r.messages} message(s), ${r.tickets} ticket(s), ${r.events} event(s), ${r.botMessages} bot message(s) kept as anonymous counts`);
    });
  });

// === The audit trail

program
  .command("audit")
  .description("recent administrative changes (group edits, staff, tickets, broadcasts, queue retries, lexicon)")
  .option("--subject <subject>", "e.g. group:3, ticket:A0012, staff:telegram:42")
  .option("--action <prefix>", "e.g. group., ticket.resolved, session.")
  .option("--actor <name>", "e.g. alice (any channel) or web:alice")
  .option("--since <time>", "ISO date or time, e.g. 2026-12-01")
  .option("--until <time>", "ISO date or time")
  .option("--limit <n>", "how many", "50")
  .action(async (opts: { subject?: string; action?: string; actor?: string; since?: string; until?: string; limit: string }) => {
    const time = (v: string | undefined, name: string) => {
      if (v === undefined) return undefined;
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) fail(new Error(`--${name}: "${v}" is not a date (e.g. 2026-12-01 or 2026-12-01T09:00)`));
      return d;
    };
    const { findAuditEvents, formatAuditEvent } = await import("../core/audit/find-audit-events.js");
    await withDb(async (db) => {
      for (const e of await findAuditEvents({ db, subject: opts.subject, action: opts.action, actor: opts.actor, since: time(opts.since, "since"), until: time(opts.until, "until"), limit: Number(opts.limit) || 50 })) {
        console.log(formatAuditEvent(e));
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
      const { openLiveContext } = await import("../core/infra/live-table.js");
      const { createLiveDetector, lexiconChannel } = await import("../core/lexicon/live.js");
      return openLiveContext({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL }, (prisma, redis) => createLiveDetector({ prisma, redis, channel: lexiconChannel(cfg.QUEUE_PREFIX), pollMs: 0 }));
    }, { exitOnError: true }),
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
      const { openLiveContext } = await import("../core/infra/live-table.js");
      const { createLiveFaq, faqChannel } = await import("../core/assistant/faq-live.js");
      return openLiveContext({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL }, (prisma, redis) => createLiveFaq({ prisma, redis, channel: faqChannel(cfg.QUEUE_PREFIX), pollMs: 0 }));
    }, { exitOnError: true }),
  );
} else {
  program.command("faq").description("curate the assistant's FAQ (list, add, remove, test)");
}

await program.parseAsync(process.argv);
