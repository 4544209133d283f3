// The Telegram features, as grammY Composer modules: deduplicate updates, keep the group registry in step
// with the bot's memberships, and hand group messages to core's intake. The same middleware stack serves
// long polling and the webhook.

import { Composer, type Context } from "grammy";
import type { ChatMember } from "grammy/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { GatewayHost } from "../../core/ports/index.js";
import { toChatMessage } from "./to-chat-message.js";

/** The context type of Gridlink's Telegram middleware (plain grammY; nothing of it crosses into core). */
export type BotContext = Context;

/** Update types the bot asks Telegram for; my_chat_member is needed for joins and kicks. */
export const ALLOWED_UPDATES = ["message", "edited_message", "my_chat_member"] as const;

/**
 * Drop an update whose update_id was already handled (Telegram re-sends a webhook update that was not
 * answered in time; long polling re-delivers unconfirmed updates after a restart). The mark is a Redis
 * `SET NX` with a TTL under the host's prefix, shared by every process; it is removed again when handling
 * fails, so the re-send that follows a 503 is processed rather than swallowed.
 */
export function dedupeUpdates(opts: { redis: Redis; keyPrefix: string; ttlSeconds: number; log: Logger }): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(async (ctx, next) => {
    const key = `${opts.keyPrefix}:update:${ctx.update.update_id}`;
    // "pending" while one request handles the update; "done" only once it is queued. A re-send that arrives
    // while the first is still pending fails (503 → Telegram tries again later) instead of being swallowed.
    const fresh = await opts.redis.set(key, "pending", "EX", 120, "NX");
    if (fresh !== "OK") {
      if ((await opts.redis.get(key)) === "done") {
        opts.log.debug({ updateId: ctx.update.update_id }, "duplicate update ignored");
        return;
      }
      throw new Error(`update ${ctx.update.update_id} is still being handled by another request`);
    }
    try {
      await next();
      await opts.redis.set(key, "done", "EX", opts.ttlSeconds);
    } catch (err) {
      await opts.redis.del(key).catch(() => undefined);
      throw err;
    }
  });
  return c;
}

/** A membership in which the bot can read and write the group. */
export function isActiveMember(m: ChatMember): boolean {
  switch (m.status) {
    case "creator":
    case "administrator":
    case "member":
      return true;
    case "restricted":
      return m.is_member;
    default:
      return false;
  }
}

const isGroup = (type: string) => type === "group" || type === "supergroup";

/**
 * Keep core's group registry in step with the bot: added → seen + active; left or kicked → inactive;
 * group upgraded to a supergroup (`migrate_to_chat_id`) → migrate, so the group keeps its tickets and tags;
 * `new_chat_title` → the new title.
 */
export function groupRegistry(host: Pick<GatewayHost, "groups">, log: Logger): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on("my_chat_member", async (ctx, next) => {
    const upd = ctx.myChatMember;
    if (isGroup(upd.chat.type)) {
      const chatId = String(upd.chat.id);
      const title = "title" in upd.chat ? upd.chat.title : undefined;
      const active = isActiveMember(upd.new_chat_member);
      const reason = active ? `added (${upd.new_chat_member.status})` : upd.new_chat_member.status;
      if (active) await host.groups.seen("telegram", chatId, { title, active: true });
      await host.groups.setActive("telegram", chatId, active, reason);
      log.info({ chatId, status: upd.new_chat_member.status }, active ? "bot added to group" : "bot removed from group");
    }
    await next();
  });
  c.on("message:migrate_to_chat_id", async (ctx, next) => {
    const msg = ctx.message;
    const oldChatId = String(msg.chat.id);
    const newChatId = String(msg.migrate_to_chat_id);
    await host.groups.migrate("telegram", oldChatId, newChatId);
    log.info({ oldChatId, newChatId }, "group upgraded to supergroup");
    await next();
  });
  c.on("message:new_chat_title", async (ctx, next) => {
    if (isGroup(ctx.message.chat.type)) {
      await host.groups.seen("telegram", String(ctx.message.chat.id), { title: ctx.message.new_chat_title });
    }
    await next();
  });
  return c;
}

/**
 * Group messages and captions → core's intake queue. Resolves only after `host.submit` did (the message is
 * durably queued); a failure propagates so the webhook answers 503 and the poller retries.
 */
export function intake(host: Pick<GatewayHost, "submit">): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(async (ctx, next) => {
    const msg = toChatMessage(ctx.update, { botUsername: ctx.me.username });
    if (msg) await host.submit(msg);
    await next();
  });
  return c;
}
