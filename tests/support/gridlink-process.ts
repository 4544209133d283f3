// Real `node bin/gridlink.js …` child processes for tests: a server to stand next to, and one-shot commands.
// Never through npx (it does not forward SIGTERM).

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait-for.js";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "bin", "gridlink.js");

/** A running gridlink process and what it printed (pino JSON lines on stdout). */
export interface GridlinkProcess {
  child: ChildProcess;
  output: () => string;
  /** The parsed JSON log lines so far. */
  lines: () => Array<Record<string, unknown>>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

/** Spawn `gridlink <args>` with env (merged over process.env). */
export function spawnGridlink(args: string[], env: Record<string, string>, nodeArgs: string[] = []): GridlinkProcess {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    lines: () => out.split("\n").flatMap((l) => {
      try {
        const o = JSON.parse(l) as unknown;
        return o && typeof o === "object" ? [o as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    }),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Run `gridlink <args>` to its end: exit code and output. */
export async function runGridlink(args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<{ code: number | null; output: string }> {
  const p = spawnGridlink(args, env, nodeArgs);
  const code = await new Promise<number | null>((r) => p.child.once("exit", (c) => r(c)));
  return { code, output: p.output() };
}

/** Wait until a process logged `start phase ready` (or fail with its output if it exits first). */
export async function untilReady(p: GridlinkProcess, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    () => {
      if (p.child.exitCode !== null) throw new Error(`gridlink exited ${p.child.exitCode}:\n${p.output()}`);
      return p.lines().some((l) => l.phase === "ready");
    },
    { timeoutMs, what: "start phase ready", accept: (v) => v === true },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${p.output()}`);
  });
}
