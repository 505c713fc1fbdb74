//! A year's financing finalised with its outturn (DOMAIN.md, "Financing"): funding lines are not
//! locked by closed periods, only by this step. Finalising and reopening are each audited; a
//! reopen needs a reason. Every write of a funding line calls [`ensure_not_final`].

use crate::sql_params as params;
use crate::store::engine::sql::{Optional, Sql};
use chrono::NaiveDate;
use serde::Serialize;

use super::{Result, StoreError, audit, current_user, now_stamp};
use crate::domain::FinancialYear;
use crate::domain::calendar::uk_date;

/// A year whose financing is finalised: who finalised it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinalFinancing {
    pub fy: FinancialYear,
    pub who: String,
    pub at: String,
}

/// The finalisation of `fy`'s financing, if it is finalised.
pub fn finalised(conn: &impl Sql, fy: FinancialYear) -> Result<Option<FinalFinancing>> {
    Ok(conn
        .query_row(
            "SELECT who, at FROM financing_final WHERE fy = ?1",
            [i64::from(fy.start_year())],
            |r| {
                Ok(FinalFinancing {
                    fy,
                    who: r.get(0)?,
                    at: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Refuses a change to a funding line of `fy` once the year's financing is finalised.
pub fn ensure_not_final(conn: &impl Sql, fy: FinancialYear) -> Result<()> {
    match finalised(conn, fy)? {
        None => Ok(()),
        Some(f) => Err(StoreError::Fixable {
            message: format!(
                "the funding lines for {} are locked: the year's financing was finalised with its \
                 outturn by {} at {}, and nothing was changed",
                fy.label(),
                f.who,
                f.at
            ),
            fix: crate::error::Fix::ReopenFinancing { fy: fy.label() },
        }),
    }
}

/// Who finalises, as the audit log names them: on a server the login (`session_user`), whatever
/// the operating system's user; in a file the operating system's login. Either way with the name
/// `OUTTURN_USER` gives beside it.
fn who(conn: &impl Sql) -> Result<String> {
    if conn.as_pg().is_none() {
        return Ok(current_user());
    }
    let login: String = conn.query_row("SELECT CAST(session_user AS TEXT)", [], |r| r.get(0))?;
    Ok(match super::acting_name() {
        Some(name) => format!("{login} (as {name})"),
        None => login,
    })
}

/// Finalises `fy`'s financing (its funding lines are locked from now on), audited. Refused
/// before the year has ended, or when it is finalised already.
pub fn finalise(conn: &impl Sql, fy: FinancialYear, today: NaiveDate) -> Result<FinalFinancing> {
    if fy.end() >= today {
        return Err(StoreError::Refused(format!(
            "{}'s financing cannot be finalised before the year has ended (it ends on {}): its \
             outturn is not known yet",
            fy.label(),
            uk_date(fy.end())
        )));
    }
    if let Some(f) = finalised(conn, fy)? {
        return Err(StoreError::Refused(format!(
            "{}'s financing is already finalised (by {} at {}): nothing was changed",
            fy.label(),
            f.who,
            f.at
        )));
    }
    let row = FinalFinancing {
        fy,
        who: who(conn)?,
        at: now_stamp(),
    };
    conn.execute(
        "INSERT INTO financing_final(fy, who, at) VALUES (?1, ?2, ?3)",
        params![i64::from(fy.start_year()), row.who, row.at],
    )?;
    audit::record(conn, "finalise", "financing", None, None::<&()>, Some(&row))?;
    Ok(row)
}

/// Reopens `fy`'s financing (its funding lines can be changed again), with `reason` in the audit
/// log. Returns the finalisation it undid.
pub fn reopen(conn: &impl Sql, fy: FinancialYear, reason: &str) -> Result<FinalFinancing> {
    if crate::domain::text::is_blank(reason) {
        return Err(StoreError::invalid(
            "--reason",
            "reopening a year's financing needs a reason for the audit log",
        ));
    }
    let Some(before) = finalised(conn, fy)? else {
        return Err(StoreError::Refused(format!(
            "{}'s financing is not finalised: its funding lines can be changed as they are",
            fy.label()
        )));
    };
    conn.execute(
        "DELETE FROM financing_final WHERE fy = ?1",
        [i64::from(fy.start_year())],
    )?;
    #[derive(Serialize)]
    struct Reopen<'a> {
        fy: FinancialYear,
        reason: &'a str,
    }
    audit::record(
        conn,
        "reopen",
        "financing",
        None,
        Some(&before),
        Some(&Reopen { fy, reason }),
    )?;
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::new(y).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn events(conn: &Connection) -> i64 {
        conn.query_row(
            "SELECT count(*) FROM audit WHERE entity = 'financing'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    #[test]
    fn a_year_is_finalised_after_its_end_and_reopened_with_a_reason() {
        let conn = crate::store::open_in_memory().unwrap();
        // 2025-26 ends on 31/03/2026: not on that day, from the day after.
        let e = finalise(&conn, fy(2025), day(2026, 3, 31))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("before the year has ended (it ends on 31/03/2026)"),
            "{e}"
        );
        assert!(ensure_not_final(&conn, fy(2025)).is_ok());
        finalise(&conn, fy(2025), day(2026, 4, 1)).unwrap();
        let e = ensure_not_final(&conn, fy(2025)).unwrap_err();
        assert!(matches!(e, StoreError::Fixable { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with("the funding lines for 2025-26 are locked")
        );
        // Another year is untouched.
        assert!(ensure_not_final(&conn, fy(2024)).is_ok());
        let e = finalise(&conn, fy(2025), day(2026, 4, 2)).unwrap_err();
        assert!(e.to_string().contains("already finalised"), "{e}");
        let e = reopen(&conn, fy(2025), "  ").unwrap_err().to_string();
        assert!(e.starts_with("--reason: "), "{e}");
        reopen(&conn, fy(2025), "grant reallocated by DfE").unwrap();
        assert!(ensure_not_final(&conn, fy(2025)).is_ok());
        let e = reopen(&conn, fy(2025), "again").unwrap_err().to_string();
        assert!(e.contains("is not finalised"), "{e}");
        // One event for the finalise and one for the reopen: the refusals wrote nothing.
        assert_eq!(events(&conn), 2);
    }
}
