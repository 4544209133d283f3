// `gridlink faq list|add|remove|test`: the street office's FAQ, curated against the database (audited) and
// announced to every running process. bin/cli.ts mounts it.
import fs from "node:fs";
import os from "node:os";
import { Command } from "commander";
import type { Db } from "../core/infra/db.js";
import type { LiveFaq } from "../core/assistant/faq-live.js";
import { faqSubject, listFaq, parseFaqFile, putFaq, removeFaq, type FaqRow } from "../core/assistant/faq-store.js";
import { findAuditEvents, formatAuditEvent } from "../core/audit/find-audit-events.js";
import { AppError } from "../core/infra/errors.js";
import type { CliIo } from "./lexicon-cli.js";

/** What the FAQ commands need: a database, the live FAQ, and a way to let go of both. */
export interface FaqContext {
  prisma: Db;
  live: LiveFaq;
  close(): Promise<void>;
}

const actor = (): string => `cli:${os.userInfo().username}`;

/** The `faq list` table: key, category, state, first question and the answer's start. */
export function formatFaqTable(rows: FaqRow[]): string {
  const lines = rows.map((r) => `${r.key.padEnd(28)} ${r.category.padEnd(16)} ${r.enabled ? "on " : "off"} ${r.questions.length} q  ${r.questions[0]}  →  ${[...r.answer].slice(0, 30).join("")}${[...r.answer].length > 30 ? "…" : ""}`);
  lines.push(`${rows.length} entr${rows.length === 1 ? "y" : "ies"}`);
  return lines.join("\n");
}

/** `gridlink faq …`. Each change is audited and announced (faq.publishChange) so workers rebuild at once. */
export function faqCommand(open: () => Promise<FaqContext>, io: CliIo & { /** print AppErrors and set exit code 1 instead of throwing (the real CLI) */ exitOnError?: boolean } = {}): Command {
  const out = (s: string): void => {
    (io.stdout ?? process.stdout).write(s.endsWith("\n") ? s : `${s}\n`);
  };
  const withContext = (fn: (ctx: FaqContext) => Promise<void>) => async () => {
    const ctx = await open();
    try {
      await fn(ctx);
    } catch (err) {
      // Bad input (AppError) is a one-line message and exit code 1, not a stack trace; anything else is a bug.
      if (!(err instanceof AppError) || !io.exitOnError) throw err;
      (io.stderr ?? process.stderr).write(`gridlink faq: ${err.userMessage ?? err.message}\n`);
      process.exitCode = 1;
    } finally {
      await ctx.close();
    }
  };
  const cmd = new Command("faq").description("curate the street office's FAQ the assistant answers from (stored in the database, audited)");

  cmd.command("list").description("list FAQ entries").action(async () => withContext(async ({ prisma }) => out(formatFaqTable(await listFaq(prisma))))());

  cmd.command("add [key]")
    .description("add or replace an entry: --question (repeatable) and --answer, or --file with YAML entries")
    .option("--category <category>", "category code", "other")
    .option("-q, --question <text>", "a way residents ask (repeat for variants)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("-a, --answer <text>", "the answer (Chinese)")
    .option("--answer-en <text>", "the answer in English")
    .option("--file <file>", "a YAML file of entries (the lexicon/faq format)")
    .action(async (key: string | undefined, o: { category: string; question: string[]; answer?: string; answerEn?: string; file?: string }) =>
      withContext(async ({ prisma, live: faq }) => {
        if (o.file && !fs.existsSync(o.file)) throw new AppError("bad_request", { message: `no such file: ${o.file}` });
        const entries = o.file
          ? parseFaqFile(fs.readFileSync(o.file, "utf8"), o.file)
          : [{ key: key ?? "", category: o.category, questions: o.question, answer: o.answer ?? "", answerEn: o.answerEn }];
        for (const e of entries) {
          const { row, created } = await putFaq(prisma, e, actor());
          out(`${created ? "added" : "updated"} ${row.key} (${row.questions.length} question${row.questions.length === 1 ? "" : "s"})`);
        }
        await faq.publishChange();
      })());

  cmd.command("remove <key>").description("remove an entry").action(async (key: string) =>
    withContext(async ({ prisma, live: faq }) => {
      await removeFaq(prisma, key, actor());
      await faq.publishChange();
      out(`removed ${key}`);
    })());

  cmd.command("test <question>").description("show which entry would answer a question, with scores").action(async (question: string) =>
    withContext(async ({ live: faq }) => {
      const ranked = faq.ranked(question, 3);
      const answer = faq.match(question);
      for (const m of ranked) out(`${m.score.toFixed(3)}  ${m.entry.key}  (${m.question})`);
      out(answer ? `answers with ${answer.entry.key}: ${answer.entry.answer}` : "no entry is close enough: the assistant would say it does not know and offer to register");
    })());

  cmd.command("history [key]").description("FAQ changes from the audit trail, newest first (one entry's with a key)").option("--limit <n>", "how many", "50").action(async (key: string | undefined, o: { limit: string }) =>
    withContext(async ({ prisma }) => {
      const events = await findAuditEvents({ db: prisma, action: "faq.", subject: key ? faqSubject(key) : undefined, limit: Number(o.limit) || 50 });
      out(events.length ? events.map(formatAuditEvent).join("\n") : "no FAQ changes recorded");
    })());

  return cmd;
}
