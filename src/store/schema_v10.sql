-- Outturn schema, version 10: a year's financing is finalised with its outturn, as a step of its
-- own (issue 23 item 5; DOMAIN.md, "Financing"). Funding lines are no longer locked by closed
-- periods; a year with a row here has its funding lines locked until it is reopened with a reason
-- (both steps audited).
CREATE TABLE financing_final (
    fy INTEGER PRIMARY KEY,
    who TEXT NOT NULL,
    at TEXT NOT NULL
);
