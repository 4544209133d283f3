import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

// Prisma CLI config: the JS engine with a driver adapter works offline (no native engine download). DATABASE_URL
// picks the database: a postgresql:// url the PostgreSQL schema (prisma/postgres/, generated from
// prisma/schema.prisma) over node-postgres, anything else the SQLite schema over better-sqlite3.
const url = process.env.DATABASE_URL ?? "file:./data/gridlink.db";
const postgres = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? path.join("prisma", "postgres", "schema.prisma") : path.join("prisma", "schema.prisma"),
  async adapter() {
    return postgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  },
});
