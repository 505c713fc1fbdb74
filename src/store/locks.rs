//! Closed periods and row versions: the two guards every write passes through.
//!
//! Closing `2017-18 P7` locks everything dated on or before 31 October 2017 (actuals, forecasts as
//! at a period ending then, budget changes effective then, contracts starting then, allocations for
//! years that have begun by then). Every write path calls [`ensure_open`] with the record's date.

use std::collections::BTreeMap;

use super::engine::sql::{Optional, Sql};
use crate::sql_params as params;
use chrono::NaiveDate;
use serde::Serialize;

use super::{Result, StoreError, audit, now_stamp};
use crate::domain::profile::Month;
use crate::domain::{FinancialYear, Money, Period, calendar::uk_date};

/// The last locked date, if any period is closed.
pub fn locked_through(conn: &impl Sql) -> Result<Option<NaiveDate>> {
    let s: Option<String> =
        conn.query_row("SELECT max(through_date) FROM closed_period", [], |r| {
            r.get(0)
        })?;
    Ok(s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()))
}

/// The closed period whose end is the lock date, for messages ("2017-18 P7").
fn lock_label(conn: &impl Sql) -> Result<String> {
    let row: Option<(i32, u8)> = conn
        .query_row(
            "SELECT fy, period FROM closed_period ORDER BY through_date DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((fy, p)) => format!(
            "{} P{p}",
            FinancialYear::new(fy)
                .map(|f| f.label())
                .unwrap_or_default()
        ),
        None => String::new(),
    })
}

/// The error for a write dated in a closed period.
pub fn closed_error(conn: &impl Sql, what: &str, date: NaiveDate) -> StoreError {
    let label = lock_label(conn).unwrap_or_default();
    StoreError::Closed(format!(
        "{what} dated {} falls in a closed period (closed through {label})",
        uk_date(date)
    ))
    .with_fix(crate::error::Fix::ReopenOrRedate)
}

/// Refuses a write of something dated `date` when that date is in a closed period.
pub fn ensure_open(conn: &impl Sql, what: &str, date: NaiveDate) -> Result<()> {
    match locked_through(conn)? {
        Some(lock) if date <= lock => Err(closed_error(conn, what, date)),
        _ => Ok(()),
    }
}

/// Refuses a change to a monthly profile (a contract's) that alters what it puts into a month
/// that lies in a closed period: closed reports count those months.
pub fn ensure_profile_open(
    conn: &impl Sql,
    what: &str,
    before: &[(Month, Money)],
    after: &[(Month, Money)],
) -> Result<()> {
    let Some(lock) = locked_through(conn)? else {
        return Ok(());
    };
    let in_closed = |p: &[(Month, Money)]| -> BTreeMap<Month, Money> {
        let mut m = BTreeMap::new();
        for (month, amount) in p.iter().filter(|(m, _)| m.first_day() <= lock) {
            *m.entry(*month).or_insert(Money::ZERO) += *amount;
        }
        m.retain(|_, v| !v.is_zero());
        m
    };
    let (b, a) = (in_closed(before), in_closed(after));
    if b == a {
        return Ok(());
    }
    let first = b
        .keys()
        .chain(a.keys())
        .filter(|m| b.get(m) != a.get(m))
        .min()
        .copied()
        .map(|m| m.first_day())
        .unwrap_or(lock);
    let label = lock_label(conn).unwrap_or_default();
    Err(StoreError::Closed(format!(
        "{what} would change what it puts into {}, which is in a closed period (closed through \
         {label})",
        first.format("%B %Y")
    ))
    .with_fix(crate::error::Fix::ReopenPeriod))
}

/// A closed period as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedPeriod {
    pub fy: FinancialYear,
    pub period: Period,
    pub through: NaiveDate,
    pub who: String,
    pub at: String,
}

/// Closes `fy` `period` (and with it everything dated before its end).
pub fn close_period(conn: &impl Sql, fy: FinancialYear, period: Period) -> Result<()> {
    let through = fy.period_end(period);
    // A period is closed once it has ended: never one still running or still to come.
    let today = super::today::today().map_err(StoreError::Refused)?;
    if through >= today {
        return Err(StoreError::Refused(format!(
            "{} {} has not ended (it ends on {}): a period can be closed from the day after it ends",
            fy.label(),
            period.label(),
            uk_date(through)
        )));
    }
    if let Some(lock) = locked_through(conn)?
        && lock >= through
    {
        return Err(StoreError::Refused(format!(
            "{} {} is already closed (closed through {})",
            fy.label(),
            period.label(),
            uk_date(lock)
        )));
    }
    let row = ClosedPeriod {
        fy,
        period,
        through,
        who: super::current_user_on(conn)?,
        at: now_stamp(),
    };
    conn.execute(
        "INSERT INTO closed_period(fy, period, through_date, who, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            i64::from(fy.start_year()),
            i64::from(period.number()),
            through.format("%Y-%m-%d").to_string(),
            row.who,
            row.at
        ],
    )?;
    audit::record(conn, "close", "period", None, None::<&()>, Some(&row))?;
    Ok(())
}

/// The officer's words for record `id` kept in `table`: "budget change 3" where the officer
/// names the record by that number (`outturn change approve 3`), "this phase" where by its code.
fn record_words(table: &str, id: i64) -> String {
    let word = match table {
        "variance_comment" => "comment",
        "budget_change" => "budget change",
        "funding" => "funding line",
        "actual" | "forecast" | "allocation" | "contract" | "benefit" | "milestone" => table,
        other => return format!("this {}", other.replace('_', " ")),
    };
    format!("{word} {id}")
}

/// Reopens `fy` `period` and every later closed period, with a reason for the audit log.
pub fn reopen_period(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    reason: &str,
) -> Result<usize> {
    if crate::domain::text::is_blank(reason) {
        return Err(StoreError::invalid(
            "--reason",
            "reopening a closed period needs a reason for the audit log",
        ));
    }
    crate::domain::text::check_length(reason.trim(), crate::domain::text::MAX_NOTE)
        .map_err(|m| StoreError::invalid("--reason", m))?;
    let from = fy.period_end(period).format("%Y-%m-%d").to_string();
    let before = list_closed(conn)?;
    let n = conn.execute(
        "DELETE FROM closed_period WHERE through_date >= ?1",
        params![from],
    )?;
    if n == 0 {
        return Err(StoreError::Refused(format!(
            "{} {} is not closed",
            fy.label(),
            period.label()
        )));
    }
    #[derive(Serialize)]
    struct Reopen<'a> {
        fy: FinancialYear,
        period: Period,
        reason: &'a str,
        closed_before: Vec<ClosedPeriod>,
    }
    audit::record(
        conn,
        "reopen",
        "period",
        None,
        None::<&()>,
        Some(&Reopen {
            fy,
            period,
            reason,
            closed_before: before,
        }),
    )?;
    Ok(n)
}

/// Closed periods, oldest first.
pub fn list_closed(conn: &impl Sql) -> Result<Vec<ClosedPeriod>> {
    let rows = conn.query_map(
        "SELECT fy, period, through_date, who, at FROM closed_period ORDER BY through_date",
        [],
        |r| {
            let fy: i32 = r.get(0)?;
            let p: u8 = r.get(1)?;
            let through: String = r.get(2)?;
            Ok((
                fy,
                p,
                through,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for (fy, p, through, who, at) in rows {
        let (Ok(fy), Ok(period), Ok(through)) = (
            FinancialYear::new(fy),
            Period::new(p),
            NaiveDate::parse_from_str(&through, "%Y-%m-%d"),
        ) else {
            continue;
        };
        out.push(ClosedPeriod {
            fy,
            period,
            through,
            who,
            at,
        });
    }
    Ok(out)
}

/// Bumps `version` of `table` row `id` if it is still `expected`; otherwise says who changed it.
pub fn bump_version(conn: &impl Sql, table: &str, id: i64, expected: i64) -> Result<()> {
    if expected < 1 {
        return Err(StoreError::invalid(
            "--expected-version",
            format!(
                "{expected} is not a version: versions start at 1; read the version from the list"
            ),
        ));
    }
    let what = record_words(table, id);
    let sql = format!("UPDATE {table} SET version = version + 1 WHERE id = ?1 AND version = ?2");
    let n = conn.execute(&sql, params![id, expected])?;
    if n == 1 {
        return Ok(());
    }
    let exists: Option<i64> = conn
        .query_row(
            &format!("SELECT version FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(current) = exists else {
        return Err(StoreError::Conflict(format!(
            "{what} was deleted by someone else since you opened it"
        )));
    };
    if current < expected {
        return Err(StoreError::invalid(
            "--expected-version",
            format!(
                "{what} is at version {current}, never at version {expected}: \
                 read the version from the list again"
            ),
        ));
    }
    let by = audit::last_change(conn, table, id)?
        .map(|e| format!(" by {} at {}", e.who_label(), e.at))
        .unwrap_or_default();
    Err(StoreError::Conflict(format!(
        "{what} was changed{by} since you opened it: reload it and make your change again"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_that_has_not_ended_is_not_closed() {
        // Issue 26 item 9: `period close 2999-00 P12` was accepted. Far in the future whatever
        // today is; nothing is written.
        let conn = crate::store::open_in_memory().unwrap();
        let fy = FinancialYear::new(2998).unwrap();
        let e = close_period(&conn, fy, Period::new(12).unwrap())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "2998-99 P12 has not ended (it ends on 31/03/2999): a period can be closed from the day after it ends"
        );
        assert_eq!(locked_through(&conn).unwrap(), None);
        // A period long over closes.
        close_period(
            &conn,
            FinancialYear::new(2017).unwrap(),
            Period::new(4).unwrap(),
        )
        .unwrap();
        assert!(locked_through(&conn).unwrap().is_some());
    }
}
