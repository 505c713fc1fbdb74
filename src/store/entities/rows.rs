//! Reading rows through shared SQL ([`Sql`]), on either engine: a query into a `Vec`, and the
//! typed column readers (financial years, periods, money, words) that fail naming the column.
//! The record kinds move here from `common`'s SQLite-only readers one file at a time.

use crate::domain::model::UnknownWord;
use crate::domain::{FinancialYear, Money, Period};
use crate::store::Result;
use crate::store::engine::sql::{DbError, DbResult, Params, Row, Sql};

/// A value in column `i` that does not read as what it should.
pub(crate) fn bad_col(i: usize, e: impl std::fmt::Display) -> DbError {
    DbError::Conversion {
        column: i,
        message: e.to_string(),
    }
}

pub(crate) fn fy_at(r: &Row<'_>, i: usize) -> DbResult<FinancialYear> {
    FinancialYear::new(r.get(i)?).map_err(|e| bad_col(i, e))
}

pub(crate) fn period_at(r: &Row<'_>, i: usize) -> DbResult<Period> {
    Period::new(r.get(i)?).map_err(|e| bad_col(i, e))
}

pub(crate) fn money_at(r: &Row<'_>, i: usize) -> DbResult<Money> {
    Ok(Money::from_pence(r.get(i)?))
}

pub(crate) fn word_at<T>(
    r: &Row<'_>,
    i: usize,
    parse: fn(&str) -> std::result::Result<T, UnknownWord>,
) -> DbResult<T> {
    let s: String = r.get(i)?;
    parse(&s).map_err(|e| bad_col(i, e))
}

/// Every row of a query, read with `f`.
pub(crate) fn rows<T>(
    conn: &impl Sql,
    sql: &str,
    p: impl Params,
    f: impl FnMut(&Row<'_>) -> DbResult<T>,
) -> Result<Vec<T>> {
    Ok(conn.query_map(sql, p, f)?)
}

/// Column `i`'s stored ISO date text as a date.
pub(crate) fn date_at(r: &Row<'_>, i: usize) -> DbResult<chrono::NaiveDate> {
    let s: String = r.get(i)?;
    chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| bad_col(i, e))
}

/// Column `i`'s stored ISO date text as a date, or `None` for NULL.
pub(crate) fn opt_date_at(r: &Row<'_>, i: usize) -> DbResult<Option<chrono::NaiveDate>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| bad_col(i, e)))
        .transpose()
}
