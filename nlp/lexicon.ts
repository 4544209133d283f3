// Lexicon files: parse, validate (errors name file and line), load a directory, and write the same
// format back out (for `gridlink lexicon export`). The format is described in lexicon/README.md.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { normalize } from "./normalize.js";
import { isCategory, LexiconError, type Category, type Guards, type Lexicon, type LexiconEntry } from "./types.js";

// === Constants

/** Guard section names as written in files, mapped to the Guards field. */
const GUARD_SECTIONS: Record<string, keyof Guards> = {
  negation: "negation",
  "negation-skip": "negationSkip",
  resolved: "resolved",
  notice: "notice",
  question: "question",
  hypothetical: "hypothetical",
  grievance: "grievance",
  help: "help",
  predicates: "predicates",
  frame: "frame",
  place: "place",
  "follow-up": "followUp",
  "petition-head": "petitionHead",
  "petition-remedy": "petitionRemedy",
  demand: "demand",
  shape: "shape",
};

/** The repository's lexicon/ folder, resolved from this module (not the working directory). */
export const DEFAULT_LEXICON_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "lexicon");

/** Guards with every list empty — the starting point for merging files. */
export function emptyGuards(): Guards {
  return { negation: [], negationSkip: [], resolved: [], notice: [], question: [], hypothetical: [], grievance: [], help: [], predicates: [], frame: [], place: [], followUp: [], demand: [], petitionHead: [], petitionRemedy: [], shape: [] };
}

/** Chinese (Han) characters decide a surface's language. */
export function langOf(s: string): "zh" | "en" {
  return /\p{Script=Han}/u.test(s) ? "zh" : "en";
}

/** The gap marker in variants: 停…水. */
export const GAP = "…";

/** Canonical form of a term or variant as written in a file: normalised, spaces collapsed, `...` → `…`. */
export function canonicalSurface(s: string): string {
  return normalize(s).replace(/\.\.\./g, GAP).replace(/\s+/g, " ").trim();
}

// === Parsing

/** What one file contributes: keyword entries and/or guard words. */
export interface ParsedLexiconFile {
  entries: LexiconEntry[];
  guards: Partial<Guards>;
}

function splitList(s: string): string[] {
  return s.split(/[,，、]/).map((x) => x.trim()).filter((x) => x.length > 0);
}

function stripComment(line: string): string {
  const hash = line.search(/(^|\s)#/);
  return (hash < 0 ? line : line.slice(0, hash)).trim();
}

function checkSurface(s: string, file: string, line: number, what: string): string {
  const c = canonicalSurface(s);
  if (c.length === 0) throw new LexiconError(file, line, `${what} is empty after normalisation`);
  if (c.length > 40) throw new LexiconError(file, line, `${what} "${s}" is longer than 40 characters`);
  if (/[|\[\]#]/.test(c)) throw new LexiconError(file, line, `${what} "${s}" contains a reserved character (| [ ] #)`);
  const parts = c.split(GAP);
  if (parts.length > 2 || (parts.length === 2 && (parts[0].trim() === "" || parts[1].trim() === "")))
    throw new LexiconError(file, line, `${what} "${s}": a gapped pattern is "A…B" with text on both sides`);
  return parts.map((p) => p.trim()).join(GAP);
}

/**
 * Parse one lexicon file. `[category]` sections hold keyword lines (`term | severity | kind | variants | off`);
 * guard sections (`[negation]`, `[predicates]` …) hold comma-separated words. Duplicates inside the file
 * are errors; duplicates across files are caught by `mergeLexicon`.
 */
export function parseLexiconFile(text: string, fileName: string): ParsedLexiconFile {
  const entries: LexiconEntry[] = [];
  const guards: Partial<Guards> = {};
  let section: { type: "category"; category: Category } | { type: "guard"; key: keyof Guards } | null = null;
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = stripComment(lines[i]);
    if (line === "") continue;
    const header = /^\[([^\]]*)\]$/.exec(line);
    if (header) {
      const name = header[1].trim();
      if (isCategory(name)) section = { type: "category", category: name };
      else if (name in GUARD_SECTIONS) section = { type: "guard", key: GUARD_SECTIONS[name] };
      else throw new LexiconError(fileName, lineNo, `unknown category or guard section [${name}]`);
      continue;
    }
    if (!section) throw new LexiconError(fileName, lineNo, "line outside a [category] or guard section");
    if (section.type === "guard") {
      const list = (guards[section.key] ??= []);
      for (const w of splitList(line)) {
        const c = checkSurface(w, fileName, lineNo, "guard word");
        if (!list.includes(c)) list.push(c);
      }
      continue;
    }
    const cols = line.split("|").map((c) => c.trim());
    if (cols.length < 2 || cols.length > 5)
      throw new LexiconError(fileName, lineNo, `malformed keyword line: expected "term | severity | kind | variants | off", got ${cols.length} column(s)`);
    const term = checkSurface(cols[0], fileName, lineNo, "term");
    if (term.includes(GAP)) throw new LexiconError(fileName, lineNo, `term "${cols[0]}" cannot be gapped; put the gapped form in variants`);
    const severity = Number(cols[1]);
    if (!(severity === 1 || severity === 2 || severity === 3))
      throw new LexiconError(fileName, lineNo, `severity must be 1, 2 or 3, got "${cols[1]}"`);
    const kind = (cols[2] || "problem").toLowerCase();
    if (kind !== "problem" && kind !== "object")
      throw new LexiconError(fileName, lineNo, `kind must be "problem" or "object", got "${cols[2]}"`);
    const flag = (cols[4] ?? "").toLowerCase();
    if (flag !== "" && flag !== "off" && flag !== "on")
      throw new LexiconError(fileName, lineNo, `the fifth column may only be "off" (or "on"), got "${cols[4]}"`);
    const variants: string[] = [];
    for (const v of splitList(cols[3] ?? "")) {
      const c = checkSurface(v, fileName, lineNo, "variant");
      if (c !== term && !variants.includes(c)) variants.push(c);
    }
    for (const s of [term, ...variants]) {
      const prev = seen.get(s);
      if (prev !== undefined)
        throw new LexiconError(fileName, lineNo, `duplicate term "${s}" (already on line ${prev})`);
      seen.set(s, lineNo);
    }
    entries.push({
      term, category: section.category, severity, kind, lang: langOf(term), variants,
      enabled: flag !== "off", source: `${fileName}:${lineNo}`,
    });
  }
  return { entries, guards };
}

/**
 * Merge parsed files into one lexicon; a term or variant defined twice (across files) is an error
 * naming the second place.
 */
export function mergeLexicon(files: Array<ParsedLexiconFile & { file: string }>): Lexicon {
  const entries: LexiconEntry[] = [];
  const guards = emptyGuards();
  const owner = new Map<string, string>();
  for (const f of files) {
    for (const e of f.entries) {
      for (const s of [e.term, ...e.variants]) {
        const prev = owner.get(s);
        if (prev) {
          const [file, line] = splitSource(e.source ?? f.file);
          throw new LexiconError(file, line, `duplicate term "${s}" (already defined at ${prev})`);
        }
        owner.set(s, e.source ?? f.file);
      }
      entries.push(e);
    }
    for (const [k, words] of Object.entries(f.guards) as Array<[keyof Guards, string[]]>) {
      const list = (guards[k] ??= []);
      for (const w of words) if (!list.includes(w)) list.push(w);
    }
  }
  return { entries, guards };
}

function splitSource(source: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(source);
  return m ? [m[1], Number(m[2])] : [source, 0];
}

/** All *.txt files under a directory, sorted so loading is deterministic. */
function lexiconFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && ent.name.endsWith(".txt")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Load every *.txt lexicon file under `dir` (default: the repository's lexicon/ folder, found from this
 * module so the working directory does not matter). Throws LexiconError on the first bad line.
 */
export function loadLexiconDir(dir: string = DEFAULT_LEXICON_DIR): Lexicon {
  const files = lexiconFiles(dir).map((file) => {
    const rel = path.relative(process.cwd(), file) || file;
    return { file: rel, ...parseLexiconFile(fs.readFileSync(file, "utf8"), rel) };
  });
  return mergeLexicon(files);
}

/** Only the guard lists of a lexicon directory (core combines them with DB-curated entries). */
export function loadGuards(dir: string = DEFAULT_LEXICON_DIR): Guards {
  return loadLexiconDir(dir).guards;
}

/** A keyword as typed by an admin (CLI, web): validated and normalised like a file line. */
export interface EntryInput {
  term: string;
  category: string;
  severity?: number;
  kind?: string;
  variants?: string[];
  enabled?: boolean;
}

/**
 * Validate one admin-entered keyword with the same rules as a lexicon file line; throws LexiconError
 * (file "input", line 0) with a message fit to show the admin.
 */
export function validateEntry(input: EntryInput, where = "input"): LexiconEntry {
  const term = checkSurface(String(input.term ?? ""), where, 0, "term");
  if (term.includes(GAP)) throw new LexiconError(where, 0, `term "${input.term}" cannot be gapped; put the gapped form in variants`);
  if (!isCategory(input.category)) throw new LexiconError(where, 0, `unknown category "${input.category}"`);
  const severity = input.severity ?? 1;
  if (!(severity === 1 || severity === 2 || severity === 3)) throw new LexiconError(where, 0, `severity must be 1, 2 or 3, got "${input.severity}"`);
  const kind = input.kind ?? "problem";
  if (kind !== "problem" && kind !== "object") throw new LexiconError(where, 0, `kind must be "problem" or "object", got "${input.kind}"`);
  const variants: string[] = [];
  for (const v of input.variants ?? []) {
    const c = checkSurface(String(v), where, 0, "variant");
    if (c !== term && !variants.includes(c)) variants.push(c);
  }
  return { term, category: input.category, severity, kind, lang: langOf(term), variants, enabled: input.enabled ?? true };
}

// === Writing

/** Write entries back in the file format, grouped by category — what `lexicon export` produces. */
export function formatLexicon(entries: readonly LexiconEntry[], header = "Gridlink lexicon export"): string {
  const lines: string[] = [`# ${header}`, "# term | severity | kind | variants | off", ""];
  const byCat = new Map<Category, LexiconEntry[]>();
  for (const e of entries) (byCat.get(e.category) ?? byCat.set(e.category, []).get(e.category)!).push(e);
  for (const [cat, list] of byCat) {
    lines.push(`[${cat}]`);
    for (const e of list) {
      const cols = [e.term, String(e.severity), e.kind, e.variants.join(", ")];
      if (!e.enabled) cols.push("off");
      lines.push(cols.join(" | ").replace(/\s+\|\s*$/, ""));
    }
    lines.push("");
  }
  return lines.join("\n");
}
