// Long polling, written out instead of bot.start() because Gridlink needs two things grammY's simple loop
// does not give: an update is confirmed (offset advanced) only after it was handled — a failed submit is
// retried, never skipped — and stopping never confirms an update that did not make it into the queue.

import { setTimeout as delay } from "node:timers/promises";
import { GrammyError, type Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { BotContext } from "./updates.js";

/** Options of the poller. */
export interface PollerOptions {
  log: Logger;
  alert: (message: string) => void;
  allowedUpdates: readonly string[];
  /** Long-poll timeout in seconds (Telegram holds the request this long when idle). @defaultValue 30 */
  timeoutSeconds?: number;
  /**
   * If an empty batch comes back sooner than this (a server that does not long-poll, e.g. an emulator),
   * wait this long before asking again instead of spinning. @defaultValue 100
   */
  idleMs?: number;
  /** Retry delays for a failing update, doubling up to the cap. @defaultValue 500 / 30000 */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** Polls getUpdates and feeds each update through the bot's middleware, one at a time, in order. */
export class Poller {
  private abort = new AbortController();
  private loopDone: Promise<void> | undefined;
  private readonly opts: Required<PollerOptions>;
  /** Last time an update was handled (for health). */
  lastUpdateAt: number | undefined;
  /** The update that keeps failing, if any (for health). */
  stuckUpdateId: number | undefined;
  /** Why polling is currently failing, if it is. */
  pollingError: string | undefined;

  constructor(
    private readonly bot: Bot<BotContext>,
    opts: PollerOptions,
  ) {
    this.opts = { timeoutSeconds: 30, idleMs: 100, retryBaseMs: 500, retryMaxMs: 30_000, ...opts };
  }

  /** Start the loop in the background (the bot must be initialised: botInfo set). */
  start(): void {
    if (this.loopDone) return;
    this.abort = new AbortController();
    this.loopDone = this.loop().catch((err) => this.opts.log.error({ err }, "polling loop crashed"));
  }

  /** Stop polling; an update being handled is finished or left unconfirmed, never skipped. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loopDone;
    this.loopDone = undefined;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    const { log } = this.opts;
    let offset: number | undefined;
    let allowed: readonly string[] | undefined = this.opts.allowedUpdates;
    let failures = 0;
    while (!this.stopped) {
      let updates: Update[];
      const t0 = Date.now();
      try {
        updates = await this.bot.api.getUpdates(
          { offset, timeout: this.opts.timeoutSeconds, limit: 100, ...(allowed ? { allowed_updates: allowed as never } : {}) },
          this.abort.signal as unknown as Parameters<Bot["api"]["getUpdates"]>[1],
        );
        allowed = undefined; // Telegram keeps the last setting
        failures = 0;
        this.pollingError = undefined;
      } catch (err) {
        if (this.stopped) break;
        failures++;
        let waitMs = Math.min(this.opts.retryMaxMs, 3000 * failures);
        const message = err instanceof Error ? err.message : String(err);
        this.pollingError = message;
        if (err instanceof GrammyError) {
          if (err.error_code === 409) {
            // Another process polls with this token, or a webhook is set: let it run, try again later.
            if (failures === 1) this.opts.alert(`getUpdates conflict (409): another Gridlink polls with this bot token, or a webhook is set. ${err.description}`);
            waitMs = Math.max(waitMs, 5000);
          } else if (err.error_code === 401 || err.error_code === 404) {
            if (failures === 1) this.opts.alert(`TELEGRAM_BOT_TOKEN was rejected (${err.error_code} ${err.description})`);
            waitMs = this.opts.retryMaxMs;
          } else if (err.error_code === 429 && typeof err.parameters.retry_after === "number") {
            waitMs = err.parameters.retry_after * 1000;
          }
        }
        log.warn({ err: message, waitMs }, "getUpdates failed");
        await this.sleep(waitMs);
        continue;
      }
      if (updates.length === 0 && Date.now() - t0 < this.opts.idleMs) await this.sleep(this.opts.idleMs);
      for (const update of updates) {
        if (!(await this.handle(update))) return; // stopping: leave this one unconfirmed
        offset = update.update_id + 1;
      }
    }
  }

  /** Handle one update, retrying with backoff until it succeeds; false if stopped first. */
  private async handle(update: Update): Promise<boolean> {
    let attempt = 0;
    for (;;) {
      if (this.stopped) return false;
      try {
        await this.bot.handleUpdate(update);
        this.lastUpdateAt = Date.now();
        if (this.stuckUpdateId === update.update_id) this.stuckUpdateId = undefined;
        return true;
      } catch (err) {
        attempt++;
        const cause = err instanceof Error && "error" in err ? (err as { error: unknown }).error : err;
        const message = cause instanceof Error ? cause.message : String(cause);
        const waitMs = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (attempt - 1));
        this.opts.log.warn({ updateId: update.update_id, attempt, waitMs, err: message }, "update not handled; retrying");
        if (attempt === 3) {
          this.stuckUpdateId = update.update_id;
          this.opts.alert(`Telegram update ${update.update_id} keeps failing (${message}); intake is waiting for it`);
        }
        await this.sleep(waitMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}
