-- Outturn schema, version 1.
-- Money is INTEGER pence (exact SUM). Financial years are stored as their start year (2017 = 2017-18),
-- periods as 1..12 (P1 = April). Dates are ISO text (YYYY-MM-DD), which sorts as dates.
-- Every editable row carries `version`, bumped on each update, so a stale edit can be refused.

CREATE TABLE programme (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name          TEXT NOT NULL CHECK (length(name) >= 1),
    organisation  TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('planned', 'active', 'delivered', 'closed')),
    version       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE phase (
    id            INTEGER PRIMARY KEY,
    programme_id  INTEGER NOT NULL REFERENCES programme(id),
    code          TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
    name          TEXT NOT NULL CHECK (length(name) >= 1),
    status        TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('planned', 'active', 'delivered', 'closed')),
    officer       TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (programme_id, code)
);
CREATE INDEX phase_code ON phase(code);

CREATE TABLE decision (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL UNIQUE CHECK (length(reference) >= 1),
    programme_id  INTEGER REFERENCES programme(id),
    body          TEXT NOT NULL CHECK (length(body) >= 1),
    decision_date TEXT NOT NULL CHECK (date(decision_date) = decision_date),
    item          TEXT,
    key_decision  INTEGER NOT NULL DEFAULT 0 CHECK (key_decision IN (0, 1)),
    call_in       INTEGER NOT NULL DEFAULT 0 CHECK (call_in IN (0, 1)),
    outcome       TEXT NOT NULL DEFAULT 'approved',
    link          TEXT,
    summary       TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1
);

-- A capital budget line over one FY or a range of FYs; the per-FY split is in allocation_profile.
CREATE TABLE allocation (
    id              INTEGER PRIMARY KEY,
    phase_id        INTEGER NOT NULL REFERENCES phase(id),
    first_fy        INTEGER NOT NULL CHECK (first_fy BETWEEN 1900 AND 2999),
    last_fy         INTEGER NOT NULL CHECK (last_fy >= first_fy AND last_fy <= 2999),
    amount_pence    INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('approved', 'projected', 'withdrawn')),
    decision_id     INTEGER REFERENCES decision(id),
    profile_assumed INTEGER NOT NULL DEFAULT 0 CHECK (profile_assumed IN (0, 1)),
    note            TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    batch_id        INTEGER REFERENCES import_batch(id)
);
CREATE INDEX allocation_phase ON allocation(phase_id);
CREATE INDEX allocation_batch ON allocation(batch_id) WHERE batch_id IS NOT NULL;

CREATE TABLE allocation_profile (
    allocation_id INTEGER NOT NULL REFERENCES allocation(id) ON DELETE CASCADE,
    fy            INTEGER NOT NULL CHECK (fy BETWEEN 1900 AND 2999),
    amount_pence  INTEGER NOT NULL,
    PRIMARY KEY (allocation_id, fy)
) WITHOUT ROWID;
CREATE INDEX allocation_profile_fy ON allocation_profile(fy);

-- Reprofile: same phase, from_fy -> to_fy. Virement: from_phase -> to_phase.
-- Addition: to side only. Reduction: from side only.
CREATE TABLE budget_change (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('reprofile', 'virement', 'addition', 'reduction')),
    amount_pence   INTEGER NOT NULL CHECK (amount_pence > 0),
    from_phase_id  INTEGER REFERENCES phase(id),
    from_fy        INTEGER,
    to_phase_id    INTEGER REFERENCES phase(id),
    to_fy          INTEGER,
    effective_date TEXT NOT NULL CHECK (date(effective_date) = effective_date),
    status         TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
    decision_id    INTEGER REFERENCES decision(id),
    reason         TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK ((from_phase_id IS NULL) = (from_fy IS NULL)),
    CHECK ((to_phase_id IS NULL) = (to_fy IS NULL)),
    CHECK (kind <> 'reprofile' OR (from_phase_id = to_phase_id AND from_fy <> to_fy)),
    CHECK (kind <> 'virement' OR (from_phase_id IS NOT NULL AND to_phase_id IS NOT NULL AND from_phase_id <> to_phase_id)),
    CHECK (kind <> 'addition' OR (from_phase_id IS NULL AND to_phase_id IS NOT NULL)),
    CHECK (kind <> 'reduction' OR (from_phase_id IS NOT NULL AND to_phase_id IS NULL))
);
CREATE INDEX budget_change_to ON budget_change(to_fy, to_phase_id);
CREATE INDEX budget_change_from ON budget_change(from_fy, from_phase_id);

CREATE TABLE framework (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE CHECK (length(name) >= 1),
    reference    TEXT NOT NULL DEFAULT '',
    planned_end  TEXT CHECK (planned_end IS NULL OR date(planned_end) = planned_end),
    actual_end   TEXT CHECK (actual_end IS NULL OR date(actual_end) = actual_end),
    version      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE contract (
    id                INTEGER PRIMARY KEY,
    reference         TEXT NOT NULL UNIQUE CHECK (length(reference) >= 1),
    title             TEXT NOT NULL,
    supplier          TEXT NOT NULL,
    phase_id          INTEGER NOT NULL REFERENCES phase(id),
    framework_id      INTEGER REFERENCES framework(id),
    value_pence       INTEGER NOT NULL CHECK (value_pence >= 0),
    original_value_pence INTEGER NOT NULL CHECK (original_value_pence >= 0),
    start_date        TEXT NOT NULL CHECK (date(start_date) = start_date),
    term_months       INTEGER NOT NULL CHECK (term_months BETWEEN 1 AND 600),
    award_decision_id INTEGER REFERENCES decision(id),
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contract_phase ON contract(phase_id);

-- An explicit monthly profile for a contract (replaces the even split when present).
CREATE TABLE contract_profile (
    contract_id  INTEGER NOT NULL REFERENCES contract(id) ON DELETE CASCADE,
    month        TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    amount_pence INTEGER NOT NULL,
    PRIMARY KEY (contract_id, month)
) WITHOUT ROWID;

CREATE TABLE extension_option (
    id            INTEGER PRIMARY KEY,
    contract_id   INTEGER NOT NULL REFERENCES contract(id) ON DELETE CASCADE,
    months        INTEGER NOT NULL CHECK (months BETWEEN 1 AND 600),
    value_pence   INTEGER NOT NULL DEFAULT 0 CHECK (value_pence >= 0),
    decision_due  TEXT CHECK (decision_due IS NULL OR date(decision_due) = decision_due),
    exercised     INTEGER NOT NULL DEFAULT 0 CHECK (exercised IN (0, 1)),
    decision_id   INTEGER REFERENCES decision(id),
    version       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE import_batch (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('actuals', 'budgets')),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    total_pence INTEGER NOT NULL,
    who         TEXT NOT NULL,
    at          TEXT NOT NULL,
    undone_at   TEXT
);
CREATE INDEX import_batch_sha ON import_batch(sha256);

-- A payment or invoice line. fy and period are derived from the date on insert and kept for
-- aggregation (the report reads the running totals in actual_total, kept by triggers below).
CREATE TABLE actual (
    id           INTEGER PRIMARY KEY,
    phase_id     INTEGER NOT NULL REFERENCES phase(id),
    contract_id  INTEGER REFERENCES contract(id),
    date         TEXT NOT NULL,
    fy           INTEGER NOT NULL,
    period       INTEGER NOT NULL CHECK (period BETWEEN 1 AND 12),
    supplier     TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    reference    TEXT NOT NULL DEFAULT '',
    amount_pence INTEGER NOT NULL,
    batch_id     INTEGER REFERENCES import_batch(id),
    version      INTEGER NOT NULL DEFAULT 1
);
-- A phase's actuals in date order (drill-down, filters, duplicate detection on import); a year
-- is a date range.
CREATE INDEX actual_phase_date ON actual(phase_id, date);
CREATE INDEX actual_contract ON actual(contract_id, date, amount_pence) WHERE contract_id IS NOT NULL;
-- Browsing actuals in date order (the TUI pages through them by key, never by loading them all).
CREATE INDEX actual_date ON actual(date);

-- Running totals of actuals per (fy, phase, period, contract; contract_id 0 = none), kept by the
-- triggers below on every insert, update and delete of `actual`, whatever the write path (entry,
-- import, undo). The report sums these few thousand rows instead of a million actuals. `n` counts
-- the actuals in a total, so a total is removed when its last actual goes.
CREATE TABLE actual_total (
    fy           INTEGER NOT NULL,
    phase_id     INTEGER NOT NULL,
    period       INTEGER NOT NULL,
    contract_id  INTEGER NOT NULL,
    amount_pence INTEGER NOT NULL,
    n            INTEGER NOT NULL CHECK (n > 0),
    PRIMARY KEY (fy, phase_id, period, contract_id)
) WITHOUT ROWID;

CREATE TRIGGER actual_total_insert AFTER INSERT ON actual
BEGIN
    INSERT INTO actual_total(fy, phase_id, period, contract_id, amount_pence, n)
    VALUES (NEW.fy, NEW.phase_id, NEW.period, coalesce(NEW.contract_id, 0), NEW.amount_pence, 1)
    ON CONFLICT (fy, phase_id, period, contract_id)
    DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, n = n + 1;
END;
CREATE TRIGGER actual_total_delete AFTER DELETE ON actual
BEGIN
    DELETE FROM actual_total
    WHERE fy = OLD.fy AND phase_id = OLD.phase_id AND period = OLD.period
      AND contract_id = coalesce(OLD.contract_id, 0) AND n = 1;
    UPDATE actual_total SET amount_pence = amount_pence - OLD.amount_pence, n = n - 1
    WHERE fy = OLD.fy AND phase_id = OLD.phase_id AND period = OLD.period
      AND contract_id = coalesce(OLD.contract_id, 0);
END;
CREATE TRIGGER actual_total_update AFTER UPDATE OF fy, phase_id, period, contract_id, amount_pence ON actual
BEGIN
    DELETE FROM actual_total
    WHERE fy = OLD.fy AND phase_id = OLD.phase_id AND period = OLD.period
      AND contract_id = coalesce(OLD.contract_id, 0) AND n = 1;
    UPDATE actual_total SET amount_pence = amount_pence - OLD.amount_pence, n = n - 1
    WHERE fy = OLD.fy AND phase_id = OLD.phase_id AND period = OLD.period
      AND contract_id = coalesce(OLD.contract_id, 0);
    INSERT INTO actual_total(fy, phase_id, period, contract_id, amount_pence, n)
    VALUES (NEW.fy, NEW.phase_id, NEW.period, coalesce(NEW.contract_id, 0), NEW.amount_pence, 1)
    ON CONFLICT (fy, phase_id, period, contract_id)
    DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, n = n + 1;
END;

-- The officer's forecast outturn for a phase and FY, entered as at a period; one per (phase, fy, period).
CREATE TABLE forecast (
    id           INTEGER PRIMARY KEY,
    phase_id     INTEGER NOT NULL REFERENCES phase(id),
    fy           INTEGER NOT NULL CHECK (fy BETWEEN 1900 AND 2999),
    as_at_period INTEGER NOT NULL CHECK (as_at_period BETWEEN 1 AND 12),
    amount_pence INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (phase_id, fy, as_at_period)
);

-- Closed periods: everything dated on or before `through_date` (end of the period) is locked.
CREATE TABLE closed_period (
    fy           INTEGER NOT NULL,
    period       INTEGER NOT NULL CHECK (period BETWEEN 1 AND 12),
    through_date TEXT NOT NULL,
    who          TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (fy, period)
);

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Append-only audit log. `hash` chains each event to the previous one (SHA-256 over prev_hash and
-- the event's fields), so a rewritten history is detectable even by someone who drops the triggers.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    who       TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER,
    before    TEXT,
    after     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit(entity, entity_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: events cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: events cannot be deleted');
END;
