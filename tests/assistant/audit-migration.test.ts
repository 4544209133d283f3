// The one-audit-trail migration: FAQ and lexicon changes (not seeds: shipped data) recorded in the old FaqAudit/LexiconAudit tables move
// into AuditEvent (lexicon changes already mirrored there are not doubled), and the old tables are dropped.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../../core/infra/db.js";

const MIGRATION = "20261202040000_one_audit_trail";
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function migrationsUpTo(name: string, inclusive: boolean): string[] {
  const root = path.join(ROOT, "prisma", "migrations");
  return fs.readdirSync(root).filter((f) => fs.existsSync(path.join(root, f, "migration.sql")) && (inclusive ? f <= name : f < name)).sort().map((f) => fs.readFileSync(path.join(root, f, "migration.sql"), "utf8"));
}

describe("migration 20261202040000_one_audit_trail", () => {
  it("moves FaqAudit and LexiconAudit rows into AuditEvent once and drops both tables", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-audit-migration-"));
    dirs.push(dir);
    const db = new Database(path.join(dir, "m.db"));
    for (const sql of migrationsUpTo(MIGRATION, false)) db.exec(sql);

    const at = "2026-11-30T08:00:00.000+00:00";
    const faq = db.prepare(`INSERT INTO "FaqAudit" ("key", "action", "actor", "before", "after", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`);
    faq.run("residence-permit", "seed", "system:seed", null, '{"key":"residence-permit"}', at);
    faq.run("residence-permit", "remove", "cli:alice", '{"key":"residence-permit"}', null, at);
    const lex = db.prepare(`INSERT INTO "LexiconAudit" ("term", "action", "actor", "before", "after", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`);
    lex.run("停电", "seed", "system:seed", null, '{"term":"停电"}', at);
    lex.run("漏水", "add", "web:bob", null, '{"term":"漏水"}', at); // already mirrored below
    lex.run("噪音", "disable", "admin:wang", '{"enabled":true}', '{"enabled":false}', at); // from before AuditEvent existed
    db.prepare(`INSERT INTO "AuditEvent" ("actor", "channel", "action", "subject", "before", "after", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run("system:web:bob", "system", "lexicon.add", "keyword:漏水", null, '{"term":"漏水"}', at);

    for (const sql of migrationsUpTo(MIGRATION, true).slice(-1)) db.exec(sql);

    const rows = db.prepare(`SELECT "actor", "channel", "action", "subject", "before", "after" FROM "AuditEvent" ORDER BY "id"`).all();
    expect(rows).toEqual([
      { actor: "system:web:bob", channel: "system", action: "lexicon.add", subject: "keyword:漏水", before: null, after: '{"term":"漏水"}' },
      { actor: "cli:alice", channel: "cli", action: "faq.remove", subject: "faq:residence-permit", before: '{"key":"residence-permit"}', after: null },
      { actor: "system:admin:wang", channel: "system", action: "lexicon.disable", subject: "keyword:噪音", before: '{"enabled":true}', after: '{"enabled":false}' },
    ]);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('FaqAudit', 'LexiconAudit')`).all();
    expect(tables).toEqual([]);
    db.close();
  });
});
