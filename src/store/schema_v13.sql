-- Outturn schema, version 13: a closed period's committee pack is frozen (issue 26 item 5;
-- DOMAIN.md, "Snapshots"). Closing a period keeps, with its monitoring snapshot, the contracts,
-- benefits and milestones as the pack showed them: each contract's value, paid to date,
-- committed in the year, term, end, framework and options (estimate and exercised value); each
-- benefit's position in the year; each milestone as it stood at the period's end, with its
-- slippage and RAG. Everything is named as it was then; programme_id (no foreign key: a snapshot
-- is history) lets a pack of one programme narrow to it. Reopening deletes the snapshot and, by
-- cascade, all of this.
CREATE TABLE snapshot_pack (
    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshot(id) ON DELETE CASCADE
);

CREATE TABLE snapshot_contract_row (
    snapshot_id        INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    seq                INTEGER NOT NULL,
    programme_id       INTEGER,
    programme_code     TEXT NOT NULL,
    phase_code         TEXT NOT NULL,
    reference          TEXT NOT NULL,
    title              TEXT NOT NULL,
    supplier           TEXT NOT NULL,
    value_pence        INTEGER NOT NULL,
    paid_to_date_pence INTEGER NOT NULL,
    committed_pence    INTEGER NOT NULL,
    start_date         TEXT NOT NULL,
    term_months        INTEGER NOT NULL,
    end_date           TEXT NOT NULL,
    framework          TEXT,
    framework_end      TEXT,
    award_decision     TEXT,
    PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

CREATE TABLE snapshot_contract_option (
    snapshot_id           INTEGER NOT NULL,
    seq                   INTEGER NOT NULL,
    option_seq            INTEGER NOT NULL,
    months                INTEGER NOT NULL,
    estimate_pence        INTEGER NOT NULL,
    decision_due          TEXT,
    exercised             INTEGER NOT NULL CHECK (exercised IN (0, 1)),
    exercised_value_pence INTEGER,
    PRIMARY KEY (snapshot_id, seq, option_seq),
    FOREIGN KEY (snapshot_id, seq) REFERENCES snapshot_contract_row(snapshot_id, seq)
        ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE snapshot_benefit_row (
    snapshot_id     INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    programme_id    INTEGER,
    benefit_id      INTEGER NOT NULL,
    programme_code  TEXT NOT NULL,
    phase_code      TEXT,
    description     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    owner           TEXT NOT NULL,
    target_pence    INTEGER NOT NULL,
    entered_period  INTEGER CHECK (entered_period BETWEEN 1 AND 12),
    realised_pence  INTEGER NOT NULL,
    forecast_pence  INTEGER NOT NULL,
    expected_pence  INTEGER NOT NULL,
    variance_pence  INTEGER NOT NULL,
    rag             TEXT NOT NULL CHECK (rag IN ('Red', 'Amber', 'Green')),
    PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

CREATE TABLE snapshot_milestone_row (
    snapshot_id    INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    programme_id   INTEGER,
    milestone_id   INTEGER NOT NULL,
    programme_code TEXT NOT NULL,
    phase_code     TEXT NOT NULL,
    phase_name     TEXT NOT NULL,
    name           TEXT NOT NULL,
    baseline       TEXT NOT NULL,
    forecast       TEXT,
    actual         TEXT,
    status         TEXT NOT NULL,
    slippage_days  INTEGER NOT NULL,
    rag            TEXT NOT NULL CHECK (rag IN ('Red', 'Amber', 'Green')),
    PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

-- A period closed before this version kept none of this: owed, and kept from the live records
-- (as the monitoring snapshots owed by version 5 were) the first time the upgraded database is
-- opened; from then on the period's pack is frozen like any other.
INSERT INTO snapshot_owed(kind, fy, period) SELECT 'pack', fy, period FROM closed_period;
