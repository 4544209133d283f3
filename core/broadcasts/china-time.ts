// Times people type for a schedule ("2026-12-02 08:00", "12-02 08:00") are China time (UTC+8, no daylight
// saving) unless they carry an offset; shown back the same way.

import { AppError } from "../infra/errors.js";

const CHINA_OFFSET_MS = 8 * 3600_000;

/** Parse a schedule time; a date without a year is the next such date. Bad input is a clear error. */
export function parseChinaTime(raw: string, now = new Date()): Date {
  const s = raw.trim();
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) && !Number.isNaN(Date.parse(s))) return new Date(s);
  const m = /^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：时](\d{2})?分?)?$/.exec(s);
  if (!m) throw new AppError("bad_request", { message: `time must look like "2026-12-02 08:00" or "12-02 08:00" (China time), got "${raw}"` });
  const [, y, mo, d, h = "0", mi = "0"] = m;
  const at = (year: number) => new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi)) - CHINA_OFFSET_MS);
  const nowYear = new Date(now.getTime() + CHINA_OFFSET_MS).getUTCFullYear();
  let date = at(y ? Number(y) : nowYear);
  if (!y && date < now) date = at(nowYear + 1);
  if (Number.isNaN(date.getTime()) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59) throw new AppError("bad_request", { message: `not a valid time: "${raw}"` });
  return date;
}

/** "2026-12-02 08:00" in China time. */
export function formatChinaTime(date: Date): string {
  return new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}

/** The China day of an instant, "2026-12-02" (what the stats group tickets by). */
export function chinaDay(date: Date): string {
  return new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}
