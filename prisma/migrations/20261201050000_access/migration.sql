-- AlterTable
ALTER TABLE "Group" ADD COLUMN "gridNodeId" INTEGER;

-- AlterTable
ALTER TABLE "Staff" ADD COLUMN "accountId" INTEGER;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "ip" TEXT;

-- CreateTable
CREATE TABLE "OrgNode" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "parentId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OrgNode_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "OrgNode" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StaffAccount" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT,
    "role" TEXT NOT NULL,
    "scopeNodeId" INTEGER,
    "name" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "StaffSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" INTEGER NOT NULL,
    "ip" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StaffSession_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "StaffAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "scopeNodeId" INTEGER,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "OrgNode_parentId_idx" ON "OrgNode"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "OrgNode_kind_name_key" ON "OrgNode"("kind", "name");

-- CreateIndex
CREATE UNIQUE INDEX "StaffAccount_username_key" ON "StaffAccount"("username");

-- CreateIndex
CREATE INDEX "StaffSession_accountId_idx" ON "StaffSession"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");


-- Existing data: each distinct grid string becomes a grid node (placed in the tree later with `gridlink org move`).
INSERT INTO "OrgNode" ("kind", "name") SELECT DISTINCT 'grid', "grid" FROM "Group" WHERE "grid" IS NOT NULL AND "grid" <> '';
INSERT OR IGNORE INTO "OrgNode" ("kind", "name") SELECT DISTINCT 'grid', "grid" FROM "Staff" WHERE "grid" IS NOT NULL AND "grid" <> '';
UPDATE "Group" SET "gridNodeId" = (SELECT "id" FROM "OrgNode" WHERE "kind" = 'grid' AND "name" = "Group"."grid") WHERE "grid" IS NOT NULL;
