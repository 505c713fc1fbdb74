-- Outturn schema, version 10: saved import profiles (issue 24 item 1). A profile says how one
-- ledger's extract is read: the renames of its columns, where its header is, its encoding, its
-- date format (named, never guessed) and the shape of its money. A batch records the profile used.
CREATE TABLE import_profile (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    column_map  TEXT NOT NULL DEFAULT '',
    header      TEXT NOT NULL DEFAULT 'find',
    encoding    TEXT,
    date_format TEXT NOT NULL DEFAULT 'dd/mm/yyyy',
    amount      TEXT NOT NULL DEFAULT 'signed',
    version     INTEGER NOT NULL DEFAULT 1
);
ALTER TABLE import_batch ADD COLUMN profile TEXT;
