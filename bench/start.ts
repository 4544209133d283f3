// Start-up time: launches `node bin/gridlink.js start` on a fresh database (first start: migrations run) and again
// on the same one (migrations already applied), prints each start phase the process logs (Redis, migration check,
// lexicon, gateways, dictionaries, HTTP) and launch → /healthz 200; then times CLI commands next to the running
// server. Baselines, measured in this same run so a busy machine shows as a ratio: the first start (fresh
// database), and the bare costs no start can avoid — `node -e ""` and a process that only loads jieba's
// dictionaries the way nlp/segment.ts does. Each number is also reported as the minimum over the runs.
//   node bin/run-ts.js bench/start.ts [--runs 3]

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePortSync } from "./free-port.js";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 1;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-bench-start-"));
const port = freePortSync();
const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, "gridlink.db")}`, QUEUE_PREFIX: `benchstart${process.pid}`, PORT: String(port), LOG_LEVEL: "info", REDIS_AUTOSTART: "false" };

/** One start: phases from the log lines, and launch → /healthz 200 as the client sees it. */
async function start(): Promise<{ phases: Array<[string, number]>; readyMs: number; cpuMs: number; stop: () => Promise<void> }> {
  const launched = performance.now();
  const child = spawn(process.execPath, [path.join(root, "bin", "gridlink.js"), "start"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const phases: Array<[string, number]> = [];
  let cpuMs = NaN;
  let buf = "";
  child.stdout.on("data", (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const o = JSON.parse(line) as { phase?: string; ms?: number; cpuMs?: number };
        if (o.phase) phases.push([o.phase, o.ms!]);
        if (o.cpuMs !== undefined) cpuMs = o.cpuMs;
      } catch {
        /* the banner line */
      }
    }
  });
  const errors: string[] = [];
  child.stderr.on("data", (d: Buffer) => errors.push(d.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gridlink start exited ${child.exitCode}: ${errors.join("")}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - launched;
  const stop = async () => {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  // The ready line may follow the first 200 by a moment.
  for (let i = 0; i < 500 && Number.isNaN(cpuMs) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 10));
  return { phases, readyMs, cpuMs, stop };
}

/** Wall time of one CLI command (a child process, like a person typing it). */
function cli(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, "bin", "gridlink.js"), ...args], { cwd: root, env: { ...env, LOG_LEVEL: "warn" }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gridlink ${args.join(" ")} failed: ${r.stderr}`);
  return performance.now() - t0;
}

/** Wall time of a bare `node -e <code>` (launch to exit), and the CPU it used (all threads). */
function bare(code: string): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["-e", `${code}; const u = process.cpuUsage(); console.log((u.user + u.system) / 1000)`], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`node -e ${code} failed: ${r.stderr}`);
  return { ms: performance.now() - t0, cpuMs: Number(r.stdout.trim()) };
}
const JIEBA_ONLY = `require("nodejieba").load({ idfDict: ${JSON.stringify(path.join(root, "nlp", "jieba-idf-stub.utf8"))} })`;

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const best = new Map<string, number>();
const keep = (name: string, ms: number) => best.set(name, Math.min(best.get(name) ?? Infinity, ms));
try {
  const first = await start();
  await first.stop();
  console.log(`first start (fresh database, migrations applied): ready in ${fmt(first.readyMs)}`);
  for (const [name, ms] of first.phases) console.log(`  ${name.padEnd(16)} ${ms} ms`);
  for (let i = 0; i < runs; i++) {
    const node = bare("");
    const jieba = bare(JIEBA_ONLY);
    keep("bare node", node.ms);
    keep("bare node cpu", node.cpuMs);
    keep("bare jieba load", jieba.ms);
    keep("bare jieba load cpu", jieba.cpuMs);
    const s = await start();
    keep("ready (client)", s.readyMs);
    keep("ready cpu", s.cpuMs);
    for (const [name, ms] of s.phases) keep(name, ms);
    console.log(`start #${i + 2} (migrated database): ready in ${fmt(s.readyMs)} (CPU ${fmt(s.cpuMs)}) — ${(s.readyMs / first.readyMs).toFixed(2)}× the first start; bare jieba load ${fmt(jieba.ms)} (CPU ${fmt(jieba.cpuMs)})`);
    for (const [name, ms] of s.phases) console.log(`  ${name.padEnd(16)} ${ms} ms`);
    // CLI commands next to the running server: none may migrate, none needs segmentation.
    for (const args of [["staff", "add", "--playground", "李网格", "--role", "grid_leader"], ["staff", "list"], ["group", "list"], ["queue", "status"]]) {
      console.log(`  gridlink ${args.join(" ").padEnd(52)} ${fmt(cli(args))}`);
    }
    await s.stop();
  }
  console.log(`\nminimum over ${runs} run(s) on a migrated database:`);
  for (const [name, ms] of best) console.log(`  ${name.padEnd(22)} ${ms.toFixed(0)} ms`);
  const ready = best.get("ready (client)")!;
  const jieba = best.get("bare jieba load")!;
  console.log(`  ready / bare jieba load process: ${(ready / jieba).toFixed(2)}× wall, ${(best.get("ready cpu")! / best.get("bare jieba load cpu")!).toFixed(2)}× CPU`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
