// SLA as data: minutes to accept and to resolve per category and severity (the SlaRule table, seeded by the
// migration: safety 1 h / 24 h, utilities 2 h / 24 h, everything else 24 h / 5 days). Admins edit it; audited.

import { recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { AppError } from "../infra/errors.js";
import { inTransaction, type Tx } from "../infra/rows.js";
import { authorize, type Actor } from "../policy/authorize.js";

/** One SLA rule; category "*" and severity 0 mean "any". */
export interface SlaRule {
  category: string;
  severity: number;
  acceptMinutes: number;
  resolveMinutes: number;
}

/** Used when the table has no row at all (a database without the seed). */
export const FALLBACK_SLA: SlaRule = { category: "*", severity: 0, acceptMinutes: 24 * 60, resolveMinutes: 5 * 24 * 60 };

const pick = (r: SlaRule): SlaRule => ({ category: r.category, severity: r.severity, acceptMinutes: r.acceptMinutes, resolveMinutes: r.resolveMinutes });

/** The rule for a ticket: category and severity, else the category, else "*" with the severity, else "*". */
export async function slaRuleFor(db: Db | Tx, t: { category: string; severity: number }): Promise<SlaRule> {
  const rows = await db.slaRule.findMany({ where: { category: { in: [t.category, "*"] }, severity: { in: [t.severity, 0] } } });
  const rank = (r: SlaRule) => (r.category === t.category ? 0 : 2) + (r.severity === t.severity && r.severity !== 0 ? 0 : 1);
  const best = rows.sort((a, b) => rank(a) - rank(b))[0];
  return best ? pick(best) : FALLBACK_SLA;
}

/** Every rule, category order ("*" last). */
export async function listSla(opts: { db: Db | Tx; actor: Actor }): Promise<SlaRule[]> {
  authorize(opts.actor, "sla.read");
  const rows = await opts.db.slaRule.findMany({ orderBy: [{ category: "asc" }, { severity: "asc" }] });
  return rows.map(pick).sort((a, b) => Number(a.category === "*") - Number(b.category === "*"));
}

/** Options of setSla. */
export interface SetSlaOptions {
  db: Db | Tx;
  actor: Actor;
  /** A category code (utilities, safety, …) or "*" for every other. */
  category: string;
  /** 1–5, or 0 for any severity. @defaultValue 0 */
  severity?: number;
  acceptMinutes: number;
  resolveMinutes: number;
  /** The categories that exist (checked so a typo does not make a rule nothing uses). */
  categories: readonly string[];
}

/** Create or change one rule (admins); audited with before and after. Applies to clocks armed from now on. */
export async function setSla(opts: SetSlaOptions): Promise<SlaRule> {
  authorize(opts.actor, "sla.edit");
  const severity = opts.severity ?? 0;
  if (opts.category !== "*" && !opts.categories.includes(opts.category)) throw new AppError("bad_request", { message: `category: must be "*" or one of ${opts.categories.join(", ")}` });
  if (!Number.isInteger(severity) || severity < 0 || severity > 5) throw new AppError("bad_request", { message: "severity: must be 0 (any) to 5" });
  for (const [k, v] of [["acceptMinutes", opts.acceptMinutes], ["resolveMinutes", opts.resolveMinutes]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 365 * 24 * 60) throw new AppError("bad_request", { message: `${k}: must be a whole number of minutes from 1 to 525600` });
  }
  if (opts.resolveMinutes < opts.acceptMinutes) throw new AppError("bad_request", { message: "resolveMinutes: must not be shorter than acceptMinutes" });
  return inTransaction(opts.db, async (tx) => {
    const where = { category_severity: { category: opts.category, severity } };
    const before = await tx.slaRule.findUnique({ where });
    const data = { acceptMinutes: opts.acceptMinutes, resolveMinutes: opts.resolveMinutes };
    const row = await tx.slaRule.upsert({ where, create: { category: opts.category, severity, ...data }, update: data });
    await recordAudit(tx, { actor: opts.actor, action: "sla.set", subject: `sla:${opts.category}:${severity}`, before: before ? pick(before) : null, after: pick(row) });
    return pick(row);
  });
}

/** "1 小时", "5 天", "90 分钟" / "1 h", "5 days". */
export function durationLabel(minutes: number, lang: "zh" | "en" = "zh"): string {
  if (minutes % 1440 === 0) return lang === "zh" ? `${minutes / 1440} 天` : `${minutes / 1440} day${minutes === 1440 ? "" : "s"}`;
  if (minutes % 60 === 0) return lang === "zh" ? `${minutes / 60} 小时` : `${minutes / 60} h`;
  return lang === "zh" ? `${minutes} 分钟` : `${minutes} min`;
}
