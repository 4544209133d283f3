// The curated lexicon in the database: seed it from lexicon/, list it with per-keyword precision, and
// change it (add, update, remove, enable, disable, import) with every change audited — who, when, before
// and after — in the same transaction as the change itself.
import type { Db } from "../infra/db.js";
import { actorFromString, recordAudit } from "../audit/record-audit.js";
import { AppError } from "../infra/errors.js";
import {
  LexiconError, formatLexicon, loadLexiconDir, parseLexiconFile, validateEntry,
  type Category, type EntryInput, type LexiconEntry,
} from "../../nlp/index.js";

// === Types

/** A keyword as stored, with its statistics. `precision` = confirmed / (confirmed + dismissed), null before any verdict. */
export interface TermRow extends LexiconEntry {
  source: "seed" | "admin";
  hits: number;
  confirmed: number;
  dismissed: number;
  precision: number | null;
  /** Shadow mode: counted (shadowHits), not acted on, until promoted. */
  shadow: boolean;
  shadowHits: number;
  /** Precision under REVIEW_PRECISION after at least REVIEW_MIN_VERDICTS verdicts: an admin should look. */
  review: boolean;
  updatedAt: Date;
}

/** A keyword whose precision falls under this, once judged often enough, is flagged for review. */
export const REVIEW_PRECISION = 0.5;
/** Verdicts (resolved + dismissed tickets) before a keyword's precision is trusted for a review flag. */
export const REVIEW_MIN_VERDICTS = 5;

/** Fields an admin may change on an existing keyword. */
export type TermPatch = Partial<Pick<EntryInput, "category" | "severity" | "kind" | "variants" | "enabled">>;

/** What an import did. */
export interface ImportResult {
  added: string[];
  updated: string[];
  unchanged: number;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
type Row = Awaited<ReturnType<Db["lexiconTerm"]["findFirstOrThrow"]>>;

/** Who seeds: written in the audit log. */
export const SEED_ACTOR = "system:seed";

// === Conversions

function toRow(r: Row): TermRow {
  const judged = r.confirmed + r.dismissed;
  return {
    term: r.term, category: r.category as Category, severity: r.severity as 1 | 2 | 3, kind: r.kind as "problem" | "object",
    lang: r.lang as "zh" | "en", variants: parseVariants(r.variants), enabled: r.enabled, source: r.source as "seed" | "admin",
    hits: r.hits, confirmed: r.confirmed, dismissed: r.dismissed, precision: judged ? r.confirmed / judged : null,
    shadow: r.shadow, shadowHits: r.shadowHits, review: judged >= REVIEW_MIN_VERDICTS && r.confirmed / judged < REVIEW_PRECISION,
    updatedAt: r.updatedAt,
  };
}

function parseVariants(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** The audited state of a keyword (statistics are counters, not curation, so they stay out). */
function snapshot(e: LexiconEntry & { source?: string }): string {
  return JSON.stringify({ term: e.term, category: e.category, severity: e.severity, kind: e.kind, lang: e.lang, variants: e.variants, enabled: e.enabled, source: e.source, shadow: e.shadow === true });
}

function data(e: LexiconEntry) {
  return { category: e.category, severity: e.severity, kind: e.kind, lang: e.lang, variants: JSON.stringify(e.variants), enabled: e.enabled };
}

function validate(input: EntryInput): LexiconEntry {
  try {
    return validateEntry(input);
  } catch (err) {
    if (err instanceof LexiconError) throw new AppError("bad_request", { message: err.message.replace(/^input:0: /, "") });
    throw err;
  }
}

/** A surface may belong to one keyword only (a term or a variant), or the detector could not tell them apart. */
async function assertSurfacesFree(tx: Tx, e: LexiconEntry, except?: string): Promise<void> {
  const mine = new Set([e.term, ...e.variants]);
  for (const r of await tx.lexiconTerm.findMany({ select: { term: true, variants: true } })) {
    if (r.term === except) continue;
    for (const s of [r.term, ...parseVariants(r.variants)]) {
      if (mine.has(s)) throw new AppError("conflict", { message: `"${s}" already belongs to the keyword "${r.term}"` });
    }
  }
}

/** The audit subject of a keyword. */
export const keywordSubject = (term: string): string => `keyword:${term}`;

/**
 * One change in the one audit trail: lexicon.<action>, subject keyword:<term> ("cli:alice" → channel cli, name
 * alice). Seeding is shipped data, not an administrative change: not audited (the row itself says it was seen).
 */
async function audit(tx: Tx, term: string, action: string, actor: string, before: string | null, after: string | null): Promise<void> {
  if (action === "seed") return;
  await recordAudit(tx, { actor: actorFromString(actor), action: `lexicon.${action}`, subject: keywordSubject(term), before: before && JSON.parse(before), after: after && JSON.parse(after) });
}

async function mustGet(tx: Tx, term: string): Promise<Row> {
  const row = await tx.lexiconTerm.findUnique({ where: { term } });
  if (!row) throw new AppError("not_found", { message: `no keyword "${term}"` });
  return row;
}

// === Seeding

/**
 * Copy the shipped keywords into the database: all of them into an empty table, and afterwards only
 * terms the database has never seen (no row and no audit entry), so an admin's edit or removal is never
 * undone by a new release. Returns the terms added.
 */
export async function seedLexicon(prisma: Db, opts: { dir?: string; actor?: string } = {}): Promise<string[]> {
  const entries = loadLexiconDir(opts.dir).entries;
  const actor = opts.actor ?? SEED_ACTOR;
  return prisma.$transaction(async (tx) => {
    const known = new Set((await tx.lexiconTerm.findMany({ select: { term: true } })).map((r) => r.term));
    // A term with a row or any audit event (edited, removed) was seen: a removal stays removed.
    for (const a of await tx.auditEvent.findMany({ where: { action: { startsWith: "lexicon." }, subject: { startsWith: "keyword:" } }, select: { subject: true }, distinct: ["subject"] })) known.add(a.subject.slice("keyword:".length));
    const added: string[] = [];
    for (const e of entries) {
      if (known.has(e.term)) continue;
      await tx.lexiconTerm.create({ data: { term: e.term, source: "seed", ...data(e) } });
      await audit(tx, e.term, "seed", actor, null, snapshot({ ...e, source: "seed" }));
      added.push(e.term);
    }
    return added;
  });
}

// === Reading

/** Keywords, optionally of one category, in category then term order, with hits and precision. */
export async function listTerms(prisma: Db, filter: { category?: Category; enabled?: boolean } = {}): Promise<TermRow[]> {
  const rows = await prisma.lexiconTerm.findMany({
    where: { category: filter.category, enabled: filter.enabled },
    orderBy: [{ category: "asc" }, { term: "asc" }],
  });
  return rows.map(toRow);
}

/** One keyword, or null. */
export async function getTerm(prisma: Db, term: string): Promise<TermRow | null> {
  const row = await prisma.lexiconTerm.findUnique({ where: { term } });
  return row ? toRow(row) : null;
}

/** The enabled keywords as detector entries (what the live detector is built from). */
export async function enabledEntries(prisma: Db): Promise<LexiconEntry[]> {
  return (await listTerms(prisma, { enabled: true })).map(({ term, category, severity, kind, lang, variants, enabled, shadow }) => (
    shadow ? { term, category, severity, kind, lang, variants, enabled, shadow } : { term, category, severity, kind, lang, variants, enabled }
  ));
}

// === Changing

/**
 * Add a keyword (source admin). It starts in shadow mode — matched and counted, never acted on — until an
 * admin promotes it (`opts.shadow: false` adds it live at once). Conflict when the term or a variant is taken.
 */
export async function addTerm(prisma: Db, input: EntryInput, actor: string, opts: { shadow?: boolean } = {}): Promise<TermRow> {
  const e = { ...validate(input), shadow: opts.shadow ?? true };
  return prisma.$transaction(async (tx) => {
    await assertSurfacesFree(tx, e);
    const row = await tx.lexiconTerm.create({ data: { term: e.term, source: "admin", shadow: e.shadow, ...data(e) } });
    await audit(tx, e.term, "add", actor, null, snapshot({ ...e, source: "admin" }));
    return toRow(row);
  });
}

/** Change category, severity, kind, variants or enabled; the keyword becomes the admin's (source admin). */
export async function updateTerm(prisma: Db, term: string, patch: TermPatch, actor: string, action = "update"): Promise<TermRow> {
  return prisma.$transaction(async (tx) => {
    const before = toRow(await mustGet(tx, term));
    const e = { ...validate({ ...before, ...patch, term: before.term }), shadow: before.shadow };
    await assertSurfacesFree(tx, e, before.term);
    const row = await tx.lexiconTerm.update({ where: { term: before.term }, data: { ...data(e), source: "admin" } });
    await audit(tx, before.term, action, actor, snapshot(before), snapshot({ ...e, source: "admin" }));
    return toRow(row);
  });
}

/**
 * Take a keyword out of shadow mode: from now on it opens tickets. Audited ("promote"); a keyword that is
 * not in shadow mode is a bad request (nothing to promote).
 */
export async function promoteTerm(prisma: Db, term: string, actor: string): Promise<TermRow> {
  return prisma.$transaction(async (tx) => {
    const before = toRow(await mustGet(tx, term));
    if (!before.shadow) throw new AppError("bad_request", { message: `"${before.term}" is not in shadow mode` });
    const row = await tx.lexiconTerm.update({ where: { term: before.term }, data: { shadow: false } });
    await audit(tx, before.term, "promote", actor, snapshot(before), snapshot({ ...before, shadow: false }));
    return toRow(row);
  });
}

/**
 * Add aggregate counts of messages shadow keywords would have flagged (no text is kept). Raw SQL so that
 * `updatedAt` stays put: it is the live detector's change signal, and a counter is not a lexicon change.
 */
export async function recordShadowHits(prisma: Db, counts: ReadonlyMap<string, number>): Promise<void> {
  for (const [term, n] of counts) {
    if (n > 0) await prisma.$executeRaw`UPDATE "LexiconTerm" SET "shadowHits" = "shadowHits" + ${n} WHERE "term" = ${term} AND "shadow" = ${true}`;
  }
}

/** Switch a keyword on. */
export function enableTerm(prisma: Db, term: string, actor: string): Promise<TermRow> {
  return updateTerm(prisma, term, { enabled: true }, actor, "enable");
}

/** Switch a keyword off without forgetting its statistics. */
export function disableTerm(prisma: Db, term: string, actor: string): Promise<TermRow> {
  return updateTerm(prisma, term, { enabled: false }, actor, "disable");
}

/** Delete a keyword; the audit entry remembers it, so seeding will not bring it back. */
export async function removeTerm(prisma: Db, term: string, actor: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const before = toRow(await mustGet(tx, term));
    await tx.lexiconTerm.delete({ where: { term: before.term } });
    await audit(tx, before.term, "remove", actor, snapshot(before), null);
  });
}

// === Export and import

/** The keywords in the lexicon file format (what `gridlink lexicon export` writes). */
export async function exportLexicon(prisma: Db, filter: { category?: Category } = {}): Promise<string> {
  const rows = await listTerms(prisma, filter);
  return formatLexicon(rows, `Gridlink lexicon export, ${rows.length} keywords, ${new Date().toISOString()}`);
}

/**
 * Apply a lexicon file: new terms are added, changed terms updated, identical ones left alone; nothing is
 * deleted. One transaction: a bad line (LexiconError naming file:line) or a conflict changes nothing.
 */
export async function importLexicon(prisma: Db, text: string, fileName: string, actor: string): Promise<ImportResult> {
  let entries: LexiconEntry[];
  try {
    entries = parseLexiconFile(text, fileName).entries;
  } catch (err) {
    if (err instanceof LexiconError) throw new AppError("bad_request", { message: err.message });
    throw err;
  }
  return prisma.$transaction(async (tx) => {
    const result: ImportResult = { added: [], updated: [], unchanged: 0 };
    for (const { source: _s, ...e } of entries) {
      const existing = await tx.lexiconTerm.findUnique({ where: { term: e.term } });
      await assertSurfacesFree(tx, e, e.term);
      if (!existing) {
        // Imported keywords are new to this installation: shadow mode until promoted, like added ones.
        await tx.lexiconTerm.create({ data: { term: e.term, source: "admin", shadow: true, ...data(e) } });
        await audit(tx, e.term, "import", actor, null, snapshot({ ...e, source: "admin", shadow: true }));
        result.added.push(e.term);
        continue;
      }
      const before = toRow(existing);
      if (snapshot({ ...before, source: undefined }) === snapshot({ ...e, source: undefined, shadow: before.shadow })) { result.unchanged++; continue; }
      await tx.lexiconTerm.update({ where: { term: e.term }, data: { ...data(e), source: "admin" } });
      await audit(tx, e.term, "import", actor, snapshot(before), snapshot({ ...e, source: "admin", shadow: before.shadow }));
      result.updated.push(e.term);
    }
    return result;
  });
}
