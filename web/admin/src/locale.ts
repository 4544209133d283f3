// The admin's own words (zh-CN first, English second where it helps). Names of categories, statuses and ticket
// actions come from the API (GET /api/labels), so they never drift from what the bot says in the groups.

/** Staff roles as people read them. */
export const ROLE_LABELS: Record<string, string> = {
  admin: "管理员 admin",
  street: "街道工作人员 street",
  grid_leader: "网格长 grid leader",
  viewer: "只读 viewer",
  resident: "居民 resident",
};

/** Broadcast states. */
export const BROADCAST_STATUS: Record<string, string> = {
  draft: "草稿",
  scheduled: "定时",
  sending: "发送中",
  paused: "已暂停",
  done: "已完成",
  cancelled: "已取消",
};

/** Seconds as 「3 分钟」/「2.5 小时」. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${Math.round(seconds)} 秒`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} 分钟`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} 小时`;
  return `${(seconds / 86400).toFixed(1)} 天`;
}

/** A time in China time, 2026-12-01 18:05. */
export function chinaTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
}
