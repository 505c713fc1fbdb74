-- Outturn schema, version 6: financing (issue 14): funding lines.
-- (Reserved: filled in by that issue's work. A migration step runs in one transaction.)
SELECT 1;
