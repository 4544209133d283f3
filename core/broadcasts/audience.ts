// A broadcast's audience: all, a platform, a grid or community, group tags (any/all) or an explicit list of
// group ids — written as one scope string so it is stored, audited and typed the same way everywhere.

import { AppError } from "../infra/errors.js";
import { splitTags, type Tx } from "../infra/rows.js";
import { PLATFORMS, type Platform } from "../ports/chat.js";
import type { Actor } from "../policy/authorize.js";

/** A parsed audience. `grid` is set when the audience names one grid (what authorize checks). */
export type Audience =
  | { kind: "all" }
  | { kind: "platform"; platform: Platform }
  | { kind: "grid"; grid: string }
  | { kind: "community"; community: string }
  | { kind: "tags"; tags: string[]; match: "any" | "all" }
  | { kind: "groups"; ids: number[] };

const PLATFORM_WORDS: Record<string, Platform> = { 微信: "wechat", wechat: "wechat", telegram: "telegram", tg: "telegram", playground: "playground" };

/**
 * Parse `all`, `platform:wechat`, `grid:<grid>`, `community:<name>`, `tag:<tag>`, `tags:<a,b>` (any),
 * `tags-all:<a,b>`, `groups:<id,id>`. Bad input is a clear error saying what exists.
 */
export function parseAudience(scope: string): Audience {
  const cut = scope.indexOf(":");
  const [kind, value] = cut >= 0 ? [scope.slice(0, cut), scope.slice(cut + 1).trim()] : [scope.trim(), ""];
  const list = (v: string) => v.split(/[,，]/).map((x) => x.trim().toLowerCase()).filter(Boolean);
  const bad = () => new AppError("bad_request", { message: `broadcast scope must be all, platform:<wechat|telegram>, grid:<grid>, community:<name>, tag:<tag>, tags:<a,b>, tags-all:<a,b> or groups:<id,id> (got "${scope}")` });
  switch (kind) {
    case "all":
      return { kind: "all" };
    case "platform": {
      const platform = PLATFORM_WORDS[value.toLowerCase()];
      if (!platform || !PLATFORMS.includes(platform)) throw bad();
      return { kind: "platform", platform };
    }
    case "grid":
      if (!value) throw bad();
      return { kind: "grid", grid: value };
    case "community":
      if (!value) throw bad();
      return { kind: "community", community: value };
    case "tag":
    case "tags":
    case "tags-any":
      if (!list(value).length) throw bad();
      return { kind: "tags", tags: list(value), match: "any" };
    case "tags-all":
      if (!list(value).length) throw bad();
      return { kind: "tags", tags: list(value), match: "all" };
    case "groups": {
      const ids = value.split(/[,，]/).map((x) => Number(x.trim()));
      if (!ids.length || ids.some((n) => !Number.isInteger(n) || n <= 0)) throw bad();
      return { kind: "groups", ids };
    }
    default:
      throw bad();
  }
}

/** A group the audience reaches, or one it names but that cannot receive (inactive, disabled). */
export interface AudienceGroup {
  id: number;
  title: string;
  platform: Platform;
  grid: string | null;
}

/** Who receives and who is skipped (with why). A leader's audience never leaves their grid. */
export async function resolveAudience(opts: { tx: Tx; actor: Actor; audience: Audience }): Promise<{ targets: AudienceGroup[]; skipped: Array<AudienceGroup & { reason: string }> }> {
  const { audience } = opts;
  const leaderGrid = opts.actor.role === "grid_leader" && opts.actor.grid ? opts.actor.grid : undefined;
  const rows = await opts.tx.group.findMany({
    where: {
      direct: false, // a staff member's private chat is never an audience
      ...(audience.kind === "platform" ? { platform: audience.platform } : {}),
      ...(audience.kind === "grid" ? { grid: audience.grid } : {}),
      ...(audience.kind === "community" ? { community: audience.community } : {}),
      ...(audience.kind === "groups" ? { id: { in: audience.ids } } : {}),
      ...(leaderGrid ? { AND: [{ grid: leaderGrid }] } : {}),
    },
    orderBy: { id: "asc" },
    select: { id: true, title: true, platform: true, grid: true, tags: true, active: true, enabled: true },
  });
  const inAudience =
    audience.kind === "tags"
      ? rows.filter((g) => {
          const tags = splitTags(g.tags);
          return audience.match === "all" ? audience.tags.every((t) => tags.includes(t)) : audience.tags.some((t) => tags.includes(t));
        })
      : rows;
  const targets: AudienceGroup[] = [];
  const skipped: Array<AudienceGroup & { reason: string }> = [];
  for (const g of inAudience) {
    const group = { id: g.id, title: g.title, platform: g.platform as Platform, grid: g.grid };
    if (!g.active) skipped.push({ ...group, reason: "inactive: the bot is no longer in this chat" });
    else if (!g.enabled) skipped.push({ ...group, reason: "disabled: Gridlink is not enabled in this group" });
    else targets.push(group);
  }
  return { targets, skipped };
}
