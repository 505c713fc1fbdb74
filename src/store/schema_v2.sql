-- Outturn schema, version 2: import batches of every kind of record that can be imported
-- (funding lines and benefits besides actuals and budgets). SQLite cannot change a CHECK in place,
-- so the table is rebuilt; its rows and ids are kept, and the references from `actual` and
-- `allocation` hold again (`migrate` runs steps with foreign keys off, then checks every one).
CREATE TABLE import_batch_new (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('actuals', 'budgets', 'funding', 'benefits')),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    total_pence INTEGER NOT NULL,
    who         TEXT NOT NULL,
    at          TEXT NOT NULL,
    undone_at   TEXT
);
INSERT INTO import_batch_new (id, kind, file_name, sha256, rows, total_pence, who, at, undone_at)
    SELECT id, kind, file_name, sha256, rows, total_pence, who, at, undone_at FROM import_batch;
DROP TABLE import_batch;
ALTER TABLE import_batch_new RENAME TO import_batch;
CREATE INDEX import_batch_sha ON import_batch(sha256);
