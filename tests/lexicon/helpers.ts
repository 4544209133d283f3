// A fresh database per test (copied from the migrated template; PostgreSQL with GRIDLINK_TEST_DB=postgres) and a
// unique Redis channel.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { openDatabase, type Db } from "../../core/infra/db.js";
import { freshTestDatabase, TEST_REDIS_URL } from "../helpers/harness.js";

/** An open database on a fresh file (or PostgreSQL database), and its cleanup. */
export async function testDb(): Promise<{ prisma: Db; cleanup(): Promise<void> }> {
  const db = await freshTestDatabase();
  const prisma = await openDatabase(db.url);
  return {
    prisma,
    async cleanup() {
      await prisma.$disconnect();
      await db.cleanup();
    },
  };
}

/** A Redis connection and a channel no other test uses. */
export function testRedis(): { redis: Redis; channel: string } {
  return { redis: new Redis(TEST_REDIS_URL), channel: `gridlink-test:${randomBytes(6).toString("hex")}:lexicon` };
}

/** A small lexicon folder (keywords + the real guards), for seeding tests. */
export function tinyLexiconDir(extra = ""): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-lexicon-"));
  fs.mkdirSync(path.join(dir, "keywords"));
  fs.copyFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../lexicon/guards.txt"), path.join(dir, "guards.txt"));
  fs.writeFileSync(path.join(dir, "keywords", "t.txt"), `[utilities]\n停电 | 2 | problem | 断电\n停水 | 2\n电梯 | 2 | object\n${extra}`);
  return dir;
}
