// Account health: what happened to one WeChat account and when, and how long it could not serve.
// Plain state with an injectable clock, so /healthz facts (gaps, last error) are unit-testable.

/** What an account can be doing. */
export type AccountStatus = "stopped" | "starting" | "waiting_scan" | "logged_in" | "logged_out";

/** The events we record (each with a timestamp) and alert on. */
export type AccountEventKind = "start" | "scan" | "login" | "logout" | "error" | "heartbeat_lost" | "heartbeat_back" | "rate_limited" | "daily_cap" | "stop";

/** One recorded account event. */
export interface AccountEvent {
  at: string;
  kind: AccountEventKind;
  detail?: string;
}

/** The health facts of one account, as /healthz shows them. */
export interface AccountHealthSnapshot {
  role: string;
  status: AccountStatus;
  /** When the status last changed (ISO). */
  since?: string;
  user?: { id: string; name: string };
  /** Waiting for its login QR code to be scanned (the code itself: GET /api/wechat/login, local admins only). */
  waitingForScan?: boolean;
  /** Time the account could not serve (not logged in, or heartbeat lost): the current gap and the total. */
  gap: { down: boolean; downSince?: string; currentMs: number; totalMs: number; count: number };
  lastHeartbeatAt?: string;
  heartbeatLost: boolean;
  errors: number;
  lastError?: { at: string; message: string };
  /** The most recent events, newest last. */
  events: AccountEvent[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Tracks one account; every method is synchronous and never throws. */
export class AccountHealth {
  status: AccountStatus = "stopped";
  user?: { id: string; name: string };
  qrcode?: string;
  qrcodeText?: string;
  private since?: number;
  private downSince?: number;
  private totalDownMs = 0;
  private downCount = 0;
  private lastHeartbeat?: number;
  private hbLost = false;
  private errorCount = 0;
  private lastErr?: { at: number; message: string };
  private readonly log: AccountEvent[] = [];

  constructor(
    readonly role: string,
    private readonly now: () => number = Date.now,
    private readonly keepEvents = 50,
  ) {}

  /** True when the account is logged in and its heartbeat (if the puppet sends any) is alive. */
  get serving(): boolean {
    return this.status === "logged_in" && !this.hbLost;
  }

  /** Milliseconds since the last heartbeat (undefined when none was ever seen). */
  heartbeatAgeMs(): number | undefined {
    return this.lastHeartbeat === undefined ? undefined : this.now() - this.lastHeartbeat;
  }

  record(kind: AccountEventKind, detail?: string): AccountEvent {
    const ev: AccountEvent = { at: iso(this.now()), kind, ...(detail ? { detail: detail.slice(0, 300) } : {}) };
    this.log.push(ev);
    if (this.log.length > this.keepEvents) this.log.splice(0, this.log.length - this.keepEvents);
    return ev;
  }

  private setStatus(s: AccountStatus) {
    if (this.status !== s) {
      this.status = s;
      this.since = this.now();
    }
    this.updateDown();
  }

  /** Open or close the current gap according to `serving`; a stopped account is not "down". */
  private updateDown() {
    const down = this.status !== "stopped" && !this.serving;
    const t = this.now();
    if (down && this.downSince === undefined) {
      this.downSince = t;
      this.downCount += 1;
    } else if (!down && this.downSince !== undefined) {
      this.totalDownMs += t - this.downSince;
      this.downSince = undefined;
    }
  }

  onStart() {
    this.record("start");
    this.setStatus("starting");
  }
  onScan(qrcode: string, statusName: string, drawn?: string) {
    this.qrcode = qrcode || undefined;
    this.qrcodeText = drawn;
    this.record("scan", statusName);
    if (this.status !== "logged_in") this.setStatus("waiting_scan");
  }
  onLogin(user: { id: string; name: string }) {
    this.user = user;
    this.qrcode = undefined;
    this.qrcodeText = undefined;
    this.hbLost = false;
    this.record("login", `${user.name} (${user.id})`);
    this.setStatus("logged_in");
  }
  onLogout(reason?: string) {
    this.record("logout", reason);
    this.setStatus("logged_out");
  }
  onError(message: string) {
    this.errorCount += 1;
    this.lastErr = { at: this.now(), message: message.slice(0, 300) };
    this.record("error", message);
  }
  /** A heartbeat arrived; returns true when it ends a heartbeat loss. */
  onHeartbeat(): boolean {
    this.lastHeartbeat = this.now();
    if (!this.hbLost) return false;
    this.hbLost = false;
    this.record("heartbeat_back");
    this.updateDown();
    return true;
  }
  /** No heartbeat for too long; returns true when this is news (not already lost). */
  onHeartbeatLost(detail: string): boolean {
    if (this.hbLost) return false;
    this.hbLost = true;
    this.record("heartbeat_lost", detail);
    this.updateDown();
    return true;
  }
  onStop() {
    this.record("stop");
    this.setStatus("stopped");
  }

  snapshot(eventCount = 10): AccountHealthSnapshot {
    const t = this.now();
    const currentMs = this.downSince === undefined ? 0 : t - this.downSince;
    return {
      role: this.role,
      status: this.status,
      ...(this.since !== undefined ? { since: iso(this.since) } : {}),
      ...(this.user ? { user: this.user } : {}),
      // The QR code itself stays out of /healthz: scanning it logs an account in (see GET /api/wechat/login).
      ...(this.qrcode ? { waitingForScan: true } : {}),
      gap: {
        down: this.downSince !== undefined,
        ...(this.downSince !== undefined ? { downSince: iso(this.downSince) } : {}),
        currentMs,
        totalMs: this.totalDownMs + currentMs,
        count: this.downCount,
      },
      ...(this.lastHeartbeat !== undefined ? { lastHeartbeatAt: iso(this.lastHeartbeat) } : {}),
      heartbeatLost: this.hbLost,
      errors: this.errorCount,
      ...(this.lastErr ? { lastError: { at: iso(this.lastErr.at), message: this.lastErr.message } } : {}),
      events: this.log.slice(-eventCount),
    };
  }
}
