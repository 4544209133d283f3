// Structured, namespaced logs (pino). Every string logged passes through the personal-data mask.

import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { maskDeep, maskPersonal } from "../privacy.js";

/** Create the root logger; children are namespaced with `log.child({ name: "gridlink:telegram" })`. `destination`: stdout unless given (tests). */
export function createLogger(level: string = process.env.LOG_LEVEL ?? "info", destination?: DestinationStream): Logger {
  const options = {
    level,
    formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === "string" ? maskPersonal(a) : a)) as Parameters<typeof method>;
        return method.apply(this, masked);
      },
    },
  } satisfies LoggerOptions;
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };

/** Log a repeating condition (Redis unreachable…) at most once per interval per key, not hundreds of times. */
export function throttle(intervalMs = 10_000): (key: string, log: () => void) => void {
  const last = new Map<string, number>();
  return (key, log) => {
    const now = Date.now();
    if ((last.get(key) ?? -Infinity) + intervalMs > now) return;
    last.set(key, now);
    log();
  };
}
