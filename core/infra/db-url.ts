// Which database a DATABASE_URL names. Dependency-free: the Prisma CLI's config (prisma.config.ts) and the
// environment's validation (config.ts) read it without loading a client.

/** True for a PostgreSQL url (postgresql:// or postgres://); everything else is a SQLite `file:` url. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}
