-- Shadow keywords (issue 15): new keywords are counted, not acted on, until an admin promotes them.
ALTER TABLE "LexiconTerm" ADD COLUMN "shadow" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "LexiconTerm" ADD COLUMN "shadowHits" INTEGER NOT NULL DEFAULT 0;
