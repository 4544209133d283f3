// The one polling helper: wait on a condition, never a fixed sleep (tests run on a busy 2-core machine).

/** Options of waitFor. */
export interface WaitForOptions<T> {
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue 25 */
  intervalMs?: number;
  /** Named in the timeout error. */
  what?: string;
  /** Which values end the wait. @defaultValue any truthy value */
  accept?: (value: T) => boolean;
}

/**
 * Poll fn until it returns an accepted value (truthy by default) and return it. A throw counts as "not yet";
 * the last value or error is named in the timeout error.
 */
export async function waitFor<T>(fn: () => Promise<T> | T, opts: number | WaitForOptions<T> = {}, intervalMs?: number): Promise<NonNullable<T>> {
  const o: WaitForOptions<T> = typeof opts === "number" ? { timeoutMs: opts, intervalMs } : opts;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const accept = o.accept ?? ((v: T) => Boolean(v));
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (accept(v)) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const shown = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`waitFor timed out after ${timeoutMs} ms${o.what ? ` waiting for ${o.what}` : ""} (last: ${shown})`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 25));
  }
}
