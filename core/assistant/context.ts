// One call that opens what FAQ curation needs outside a running app (`gridlink faq`): the database, a Redis
// connection to announce changes, and the live FAQ; and closes them again.
import { Redis } from "ioredis";
import { openDatabase, type Db } from "../infra/db.js";
import { createLiveFaq, faqChannel, type LiveFaq } from "./faq-live.js";

/** Open database, Redis and live FAQ for the faq commands. */
export async function openFaqContext(opts: { databaseUrl: string; redisUrl: string; queuePrefix: string; dir?: string }): Promise<{ prisma: Db; faq: LiveFaq; close(): Promise<void> }> {
  const prisma = await openDatabase(opts.databaseUrl);
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on("error", () => undefined); // reported by the first command that needs Redis
  try {
    const faq = await createLiveFaq({ prisma, redis, channel: faqChannel(opts.queuePrefix), dir: opts.dir, pollMs: 0 });
    return {
      prisma,
      faq,
      async close() {
        await faq.close();
        redis.disconnect();
        await prisma.$disconnect();
      },
    };
  } catch (err) {
    redis.disconnect();
    await prisma.$disconnect();
    throw err;
  }
}
