-- Outturn schema, version 5: snapshots, movement and commentary (issue 13).
--
-- `snapshot` is one frozen report of a closed period. `kind` says which report it is: today only
-- 'monitoring' (the monthly monitoring report, rows in snapshot_report_row); another report (the
-- financing statement) adds its own kind and its own row table keyed by snapshot_id, so the header,
-- `report list`, reopen and the migration owe-list below serve every kind.
CREATE TABLE snapshot (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    fy            INTEGER NOT NULL CHECK (fy BETWEEN 1900 AND 2999),
    period        INTEGER NOT NULL CHECK (period BETWEEN 1 AND 12),
    -- The RAG thresholds the report was worked out with (percent, as stored in `setting`).
    rag_red_pct   TEXT NOT NULL,
    rag_amber_pct TEXT NOT NULL,
    -- 'close': taken by `period close`; 'upgrade': owed by a period closed before version 5 and
    -- taken from the live figures the first time the upgraded database was opened.
    source        TEXT NOT NULL CHECK (source IN ('close', 'upgrade')),
    who           TEXT NOT NULL,
    at            TEXT NOT NULL,
    UNIQUE (kind, fy, period)
);

-- The rows of a monitoring snapshot, typed (money in pence), in report order (seq). Phases and
-- programmes are named as they were when the snapshot was taken; their ids (no foreign key: a
-- snapshot is history) let movement and "at last report" find the same phase later.
CREATE TABLE snapshot_report_row (
    snapshot_id          INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    seq                  INTEGER NOT NULL,
    row_kind             TEXT NOT NULL CHECK (row_kind IN ('phase', 'programme total', 'grand total')),
    programme_id         INTEGER,
    phase_id             INTEGER,
    programme_code       TEXT NOT NULL,
    programme_name       TEXT NOT NULL,
    phase_code           TEXT NOT NULL,
    phase_name           TEXT NOT NULL,
    original_pence       INTEGER NOT NULL,
    approved_changes_pence INTEGER NOT NULL,
    revised_pence        INTEGER NOT NULL,
    pending_pence        INTEGER NOT NULL,
    actual_in_period_pence INTEGER NOT NULL,
    actual_to_date_pence INTEGER NOT NULL,
    commitments_pence    INTEGER NOT NULL,
    headroom_pence       INTEGER NOT NULL,
    forecast_pence       INTEGER NOT NULL,
    forecast_basis       TEXT NOT NULL,
    variance_pence       INTEGER NOT NULL,
    variance_pct         TEXT,
    spent_pct            TEXT,
    rag                  TEXT NOT NULL CHECK (rag IN ('Red', 'Amber', 'Green')),
    last_revised_pence   INTEGER,
    budget_movement_pence INTEGER,
    last_forecast_pence  INTEGER,
    forecast_movement_pence INTEGER,
    commentary           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

-- What made up each phase's revised budget in the snapshot: one line per approved allocation and
-- per side of an approved budget change counted in it (signed: money out of the phase is negative).
-- The movement bridge compares these lines between two snapshots.
CREATE TABLE snapshot_budget_line (
    snapshot_id  INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    phase_id     INTEGER NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('allocation', 'change')),
    record_id    INTEGER NOT NULL,
    change_kind  TEXT CHECK (change_kind IS NULL
                             OR change_kind IN ('reprofile', 'virement', 'addition', 'reduction')),
    amount_pence INTEGER NOT NULL,
    CHECK ((source = 'change') = (change_kind IS NOT NULL)),
    PRIMARY KEY (snapshot_id, phase_id, source, record_id)
) WITHOUT ROWID;

-- Snapshots owed: a period closed before this version has none. The step cannot work out a
-- report in SQL, so it records the debt here; the first open of the upgraded database takes
-- each owed snapshot from the live figures (source 'upgrade'), audits it, says so in one line,
-- and clears the debt.
CREATE TABLE snapshot_owed (
    kind   TEXT NOT NULL,
    fy     INTEGER NOT NULL,
    period INTEGER NOT NULL,
    PRIMARY KEY (kind, fy, period)
) WITHOUT ROWID;
INSERT INTO snapshot_owed(kind, fy, period) SELECT 'monitoring', fy, period FROM closed_period;

-- The officer's variance commentary: the reason for a variance and the action taken, for a phase,
-- FY and period; one per (phase, FY, period), edited in place (versioned, audited).
CREATE TABLE variance_comment (
    id        INTEGER PRIMARY KEY,
    phase_id  INTEGER NOT NULL REFERENCES phase(id),
    fy        INTEGER NOT NULL CHECK (fy BETWEEN 1900 AND 2999),
    period    INTEGER NOT NULL CHECK (period BETWEEN 1 AND 12),
    text      TEXT NOT NULL CHECK (length(trim(text)) >= 1),
    who       TEXT NOT NULL,
    at        TEXT NOT NULL,
    version   INTEGER NOT NULL DEFAULT 1,
    UNIQUE (phase_id, fy, period)
);
CREATE INDEX variance_comment_when ON variance_comment(fy, period);
