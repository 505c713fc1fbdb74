//! Forecast outturns of a phase and year, entered as at a date (the report's "latest" is the
//! latest as-at date), replaced within the month, or withdrawn.

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Optional, Row, Sql};
use serde::Serialize;

use chrono::NaiveDate;

use super::common::{iso, within};
use super::rows::{date_at, fy_at, money_at, opt_date_at, period_at, rows as collect};
use crate::domain::calendar::uk_date;
use crate::domain::model::Forecast;
use crate::domain::text::MAX_NOTE;
use crate::domain::{FinancialYear, Money, Period};
use crate::error::{Fix, Records};
use crate::store::{Result, StoreError, audit, locks};

/// A forecast to enter.
#[derive(Debug, Clone, Serialize)]
pub struct NewForecast {
    pub phase_id: i64,
    pub fy: FinancialYear,
    pub as_at: Period,
    pub amount: Money,
    pub note: String,
}

/// Enters a forecast outturn as at the end of a period of its own FY (see [`set_forecast_as_at`]).
pub fn set_forecast(conn: &impl Sql, f: &NewForecast) -> Result<i64> {
    let date = f.fy.period_end(f.as_at);
    Ok(set_forecast_as_at(conn, f.phase_id, f.fy, date, f.amount, &f.note)?.0)
}

/// Enters a forecast outturn for `fy` as at `as_at` (a date on or before the end of `fy`: a later
/// year's forecast may be entered as at today). A standing forecast of the same phase and FY as at
/// the same date is replaced, and returned as it was (both kept in the audit log); one as at
/// another date, even of the same period, is kept beside it (DOMAIN.md, "Forecast").
pub fn set_forecast_as_at(
    conn: &impl Sql,
    phase_id: i64,
    fy: FinancialYear,
    as_at: NaiveDate,
    amount: Money,
    note: &str,
) -> Result<(i64, Option<Forecast>)> {
    within("--note", note, MAX_NOTE)?;
    if as_at > fy.end() {
        return Err(StoreError::invalid(
            "--as-at",
            format!(
                "{} is after the end of {}: a forecast for a year is entered as at a date before it ends",
                uk_date(as_at),
                fy.label()
            ),
        ));
    }
    locks::ensure_open(conn, "a forecast", as_at)?;
    let period = Period::of_date(as_at);
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM forecast WHERE phase_id = ?1 AND fy = ?2 AND withdrawn_on IS NULL
               AND as_at_date = ?3",
            params![phase_id, i64::from(fy.start_year()), iso(as_at)],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => {
            let before = get_forecast(conn, id)?;
            locks::ensure_open(conn, "a forecast", before.as_at_date)?;
            conn.execute(
                "UPDATE forecast SET amount_pence = ?2, note = ?3, as_at_date = ?4, as_at_period = ?5,
                     version = version + 1 WHERE id = ?1",
                params![id, amount.pence(), note, iso(as_at), i64::from(period.number())],
            )?;
            let after = get_forecast(conn, id)?;
            audit::record(
                conn,
                "replace",
                "forecast",
                Some(id),
                Some(&before),
                Some(&after),
            )?;
            Ok((id, Some(before)))
        }
        None => {
            let id: i64 = conn.query_row(
                "INSERT INTO forecast(phase_id, fy, as_at_period, as_at_date, amount_pence, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![phase_id, i64::from(fy.start_year()), i64::from(period.number()), iso(as_at), amount.pence(), note],
                |r| r.get(0),
            )?;
            let after = get_forecast(conn, id)?;
            audit::record(conn, "add", "forecast", Some(id), None::<&()>, Some(&after))?;
            Ok((id, None))
        }
    }
}

/// Withdraws a mistaken forecast with a reason: the report ignores it from then on. Refused when
/// the date it was entered as at is in a closed period.
pub fn withdraw_forecast(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    reason: &str,
    on: NaiveDate,
) -> Result<Forecast> {
    if crate::domain::text::is_blank(reason) {
        return Err(StoreError::invalid(
            "--reason",
            "is empty: say why the forecast is withdrawn",
        ));
    }
    within("--reason", reason, MAX_NOTE)?;
    let before = forecast_or_not_found(conn, id)?;
    if before.withdrawn_on.is_some() {
        return Err(StoreError::Refused(format!(
            "forecast {id} is already withdrawn"
        )));
    }
    locks::ensure_open(conn, "a forecast", before.as_at_date)?;
    locks::bump_version(
        conn,
        "forecast",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE forecast SET withdrawn_on = ?2, withdrawn_reason = ?3 WHERE id = ?1",
        params![id, iso(on), reason.trim()],
    )?;
    let after = get_forecast(conn, id)?;
    audit::record(
        conn,
        "withdraw",
        "forecast",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

fn forecast_or_not_found(conn: &impl Sql, id: i64) -> Result<Forecast> {
    get_forecast(conn, id).map_err(|e| match e {
        StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows) => {
            super::common::not_found_in("id", "forecast", &id.to_string(), Records::Forecasts)
        }
        e => e,
    })
}

const FORECAST_SELECT: &str = "SELECT f.id, pr.code, ph.code, f.fy, f.as_at_period, f.amount_pence, f.note, f.version,
        f.as_at_date, f.withdrawn_on, f.withdrawn_reason
    FROM forecast f JOIN phase ph ON ph.id = f.phase_id JOIN programme pr ON pr.id = ph.programme_id";

fn forecast_row(r: &Row<'_>) -> DbResult<Forecast> {
    Ok(Forecast {
        id: r.get(0)?,
        programme_code: r.get(1)?,
        phase_code: r.get(2)?,
        fy: fy_at(r, 3)?,
        as_at: period_at(r, 4)?,
        amount: money_at(r, 5)?,
        note: r.get(6)?,
        version: r.get(7)?,
        as_at_date: date_at(r, 8)?,
        withdrawn_on: opt_date_at(r, 9)?,
        withdrawn_reason: r.get(10)?,
    })
}

/// One forecast by id.
pub fn get_forecast(conn: &impl Sql, id: i64) -> Result<Forecast> {
    Ok(conn.query_row(
        &format!("{FORECAST_SELECT} WHERE f.id = ?1"),
        [id],
        forecast_row,
    )?)
}

/// Forecasts, optionally of one programme or FY.
pub fn list_forecasts(
    conn: &impl Sql,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<Forecast>> {
    collect(
        conn,
        &format!(
            "{FORECAST_SELECT} WHERE (CAST(?1 AS BIGINT) IS NULL OR ph.programme_id = ?1) AND (CAST(?2 AS BIGINT) IS NULL OR f.fy = ?2)
             ORDER BY pr.code, ph.code, f.fy, f.as_at_date, f.id"
        ),
        params![programme_id, fy.map(|y| i64::from(y.start_year()))],
        forecast_row,
    )
}

/// Changes a forecast's amount and note, checked against the version the editor read. Refused when
/// the period it is entered as at is closed.
pub fn edit_forecast(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    amount: Money,
    note: Option<&str>,
) -> Result<Forecast> {
    within("--note", note.unwrap_or(""), MAX_NOTE)?;
    let before = forecast_or_not_found(conn, id)?;
    if before.withdrawn_on.is_some() {
        return Err(
            StoreError::Refused(format!("forecast {id} is withdrawn")).with_fix(Fix::NewForecast)
        );
    }
    locks::ensure_open(conn, "a forecast", before.as_at_date)?;
    locks::bump_version(
        conn,
        "forecast",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE forecast SET amount_pence = ?2, note = ?3 WHERE id = ?1",
        params![id, amount.pence(), note.unwrap_or(&before.note)],
    )?;
    let after = get_forecast(conn, id)?;
    audit::record(
        conn,
        "edit",
        "forecast",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{db_with_phase, fy, pence};

    fn forecast(phase_id: i64, period: u8, amount: i64) -> NewForecast {
        NewForecast {
            phase_id,
            fy: fy(2024),
            as_at: Period::new(period).unwrap(),
            amount: pence(amount),
            note: format!("P{period}"),
        }
    }

    #[test]
    fn a_forecast_as_at_another_date_of_the_period_is_kept_beside_the_first_and_the_latest_date_wins()
     {
        // Issue 23 item 2: as at 30/11/2020 £500, then as at 15/11/2020 £550. Both are kept; the
        // P8 report takes the latest as-at date, 30/11, so £500. The same date again replaces.
        let (conn, a) = db_with_phase();
        let f20 = fy(2020);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (first, replaced) =
            set_forecast_as_at(&conn, a, f20, d("2020-11-30"), pence(50_000), "").unwrap();
        assert!(replaced.is_none());
        let (second, replaced) =
            set_forecast_as_at(&conn, a, f20, d("2020-11-15"), pence(55_000), "").unwrap();
        assert!(replaced.is_none());
        assert_ne!(first, second);
        let live = list_forecasts(&conn, None, Some(f20)).unwrap();
        assert_eq!(live.len(), 2);
        let p8 = crate::store::figures::phase_figures(&conn, f20, Period::new(8).unwrap(), None)
            .unwrap();
        assert_eq!(p8[0].forecast.map(|f| f.0), Some(pence(50_000)));
        let (again, replaced) =
            set_forecast_as_at(&conn, a, f20, d("2020-11-15"), pence(56_000), "").unwrap();
        assert_eq!(again, second);
        assert_eq!(replaced.map(|f| f.amount), Some(pence(55_000)));
        assert_eq!(list_forecasts(&conn, None, Some(f20)).unwrap().len(), 2);
    }

    #[test]
    fn a_second_forecast_for_the_same_period_replaces_the_first() {
        let (conn, a) = db_with_phase();
        let first = set_forecast(&conn, &forecast(a, 6, 120_000)).unwrap();
        let again = set_forecast(&conn, &forecast(a, 6, 125_050)).unwrap();
        assert_eq!(again, first);
        let got = get_forecast(&conn, first).unwrap();
        assert_eq!((got.amount, got.version), (pence(125_050), 2));
        assert_eq!(
            (got.programme_code.as_str(), got.phase_code.as_str()),
            ("P", "A")
        );
        let later = set_forecast(&conn, &forecast(a, 9, 130_000)).unwrap();
        let listed: Vec<(i64, u8)> = list_forecasts(&conn, None, Some(fy(2024)))
            .unwrap()
            .iter()
            .map(|f| (f.id, f.as_at.number()))
            .collect();
        assert_eq!(listed, [(first, 6), (later, 9)]);
        assert!(
            list_forecasts(&conn, None, Some(fy(2025)))
                .unwrap()
                .is_empty()
        );
    }
}
