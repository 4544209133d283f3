-- The ticket cycle made durable and portable (issue 12):
-- - the stats figures read plain columns written by the step that changes them (no date functions in the stats
--   SQL, so the same queries run on SQLite and PostgreSQL): openedDay (China day, UTC+8), secondsToAccept (first
--   acceptance), secondsToResolve (latest resolution, for tickets resolved now), escalationCount — backfilled
--   here from each ticket's TicketEvent rows (this file is SQLite's; date functions are fine in a migration);
-- - hotlineFiledAt: the hotline filing intent, written before the POST so a retry looks for an earlier filing.
-- SQLite cannot add a NOT NULL column computed from other rows, so Ticket is rebuilt (Prisma's RedefineTables).
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Ticket" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "number" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "severity" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "tier" TEXT NOT NULL DEFAULT 'grid',
    "ownerNodeId" INTEGER,
    "clockSeq" INTEGER NOT NULL DEFAULT 0,
    "acceptDueAt" DATETIME,
    "resolveDueAt" DATETIME,
    "warnedSeq" INTEGER,
    "breachedAt" DATETIME,
    "breachCount" INTEGER NOT NULL DEFAULT 0,
    "dispatchedAt" DATETIME,
    "acceptedAt" DATETIME,
    "mergedIntoId" INTEGER,
    "hotlineId" TEXT,
    "hotlineStatus" TEXT,
    "hotlineFiledAt" DATETIME,
    "groupId" INTEGER NOT NULL,
    "reporterId" INTEGER NOT NULL,
    "sourceMessageId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "keywords" TEXT NOT NULL DEFAULT '[]',
    "origin" TEXT NOT NULL DEFAULT 'detector',
    "assignee" TEXT,
    "assigneeAccountId" INTEGER,
    "rating" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "openedDay" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    "secondsToAccept" INTEGER,
    "secondsToResolve" INTEGER,
    "escalationCount" INTEGER NOT NULL DEFAULT 0,
    "purgedAt" DATETIME,
    CONSTRAINT "Ticket_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Ticket_reporterId_fkey" FOREIGN KEY ("reporterId") REFERENCES "Resident" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Ticket_sourceMessageId_fkey" FOREIGN KEY ("sourceMessageId") REFERENCES "Message" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Ticket" ("acceptDueAt", "acceptedAt", "assignee", "assigneeAccountId", "breachCount", "breachedAt", "category", "clockSeq", "closedAt", "createdAt", "dispatchedAt", "groupId", "hotlineId", "hotlineStatus", "id", "keywords", "mergedIntoId", "number", "origin", "ownerNodeId", "purgedAt", "rating", "reporterId", "resolveDueAt", "severity", "sourceMessageId", "status", "text", "tier", "updatedAt", "warnedSeq", "openedDay", "secondsToAccept", "secondsToResolve", "escalationCount")
SELECT t."acceptDueAt", t."acceptedAt", t."assignee", t."assigneeAccountId", t."breachCount", t."breachedAt", t."category", t."clockSeq", t."closedAt", t."createdAt", t."dispatchedAt", t."groupId", t."hotlineId", t."hotlineStatus", t."id", t."keywords", t."mergedIntoId", t."number", t."origin", t."ownerNodeId", t."purgedAt", t."rating", t."reporterId", t."resolveDueAt", t."severity", t."sourceMessageId", t."status", t."text", t."tier", t."updatedAt", t."warnedSeq",
    strftime('%Y-%m-%d', t."createdAt", '+8 hours'),
    (SELECT CAST(round((julianday(min(e."createdAt")) - julianday(t."createdAt")) * 86400) AS INTEGER) FROM "TicketEvent" e WHERE e."ticketId" = t."id" AND e."toStatus" = 'accepted'),
    CASE WHEN t."status" IN ('resolved', 'rated', 'published') THEN
      CAST(round((julianday(COALESCE((SELECT max(e."createdAt") FROM "TicketEvent" e WHERE e."ticketId" = t."id" AND e."toStatus" = 'resolved'), t."closedAt")) - julianday(t."createdAt")) * 86400) AS INTEGER)
    END,
    (SELECT count(*) FROM "TicketEvent" e WHERE e."ticketId" = t."id" AND e."toStatus" = 'escalated')
FROM "Ticket" t;
DROP TABLE "Ticket";
ALTER TABLE "new_Ticket" RENAME TO "Ticket";
CREATE UNIQUE INDEX "Ticket_number_key" ON "Ticket"("number");
CREATE INDEX "Ticket_status_idx" ON "Ticket"("status");
CREATE INDEX "Ticket_groupId_status_idx" ON "Ticket"("groupId", "status");
CREATE INDEX "Ticket_reporterId_idx" ON "Ticket"("reporterId");
CREATE INDEX "Ticket_stats_idx" ON "Ticket"("createdAt", "groupId", "status", "category", "openedDay", "secondsToAccept", "secondsToResolve", "rating", "tier", "breachCount", "escalationCount", "resolveDueAt");
CREATE INDEX "Ticket_assigneeAccountId_status_idx" ON "Ticket"("assigneeAccountId", "status");
CREATE UNIQUE INDEX "Ticket_sourceMessageId_key" ON "Ticket"("sourceMessageId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
