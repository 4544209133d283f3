// Migrate one template SQLite database per test run, and a second one with the shipped lexicon seeded (what
// an app has after its first start); each test copies one (a real, fresh file per test). With
// GRIDLINK_TEST_DB=postgres the same two templates are PostgreSQL databases (tests copy them with CREATE DATABASE … TEMPLATE).

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase, openDatabase } from "../../core/infra/db.js";
import { seedLexicon } from "../../core/lexicon/store.js";
import { createPostgresDatabase, testDatabaseKind } from "../support/postgres.js";

export default async function setup(project: TestProject) {
  // The web admin's build (tests/web serve it), once per run before any test: a no-op when web/admin/dist is newer than its sources.
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, "../../web/admin/build.js")], { stdio: "ignore" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-template-"));
  const file = path.join(dir, "template.db");
  await migrateDatabase(`file:${file}`);
  project.provide("templateDb", file);
  const seeded = path.join(dir, "seeded.db");
  fs.copyFileSync(file, seeded);
  const prisma = await openDatabase(`file:${seeded}`);
  await seedLexicon(prisma);
  await prisma.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  await prisma.$disconnect();
  project.provide("seededTemplateDb", seeded);
  if (testDatabaseKind() !== "postgres") return () => fs.rmSync(dir, { recursive: true, force: true });
  const pgTemplate = await createPostgresDatabase();
  await migrateDatabase(pgTemplate.url);
  const pgSeeded = await createPostgresDatabase({ template: pgTemplate.name });
  const pgPrisma = await openDatabase(pgSeeded.url);
  await seedLexicon(pgPrisma);
  await pgPrisma.$disconnect();
  project.provide("pgTemplateDb", pgTemplate.name);
  project.provide("pgSeededTemplateDb", pgSeeded.name);
  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await pgTemplate.drop();
    await pgSeeded.drop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
    seededTemplateDb: string;
    /** With GRIDLINK_TEST_DB=postgres: the migrated template database's name, and the seeded one's. */
    pgTemplateDb?: string;
    pgSeededTemplateDb?: string;
  }
}
