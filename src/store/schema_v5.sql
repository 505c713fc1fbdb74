-- Outturn schema, version 5: snapshots, movement and commentary (issue 13).
-- (Reserved: filled in by that issue's work. A migration step runs in one transaction.)
SELECT 1;
