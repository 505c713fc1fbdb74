-- Outturn schema, version 3: hardening (issue 17): audit trail, database marking.
-- (Reserved: filled in by that issue's work. A migration step runs in one transaction.)
SELECT 1;
