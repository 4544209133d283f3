-- One audit trail: FAQ and lexicon changes are AuditEvent rows (faq.<action> on faq:<key>, lexicon.<action> on
-- keyword:<term>). The rows of the two old tables move into AuditEvent, then the tables go.
-- Portable SQL (SQLite today, PostgreSQL later): quoted identifiers, || concatenation, CASE, NOT EXISTS.

-- Seeds are shipped data, not administrative changes: not moved (the seeded rows themselves remain, and what an
-- admin removed has its removal row, so a seed still never brings back a removed entry).

-- Every FAQ change (the FAQ never wrote AuditEvent rows).
INSERT INTO "AuditEvent" ("actor", "channel", "action", "subject", "before", "after", "createdAt", "ip")
SELECT
    CASE WHEN a."actor" LIKE 'chat:%' OR a."actor" LIKE 'web:%' OR a."actor" LIKE 'token:%' OR a."actor" LIKE 'cli:%' OR a."actor" LIKE 'system:%' OR a."actor" LIKE 'http:%'
         THEN a."actor" ELSE 'system:' || a."actor" END,
    CASE WHEN a."actor" LIKE 'chat:%' THEN 'chat' WHEN a."actor" LIKE 'web:%' THEN 'web' WHEN a."actor" LIKE 'token:%' THEN 'token'
         WHEN a."actor" LIKE 'cli:%' THEN 'cli' WHEN a."actor" LIKE 'http:%' THEN 'http' ELSE 'system' END,
    'faq.' || a."action",
    'faq:' || a."key",
    a."before",
    a."after",
    a."createdAt",
    NULL
FROM "FaqAudit" a
WHERE a."action" <> 'seed'
ORDER BY a."id";

-- Lexicon changes: administrative ones were already written to AuditEvent as well (lexicon.<action> on
-- keyword:<term> with the same before/after); seeds and changes from before AuditEvent existed were not.
INSERT INTO "AuditEvent" ("actor", "channel", "action", "subject", "before", "after", "createdAt", "ip")
SELECT
    CASE WHEN a."actor" LIKE 'chat:%' OR a."actor" LIKE 'web:%' OR a."actor" LIKE 'token:%' OR a."actor" LIKE 'cli:%' OR a."actor" LIKE 'system:%' OR a."actor" LIKE 'http:%'
         THEN a."actor" ELSE 'system:' || a."actor" END,
    CASE WHEN a."actor" LIKE 'chat:%' THEN 'chat' WHEN a."actor" LIKE 'web:%' THEN 'web' WHEN a."actor" LIKE 'token:%' THEN 'token'
         WHEN a."actor" LIKE 'cli:%' THEN 'cli' WHEN a."actor" LIKE 'http:%' THEN 'http' ELSE 'system' END,
    'lexicon.' || a."action",
    'keyword:' || a."term",
    a."before",
    a."after",
    a."createdAt",
    NULL
FROM "LexiconAudit" a
WHERE a."action" <> 'seed' AND NOT EXISTS (
    SELECT 1 FROM "AuditEvent" e
    WHERE e."action" = 'lexicon.' || a."action"
      AND e."subject" = 'keyword:' || a."term"
      AND (e."before" = a."before" OR (e."before" IS NULL AND a."before" IS NULL))
      AND (e."after" = a."after" OR (e."after" IS NULL AND a."after" IS NULL))
)
ORDER BY a."id";

-- DropTable
DROP TABLE "FaqAudit";

-- DropTable
DROP TABLE "LexiconAudit";
