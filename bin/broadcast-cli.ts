// `gridlink broadcast send|preview|status|pause|resume|cancel|list`: the CLI door to the broadcast services, with
// a live progress bar (cli-progress) and ETA while a broadcast is sending.

import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import { formatChinaTime } from "../core/broadcasts/china-time.js";
import type { Config } from "../core/infra/config.js";
import type { Db } from "../core/infra/db.js";
import type { Queues } from "../core/infra/queues.js";
import type { Actor } from "../core/policy/authorize.js";

/** What the broadcast commands borrow from bin/cli.ts. */
export interface BroadcastCliDeps {
  config: () => Config;
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  withQueues(fn: (queues: Queues) => Promise<void>): Promise<void>;
  actor: () => Actor;
}

type Summary = { id: number; status: string; total: number; sent: number; failed: number; pending: number; skipped: number; etaSeconds: number; deliveries?: Array<{ group: string; status: string; error: string | null }> };

const minutes = (s: number) => (s >= 60 ? `${Math.ceil(s / 60)} min` : `${Math.ceil(s)} s`);

/** The `broadcast` command and its subcommands. */
export function broadcastCommand(deps: BroadcastCliDeps): Command {
  const cmd = new Command("broadcast").description("send a notice to many groups: preview, send (now or --at), status, pause, resume, cancel, list");
  const services = async () => ({
    ...(await import("../core/broadcasts/send-broadcast.js")),
    ...(await import("../core/broadcasts/control-broadcast.js")),
    ...(await import("../core/broadcasts/broadcast-status.js")),
    ...(await import("../core/broadcasts/sending-pace.js")),
  });
  const withBoth = (fn: (db: Db, queues: Queues, s: Awaited<ReturnType<typeof services>>) => Promise<void>) =>
    deps.withDb(async (db) => deps.withQueues(async (queues) => fn(db, queues, await services())));
  const paces = (s: Awaited<ReturnType<typeof services>>, queues: Queues) => s.readSendingPaces({ redis: queues.connection, prefix: deps.config().QUEUE_PREFIX });
  const audience = (c: Command) =>
    c
      .addOption(new Option("--scope <scope>", "all | platform:wechat | grid:<grid> | community:<name> | street:<name> | node:<id|name> | tag:<tag> | tags:<a,b> | tags-all:<a,b> | groups:<id,id>").default("all"))
      .option("--urgent", "ahead of ordinary broadcasts")
      .option("--at <time>", 'start later, China time ("2026-12-02 08:00")');

  const printPreview = (p: { groups: Array<{ title: string; platform: string }>; skipped: Array<{ title: string; reason: string }>; etaByPlatform: Array<{ platform: string; count: number; seconds: number }>; etaSeconds: number; scheduledAt?: Date }) => {
    console.log(`would send to ${p.groups.length} group(s) (${p.etaByPlatform.map((e) => `${e.platform} ${e.count}, ~${minutes(e.seconds)}`).join("; ") || "none"}), ETA ${minutes(p.etaSeconds)}${p.scheduledAt ? `, starting ${formatChinaTime(p.scheduledAt)} China time` : ""}`);
    for (const g of p.groups.slice(0, 50)) console.log(`  ${g.platform}\t${g.title}`);
    if (p.groups.length > 50) console.log(`  … and ${p.groups.length - 50} more`);
    for (const g of p.skipped) console.log(`  skipped\t${g.title}\t${g.reason}`);
  };

  /** Follow a broadcast with a progress bar until it is done, cancelled or paused. */
  const watch = async (db: Db, queues: Queues, s: Awaited<ReturnType<typeof services>>, id: number) => {
    const bar = new cliProgress.SingleBar({ format: "B{id} {bar} {value}/{total} sent | failed {failed} | {state} | ETA {etaText}", hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
    let st = (await s.broadcastStatus({ db, id, paces: await paces(s, queues) })) as Summary;
    bar.start(st.total, st.sent + st.failed, { id, failed: st.failed, state: st.status, etaText: minutes(st.etaSeconds) });
    while (st.status === "sending" || st.status === "scheduled") {
      await new Promise((r) => setTimeout(r, 1000));
      st = (await s.broadcastStatus({ db, id, paces: await paces(s, queues) })) as Summary;
      bar.update(st.sent + st.failed, { failed: st.failed, state: st.status, etaText: minutes(st.etaSeconds) });
    }
    bar.stop();
    report(st);
  };
  const report = (st: Summary) => {
    console.log(`B${st.id} ${st.status}: ${st.sent}/${st.total} sent, ${st.failed} failed, ${st.pending} pending, ${st.skipped} skipped`);
    for (const d of st.deliveries ?? []) if (d.status === "failed") console.log(`  failed\t${d.group}\t${d.error ?? ""}`);
  };

  audience(cmd.command("preview <text...>").description("who would receive it and how long it takes; nothing is sent")).action(async (text: string[], o: { scope: string; urgent?: boolean; at?: string }) =>
    withBoth(async (db, queues, s) => printPreview(await s.previewBroadcast({ db, actor: deps.actor(), request: { text: text.join(" "), scope: o.scope, urgent: o.urgent, at: o.at }, paces: await paces(s, queues) }))),
  );

  audience(cmd.command("send <text...>").description("send now (or at --at), then show its progress"))
    .option("--dry-run", "only show the preview")
    .option("--no-watch", "return at once instead of showing progress")
    .action(async (text: string[], o: { scope: string; urgent?: boolean; at?: string; dryRun?: boolean; watch: boolean }) =>
      withBoth(async (db, queues, s) => {
        const request = { text: text.join(" "), scope: o.scope, urgent: o.urgent, at: o.at };
        if (o.dryRun) return printPreview(await s.previewBroadcast({ db, actor: deps.actor(), request, paces: await paces(s, queues) }));
        const sent = await s.sendBroadcast({ db, queues, actor: deps.actor(), request, paces: await paces(s, queues) });
        if (sent.status === "cancelled") {
          console.error("no group matches; nothing was sent");
          process.exitCode = 1;
          return;
        }
        console.log(`B${sent.id} ${sent.status}: ${sent.groups.length} group(s), ETA ${minutes(sent.etaSeconds)}${sent.scheduledAt ? `, starts ${formatChinaTime(sent.scheduledAt)} China time` : ""}`);
        if (o.watch && sent.status === "sending") await watch(db, queues, s, sent.id);
      }),
    );

  cmd
    .command("status <id>")
    .description("per-group delivery status (12 or B12)")
    .option("--watch", "follow it with a progress bar")
    .action(async (raw: string, o: { watch?: boolean }) =>
      withBoth(async (db, queues, s) => {
        const id = s.parseBroadcastId(raw);
        const st = (await s.broadcastStatus({ db, id, paces: await paces(s, queues) })) as Summary | undefined;
        if (!st) {
          console.error(`broadcast ${raw} not found (gridlink broadcast list shows the recent ones)`);
          process.exitCode = 1;
          return;
        }
        if (o.watch) return watch(db, queues, s, id);
        report(st);
      }),
    );

  for (const action of ["pause", "resume", "cancel", "urgent", "normal"] as const) {
    cmd
      .command(`${action} <id>`)
      .description(action === "urgent" || action === "normal" ? `make a broadcast ${action} (常急转换; 12 or B12)` : `${action} a broadcast (12 or B12)`)
      .action(async (raw: string) =>
        withBoth(async (db, queues, s) => {
          const r = await s.controlBroadcast({ db, queues, actor: deps.actor(), id: raw, action, lang: "en" });
          console.log(`B${r.id} ${r.status}: ${r.counts.sent}/${r.counts.total} sent, ${r.counts.failed} failed, ${r.counts.pending} pending, ${r.counts.skipped} skipped`);
        }),
      );
  }

  cmd
    .command("list")
    .description("recent broadcasts")
    .action(async () =>
      withBoth(async (db, queues, s) => {
        for (const b of (await s.recentBroadcasts({ db, paces: await paces(s, queues), limit: 20 })) as Summary[]) report(b);
      }),
    );
  return cmd;
}
