// The third-party development data in ../shared/data/dev, read at run time and never copied into the repo.
// GRIDLINK_EVAL_DIR overrides the folder.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";

export const DEV_DIR = process.env.GRIDLINK_EVAL_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "data", "dev");

/** One CSV file of the dev folder as rows keyed by header; exits with a clear message when it is missing. */
export function readDevCsv(file: string): Array<Record<string, string>> {
  const p = path.join(DEV_DIR, file);
  if (!fs.existsSync(p)) {
    console.error(`missing ${p} — set GRIDLINK_EVAL_DIR to the folder holding the dev CSV files`);
    process.exit(2);
  }
  return parse(fs.readFileSync(p), { columns: true, skip_empty_lines: true, relax_quotes: true, bom: true });
}
