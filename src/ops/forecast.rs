//! Forecast outturns: entering one as at a date (replacing the standing one of the same phase,
//! year and month), withdrawing a mistaken one, and listing them. `forecast add|withdraw|list`
//! and the TUI's forecast form call these.

use chrono::NaiveDate;

use super::register::{opt_programme, phase_id};
use crate::domain::model::Forecast;
use crate::domain::{FinancialYear, Money};
use crate::error::Field;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities as e;
use crate::store::{self, StoreError};

/// A forecast outturn as the officer gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewForecast {
    /// The programme (code) of the phase, when its code is not unique.
    pub programme: Option<String>,
    /// The phase: its code, or `PROG/PHASE`.
    pub phase: String,
    /// The year it forecasts.
    pub fy: FinancialYear,
    /// The date it is entered as at (on or before the end of `fy`).
    pub as_at: NaiveDate,
    pub amount: Money,
    pub note: String,
}

/// What entering a forecast did.
#[derive(Debug, Clone, PartialEq)]
pub struct Entered {
    /// The forecast's id.
    pub id: i64,
    /// The standing forecast of the same phase, year and month it replaced, as it was.
    pub replaced: Option<Forecast>,
}

/// Enters `forecast`, in its own audited transaction.
pub fn enter(books: &mut impl Store, forecast: &NewForecast) -> store::Result<Entered> {
    books.write_step(|tx| enter_in(tx, forecast))
}

/// [`enter`] inside a transaction already open.
pub(crate) fn enter_in(tx: &impl Sql, f: &NewForecast) -> store::Result<Entered> {
    let phase = phase_id(tx, f.programme.as_deref(), &f.phase, Field::Phase)?;
    let (id, replaced) = e::set_forecast_as_at(tx, phase, f.fy, f.as_at, f.amount, &f.note)?;
    Ok(Entered { id, replaced })
}

/// Withdraws forecast `id` (refused when it is no longer at `expected_version`, when given) with
/// `reason`, as of `on`, in its own audited transaction: the report ignores it from then on.
/// Returns the forecast as withdrawn.
pub fn withdraw(
    books: &mut impl Store,
    id: i64,
    expected_version: Option<i64>,
    reason: &str,
    on: NaiveDate,
) -> store::Result<Forecast> {
    books.write_step(|tx| withdraw_in(tx, id, expected_version, reason, on))
}

/// [`withdraw`] inside a transaction already open.
pub(crate) fn withdraw_in(
    tx: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    reason: &str,
    on: NaiveDate,
) -> store::Result<Forecast> {
    e::withdraw_forecast(tx, id, expected_version, reason, on)
}

/// The standing forecast of `phase` (`PROG/PHASE`) for `fy`: the live one with the latest as-at
/// date, the one the report reads; refused when there is none.
pub(crate) fn standing_in(
    tx: &impl Sql,
    phase: &str,
    fy: FinancialYear,
) -> store::Result<Forecast> {
    let (prog, code) = super::actual::split_phase(phase);
    let found = e::get_phase(tx, e::phase_ref(tx, prog, code)?.id)?;
    e::list_forecasts(tx, Some(found.programme_id), Some(fy))?
        .into_iter()
        .filter(|f| f.phase_code == found.code && f.withdrawn_on.is_none())
        .max_by_key(|f| (f.as_at_date, f.id))
        .ok_or_else(|| {
            StoreError::Refused(format!(
                "{phase} has no standing forecast for {}: nothing to withdraw",
                fy.label()
            ))
        })
}

/// The forecasts (withdrawn ones too), of one programme (code) and year when given.
pub fn list(
    books: &impl Sql,
    programme: Option<&str>,
    fy: Option<FinancialYear>,
) -> store::Result<Vec<Forecast>> {
    e::list_forecasts(books, opt_programme(books, programme)?, fy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Books;

    #[test]
    fn a_forecast_as_at_the_same_date_replaces_the_standing_one_and_gives_it_back() {
        let mut books = Books::in_memory().unwrap();
        let tx = books.begin().unwrap();
        crate::io::demo::load_all(&*tx).unwrap();
        tx.commit().unwrap();
        let fy = FinancialYear::new(2017).unwrap();
        let entry = |pounds: i64, note: &str| NewForecast {
            programme: Some("WOL-DTP".into()),
            phase: "PH2".into(),
            fy,
            as_at: NaiveDate::from_ymd_opt(2018, 2, 28).unwrap(),
            amount: Money::from_pence(pounds * 100),
            note: note.into(),
        };
        let first = enter(&mut books, &entry(100, "first")).unwrap();
        assert_eq!(first.replaced, None);
        let second = enter(&mut books, &entry(200, "second")).unwrap();
        assert_eq!(second.id, first.id);
        let was = second.replaced.unwrap();
        assert_eq!(
            (was.amount, was.note.as_str()),
            (Money::from_pence(10_000), "first")
        );
        let listed = list(&books, Some("WOL-DTP"), Some(fy)).unwrap();
        assert!(
            listed
                .iter()
                .any(|f| f.id == first.id && f.note == "second")
        );
    }
}
