-- Outturn schema, version 6: financing (issue 14): funding lines. A funding line says how part of
-- a phase's capital budget for one financial year is paid for: the source, the amount, whether it
-- is approved (counts as funding), projected (shown beside, never in it) or withdrawn, the funder,
-- the date a grant or contribution must be spent by, and the decision it rests on. The order in
-- which funding meets spend is a setting (`financing.order`), not a table.
CREATE TABLE funding (
    id           INTEGER PRIMARY KEY,
    phase_id     INTEGER NOT NULL REFERENCES phase(id),
    fy           INTEGER NOT NULL CHECK (fy BETWEEN 1900 AND 2999),
    source       TEXT NOT NULL CHECK (source IN ('borrowing', 'capital receipts', 'grant', 's106',
                                                 'cil', 'revenue', 'reserves', 'other')),
    amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
    status       TEXT NOT NULL CHECK (status IN ('approved', 'projected', 'withdrawn')),
    funder       TEXT,
    spend_by     TEXT,
    decision_id  INTEGER REFERENCES decision(id),
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    batch_id     INTEGER REFERENCES import_batch(id)
);
CREATE INDEX funding_phase_fy ON funding(phase_id, fy);
CREATE INDEX funding_fy ON funding(fy);
CREATE INDEX funding_batch ON funding(batch_id) WHERE batch_id IS NOT NULL;
