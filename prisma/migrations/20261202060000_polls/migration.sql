-- Polls (issue 14, 社区投票): a poll carried by a broadcast, and one vote per poll and resident (latest counts).
CREATE TABLE "Poll" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "broadcastId" INTEGER NOT NULL,
    "question" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "lang" TEXT NOT NULL DEFAULT 'zh',
    "closesAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "closedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Poll_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE TABLE "PollVote" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pollId" INTEGER NOT NULL,
    "residentId" INTEGER NOT NULL,
    "groupId" INTEGER NOT NULL,
    "option" INTEGER NOT NULL,
    "votedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PollVote_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PollVote_residentId_fkey" FOREIGN KEY ("residentId") REFERENCES "Resident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "Poll_broadcastId_key" ON "Poll"("broadcastId");
CREATE INDEX "Poll_status_idx" ON "Poll"("status");
CREATE UNIQUE INDEX "PollVote_pollId_residentId_key" ON "PollVote"("pollId", "residentId");
CREATE INDEX "PollVote_pollId_groupId_idx" ON "PollVote"("pollId", "groupId");
