#!/usr/bin/env node
// prisma/schema.prisma is the one data model. Prisma 6 fixes the provider in the schema, so PostgreSQL gets a copy
// with only the datasource swapped: prisma/postgres/schema.prisma (checked in; its client is generated into
// prisma/postgres/generated, its migrations live in prisma/postgres/migrations). Run after editing the schema:
//   node prisma/postgres-schema.mjs           write the PostgreSQL schema
//   node prisma/postgres-schema.mjs --check   exit 1 when it is out of date (tests/foundation/postgres-schema.test.ts)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE = path.join(here, "schema.prisma");
export const TARGET = path.join(here, "postgres", "schema.prisma");

/** The PostgreSQL schema for a SQLite schema text: the same models, datasource provider and CLI url swapped. */
export function postgresSchema(text) {
  const datasource = /datasource db \{[^}]*\}/;
  if (!datasource.test(text) || !/provider\s*=\s*"sqlite"/.test(text)) throw new Error("prisma/schema.prisma: no sqlite datasource block");
  const header = "// GENERATED from prisma/schema.prisma by prisma/postgres-schema.mjs: do not edit (edit the source, run the script).\n";
  return (
    header +
    text.replace(
      datasource,
      [
        "datasource db {",
        '  provider = "postgresql"',
        "  // Used only by the Prisma CLI (migrate diff); at run time the driver adapter's url (DATABASE_URL) wins.",
        '  url      = "postgresql://postgres@127.0.0.1:5432/gridlink"',
        "}",
      ].join("\n"),
    )
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const want = postgresSchema(fs.readFileSync(SOURCE, "utf8"));
  const have = fs.existsSync(TARGET) ? fs.readFileSync(TARGET, "utf8") : "";
  if (process.argv.includes("--check")) {
    if (have !== want) {
      console.error(`${path.relative(process.cwd(), TARGET)} is out of date: run node prisma/postgres-schema.mjs`);
      process.exit(1);
    }
  } else if (have !== want) {
    fs.mkdirSync(path.dirname(TARGET), { recursive: true });
    fs.writeFileSync(TARGET, want);
    console.log(`wrote ${path.relative(process.cwd(), TARGET)}`);
  }
}
