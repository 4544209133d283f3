// `gridlink sla list|set` and `gridlink org dispatch <grid> <mode>`: the CLI doors to the SLA table and a grid's
// dispatch rule (the same services as GET/PUT /api/sla and PUT /api/org/:id/dispatch).

import { Command } from "commander";
import type { Db } from "../core/infra/db.js";
import type { Actor } from "../core/policy/authorize.js";

/** What these commands borrow from bin/cli.ts. */
export interface TicketCliDeps {
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  actor: () => Actor;
}

const int = (what: string) => (v: string): number => {
  if (!/^\d+$/.test(v)) throw new Error(`${what}: must be a whole number`);
  return Number(v);
};

/** `gridlink sla list` and `gridlink sla set <category> --accept <min> --resolve <min> [--severity n]`. */
export function slaCommand(deps: TicketCliDeps): Command {
  const cmd = new Command("sla").description("the SLA table: minutes to accept and to resolve, per category and severity");
  cmd
    .command("list")
    .description("every rule (category * = every other; severity 0 = any)")
    .action(async () => {
      const { listSla, durationLabel } = await import("../core/tickets/sla.js");
      await deps.withDb(async (db) => {
        for (const r of await listSla({ db, actor: deps.actor() })) {
          console.log(`${r.category}\t${r.severity || "*"}\taccept ${durationLabel(r.acceptMinutes, "en")}\tresolve ${durationLabel(r.resolveMinutes, "en")}`);
        }
      });
    });
  cmd
    .command("set <category>")
    .description('create or change a rule (category: utilities, safety, … or "*")')
    .requiredOption("--accept <minutes>", "minutes to accept", int("accept"))
    .requiredOption("--resolve <minutes>", "minutes to resolve", int("resolve"))
    .option("--severity <n>", "1–5 (default 0: any severity)", int("severity"), 0)
    .action(async (category: string, opts: { accept: number; resolve: number; severity: number }) => {
      const { setSla, durationLabel } = await import("../core/tickets/sla.js");
      const { CATEGORIES } = await import("../nlp/types.js");
      await deps.withDb(async (db) => {
        const r = await setSla({ db, actor: deps.actor(), category, severity: opts.severity, acceptMinutes: opts.accept, resolveMinutes: opts.resolve, categories: CATEGORIES });
        console.log(`${r.category}\t${r.severity || "*"}\taccept ${durationLabel(r.acceptMinutes, "en")}\tresolve ${durationLabel(r.resolveMinutes, "en")}`);
      });
    });
  return cmd;
}

/** `gridlink org dispatch <grid> auto|first|manual`. */
export function dispatchCommand(deps: TicketCliDeps): Command {
  return new Command("dispatch")
    .argument("<grid>", "the grid (id or name)")
    .argument("<mode>", "auto (its grid leader) | first (offered to all its leaders; the first to accept owns it) | manual")
    .description("how a grid's new tickets are dispatched")
    .action(async (grid: string, mode: string) => {
      const { setDispatchMode } = await import("../core/org/set-dispatch-mode.js");
      await deps.withDb(async (db) => {
        const r = await setDispatchMode({ db, actor: deps.actor(), grid, mode: mode as "auto" });
        console.log(`${r.grid}\tdispatch ${r.mode}`);
      });
    });
}
