-- Outturn schema, version 4: the life of a record (issue 11): approve, withdraw, exercise with value, vary from a month, forecast as-at dates.
-- (Reserved: filled in by that issue's work. A migration step runs in one transaction.)
SELECT 1;
