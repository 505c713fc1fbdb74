-- Outturn schema, version 7: benefits and milestones (issue 15).
-- A benefit is what a programme promised for its money (a cashable saving, a non-cashable benefit,
-- or income), with a target per FY and realised amounts entered as at a period with a forecast of
-- the further amount expected by year end. A milestone is a dated step of a phase's delivery.

CREATE TABLE benefit (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programme(id),
    phase_id     INTEGER REFERENCES phase(id),
    description  TEXT NOT NULL CHECK (length(description) >= 1),
    kind         TEXT NOT NULL CHECK (kind IN ('cashable', 'non-cashable', 'income')),
    owner        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    batch_id     INTEGER REFERENCES import_batch(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX benefit_programme ON benefit(programme_id);
CREATE INDEX benefit_batch ON benefit(batch_id) WHERE batch_id IS NOT NULL;

-- The benefit's target for one FY (a saving or income to achieve in that year).
CREATE TABLE benefit_target (
    benefit_id   INTEGER NOT NULL REFERENCES benefit(id) ON DELETE CASCADE,
    fy           INTEGER NOT NULL CHECK (fy BETWEEN 1900 AND 2999),
    amount_pence INTEGER NOT NULL CHECK (amount_pence >= 0),
    PRIMARY KEY (benefit_id, fy)
) WITHOUT ROWID;

-- Realised to date in the FY as at a period, and the further amount forecast by 31 March of it;
-- one per (benefit, fy, period): a second entry for the same period replaces the first (audited).
CREATE TABLE benefit_realisation (
    id             INTEGER PRIMARY KEY,
    benefit_id     INTEGER NOT NULL REFERENCES benefit(id) ON DELETE CASCADE,
    fy             INTEGER NOT NULL CHECK (fy BETWEEN 1900 AND 2999),
    as_at_period   INTEGER NOT NULL CHECK (as_at_period BETWEEN 1 AND 12),
    realised_pence INTEGER NOT NULL,
    forecast_pence INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (benefit_id, fy, as_at_period)
);

CREATE TABLE milestone (
    id            INTEGER PRIMARY KEY,
    phase_id      INTEGER NOT NULL REFERENCES phase(id),
    name          TEXT NOT NULL CHECK (length(name) >= 1),
    baseline_date TEXT NOT NULL CHECK (date(baseline_date) = baseline_date),
    forecast_date TEXT CHECK (forecast_date IS NULL OR date(forecast_date) = forecast_date),
    actual_date   TEXT CHECK (actual_date IS NULL OR date(actual_date) = actual_date),
    status        TEXT NOT NULL DEFAULT 'planned'
                  CHECK (status IN ('planned', 'in progress', 'complete')),
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK ((status = 'complete') = (actual_date IS NOT NULL)),
    UNIQUE (phase_id, name)
);
CREATE INDEX milestone_baseline ON milestone(baseline_date);
