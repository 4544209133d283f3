// `gridlink lexicon …` (curation against the database, announced to every running process) and
// `gridlink classify …` (the shipped detector only: no database, no Redis). bin/cli.ts mounts both.
import fs from "node:fs";
import os from "node:os";
import readline from "node:readline";
import type { Readable, Writable } from "node:stream";
import { Command, Option } from "commander";
import type { Db } from "../core/infra/db.js";
import { AppError } from "../core/infra/errors.js";
import type { LiveDetector } from "../core/lexicon/live.js";
import {
  addTerm, keywordSubject, disableTerm, enableTerm, exportLexicon, importLexicon, listTerms, promoteTerm, removeTerm, type TermRow,
} from "../core/lexicon/store.js";
import { suggestKeywords } from "../core/lexicon/suggest.js";
import { findAuditEvents, formatAuditEvent } from "../core/audit/find-audit-events.js";
import { CATEGORIES, CATEGORY_LABELS, detect, highlight, type Category, type Detection } from "../nlp/index.js";

/** What the lexicon commands need: a database, the live detector, and a way to let go of both. */
export interface LexiconContext {
  prisma: Db;
  live: LiveDetector;
  close(): Promise<void>;
}

/** Streams the commands read and write (tests pass their own). */
export interface CliIo {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

// === Formatting

const pad = (s: string, n: number): string => {
  // East Asian characters take two columns.
  const width = [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  return s + " ".repeat(Math.max(1, n - width));
};

/** The `lexicon list` table: one keyword per line with its statistics and precision. */
export function formatTermTable(rows: TermRow[]): string {
  const lines = [
    pad("term", 22) + pad("category", 17) + pad("sev", 5) + pad("kind", 8) + pad("on", 4) + pad("hits", 6) + pad("ok", 5) + pad("dis", 5) + pad("precision", 10) + "status",
  ];
  for (const r of rows) {
    lines.push(
      pad(r.term, 22) + pad(r.category, 17) + pad(String(r.severity), 5) + pad(r.kind, 8) + pad(r.enabled ? "yes" : "no", 4) +
        pad(String(r.hits), 6) + pad(String(r.confirmed), 5) + pad(String(r.dismissed), 5) + pad(r.precision === null ? "-" : `${(r.precision * 100).toFixed(0)}%`, 10) +
        [r.shadow ? `shadow (${r.shadowHits} would-be hits; promote to act on it)` : "", r.review ? "REVIEW: precision under 50%" : ""].filter(Boolean).join(", "),
    );
  }
  const shadow = rows.filter((r) => r.shadow).length, review = rows.filter((r) => r.review).length;
  lines.push(`${rows.length} keyword(s)${shadow ? `, ${shadow} in shadow mode` : ""}${review ? `, ${review} flagged for review` : ""}`);
  return lines.join("\n");
}

/** What `lexicon test` prints: the sentence with hits in 【】, then the verdict and why. */
export function formatDetection(text: string, d: Detection): string {
  const verdict = d.complaint
    ? `complaint: ${d.category} (${CATEGORY_LABELS[d.category!].zh}), severity ${d.severity}, score ${d.score}`
    : `not a complaint (score ${d.score})`;
  const keywords = d.keywords.map((k) => (k.predicate ? `${k.term}+${k.predicate.text}` : k.term));
  return [
    highlight(text, d),
    verdict,
    keywords.length ? `keywords: ${keywords.join(", ")}` : "",
    `guards: negated=${d.guards.negated} notice=${d.guards.notice} question=${d.guards.question}`,
    d.explanation,
  ].filter(Boolean).join("\n");
}

/** The one JSON line `gridlink classify` prints per message — this exact shape is what evaluation scripts read. */
export function classifyLine(text: string): string {
  const d = detect(text);
  return JSON.stringify({ text, complaint: d.complaint, category: d.category, severity: d.severity, keywords: d.keywords.map((k) => k.term) });
}

// === Commands

const actor = (): string => `cli:${os.userInfo().username}`;

/**
 * `gridlink lexicon list|add|remove|enable|disable|test|export|import`. Each change is audited and
 * announced (live.publishChange) so running workers rebuild within a second.
 */
export function lexiconCommand(open: () => Promise<LexiconContext>, io: CliIo & { /** print AppErrors and set exit code 1 instead of throwing (the real CLI) */ exitOnError?: boolean } = {}): Command {
  const out = (s: string): void => {
    (io.stdout ?? process.stdout).write(s.endsWith("\n") ? s : `${s}\n`);
  };
  const cmd = new Command("lexicon").description("curate the complaint keywords (stored in the database, audited)");
  const withContext = (fn: (ctx: LexiconContext) => Promise<void>) => async () => {
    const ctx = await open();
    try {
      await fn(ctx);
    } catch (err) {
      // Bad input (AppError: unknown keyword, a surface another keyword has) is a one-line message and exit code 1.
      if (!(err instanceof AppError) || !io.exitOnError) throw err;
      (io.stderr ?? process.stderr).write(`gridlink lexicon: ${err.userMessage ?? err.message}\n`);
      process.exitCode = 1;
    } finally {
      await ctx.close();
    }
  };
  const categoryOption = () => new Option("--category <category>", "category code").choices(CATEGORIES as string[]);

  cmd.command("list")
    .description("list keywords with hits, confirmed, dismissed and precision")
    .addOption(categoryOption())
    .action(async (o: { category?: Category }) => withContext(async ({ prisma }) => out(formatTermTable(await listTerms(prisma, { category: o.category }))))());

  cmd.command("history [term]")
    .description("keyword changes from the audit trail, newest first (one keyword's with a term)")
    .option("--limit <n>", "how many", "50")
    .action(async (term: string | undefined, o: { limit: string }) =>
      withContext(async ({ prisma }) => {
        const events = await findAuditEvents({ db: prisma, action: "lexicon.", subject: term ? keywordSubject(term) : undefined, limit: Number(o.limit) || 50 });
        out(events.length ? events.map(formatAuditEvent).join("\n") : "no keyword changes recorded");
      })());

  cmd.command("add <term>")
    .description("add a keyword")
    .addOption(categoryOption().makeOptionMandatory())
    .addOption(new Option("--severity <n>", "1 nuisance … 3 urgent").choices(["1", "2", "3"]).default("1"))
    .addOption(new Option("--kind <kind>", "problem: a complaint on its own; object: needs a problem predicate").choices(["problem", "object"]).default("problem"))
    .option("--variants <list>", "comma-separated variants and synonyms")
    .action(async (term: string, o: { category: Category; severity: string; kind: "problem" | "object"; variants?: string }) =>
      withContext(async ({ prisma, live }) => {
        const row = await addTerm(prisma, { term, category: o.category, severity: Number(o.severity), kind: o.kind, variants: o.variants?.split(/[,，、]/).map((v) => v.trim()).filter(Boolean) }, actor());
        await live.publishChange();
        out(`added ${row.term} (${row.category}, severity ${row.severity}, ${row.kind})`);
      })());

  for (const [name, fn, verb] of [["remove", removeTerm, "removed"], ["enable", enableTerm, "enabled"], ["disable", disableTerm, "disabled"]] as const) {
    cmd.command(`${name} <term>`)
      .description(`${name} a keyword`)
      .action(async (term: string) =>
        withContext(async ({ prisma, live }) => {
          await fn(prisma, term, actor());
          await live.publishChange();
          out(`${verb} ${term}`);
        })());
  }

  cmd.command("promote <term>")
    .description("take a shadow keyword live: from now on it opens tickets (audited)")
    .action(async (term: string) =>
      withContext(async ({ prisma, live }) => {
        const row = await promoteTerm(prisma, term, actor());
        await live.publishChange();
        out(`promoted ${row.term} (it had ${row.shadowHits} would-be hits in shadow mode)`);
      })());

  cmd.command("suggest")
    .description("suggest new keywords per category: TF-IDF of resolved tickets' text against dismissed tickets and the project's chat corpus")
    .addOption(categoryOption())
    .addOption(new Option("--limit <n>", "suggestions per category").default("10"))
    .action(async (o: { category?: Category; limit: string }) =>
      withContext(async ({ prisma, live }) => {
        const list = await suggestKeywords(prisma, { category: o.category, limit: Number(o.limit), known: live.current.lexicon.entries });
        if (list.length === 0) out("no suggestions yet: they need resolved tickets (at least two sharing a term)");
        for (const s of list) out(`${pad(s.category, 17)}${pad(s.term, 14)}score ${s.score}  (${s.tickets} resolved tickets)  → gridlink lexicon add ${s.term} --category ${s.category}`);
      })());

  cmd.command("test <sentence>")
    .description("run the current lexicon on a sentence and show the hits")
    .action(async (sentence: string) => withContext(async ({ live }) => out(formatDetection(sentence, live.detect(sentence))))());

  cmd.command("export [file]")
    .description("write the keywords in the lexicon file format (stdout without a file)")
    .addOption(categoryOption())
    .action(async (file: string | undefined, o: { category?: Category }) =>
      withContext(async ({ prisma }) => {
        const text = await exportLexicon(prisma, { category: o.category });
        if (file) {
          fs.writeFileSync(file, text);
          out(`wrote ${file}`);
        } else out(text);
      })());

  cmd.command("import <file>")
    .description("add and update keywords from a lexicon file (nothing is deleted)")
    .action(async (file: string) =>
      withContext(async ({ prisma, live }) => {
        const result = await importLexicon(prisma, fs.readFileSync(file, "utf8"), file, actor());
        if (result.added.length || result.updated.length) await live.publishChange();
        out(`imported ${file}: ${result.added.length} added, ${result.updated.length} updated, ${result.unchanged} unchanged`);
      })());

  return cmd;
}

/**
 * `gridlink classify [TEXT…]`: one JSON object per message, `{"text","complaint","category","severity","keywords"}`.
 * Without arguments it reads stdin, one message per line (one output line per input line, empty ones
 * included). Uses the shipped lexicon only (no DB, no Redis).
 */
export function classifyCommand(io: CliIo = {}): Command {
  return new Command("classify")
    .description("classify messages (arguments, or stdin one per line) and print JSON lines")
    .argument("[text...]", "messages to classify")
    .action(async (texts: string[]) => {
      const stdout = io.stdout ?? process.stdout;
      if (texts.length) {
        for (const t of texts) stdout.write(`${classifyLine(t)}\n`);
        return;
      }
      const rl = readline.createInterface({ input: io.stdin ?? process.stdin, crlfDelay: Infinity });
      // Every input line gets an output line (an empty one too), so results line up with their input.
      for await (const line of rl) stdout.write(`${classifyLine(line)}\n`);
    });
}
