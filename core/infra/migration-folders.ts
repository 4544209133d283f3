// The migration folders in a directory (each holds a migration.sql), oldest first: SQLite's and PostgreSQL's sets alike.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PRISMA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma");

/** Where SQLite's committed migrations live. */
export const MIGRATIONS_DIR = path.join(PRISMA, "migrations");

/** Where PostgreSQL's committed migrations live (made from prisma/postgres/schema.prisma). */
export const POSTGRES_MIGRATIONS_DIR = path.join(PRISMA, "postgres", "migrations");

/** The folder names under dir that hold a migration.sql, sorted (their names start with the timestamp). */
export function migrationFolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}
