// Stopping an app in a test: read what its stop logged, and bound the wait so a frozen stop fails the test.

import { Writable } from "node:stream";
import type { App } from "../../core/app.js";
import { createLogger, type Logger } from "../../core/infra/log.js";

/** A logger whose warn-and-above lines the test reads (STOP_DEBUG=1 also prints them with a timestamp). */
export function recordingLogger(): { log: Logger; lines: Array<{ level: number; msg?: string; step?: string }>; forcedSteps(): string[] } {
  const lines: Array<{ level: number; msg?: string; step?: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) {
        if (!l.trim()) continue;
        lines.push(JSON.parse(l));
        if (process.env.STOP_DEBUG) process.stderr.write(`${new Date().toISOString()} ${l}\n`);
      }
      done();
    },
  });
  // The stop steps that overran STOP_STEP_TIMEOUT_MS and were forced (core/app.ts logs each one).
  const forcedSteps = () => lines.filter((l) => l.msg?.includes("did not finish in time")).map((l) => l.step ?? "?");
  return { log: createLogger("warn", stream), lines, forcedSteps };
}

/** "stopped", or "still waiting after ms" when stop() has not resolved by then. */
export function stopWithin(app: App, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(resolve, ms, `still waiting after ${ms} ms`)));
  return Promise.race([app.stop().then(() => "stopped"), late]).finally(() => clearTimeout(timer));
}
