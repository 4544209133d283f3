// The street office's FAQ in the database: seeded from lexicon/faq/*.yaml (entries the database has never
// seen), listed, added or updated, removed — every change audited in the one audit trail (AuditEvent: who,
// when, before, after) in the same transaction as the change. Curated like the lexicon; the files only seed.
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { actorFromString, recordAudit } from "../audit/record-audit.js";
import type { Db } from "../infra/db.js";
import { ROOT } from "../infra/db.js";
import type { Tx } from "../infra/rows.js";
import { AppError } from "../infra/errors.js";
import { zodMessage } from "../transports/http/errors.js";

// === Types

/** One FAQ entry as curated. */
export interface FaqEntry {
  key: string;
  category: string;
  questions: string[];
  answer: string;
  answerEn?: string;
  enabled: boolean;
}

/** An entry as stored. */
export interface FaqRow extends FaqEntry {
  source: "seed" | "admin";
  updatedAt: Date;
}

/** The shipped FAQ folder. */
export const DEFAULT_FAQ_DIR = path.join(ROOT, "lexicon", "faq");

const KEY = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be lower-case letters, digits and - (at most 64)");

/** What an entry must look like (files, CLI and HTTP share it). */
export const FaqInput = z
  .object({
    key: KEY,
    category: z.string().min(1).max(40).default("other"),
    questions: z.array(z.string().trim().min(2).max(120)).min(1, "must have at least one question").max(50),
    answer: z.string().trim().min(2).max(1000),
    answerEn: z.string().trim().min(2).max(1500).optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
/** Input accepted for an entry (defaults filled in by the schema). */
export type FaqInputType = z.input<typeof FaqInput>;

// === Files

/** Parse one FAQ YAML file (a list of entries; answer_en may be written answerEn). Throws naming the file and entry. */
export function parseFaqFile(text: string, file: string): FaqEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new AppError("bad_request", { message: `${file}: not valid YAML: ${(err as Error).message.split("\n")[0]}` });
  }
  if (doc == null) return [];
  if (!Array.isArray(doc)) throw new AppError("bad_request", { message: `${file}: must be a list of entries (- key: …)` });
  return doc.map((raw, i) => {
    const obj = raw && typeof raw === "object" ? { ...(raw as Record<string, unknown>) } : raw;
    if (obj && typeof obj === "object" && "answer_en" in obj) {
      (obj as Record<string, unknown>).answerEn = (obj as Record<string, unknown>).answer_en;
      delete (obj as Record<string, unknown>).answer_en;
    }
    const parsed = FaqInput.safeParse(obj);
    if (!parsed.success) throw new AppError("bad_request", { message: `${file}: entry ${i + 1}: ${zodMessage(parsed.error)}` });
    return parsed.data;
  });
}

/** Every entry of a folder's *.yaml files; a key may appear once across them. */
export function loadFaqDir(dir = DEFAULT_FAQ_DIR): FaqEntry[] {
  if (!fs.existsSync(dir)) return [];
  const out: FaqEntry[] = [];
  const seen = new Map<string, string>();
  for (const name of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const e of parseFaqFile(fs.readFileSync(path.join(dir, name), "utf8"), name)) {
      if (seen.has(e.key)) throw new AppError("bad_request", { message: `${name}: key ${e.key} is already used in ${seen.get(e.key)}` });
      seen.set(e.key, name);
      out.push(e);
    }
  }
  return out;
}

// === Rows

type Row = Awaited<ReturnType<Db["faq"]["findFirstOrThrow"]>>;

function toRow(r: Row): FaqRow {
  let questions: string[] = [];
  try {
    const v = JSON.parse(r.questions) as unknown;
    if (Array.isArray(v)) questions = v.map(String);
  } catch {
    questions = [];
  }
  return { key: r.key, category: r.category, questions, answer: r.answer, answerEn: r.answerEn ?? undefined, enabled: r.enabled, source: r.source as "seed" | "admin", updatedAt: r.updatedAt };
}

const snapshot = (e: FaqEntry) => ({ key: e.key, category: e.category, questions: e.questions, answer: e.answer, answerEn: e.answerEn ?? null, enabled: e.enabled });

/** The audit subject of an FAQ entry (actions faq.seed, faq.add, faq.update, faq.remove). */
export const faqSubject = (key: string): string => `faq:${key}`;

/** One change in the one audit trail (seeding is shipped data, not an administrative change: not audited). */
const audit = (tx: Tx, key: string, action: "add" | "update" | "remove", actor: string, before: FaqEntry | null, after: FaqEntry | null) =>
  recordAudit(tx, { actor: actorFromString(actor), action: `faq.${action}`, subject: faqSubject(key), before: before && snapshot(before), after: after && snapshot(after) });
const data = (e: FaqEntry) => ({ category: e.category, questions: JSON.stringify(e.questions), answer: e.answer, answerEn: e.answerEn ?? null, enabled: e.enabled });

/** Seed entries whose key the database has never seen (edits and removals by admins win). Returns how many. */
export async function seedFaq(prisma: Db, opts: { dir?: string } = {}): Promise<number> {
  const entries = loadFaqDir(opts.dir);
  if (entries.length === 0) return 0;
  // A key with a row or any audit event (edited, removed) was seen: a removal stays removed.
  const keys = entries.map((e) => e.key);
  const known = new Set([
    ...(await prisma.faq.findMany({ where: { key: { in: keys } }, select: { key: true } })).map((r) => r.key),
    ...(await prisma.auditEvent.findMany({ where: { subject: { in: keys.map(faqSubject) }, action: { startsWith: "faq." } }, select: { subject: true }, distinct: ["subject"] })).map((a) => a.subject.slice("faq:".length)),
  ]);
  const fresh = entries.filter((e) => !known.has(e.key));
  if (fresh.length === 0) return 0;
  await prisma.$transaction(async (tx) => {
    for (const e of fresh) {
      await tx.faq.upsert({ where: { key: e.key }, create: { key: e.key, ...data(e), source: "seed" }, update: { key: e.key } }); // same-value: a native upsert (two starts at once)
    }
  });
  return fresh.length;
}

/** Every entry, by key (`enabledOnly` for what the assistant answers from). */
export async function listFaq(prisma: Db, opts: { enabledOnly?: boolean } = {}): Promise<FaqRow[]> {
  return (await prisma.faq.findMany({ where: opts.enabledOnly ? { enabled: true } : {}, orderBy: { key: "asc" } })).map(toRow);
}

/** Add an entry, or replace the entry with that key; audited. */
export async function putFaq(prisma: Db, input: FaqInputType, actor: string): Promise<{ row: FaqRow; created: boolean }> {
  const parsed = FaqInput.safeParse(input);
  if (!parsed.success) throw new AppError("bad_request", { message: zodMessage(parsed.error) });
  const e = parsed.data;
  return prisma.$transaction(async (tx) => {
    const before = await tx.faq.findUnique({ where: { key: e.key } });
    const row = await tx.faq.upsert({ where: { key: e.key }, create: { key: e.key, ...data(e), source: "admin" }, update: { ...data(e), source: "admin" } });
    await audit(tx, e.key, before ? "update" : "add", actor, before && toRow(before), e);
    return { row: toRow(row), created: !before };
  });
}

/** Remove an entry (the audit keeps it, so a seed never brings it back). */
export async function removeFaq(prisma: Db, key: string, actor: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const before = await tx.faq.findUnique({ where: { key } });
    if (!before) throw new AppError("not_found", { message: `no FAQ entry ${key}`, userMessage: `no FAQ entry ${key}` });
    await tx.faq.delete({ where: { key } });
    await audit(tx, key, "remove", actor, toRow(before), null);
  });
}

/** A cheap fingerprint of the table (row count and last update: an add, edit or removal changes it), for the hot-reload poll. */
export async function faqVersion(prisma: Db): Promise<string> {
  const [count, last] = await Promise.all([prisma.faq.count(), prisma.faq.aggregate({ _max: { updatedAt: true } })]);
  return `${count}/${last._max.updatedAt?.getTime() ?? 0}`;
}
