-- Outturn schema, version 11: saved import profiles (issue 24 item 1). A profile says how one
-- ledger's extract is read: the renames of its columns, where its header is, its encoding, its
-- date format (named, never guessed), the shape of its money and which of its columns make a
-- ledger code (item 2). A batch records the profile used. The code map takes a ledger code (or
-- a pair, `CC100+PRJ7`) to a phase and optionally a contract.
CREATE TABLE import_profile (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    column_map  TEXT NOT NULL DEFAULT '',
    header      TEXT NOT NULL DEFAULT 'find',
    encoding    TEXT,
    date_format TEXT NOT NULL DEFAULT 'dd/mm/yyyy',
    amount      TEXT NOT NULL DEFAULT 'signed',
    code_columns TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1
);
ALTER TABLE import_batch ADD COLUMN profile TEXT;
CREATE TABLE ledger_code (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    phase_id    INTEGER NOT NULL REFERENCES phase(id),
    contract_id INTEGER REFERENCES contract(id)
);
