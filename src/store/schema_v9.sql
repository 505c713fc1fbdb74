-- Outturn schema, version 9: forecasts are kept by as-at date, not by month (issue 23 item 2;
-- DOMAIN.md, "Forecast"). A forecast as at another date of the same period is a new forecast,
-- kept beside the first; only one as at the same date replaces it. The report takes the latest
-- as-at date. One live forecast per phase, FY and as-at date.
DROP INDEX forecast_live;
CREATE UNIQUE INDEX forecast_live ON forecast(phase_id, fy, as_at_date)
    WHERE withdrawn_on IS NULL;
