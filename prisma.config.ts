import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { isPostgresUrl } from "./core/infra/db-url.ts";

// Prisma CLI config: the JS engine with a driver adapter works offline (no native engine download). DATABASE_URL
// picks the database: a postgresql:// url the PostgreSQL schema (prisma/postgres/, generated from
// prisma/schema.prisma) over node-postgres, anything else the SQLite schema over better-sqlite3.
const url = process.env.DATABASE_URL ?? "file:./data/gridlink.db";
const postgres = isPostgresUrl(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? path.join("prisma", "postgres", "schema.prisma") : path.join("prisma", "schema.prisma"),
  async adapter() {
    if (!postgres) return new PrismaBetterSQLite3({ url });
    const { PrismaPg } = await import("@prisma/adapter-pg"); // node-postgres only for a postgresql:// url
    return new PrismaPg({ connectionString: url });
  },
});
