-- Outturn schema, version 4: the life of a record (issue 11): approve and withdraw allocations,
-- withdraw proposed changes, exercise extensions with a value, vary a contract from a month,
-- forecasts entered as at a date and withdrawn. Runs in one transaction with foreign keys off
-- (see `migrate`); the rebuilt tables keep their rows and ids.

-- Allocations: when an allocation was approved or withdrawn, and why it was withdrawn.
ALTER TABLE allocation ADD COLUMN status_date TEXT
    CHECK (status_date IS NULL OR date(status_date) = status_date);
ALTER TABLE allocation ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';

-- Budget changes: a proposed change can be withdrawn (the CHECK gains 'withdrawn', so the table
-- is rebuilt with its rows, ids and indexes).
CREATE TABLE budget_change_new (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('reprofile', 'virement', 'addition', 'reduction')),
    amount_pence   INTEGER NOT NULL CHECK (amount_pence > 0),
    from_phase_id  INTEGER REFERENCES phase(id),
    from_fy        INTEGER,
    to_phase_id    INTEGER REFERENCES phase(id),
    to_fy          INTEGER,
    effective_date TEXT NOT NULL CHECK (date(effective_date) = effective_date),
    status         TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'withdrawn')),
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
INSERT INTO budget_change_new (id, kind, amount_pence, from_phase_id, from_fy, to_phase_id, to_fy,
        effective_date, status, decision_id, reason, version)
    SELECT id, kind, amount_pence, from_phase_id, from_fy, to_phase_id, to_fy,
        effective_date, status, decision_id, reason, version FROM budget_change;
DROP TABLE budget_change;
ALTER TABLE budget_change_new RENAME TO budget_change;
CREATE INDEX budget_change_to ON budget_change(to_fy, to_phase_id);
CREATE INDEX budget_change_from ON budget_change(from_fy, from_phase_id);

-- Extension options: the value added when exercised (given then, or the estimate), the date, and
-- the order of exercise among the contract's exercises and variations (`seq`), which fixes the
-- months each one covers.
ALTER TABLE extension_option ADD COLUMN exercised_value_pence INTEGER
    CHECK (exercised_value_pence IS NULL OR exercised_value_pence >= 0);
ALTER TABLE extension_option ADD COLUMN exercised_on TEXT
    CHECK (exercised_on IS NULL OR date(exercised_on) = exercised_on);
ALTER TABLE extension_option ADD COLUMN seq INTEGER;

-- A variation: the contract value moves from `old_value_pence` to `new_value_pence`, the difference
-- spread evenly over the months from `effective_month` to the end of the term at the time (`seq`
-- orders it among the contract's exercises and variations).
CREATE TABLE contract_variation (
    id              INTEGER PRIMARY KEY,
    contract_id     INTEGER NOT NULL REFERENCES contract(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    effective_month TEXT NOT NULL CHECK (effective_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    old_value_pence INTEGER NOT NULL,
    new_value_pence INTEGER NOT NULL CHECK (new_value_pence >= 0),
    decision_id     INTEGER REFERENCES decision(id),
    varied_on       TEXT NOT NULL CHECK (date(varied_on) = varied_on),
    UNIQUE (contract_id, seq)
);
CREATE INDEX contract_variation_contract ON contract_variation(contract_id);

-- Existing data. An option exercised before this step added its value over the months after the
-- term: it keeps that value, in the order of the options.
UPDATE extension_option SET exercised_value_pence = value_pence,
    seq = (SELECT count(*) FROM extension_option o
           WHERE o.contract_id = extension_option.contract_id AND o.exercised = 1 AND o.id <= extension_option.id)
    WHERE exercised = 1;
-- A value varied before this step was spread over the whole original term: it becomes a variation
-- effective from the first month, before any exercise (seq 0).
INSERT INTO contract_variation (contract_id, seq, effective_month, old_value_pence, new_value_pence, varied_on)
    SELECT id, 0, substr(start_date, 1, 7), original_value_pence, value_pence, start_date
    FROM contract WHERE value_pence <> original_value_pence;
-- The contract value is now the whole current value: the base plus the exercised extensions.
UPDATE contract SET value_pence = value_pence + coalesce(
    (SELECT sum(exercised_value_pence) FROM extension_option e
     WHERE e.contract_id = contract.id AND e.exercised = 1), 0);

-- Forecasts: entered as at a date (a later year's forecast may be entered as at today), and
-- withdrawn rather than deleted. The one-per-(phase, FY, period) rule becomes one live forecast per
-- phase, FY and as-at month; `as_at_period` stays the period of the as-at date.
CREATE TABLE forecast_new (
    id               INTEGER PRIMARY KEY,
    phase_id         INTEGER NOT NULL REFERENCES phase(id),
    fy               INTEGER NOT NULL CHECK (fy BETWEEN 1900 AND 2999),
    as_at_period     INTEGER NOT NULL CHECK (as_at_period BETWEEN 1 AND 12),
    as_at_date       TEXT NOT NULL CHECK (date(as_at_date) = as_at_date),
    amount_pence     INTEGER NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    withdrawn_on     TEXT CHECK (withdrawn_on IS NULL OR date(withdrawn_on) = withdrawn_on),
    withdrawn_reason TEXT NOT NULL DEFAULT ''
);
-- An old forecast was as at the end of its period of its own FY (P1 = April; P10-P12 next year).
INSERT INTO forecast_new (id, phase_id, fy, as_at_period, as_at_date, amount_pence, note, version)
    SELECT id, phase_id, fy, as_at_period,
        date(printf('%04d-%02d-01', fy + (as_at_period >= 10), ((as_at_period + 2) % 12) + 1),
             '+1 month', '-1 day'),
        amount_pence, note, version
    FROM forecast;
DROP TABLE forecast;
ALTER TABLE forecast_new RENAME TO forecast;
CREATE UNIQUE INDEX forecast_live ON forecast(phase_id, fy, substr(as_at_date, 1, 7))
    WHERE withdrawn_on IS NULL;
