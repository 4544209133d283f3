// The migration folders in a directory (each holds a migration.sql), oldest first: SQLite's and PostgreSQL's sets alike.

import fs from "node:fs";
import path from "node:path";

/** The folder names under dir that hold a migration.sql, sorted (their names start with the timestamp). */
export function migrationFolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}
