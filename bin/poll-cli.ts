// `gridlink poll send|preview|results|close`: the CLI door to the poll services. A poll is a broadcast carrying
// a question and options; residents vote by replying a number; results are counts only.

import { Command, Option } from "commander";
import type { Db } from "../core/infra/db.js";
import type { Queues } from "../core/infra/queues.js";
import type { BroadcastCliDeps } from "./broadcast-cli.js";

type Counts = { votes: number; counts: number[] };
type Results = { id: number; broadcastId: number; question: string; options: string[]; status: string; closesAt: Date; total: Counts; groups: Array<Counts & { group: string; platform: string; noticeSent: boolean }> };

/** The `poll` command and its subcommands. */
export function pollCommand(deps: BroadcastCliDeps): Command {
  const cmd = new Command("poll").description('a poll (社区投票) sent like a broadcast: send "问题？| 选项 | 选项" --until "12-05 18:00", results, close');
  const services = async () => ({
    ...(await import("../core/polls/send-poll.js")),
    ...(await import("../core/polls/poll-results.js")),
    ...(await import("../core/polls/close-poll.js")),
    ...(await import("../core/polls/parse-poll.js")),
    ...(await import("../core/broadcasts/sending-pace.js")),
    ...(await import("../core/broadcasts/china-time.js")),
  });
  type S = Awaited<ReturnType<typeof services>>;
  const withAll = (fn: (db: Db, queues: Queues, s: S) => Promise<void>) =>
    deps.withDb(async (db) => deps.withQueues(async (queues) => fn(db, queues, await services())));
  const paces = (s: S, queues: Queues) => s.readSendingPaces({ redis: queues.connection, prefix: deps.config().QUEUE_PREFIX });

  const print = (r: Results, s: S) => {
    console.log(`P${r.id} (notice B${r.broadcastId}) ${r.status}, closes ${s.formatChinaTime(new Date(r.closesAt))} China time: ${r.question}`);
    const line = (c: Counts) => r.options.map((o, i) => `${i + 1}. ${o} ${c.counts[i]}`).join("  ");
    console.log(`  total\t${r.total.votes} vote(s)\t${line(r.total)}`);
    for (const g of r.groups) console.log(`  ${g.platform}\t${g.group}\t${g.votes} vote(s)\t${line(g)}${g.noticeSent ? "" : "\t(notice not delivered)"}`);
  };
  const request = (text: string[], o: { until: string; scope: string; urgent?: boolean; at?: string }, s: S) => ({ ...s.parsePollSpec(text.join(" "), "en"), until: o.until, scope: o.scope, urgent: o.urgent, at: o.at });

  for (const name of ["send", "preview"] as const) {
    const sub = cmd
      .command(`${name} <text...>`)
      .description(name === "send" ? 'send the poll now (or at --at): "是否同意加装电梯？| 同意 | 不同意 | 弃权"' : "who would receive it; nothing is sent")
      .requiredOption("--until <time>", 'the deadline, China time ("2026-12-05 18:00" or "12-05 18:00")')
      .addOption(new Option("--scope <scope>", "all | platform:wechat | grid:<grid> | community:<name> | tag:<tag> | tags:<a,b> | groups:<id,id>").default("all"))
      .option("--urgent", "ahead of ordinary broadcasts")
      .option("--at <time>", "send the notice later, China time");
    if (name === "send") sub.option("--dry-run", "only show the preview");
    sub.action(async (text: string[], o: { until: string; scope: string; urgent?: boolean; at?: string; dryRun?: boolean }) =>
      withAll(async (db, queues, s) => {
        const req = request(text, o, s);
        if (name === "preview" || o.dryRun) {
          const p = await s.previewPoll({ db, actor: deps.actor(), request: req, paces: await paces(s, queues) });
          console.log(`would send the poll to ${p.groups.length} group(s), ETA ${Math.ceil(p.etaSeconds / 60)} min, closing ${s.formatChinaTime(p.closesAt)} China time:\n${p.text}`);
          for (const g of p.groups.slice(0, 50)) console.log(`  ${g.platform}\t${g.title}`);
          for (const g of p.skipped) console.log(`  skipped\t${g.title}\t${g.reason}`);
          return;
        }
        const sent = await s.sendPoll({ db, queues, actor: deps.actor(), request: req, paces: await paces(s, queues) });
        if (sent.status === "cancelled") {
          console.error("no group matches; nothing was sent");
          process.exitCode = 1;
          return;
        }
        console.log(`P${sent.pollId} (notice B${sent.id}) ${sent.status}: ${sent.groups.length} group(s); closes ${s.formatChinaTime(sent.closesAt)} China time, then the results are posted to each group. gridlink poll results P${sent.pollId} shows the counts.`);
      }),
    );
  }

  cmd
    .command("results <id>")
    .description("counts per group and in total (3 or P3); never who voted")
    .option("--json", "as JSON")
    .action(async (raw: string, o: { json?: boolean }) =>
      withAll(async (db, _queues, s) => {
        const r = (await s.pollResults({ db, actor: deps.actor(), id: raw, lang: "en" })) as Results;
        if (o.json) console.log(JSON.stringify(r, null, 2));
        else print(r, s);
      }),
    );

  cmd
    .command("close <id>")
    .description("close a poll now and post its results to every group (3 or P3)")
    .action(async (raw: string) =>
      withAll(async (db, queues, s) => {
        const r = await s.closePoll({ db, queues, actor: deps.actor(), id: raw, lang: "en" });
        console.log(r.closed ? `P${r.id} closed: ${r.total} vote(s); results posted to ${r.posted} group(s)` : `P${r.id} was closed already (${r.total} vote(s))`);
        print((await s.pollResults({ db, actor: deps.actor(), id: r.id, lang: "en" })) as Results, s);
      }),
    );
  return cmd;
}
