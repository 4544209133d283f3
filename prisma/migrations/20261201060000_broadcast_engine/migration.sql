-- Broadcast engine (issue 14): status, priority, confirmation expiry, schedule, times, origin and progress.
ALTER TABLE "Broadcast" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'sending';
ALTER TABLE "Broadcast" ADD COLUMN "priority" TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE "Broadcast" ADD COLUMN "expiresAt" DATETIME;
ALTER TABLE "Broadcast" ADD COLUMN "scheduledAt" DATETIME;
ALTER TABLE "Broadcast" ADD COLUMN "startedAt" DATETIME;
ALTER TABLE "Broadcast" ADD COLUMN "finishedAt" DATETIME;
ALTER TABLE "Broadcast" ADD COLUMN "originGroupId" INTEGER;
ALTER TABLE "Broadcast" ADD COLUMN "originUserId" TEXT;
ALTER TABLE "Broadcast" ADD COLUMN "progressAt" DATETIME;

-- CreateIndex
CREATE INDEX "Broadcast_status_idx" ON "Broadcast"("status");
