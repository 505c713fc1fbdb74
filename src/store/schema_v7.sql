-- Outturn schema, version 7: benefits and milestones (issue 15).
-- (Reserved: filled in by that issue's work. A migration step runs in one transaction.)
SELECT 1;
