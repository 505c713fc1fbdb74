-- Outturn schema, version 8: the financing statement is part of the period-close snapshot
-- (issue 14 item 4). A snapshot of kind 'financing' (header in `snapshot`, beside the
-- 'monitoring' one of the same period) holds the statement as `report financing` printed it when
-- the period was closed: the order of application used, every row (phases, programme totals, the
-- grand total) with its money in pence, and per row the approved and applied amount of each
-- source. Deleting the snapshot (reopen) deletes all of it.
CREATE TABLE snapshot_financing (
    snapshot_id     INTEGER PRIMARY KEY REFERENCES snapshot(id) ON DELETE CASCADE,
    financing_order TEXT NOT NULL
);

CREATE TABLE snapshot_financing_row (
    snapshot_id          INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    seq                  INTEGER NOT NULL,
    row_kind             TEXT NOT NULL CHECK (row_kind IN ('phase', 'programme total', 'grand total')),
    programme_id         INTEGER,
    phase_id             INTEGER,
    programme_code       TEXT NOT NULL,
    programme_name       TEXT NOT NULL,
    phase_code           TEXT NOT NULL,
    phase_name           TEXT NOT NULL,
    revised_pence        INTEGER NOT NULL,
    total_funding_pence  INTEGER NOT NULL,
    gap_pence            INTEGER NOT NULL,
    projected_pence      INTEGER NOT NULL,
    actual_to_date_pence INTEGER NOT NULL,
    unfunded_pence       INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

-- Approved and applied to date per source of a row (a source with neither is not stored).
CREATE TABLE snapshot_financing_source (
    snapshot_id    INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('borrowing', 'capital receipts', 'grant', 's106',
                                                   'cil', 'revenue', 'reserves', 'other')),
    approved_pence INTEGER NOT NULL,
    applied_pence  INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, seq, source),
    FOREIGN KEY (snapshot_id, seq) REFERENCES snapshot_financing_row(snapshot_id, seq)
        ON DELETE CASCADE
) WITHOUT ROWID;

-- A period closed before this version has no financing snapshot: owed, and taken from the live
-- figures (source 'upgrade') the first time the upgraded database is opened, as the monitoring
-- snapshots owed by version 5 were.
INSERT INTO snapshot_owed(kind, fy, period) SELECT 'financing', fy, period FROM closed_period;
