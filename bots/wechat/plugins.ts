// The gateway's behaviour as Wechaty plugins (each returns an uninstaller): account health, the room registry
// and intake. Every listener is wrapped so nothing a puppet emits can crash the process.

import type { Contact, Message, Room, Wechaty, WechatyPlugin } from "wechaty";
import { ScanStatus } from "wechaty";
import qrcodeTerminal from "qrcode-terminal";
import type { Logger } from "pino";
import type { ChatMessage, GatewayHost } from "../../core/ports/index.js";
import type { WechatAccount } from "./account.js";
import type { AccountEventKind } from "./health.js";
import { extractWechatMessage, toChatMessage } from "./message.js";

// === Context

/** What the plugins need from the gateway. */
export interface PluginContext {
  account: WechatAccount;
  host: GatewayHost;
  log: Logger;
  /** Tell admins (host.alert + the admin room); `throttleKey` limits repeats (errors). */
  alert(kind: AccountEventKind | "intake" | "room", message: string, opts?: { throttleKey?: string }): void;
  /**
   * Whether this account's message from `roomId` goes to intake: only the first serving account in the room
   * listens (so a room several accounts are in is heard once); the standby only while no sending account is.
   */
  listening(roomId: string | undefined): Promise<boolean>;
  /** Whether this account's room events update the group registry (every sending account's do). */
  ownsRegistry: boolean;
  /** True when another serving sending account is still in this room (its removal leaves the group active). */
  otherSenderIn(roomId: string): Promise<boolean>;
  /** Print the login QR in the terminal. */
  printQr: boolean;
  /** Heartbeat silence after which the account counts as down (only once the puppet has sent heartbeats). */
  heartbeatTimeoutMs: number;
  /** Not logged in for this long (waiting for a scan, puppet stuck) → one alert per outage. */
  loginAlertMs: number;
  /** Delays between retries of host.submit when Redis refuses a message. */
  submitRetryDelaysMs: number[];
  /** True while the gateway stops: the puppet's own logout on stop is not an incident. */
  isStopping(): boolean;
  /** Called after the account's availability changed (login, logout, heartbeat). */
  availabilityChanged(): void;
}

type Listener = (...args: never[]) => unknown;

/** Attach listeners that never throw; returns the uninstaller. */
function listen(bot: Wechaty, log: Logger, entries: Array<[string, Listener]>): () => void {
  const wrapped = entries.map(([event, fn]) => {
    const safe = (...args: unknown[]) => {
      try {
        const r = (fn as (...a: unknown[]) => unknown)(...args);
        if (r && typeof (r as Promise<unknown>).catch === "function") {
          (r as Promise<unknown>).catch((err) => log.error({ err, event }, "wechat listener failed"));
        }
      } catch (err) {
        log.error({ err, event }, "wechat listener failed");
      }
    };
    bot.on(event as "message", safe);
    return [event, safe] as const;
  });
  return () => {
    for (const [event, safe] of wrapped) bot.off(event as "message", safe);
  };
}

const scanStatusName = (s: number) => ScanStatus[s] ?? String(s);
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e));
const fmtMs = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} 秒` : `${Math.round(ms / 60_000)} 分钟`);

// === Health

/**
 * Account health: scan (QR printed and kept for GET /api/wechat/login), login, logout, error and heartbeat,
 * each recorded with a timestamp; login, logout, errors and heartbeat loss alert admins. Reconnecting is the
 * puppet's own business (its watchdog resets it; wechat4u re-emits a QR code) — we only watch and tell.
 */
export function healthPlugin(ctx: PluginContext): WechatyPlugin {
  return (bot) => {
    const { account, log } = ctx;
    const h = account.health;
    const who = account.label;
    const uninstall = listen(bot, log, [
      [
        "scan",
        ((qrcode: string, status: number) => {
          let drawn: string | undefined;
          if (qrcode) qrcodeTerminal.generate(qrcode, { small: true }, (q) => (drawn = q));
          h.onScan(qrcode, scanStatusName(status), drawn);
          log.info({ role: account.role, status: scanStatusName(status) }, "wechat login QR code (also on GET /api/wechat/login)");
          if (ctx.printQr && drawn && (status === ScanStatus.Waiting || status === ScanStatus.Timeout)) {
            process.stdout.write(`\nGridlink WeChat ${account.role}: scan with the bot's WeChat to log in\n${drawn}\n${qrcode}\n\n`);
          }
        }) as Listener,
      ],
      [
        "login",
        ((user: Contact) => {
          const gapBefore = h.snapshot(0).gap.currentMs;
          h.onLogin({ id: user.id, name: user.name() });
          account.removedRooms.clear();
          log.info({ role: account.role, user: user.id }, "wechat logged in");
          ctx.alert("login", `${who}「${user.name()}」已登录${gapBefore >= 1000 ? `（此前不可用 ${fmtMs(gapBefore)}）` : ""}`);
          ctx.availabilityChanged();
        }) as Listener,
      ],
      [
        "logout",
        ((user: Contact, reason?: string) => {
          if (ctx.isStopping()) return;
          h.onLogout(reason);
          log.warn({ role: account.role, user: user?.id, reason }, "wechat logged out");
          ctx.alert("logout", `${who}「${user?.name?.() ?? ""}」已退出登录${reason ? `：${reason}` : ""}。等待重新登录（扫码见 /api/wechat/login）。`);
          ctx.availabilityChanged();
        }) as Listener,
      ],
      [
        "error",
        ((err: unknown) => {
          const message = errorMessage(err);
          h.onError(message);
          log.warn({ role: account.role, err: message }, "wechat error");
          if (/watchdog/i.test(message)) {
            // The puppet's own watchdog missed heartbeats and is resetting the puppet.
            if (h.onHeartbeatLost(message)) {
              ctx.alert("heartbeat_lost", `${who}心跳中断，微信连接正在重置：${message}`);
              ctx.availabilityChanged();
            }
            return;
          }
          ctx.alert("error", `${who}出错：${message}`, { throttleKey: message.slice(0, 80) });
        }) as Listener,
      ],
      [
        "heartbeat",
        (() => {
          if (h.onHeartbeat()) {
            ctx.alert("heartbeat_back", `${who}心跳恢复`);
            ctx.availabilityChanged();
          }
        }) as Listener,
      ],
    ]);

    // Heartbeat silence (only meaningful for puppets that send heartbeats at all) and long outages.
    const every = Math.max(50, Math.min(30_000, Math.floor(Math.min(ctx.heartbeatTimeoutMs, ctx.loginAlertMs) / 3)));
    let alertedOutage = -1;
    const timer = setInterval(() => {
      try {
        const gap = h.snapshot(0).gap;
        if (h.status !== "logged_in" && h.status !== "stopped" && gap.down && gap.currentMs > ctx.loginAlertMs && alertedOutage !== gap.count) {
          alertedOutage = gap.count;
          const hint = h.status === "waiting_scan" ? "请用机器人微信扫码登录（二维码见终端或 /api/wechat/login）" : `当前状态：${h.status}`;
          ctx.alert("logout", `${who}已 ${fmtMs(gap.currentMs)} 未登录。${hint}`);
        }
        const age = h.heartbeatAgeMs();
        if (h.status === "logged_in" && age !== undefined && age > ctx.heartbeatTimeoutMs) {
          if (h.onHeartbeatLost(`no heartbeat for ${age} ms`)) {
            log.warn({ role: account.role, age }, "wechat heartbeat lost");
            ctx.alert("heartbeat_lost", `${who}已 ${fmtMs(age)} 没有心跳，可能已掉线`);
            ctx.availabilityChanged();
          }
        }
      } catch (err) {
        log.error({ err }, "wechat heartbeat check failed");
      }
    }, every);
    timer.unref();

    return () => {
      clearInterval(timer);
      uninstall();
    };
  };
}

// === Room registry

/** Room topic, or undefined when the puppet cannot tell. */
async function topicOf(room: Room): Promise<string | undefined> {
  try {
    return (await room.topic()) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The group registry follows the sending accounts: every room one of them is in is registered (active) at login and
 * when the puppet is ready; joins, topic changes and the bot's removal update it. Core decides "enabled".
 */
export function roomRegistryPlugin(ctx: PluginContext): WechatyPlugin {
  return (bot) => {
    const { account, host, log } = ctx;
    let syncing: Promise<void> | undefined;

    const sync = () => {
      if (!ctx.ownsRegistry) return Promise.resolve();
      syncing ??= (async () => {
        const selfId = account.selfId;
        const rooms = await bot.Room.findAll();
        let registered = 0;
        for (const room of rooms) {
          try {
            // Some puppets list rooms the account has left; skip those we can see we are not in.
            const members = await bot.puppet.roomMemberList(room.id).catch(() => [] as string[]);
            if (selfId && members.length > 0 && !members.includes(selfId)) continue;
            await host.groups.seen("wechat", room.id, { title: await topicOf(room), active: true });
            registered += 1;
          } catch (err) {
            log.warn({ err, room: room.id }, "wechat room registration failed");
          }
        }
        log.info({ rooms: registered }, "wechat rooms registered");
      })().finally(() => (syncing = undefined));
      return syncing;
    };

    return listen(bot, log, [
      ["login", (() => sync()) as Listener],
      ["ready", (() => sync()) as Listener],
      [
        "room-join",
        (async (room: Room, invitees: Contact[]) => {
          const selfId = account.selfId;
          if (invitees.some((c) => c.id === selfId)) {
            account.removedRooms.delete(room.id);
            if (!ctx.ownsRegistry) return;
            const title = await topicOf(room);
            await host.groups.seen("wechat", room.id, { title, active: true });
            log.info({ room: room.id }, "wechat bot joined a room");
            ctx.alert("room", `机器人已加入群「${title ?? room.id}」（未启用，网格员在群内发送 #启用 后开始服务）`);
          } else if (ctx.ownsRegistry) {
            await host.groups.seen("wechat", room.id, { title: await topicOf(room) });
          }
        }) as Listener,
      ],
      [
        "room-leave",
        (async (room: Room, leavers: Contact[], remover?: Contact) => {
          const selfId = account.selfId;
          if (!selfId || !leavers.some((c) => c.id === selfId)) return;
          account.removedRooms.add(room.id);
          if (!ctx.ownsRegistry) return;
          if (await ctx.otherSenderIn(room.id)) {
            log.warn({ room: room.id }, "wechat account removed from a room another account still serves");
            ctx.alert("room", `${account.label}已被移出群「${(await topicOf(room)) ?? room.id}」，由其他账号继续发送`);
            return;
          }
          await host.groups.setActive("wechat", room.id, false, `bot removed${remover ? ` by ${remover.id}` : ""}`);
          log.warn({ room: room.id }, "wechat bot removed from a room");
          ctx.alert("room", `机器人已被移出群「${(await topicOf(room)) ?? room.id}」`);
        }) as Listener,
      ],
      [
        "room-topic",
        (async (room: Room, newTopic: string) => {
          if (!ctx.ownsRegistry) return;
          await host.groups.seen("wechat", room.id, { title: newTopic });
        }) as Listener,
      ],
    ]);
  };
}

// === Intake

/**
 * Room text messages → ChatMessage → host.submit. Non-text, direct and own messages are dropped by
 * toChatMessage. WeChat never redelivers, so a refused submit (Redis down) is retried until Redis is back —
 * the listed delays, then the last one again and again — with an alert once the quick retries are used up.
 * Only stopping the gateway gives a waiting message up (logged).
 */
export function intakePlugin(ctx: PluginContext): WechatyPlugin {
  return (bot) => {
    const { log, host } = ctx;

    const submit = async (chat: ChatMessage) => {
      for (let attempt = 0; ; attempt++) {
        try {
          await host.submit(chat);
          return;
        } catch (err) {
          if (ctx.isStopping()) {
            log.error({ err, chatId: chat.chatId, messageId: chat.messageId }, "gateway stopping: a wechat message waiting for the queue was given up");
            return;
          }
          const delays = ctx.submitRetryDelaysMs;
          if (attempt === delays.length) {
            ctx.alert("intake", `群消息暂时无法进入处理队列（Redis 不可用？），正在持续重试：${errorMessage(err)}`, { throttleKey: "submit" });
          }
          await new Promise((r) => setTimeout(r, delays[Math.min(attempt, delays.length - 1)] ?? 1000));
        }
      }
    };

    return listen(bot, log, [
      [
        "message",
        (async (message: Message) => {
          if (message.self()) return;
          if (!(await ctx.listening(message.room()?.id))) return;
          const chat = toChatMessage(await extractWechatMessage(message));
          if (!chat) return;
          await submit(chat);
        }) as Listener,
      ],
    ]);
  };
}
