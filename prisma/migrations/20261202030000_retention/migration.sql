-- Retention (issue 11): when a closed ticket's residents' words and names were replaced by a masked excerpt and
-- a pseudonym. A plain nullable column: portable to PostgreSQL as written.
ALTER TABLE "Ticket" ADD COLUMN "purgedAt" DATETIME;
