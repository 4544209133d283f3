-- Issue 12 (ticket cycle, staff side): tiers and owners, SLA clocks, dispatch modes, staff rooms, the SLA table.
ALTER TABLE "Group" ADD COLUMN "staffRoom" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Group" ADD COLUMN "direct" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "Ticket" ADD COLUMN "tier" TEXT NOT NULL DEFAULT 'grid';
ALTER TABLE "Ticket" ADD COLUMN "ownerNodeId" INTEGER;
ALTER TABLE "Ticket" ADD COLUMN "clockSeq" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Ticket" ADD COLUMN "acceptDueAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "resolveDueAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "warnedSeq" INTEGER;
ALTER TABLE "Ticket" ADD COLUMN "breachedAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "breachCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Ticket" ADD COLUMN "dispatchedAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "acceptedAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "mergedIntoId" INTEGER;
ALTER TABLE "Ticket" ADD COLUMN "hotlineId" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "hotlineStatus" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "assigneeAccountId" INTEGER;
CREATE INDEX "Ticket_assigneeAccountId_status_idx" ON "Ticket"("assigneeAccountId", "status");

ALTER TABLE "OrgNode" ADD COLUMN "dispatchMode" TEXT;

CREATE TABLE "SlaRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "category" TEXT NOT NULL,
    "severity" INTEGER NOT NULL DEFAULT 0,
    "acceptMinutes" INTEGER NOT NULL,
    "resolveMinutes" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
CREATE UNIQUE INDEX "SlaRule_category_severity_key" ON "SlaRule"("category", "severity");

-- Defaults: safety accept 1 h / resolve 24 h; utilities 2 h / 24 h; every other category 24 h / 5 days.
INSERT INTO "SlaRule" ("category", "severity", "acceptMinutes", "resolveMinutes", "updatedAt") VALUES ('safety', 0, 60, 1440, CURRENT_TIMESTAMP);
INSERT INTO "SlaRule" ("category", "severity", "acceptMinutes", "resolveMinutes", "updatedAt") VALUES ('utilities', 0, 120, 1440, CURRENT_TIMESTAMP);
INSERT INTO "SlaRule" ("category", "severity", "acceptMinutes", "resolveMinutes", "updatedAt") VALUES ('*', 0, 1440, 7200, CURRENT_TIMESTAMP);
