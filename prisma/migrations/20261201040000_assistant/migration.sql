-- CreateTable
CREATE TABLE "Faq" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "category" TEXT NOT NULL DEFAULT 'other',
    "questions" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "answerEn" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "source" TEXT NOT NULL DEFAULT 'seed',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "FaqAudit" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "before" TEXT,
    "after" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AssistantReply" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "messageRowId" INTEGER NOT NULL,
    "groupId" INTEGER NOT NULL,
    "residentId" INTEGER NOT NULL,
    "intent" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "source" TEXT,
    "ticketId" INTEGER,
    "feedback" TEXT,
    "registeredTicketId" INTEGER,
    "phrasedBy" TEXT NOT NULL DEFAULT 'template',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "Faq_key_key" ON "Faq"("key");

-- CreateIndex
CREATE INDEX "FaqAudit_key_idx" ON "FaqAudit"("key");

-- CreateIndex
CREATE UNIQUE INDEX "AssistantReply_messageRowId_key" ON "AssistantReply"("messageRowId");

-- CreateIndex
CREATE INDEX "AssistantReply_groupId_residentId_createdAt_idx" ON "AssistantReply"("groupId", "residentId", "createdAt");

-- CreateIndex
CREATE INDEX "AssistantReply_ticketId_idx" ON "AssistantReply"("ticketId");
