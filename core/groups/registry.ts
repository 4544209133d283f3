// The group registry: which chats the bot is in, their titles, grid, tags and whether Gridlink acts there.

import type { GroupRegistry, Platform } from "../ports/chat.js";
import type { Db } from "../infra/db.js";
import type { Logger } from "../infra/log.js";
import { ensureGridNode, seedOrg } from "../org/org-tree.js";

/** WeChat rooms start disabled: the bot listens silently until a leader sends #启用. */
export const enabledByDefault = (platform: Platform): boolean => platform !== "wechat";

/** Find or create the group row of a chat; updates the title when it changed. */
export async function ensureGroup(prisma: Db, platform: Platform, chatId: string, title?: string) {
  const existing = await prisma.group.findUnique({ where: { platform_chatId: { platform, chatId } } });
  if (existing) {
    if (title && title !== existing.title) return prisma.group.update({ where: { id: existing.id }, data: { title } });
    return existing;
  }
  try {
    return await prisma.group.create({
      data: { platform, chatId, title: title ?? chatId, enabled: enabledByDefault(platform) },
    });
  } catch (err) {
    // Another worker created it between our read and write.
    const again = await prisma.group.findUnique({ where: { platform_chatId: { platform, chatId } } });
    if (again) return again;
    throw err;
  }
}

/**
 * The private chat with a person (Telegram): a direct Group row — never an audience, never enabled for complaints —
 * created on first use (the first staff notice, or the first command typed there). `db` may be a transaction.
 */
export async function ensureDirectChat(db: Pick<Db, "group">, platform: Platform | string, userId: string, name: string) {
  const where = { platform_chatId: { platform, chatId: userId } };
  // A read first (no write, no row lock in the caller's transaction once it exists); when new, one
  // INSERT … ON CONFLICT DO UPDATE — Prisma's native upsert needs a non-empty update (a same-value one here; an
  // empty one reads, then inserts, and fails the second of two first notices at once on PostgreSQL).
  return (
    (await db.group.findUnique({ where })) ??
    db.group.upsert({ where, create: { platform, chatId: userId, title: `私聊:${name}`, direct: true, enabled: false }, update: { platform } })
  );
}

export { joinTags, splitTags } from "../infra/rows.js";

/** The registry gateways report to. */
export function createGroupRegistry(prisma: Db, log: Logger): GroupRegistry {
  return {
    async seen(platform, chatId, info) {
      const g = await ensureGroup(prisma, platform, chatId, info.title);
      const data: { active?: boolean; grid?: string; gridNodeId?: number; community?: string } = {};
      if (info.active !== undefined && g.active !== info.active) data.active = info.active;
      if (info.grid && (!g.grid || g.gridNodeId === null)) {
        // a grid set by staff is never overwritten; the gateway's grid (and its community, street) join the tree
        const tree = [
          ...(info.street ? [{ kind: "street" as const, name: info.street }] : []),
          ...(info.community ? [{ kind: "community" as const, name: info.community, parent: info.street }] : []),
          { kind: "grid" as const, name: info.grid, parent: info.community },
        ];
        await seedOrg(prisma, tree);
        if (!g.grid) data.grid = info.grid;
        data.gridNodeId = await ensureGridNode(prisma, g.grid ?? info.grid);
      }
      if (info.community && !g.community) data.community = info.community;
      if (Object.keys(data).length > 0) await prisma.group.update({ where: { id: g.id }, data });
    },
    async setActive(platform, chatId, active, reason) {
      const g = await ensureGroup(prisma, platform, chatId);
      if (g.active !== active) {
        await prisma.group.update({ where: { id: g.id }, data: { active } });
        log.info({ platform, chatId, active, reason }, active ? "group active" : "group inactive");
      }
    },
    async migrate(platform, oldChatId, newChatId) {
      if (oldChatId === newChatId) return;
      await prisma.$transaction(async (tx) => {
        const old = await tx.group.findUnique({ where: { platform_chatId: { platform, chatId: oldChatId } } });
        const target = await tx.group.findUnique({ where: { platform_chatId: { platform, chatId: newChatId } } });
        if (!old) {
          if (!target) await tx.group.create({ data: { platform, chatId: newChatId, title: newChatId, enabled: enabledByDefault(platform) } });
          return;
        }
        if (target) {
          // The new chat already spoke before the migration notice arrived: fold it into the old identity.
          await tx.message.updateMany({ where: { groupId: target.id }, data: { groupId: old.id } });
          await tx.ticket.updateMany({ where: { groupId: target.id }, data: { groupId: old.id } });
          await tx.outboundMessage.updateMany({ where: { groupId: target.id }, data: { groupId: old.id } });
          await tx.group.delete({ where: { id: target.id } });
        }
        await tx.group.update({ where: { id: old.id }, data: { chatId: newChatId, active: true } });
      });
      log.info({ platform, oldChatId, newChatId }, "group migrated to a new chat id");
    },
  };
}
