-- Issue 12, the residents' side of the ticket cycle: every reporter of a ticket, points for resolved
-- complaints, and the indexes the stats figures read.

-- CreateTable
CREATE TABLE "TicketReporter" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "groupId" INTEGER NOT NULL,
    "residentId" INTEGER NOT NULL,
    "sourceMessageId" INTEGER NOT NULL,
    "first" BOOLEAN NOT NULL DEFAULT false,
    "via" TEXT NOT NULL DEFAULT 'open',
    "lang" TEXT NOT NULL DEFAULT 'zh',
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "TicketReporter_ticketId_residentId_key" ON "TicketReporter"("ticketId", "residentId");
CREATE INDEX "TicketReporter_residentId_idx" ON "TicketReporter"("residentId");
CREATE INDEX "TicketReporter_groupId_idx" ON "TicketReporter"("groupId");

-- Every existing ticket's reporter is its first reporter.
INSERT INTO "TicketReporter" ("ticketId", "groupId", "residentId", "sourceMessageId", "first", "via", "joinedAt")
SELECT "id", "groupId", "reporterId", "sourceMessageId", true, 'open', "createdAt" FROM "Ticket";

-- CreateTable
CREATE TABLE "PointsAward" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "residentId" INTEGER NOT NULL,
    "grid" TEXT,
    "points" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "PointsAward_ticketId_residentId_key" ON "PointsAward"("ticketId", "residentId");
CREATE INDEX "PointsAward_grid_residentId_idx" ON "PointsAward"("grid", "residentId");
CREATE INDEX "PointsAward_residentId_idx" ON "PointsAward"("residentId");

-- Indexes for the stats figures: one that covers every figure over a period, one for the time to accept
CREATE INDEX "Ticket_stats_idx" ON "Ticket"("createdAt", "groupId", "status", "category", "closedAt", "rating", "tier", "breachCount", "resolveDueAt");
CREATE INDEX "TicketEvent_toStatus_ticketId_createdAt_idx" ON "TicketEvent"("toStatus", "ticketId", "createdAt");
