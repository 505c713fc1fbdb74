-- Outturn schema, version 3: hardening (issue 17): the audit trail.
-- `who` stays the operating-system login (from the system's user list, never the environment);
-- `as_name` is the name given by OUTTURN_USER beside it, if any. `images` holds the row images
-- of every record the event wrote (table, key, before, after), or for a bulk import the count and
-- SHA-256 of the batch's rows, so that `check` can replay the log and compare it with the tables.
-- Both are covered by the event's hash when present.
ALTER TABLE audit ADD COLUMN as_name TEXT;
ALTER TABLE audit ADD COLUMN images TEXT;
