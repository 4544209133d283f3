// One WeChat account: a Wechaty instance, its health, and the rooms it was removed from.
// The gateway runs a primary account, optionally extra sending accounts (rooms go to the accounts in them) and a
// standby that sends while none of those serves.

import { WechatyBuilder, type Wechaty, type WechatyOptions } from "wechaty";
import type { Logger } from "pino";
import { AccountHealth } from "./health.js";

/** A puppet instance (tests pass a PuppetMock); production passes a module name from config instead. */
export type WechatPuppetInstance = Exclude<NonNullable<WechatyOptions["puppet"]>, string>;

/** How an account connects: a puppet module name (+ token) or a ready puppet instance. */
export type WechatPuppetSpec =
  | { kind: "module"; name: string; token?: string }
  | { kind: "instance"; puppet: WechatPuppetInstance };

/** The roles an account can have: the primary and extra accounts send; the standby steps in when none serves. */
export type AccountRole = "primary" | "extra" | "standby";

/** One account of the gateway. Holds no logic beyond building the bot; plugins attach the behaviour. */
export class WechatAccount {
  readonly bot: Wechaty;
  readonly health: AccountHealth;
  /** Rooms this account was removed from since login: sending there is chat_gone without asking. */
  readonly removedRooms = new Set<string>();
  /** Label for logs and /healthz ("wechaty-puppet-service", "PuppetMock<…>"). */
  readonly puppetName: string;

  /** How alerts name the account (主账号, 账号2, 备用账号). */
  readonly label: string;

  constructor(
    readonly role: AccountRole,
    spec: WechatPuppetSpec,
    opts: { memoryName?: string; now?: () => number; log: Logger; label?: string },
  ) {
    this.health = new AccountHealth(role, opts.now);
    this.label = opts.label ?? (role === "primary" ? "主账号" : role === "standby" ? "备用账号" : "账号");
    const name = opts.memoryName;
    if (spec.kind === "instance") {
      this.puppetName = safeName(spec.puppet);
      this.bot = WechatyBuilder.build({ puppet: spec.puppet, ...(name ? { name } : {}) });
    } else {
      this.puppetName = spec.name;
      this.bot = WechatyBuilder.build({
        // Any installed puppet module works; the official list is only a type.
        puppet: spec.name as never,
        puppetOptions: spec.token ? { token: spec.token } : {},
        ...(name ? { name } : {}),
      });
    }
  }

  /** The logged-in user's contact id, or undefined. */
  get selfId(): string | undefined {
    try {
      return this.bot.isLoggedIn ? this.bot.currentUser.id : undefined;
    } catch {
      return undefined;
    }
  }

  /** True when this account can send now. */
  get serving(): boolean {
    return this.health.serving && this.selfId !== undefined;
  }
}

function safeName(puppet: WechatPuppetInstance): string {
  try {
    return puppet.name();
  } catch {
    return "puppet";
  }
}
