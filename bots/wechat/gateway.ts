// The WeChat gateway: a primary Wechaty account, optional extra sending accounts and an optional standby,
// human-paced sending, account health, the login QR on GET /api/wechat/login. Translation lives in message.ts /
// render.ts, pacing in pacer.ts.
//
// Several accounts: each room is sent to by a serving account that is a member of it — the least busy one — and
// every account has its own pace (pacer.ts keys it by the account), so N accounts in disjoint rooms send a
// broadcast in about 1/N of the time. When an account logs out its rooms go to the other accounts in them; the
// standby sends only while no sending account serves (or none is in the room).

import fs from "node:fs";
import path from "node:path";
import type { FastifyPluginAsync } from "fastify";
import type { Contact, Room } from "wechaty";
import type { Logger } from "pino";
import { createHash } from "node:crypto";
import { bounded, SendError, type ChatGateway, type GatewayHost, type OutgoingMessage, type SendOptions, type SendResult } from "../../core/ports/index.js";
import type { Config } from "../../core/ports/index.js";
import { definedOnly, splitList } from "../../core/ports/index.js";
import { WechatAccount, type WechatPuppetInstance, type WechatPuppetSpec } from "./account.js";
import { installRejectionGuard } from "./guard.js";
import type { AccountEventKind } from "./health.js";
import { WechatPacer, paceOptionsFromConfig, type WechatPaceOptions } from "./pacer.js";
import { healthPlugin, intakePlugin, roomRegistryPlugin, type PluginContext } from "./plugins.js";
import { classifySendFailure, renderOutgoing, renderPlain, toSendError } from "./render.js";

// === Options

/** Injection points and tuning that are not environment variables. */
export interface WechatGatewayOptions {
  /** A puppet instance for the primary account instead of WECHATY_PUPPET (tests pass a PuppetMock). */
  puppet?: WechatPuppetInstance;
  /** A puppet instance for the standby account instead of WECHATY_STANDBY_PUPPET. */
  standbyPuppet?: WechatPuppetInstance;
  /** Puppet instances of extra sending accounts instead of WECHATY_EXTRA_ACCOUNTS (tests pass PuppetMocks). */
  extraPuppets?: WechatPuppetInstance[];
  /**
   * Where Wechaty keeps the session (memory card) so a restart logs in without a new scan:
   * `<dir>/<WECHATY_NAME>.memory-card.json`. `null` keeps it in memory. @defaultValue "data" (null with `puppet`)
   */
  memoryDir?: string | null;
  /** Print the login QR code in the terminal. @defaultValue true (false with `puppet`) */
  printQr?: boolean;
  /** Pacing overrides on top of the WECHAT_* variables. */
  pace?: Partial<WechatPaceOptions>;
  /** Heartbeat silence that counts as "heartbeat lost" (only for puppets that send heartbeats). @defaultValue 180000 */
  heartbeatTimeoutMs?: number;
  /** Identical error alerts are repeated at most this often. @defaultValue 600000 */
  errorAlertIntervalMs?: number;
  /** How long core should pause the queue when no account is logged in. @defaultValue 30000 */
  loggedOutRetryMs?: number;
  /** A platform call slower than this fails as transient. @defaultValue 30000 */
  sendTimeoutMs?: number;
  /** Delays between retries of a refused host.submit; the last repeats until Redis is back. @defaultValue [500, 2000, 8000] */
  submitRetryDelaysMs?: number[];
  /** First delay before retrying a Wechaty start() that failed (doubles, ≤ 5 min). @defaultValue 5000 */
  startRetryMs?: number;
  /** start() waits this long for a puppet to start, then lets it continue in the background. @defaultValue 10000 */
  startWaitMs?: number;
  /** Alert when an account has not been logged in for this long (no scan, puppet stuck). @defaultValue 300000 */
  loginAlertMs?: number;
  /** Clock for health records. @defaultValue Date.now */
  now?: () => number;
}

const DEFAULTS = {
  heartbeatTimeoutMs: 180_000,
  errorAlertIntervalMs: 600_000,
  loggedOutRetryMs: 30_000,
  sendTimeoutMs: 30_000,
  submitRetryDelaysMs: [500, 2000, 8000],
  startRetryMs: 5000,
  startWaitMs: 10_000,
  loginAlertMs: 300_000,
};

type Resolved = typeof DEFAULTS & WechatGatewayOptions & { printQr: boolean; memoryDir: string | null };

function resolveOptions(opts: WechatGatewayOptions): Resolved {
  const injected = opts.puppet !== undefined;
  const o: Resolved = { printQr: !injected, memoryDir: injected ? null : "data", ...DEFAULTS, ...definedOnly(opts) };
  for (const k of ["heartbeatTimeoutMs", "errorAlertIntervalMs", "loggedOutRetryMs", "sendTimeoutMs", "startRetryMs", "startWaitMs", "loginAlertMs"] as const) {
    if (!Number.isFinite(o[k]) || o[k] <= 0) throw new Error(`wechat gateway: ${k} must be a number > 0`);
  }
  if (!o.submitRetryDelaysMs.every((d) => Number.isFinite(d) && d >= 0)) throw new Error("wechat gateway: submitRetryDelaysMs must be numbers ≥ 0");
  return o;
}


/** How long a sent record lives: past every retry core's outbox makes of a job (about half an hour). */
const SENT_RECORD_TTL_MS = 24 * 3600 * 1000;
/** Bound of a sent-record read or write (ioredis can hang at a reconnect). */
const SENT_RECORD_TIMEOUT_MS = 2000;

const tsa = (parts: string[]) => Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

// === Gateway

/** ChatGateway for WeChat through Wechaty. Build it with `createWechatGateway` or the `wechatGateway` factory. */
export class WechatGateway implements ChatGateway {
  readonly platform = "wechat" as const;
  /** One send in flight per sending account: the pacer serialises each account, so more would only wait. */
  get sendConcurrency(): number {
    return this.senders.length;
  }
  /** The first sending account (it owns the session name WECHATY_NAME). */
  readonly primary: WechatAccount;
  /** Every sending account: the primary and the extra ones (WECHATY_EXTRA_ACCOUNTS). */
  readonly senders: WechatAccount[];
  /** Sends in flight per account (picks the least busy account of a room). */
  private readonly inFlight = new Map<WechatAccount, number>();
  /** The account that sends while the primary is down (WECHATY_STANDBY_PUPPET). */
  readonly standby?: WechatAccount;
  readonly pacer: WechatPacer;
  private readonly log: Logger;
  private readonly opts: Resolved;
  private readonly abort = new AbortController();
  private readonly uninstallers: Array<() => void> = [];
  private readonly lastAlertAt = new Map<string, number>();
  private readonly startTimers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private started = false;
  private lastSender: "senders" | "standby" | "none" = "none";

  constructor(
    private readonly host: GatewayHost,
    private readonly config: Config,
    options: WechatGatewayOptions = {},
  ) {
    this.opts = resolveOptions(options);
    this.log = host.log.child({ name: "gridlink:wechat" });
    this.pacer = new WechatPacer(host.redis, host.prefix, paceOptionsFromConfig(config, this.opts.pace));

    const primarySpec = this.specFor(this.opts.puppet, config.WECHATY_PUPPET, config.WECHATY_PUPPET_SERVICE_TOKEN);
    if (!primarySpec) throw new Error("wechat gateway: WECHATY_PUPPET must be set (or a puppet instance passed)");
    this.primary = new WechatAccount("primary", primarySpec, { memoryName: this.memoryName(config.WECHATY_NAME), now: this.opts.now, log: this.log });
    this.senders = [this.primary];
    const extraNames = splitList(config.WECHATY_EXTRA_ACCOUNTS);
    const extraTokens = splitList(config.WECHATY_EXTRA_PUPPET_SERVICE_TOKENS);
    const extras = this.opts.extraPuppets
      ? this.opts.extraPuppets.map((p, i) => ({ spec: { kind: "instance", puppet: p } as WechatPuppetSpec, name: extraNames[i] ?? `${config.WECHATY_NAME}-${i + 2}` }))
      : config.WECHATY_PUPPET
        ? extraNames.map((name, i) => ({ spec: { kind: "module", name: config.WECHATY_PUPPET!, token: extraTokens[i] } as WechatPuppetSpec, name }))
        : [];
    extras.forEach(({ spec, name }, i) => {
      this.senders.push(new WechatAccount("extra", spec, { memoryName: this.memoryName(name), now: this.opts.now, log: this.log, label: `账号${i + 2}（${name}）` }));
    });    const standbySpec = this.specFor(this.opts.standbyPuppet, config.WECHATY_STANDBY_PUPPET, config.WECHATY_STANDBY_PUPPET_SERVICE_TOKEN);
    if (standbySpec) {
      this.standby = new WechatAccount("standby", standbySpec, { memoryName: this.memoryName(`${config.WECHATY_NAME}-standby`), now: this.opts.now, log: this.log });
    }
  }

  private specFor(instance: WechatPuppetInstance | undefined, name: string | undefined, token: string | undefined): WechatPuppetSpec | undefined {
    if (instance) return { kind: "instance", puppet: instance };
    if (name) return { kind: "module", name, token };
    return undefined;
  }

  private memoryName(name: string): string | undefined {
    if (this.opts.memoryDir === null) return undefined;
    return path.join(this.opts.memoryDir, name);
  }

  private accounts(): WechatAccount[] {
    return this.standby ? [...this.senders, this.standby] : [...this.senders];
  }

  // --- lifecycle

  /**
   * Start the accounts. Resolves once they are starting (login needs a scan) or after startWaitMs, so a slow
   * puppet never holds up the rest of Gridlink; a failing puppet is retried and alerted, never thrown.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.opts.memoryDir) fs.mkdirSync(this.opts.memoryDir, { recursive: true });
    // Accounts publish their pace again as they log in; facts of a previous run must not count.
    await this.pacer.forgetAll().catch((err) => this.log.warn({ err }, "wechat pace reset failed"));
    this.uninstallers.push(installRejectionGuard((reason) => this.onLeakedRejection(reason)));
    for (const account of this.accounts()) {
      const ctx = this.pluginContext(account);
      this.uninstallers.push(account.bot.use(healthPlugin(ctx), roomRegistryPlugin(ctx), intakePlugin(ctx)));
      account.health.onStart();
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.startWaitMs)));
      await Promise.race([this.startAccount(account, this.opts.startRetryMs), waited]);
      clearTimeout(timer);
    }
  }

  /** A rejection the Wechaty stack leaked (see guard.ts): an account error, not a crash. */
  private onLeakedRejection(reason: unknown) {
    const message = reason instanceof Error ? reason.message : String(reason);
    this.primary.health.onError(`unhandled in Wechaty: ${message}`);
    this.log.error({ err: reason }, "unhandled rejection inside the Wechaty stack (contained)");
    this.alert("primary", "error", `微信组件内部错误（已拦截，进程继续运行）：${message}`, { throttleKey: `leak:${message.slice(0, 60)}` });
  }

  private async startAccount(account: WechatAccount, retryMs: number): Promise<void> {
    try {
      await account.bot.start();
      this.log.info({ role: account.role, puppet: account.puppetName }, "wechat account started; waiting for login");
    } catch (err) {
      if (this.stopping) return;
      const message = err instanceof Error ? err.message : String(err);
      account.health.onError(`start failed: ${message}`);
      this.alert(account.role, "error", `${account.label}启动失败，${Math.round(retryMs / 1000)} 秒后重试：${message}`, {
        throttleKey: `start:${message.slice(0, 60)}`,
      });
      const timer = setTimeout(() => {
        this.startTimers.delete(timer);
        if (!this.stopping) void this.startAccount(account, Math.min(retryMs * 2, 300_000));
      }, retryMs);
      timer.unref();
      this.startTimers.add(timer);
    }
  }

  /** Take no more sends: every send waiting for its pace slot wakes and throws SendError("stopping"). */
  stopSending(): void {
    this.stopping = true;
    this.abort.abort();
  }

  /** Stop both accounts (stopSending first: pending pace waits end as "stopping" and core requeues them). */
  async stop(): Promise<void> {
    this.stopSending();
    for (const t of this.startTimers) clearTimeout(t);
    this.startTimers.clear();
    for (const account of this.accounts()) {
      try {
        await account.bot.stop();
      } catch (err) {
        this.log.warn({ err, role: account.role }, "wechat stop failed");
      }
      account.health.onStop();
    }
    for (const u of this.uninstallers.splice(0)) u();
  }

  private pluginContext(account: WechatAccount): PluginContext {
    return {
      account,
      host: this.host,
      log: this.log.child({ role: account.role }),
      alert: (kind, message, opts) => this.alert(account.role, kind, message, opts),
      listening: (roomId) => this.listens(account, roomId),
      ownsRegistry: account.role !== "standby",
      otherSenderIn: async (roomId) => {
        for (const other of this.senders) if (other !== account && other.serving && (await this.inRoom(other, roomId))) return true;
        return false;
      },
      printQr: this.opts.printQr,
      heartbeatTimeoutMs: this.opts.heartbeatTimeoutMs,
      loginAlertMs: this.opts.loginAlertMs,
      submitRetryDelaysMs: this.opts.submitRetryDelaysMs,
      isStopping: () => this.stopping,
      availabilityChanged: () => {
        this.noteSender();
        // The pace facts core reads for a broadcast's ETA: only accounts that can send count.
        const id = account.selfId ?? account.health.user?.id;
        if (id) void (account.serving ? this.pacer.announce(id) : this.pacer.forget(id)).catch((err) => this.log.warn({ err }, "wechat pace publish failed"));
      },
    };
  }

  /** The first serving account in the room hears it: sending accounts in order, then the standby. */
  private async listens(account: WechatAccount, roomId: string | undefined): Promise<boolean> {
    if (!roomId) return account === this.primary || (account.role === "standby" && !this.senders.some((a) => a.serving));
    for (const a of this.accounts()) {
      if (a === account) return true;
      if (a.serving && (await this.inRoom(a, roomId))) return false;
    }
    return false;
  }

  /** Announce when sending moves between accounts (standby takes over / hands back). */
  private noteSender() {
    const now = this.senders.some((a) => a.serving) ? "senders" : this.standby?.serving ? "standby" : "none";
    if (now === this.lastSender) return;
    const before = this.lastSender;
    this.lastSender = now;
    if (now === "standby") this.alert("standby", "login", "发送账号均不可用，备用账号接管发送");
    else if (now === "senders" && before === "standby") this.alert("primary", "login", "发送账号恢复，备用账号停止发送");
    else if (now === "none" && before !== "none" && (this.standby || this.senders.length > 1)) this.alert("primary", "logout", "没有可用的微信账号：消息将在队列中等待，不会丢失");
  }

  // --- alerts

  /**
   * Tell admins: host.alert (logged, kept for /healthz) and, when WECHAT_ADMIN_ROOM is set and an account is
   * logged in, a paced message there. Never throws; repeated errors are throttled by `throttleKey`.
   */
  alert(role: string, kind: AccountEventKind | "intake" | "room", message: string, opts: { throttleKey?: string } = {}): void {
    if (opts.throttleKey && this.throttled(`${role}:${kind}:${opts.throttleKey}`)) return;
    const text = `[微信${role === "standby" ? "备用" : ""}] ${message}`;
    void this.host.alert("wechat", text).catch((err) => this.log.error({ err }, "alert failed"));
    // Errors reach the admin room at most once per interval whatever their text: every post there costs a
    // send from the same budget residents' replies use.
    const post = kind !== "error" || !this.throttled("admin-room:error");
    if (post && this.config.WECHAT_ADMIN_ROOM && !this.stopping) {
      void this.postToAdminRoom(text).catch((err) => this.log.warn({ err: err instanceof Error ? err.message : err }, "admin room alert not posted"));
    }
  }

  /** True when `key` fired within errorAlertIntervalMs; otherwise records now and returns false. */
  private throttled(key: string): boolean {
    const now = Date.now();
    const last = this.lastAlertAt.get(key);
    if (last !== undefined && now - last < this.opts.errorAlertIntervalMs) return true;
    this.lastAlertAt.set(key, now);
    return false;
  }

  private async postToAdminRoom(text: string): Promise<void> {
    const account = this.senderFor();
    const id = account?.selfId;
    if (!account || !id) return;
    const ref = this.config.WECHAT_ADMIN_ROOM!;
    let room: Room | undefined;
    if (ref.includes("@")) {
      await account.bot.puppet.roomPayload(ref); // throws when unknown, without a Wechaty "error" event
      room = await account.bot.Room.find({ id: ref });
    } else {
      room = await account.bot.Room.find({ topic: ref });
    }
    if (!room) throw new Error(`admin room "${ref}" not found`);
    const slot = await this.pacer.acquire(id, room.id, this.abort.signal);
    let ok = false;
    try {
      await withTimeout(room.say(`【Gridlink 告警】${text}`), this.opts.sendTimeoutMs, "admin room say");
      ok = true;
    } finally {
      await this.pacer.commit(slot, ok);
    }
  }

  // --- sending

  /** The account that speaks for the gateway (admin room, health): the first serving sender, else a serving standby. */
  private senderFor(): WechatAccount | undefined {
    return this.senders.find((a) => a.serving) ?? (this.standby?.serving ? this.standby : undefined);
  }

  /**
   * Whether this account is in the room: not removed since login, known to its puppet, and (when the puppet
   * lists members) among them. A puppet error other than "no such room" throws the mapped SendError.
   */
  private async inRoom(account: WechatAccount, roomId: string): Promise<boolean> {
    const selfId = account.selfId;
    if (!selfId || account.removedRooms.has(roomId)) return false;
    try {
      // Ask the puppet first: Room.find() would also report an unknown room as a Wechaty "error" event.
      await account.bot.puppet.roomPayload(roomId);
    } catch (err) {
      const failure = classifySendFailure(err);
      if (failure === "chat_gone") return false;
      throw toSendError(failure, err, this.opts.loggedOutRetryMs);
    }
    let members: string[] = [];
    try {
      members = await account.bot.puppet.roomMemberList(roomId);
    } catch {
      // Unknown membership: let the send itself tell.
    }
    return members.length === 0 || members.includes(selfId);
  }

  /**
   * The account that sends into this room: among the serving sending accounts that are in it, one not paused,
   * with the fewest sends in flight, then the earliest next slot; the standby when no sending account can.
   * Undefined when no account that serves is in the room.
   */
  private async accountFor(roomId: string): Promise<WechatAccount | undefined> {
    const now = Date.now();
    const members: WechatAccount[] = [];
    for (const a of this.senders) if (a.serving && (await this.inRoom(a, roomId))) members.push(a);
    if (members.length === 0) {
      if (this.standby?.serving && (await this.inRoom(this.standby, roomId).catch(() => false))) return this.standby;
      return undefined;
    }
    const facts = (a: WechatAccount) => {
      const snap = this.pacer.snapshot(a.selfId);
      return { paused: (snap.pausedUntil ?? 0) > now ? 1 : 0, busy: this.inFlight.get(a) ?? 0, next: Math.max(now, snap.nextSlotAt ?? 0) };
    };
    return members
      .map((a) => ({ a, f: facts(a) }))
      .sort((x, y) => x.f.paused - y.f.paused || x.f.busy - y.f.busy || x.f.next - y.f.next)[0]!.a;
  }

  /**
   * Send one message at a human pace, from a serving account that is in the room (see accountFor). Waits for
   * a slot (never drops); urgent notices (`msg.urgent`) take the separately configured faster pace. Throws
   * SendError: rate_limited (paused after "too frequent", daily cap, nobody logged in — core pauses the queue
   * and keeps the attempt), chat_gone (room gone or no serving account in it), transient (anything else).
   */
  async send(msg: OutgoingMessage, opts: SendOptions = {}): Promise<SendResult> {
    if (this.stopping) throw new SendError("stopping", "WeChat gateway stopping");
    // Sent before by an attempt whose process died before core recorded it: the same message is not said twice.
    const before = await this.sentBefore(msg);
    if (before) return before;
    if (!this.accounts().some((a) => a.serving)) {
      throw new SendError("rate_limited", "no WeChat account is logged in", { retryAfterMs: this.opts.loggedOutRetryMs });
    }
    const account = await this.accountFor(msg.chatId);
    const selfId = account?.selfId;
    if (!account || !selfId) {
      if (!this.senders.some((a) => a.serving)) {
        // Only the standby serves and it is not in this room: a sending account may be, once it is back.
        throw new SendError("transient", `standby account: not a member of room ${msg.chatId}`);
      }
      for (const a of this.senders) if (a.serving) a.removedRooms.add(msg.chatId);
      throw new SendError("chat_gone", `no logged-in WeChat account is a member of room ${msg.chatId}`);
    }
    this.inFlight.set(account, (this.inFlight.get(account) ?? 0) + 1);
    try {
      return await this.sendAs(account, selfId, msg, opts);
    } finally {
      this.inFlight.set(account, (this.inFlight.get(account) ?? 1) - 1);
    }
  }

  // --- what was sent (so a retried job never says it twice)

  private sentKey(msg: OutgoingMessage): string {
    return `${this.host.prefix}:wechat:sent:${msg.outboundId}`;
  }

  /** Same outbound id, room and text: a record from another database sharing the prefix never matches. */
  private sentSignature(msg: OutgoingMessage): string {
    return createHash("sha1").update(`${msg.chatId}\u0000${msg.text}`).digest("hex");
  }

  /**
   * The message this outbound row already became, from the record written the moment WeChat accepted it. Wechaty
   * has no reliable way to list what an account sent into a room (puppets differ; texts repeat), so the record is
   * the source: the only send it cannot see is one whose process died between WeChat's answer and the record.
   */
  async sentBefore(msg: OutgoingMessage): Promise<SendResult | undefined> {
    let rec: Record<string, string>;
    try {
      rec = await bounded(this.host.redis.hgetall(this.sentKey(msg)), SENT_RECORD_TIMEOUT_MS, "the sent-record read");
    } catch (err) {
      // Without the record the send goes ahead: a possible repeat is better than a reply never sent.
      this.log.warn({ err: err instanceof Error ? err.message : err, outboundId: msg.outboundId }, "could not read the sent record");
      return undefined;
    }
    if (!rec.id || rec.sig !== this.sentSignature(msg)) return undefined;
    return { platformMessageId: rec.id };
  }

  private async recordSent(msg: OutgoingMessage, result: SendResult): Promise<void> {
    const key = this.sentKey(msg);
    try {
      await bounded(this.host.redis.multi().hset(key, { sig: this.sentSignature(msg), id: result.platformMessageId }).pexpire(key, SENT_RECORD_TTL_MS).exec(), SENT_RECORD_TIMEOUT_MS, "the sent record");
    } catch (err) {
      // The message is out; failing the send now would only make core send it twice.
      this.log.warn({ err: err instanceof Error ? err.message : err, outboundId: msg.outboundId }, "could not record a sent message");
    }
  }

  private async sendAs(account: WechatAccount, selfId: string, msg: OutgoingMessage, opts: SendOptions): Promise<SendResult> {
    const room = await account.bot.Room.find({ id: msg.chatId });
    if (!room) throw await this.goneFor(account, msg.chatId, `room ${msg.chatId} not found`);
    const rendered = renderOutgoing(msg);
    const contact = rendered.mention ? await this.findContact(account, rendered.mention.userId) : undefined;

    const slot = await this.pacer.acquire(selfId, msg.chatId, this.abort.signal, { urgent: msg.urgent === true, bulk: msg.bulk === true, giveWay: opts.giveWay });
    if (slot.warnDailyCap) {
      account.health.record("daily_cap", `${slot.sentToday}/${this.pacer.options.dailyCap}`);
      this.alert(account.role, "daily_cap", `${account.label}今日已发送 ${slot.sentToday} 条，接近每日上限 ${this.pacer.options.dailyCap} 条；达到上限后消息将排队到次日发送。`);
    }
    let ok = false;
    try {
      const said = contact
        ? room.say(tsa([rendered.head, rendered.body]), contact)
        : room.say(renderPlain(rendered));
      const sent = await withTimeout(said, this.opts.sendTimeoutMs, "room.say");
      ok = true;
      const result = { platformMessageId: sent && typeof sent === "object" && "id" in sent ? String(sent.id) : `wechat-${msg.outboundId}-${slot.at}` };
      await this.recordSent(msg, result);
      return result;
    } catch (err) {
      throw await this.sendFailure(account, selfId, msg, err);
    } finally {
      await this.pacer.commit(slot, ok).catch((err) => this.log.warn({ err }, "wechat pace commit failed"));
    }
  }

  /** This account cannot send into the room: transient when another serving account may (the retry picks it). */
  private async goneFor(account: WechatAccount, roomId: string, why: string, cause?: unknown): Promise<SendError> {
    if (account.role !== "standby") account.removedRooms.add(roomId);
    const others = this.accounts().filter((a) => a !== account && a.serving);
    for (const other of others) {
      if (await this.inRoom(other, roomId).catch(() => true)) return new SendError("transient", `${account.role} account cannot send to ${roomId}: ${why}`, { cause });
    }
    if (account.role === "standby") return new SendError("transient", `standby account: ${why}`, { cause });
    return new SendError("chat_gone", why, { cause });
  }

  private async sendFailure(account: WechatAccount, selfId: string, msg: OutgoingMessage, err: unknown): Promise<SendError> {
    const failure = classifySendFailure(err);
    const reason = err instanceof Error ? err.message : String(err);
    if (failure === "too_frequent") {
      const backoff = await this.pacer.pause(selfId);
      account.health.record("rate_limited", `${reason}; paused ${backoff.pauseMs} ms (level ${backoff.level})`);
      if (backoff.fresh) {
        this.alert(account.role, "rate_limited", `${account.label}：微信提示发送过于频繁，暂停发送 ${Math.round(backoff.pauseMs / 1000)} 秒（第 ${backoff.level} 次）。消息保留在队列中，不会丢失。`);
      }
      this.log.warn({ room: msg.chatId, pauseMs: backoff.pauseMs, level: backoff.level }, "wechat too frequent; account paused");
      // Another account in the room may send it at once; only when none can does the whole queue wait.
      if (this.senders.some((a) => a !== account && a.serving)) return new SendError("transient", `${account.role} account paused: ${reason}`, { cause: err });
      return toSendError(failure, err, backoff.pauseMs);
    }
    if (failure === "chat_gone") return this.goneFor(account, msg.chatId, reason, err);
    this.log.warn({ room: msg.chatId, failure, err: reason }, "wechat send failed");
    return toSendError(failure, err, this.opts.loggedOutRetryMs);
  }

  private async findContact(account: WechatAccount, userId: string): Promise<Contact | undefined> {
    try {
      await account.bot.puppet.contactPayload(userId);
      return await account.bot.Contact.find({ id: userId });
    } catch {
      return undefined; // plain-text "@name" instead
    }
  }

  // --- observability

  /** Login state, account gaps and pacing for /healthz. */
  health(): Record<string, unknown> {
    const sender = this.senderFor();
    const extras = this.senders.slice(1);
    return {
      puppet: this.primary.puppetName,
      sending: sender?.role ?? "none",
      sendingAccounts: this.senders.filter((a) => a.serving).length,
      primary: this.primary.health.snapshot(),
      ...(extras.length ? { extra: extras.map((a) => ({ label: a.label, ...a.health.snapshot(), pace: this.pacer.snapshot(a.selfId) })) } : {}),
      ...(this.standby ? { standby: { puppet: this.standby.puppetName, ...this.standby.health.snapshot() } } : {}),
      pace: this.pacer.snapshot(),
    };
  }

  /** What GET /api/wechat/login answers: the QR while waiting for a scan, the logged-in user after. */
  loginState(): Record<string, unknown> {
    const one = (a: WechatAccount) => {
      const h = a.health;
      const s = h.snapshot(0);
      return {
        status: s.status,
        since: s.since,
        ...(s.user && h.status === "logged_in" ? { user: s.user } : {}),
        ...(h.qrcode && h.status !== "logged_in" ? { qrcode: h.qrcode, qrcodeText: h.qrcodeText } : {}),
        gap: s.gap,
      };
    };
    return { ...one(this.primary), ...(this.standby ? { standby: one(this.standby) } : {}) };
  }

  /** Fastify plugin: GET /api/wechat/login. */
  readonly routes: FastifyPluginAsync = async (app) => {
    // Whoever scans this QR code logs a WeChat account into the bot: admins only (the server's auth hook decides
    // from the declared action; the route is for an operator in a browser, so it is not loopback-only).
    app.get("/api/wechat/login", { config: { action: "gateway.admin" } }, async () => this.loginState());
  };
}

/** Build the gateway with explicit options (tests inject a PuppetMock here). */
export function createWechatGateway(host: GatewayHost, config: Config, options: WechatGatewayOptions = {}): WechatGateway {
  return new WechatGateway(host, config, options);
}
