//! Fixtures for the tests of the record kinds: an empty database, a programme, a phase, and short
//! ways to write years, dates and pounds.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::phase::{NewPhase, add_phase};
use super::programme::{NewProgramme, add_programme};
use crate::domain::model::DeliveryStatus;
use crate::domain::{FinancialYear, Money};

/// A fresh, migrated database in memory.
pub(super) fn db() -> Connection {
    crate::store::open_in_memory().unwrap()
}

/// Adds programme `code` (named after it) and returns its id.
pub(super) fn programme(conn: &Connection, code: &str) -> i64 {
    add_programme(
        conn,
        &NewProgramme {
            code: code.into(),
            name: format!("{code} programme"),
            organisation: "Council".into(),
            status: DeliveryStatus::Active,
        },
    )
    .unwrap()
}

/// Adds phase `code` to a programme and returns its id.
pub(super) fn phase(conn: &Connection, programme_id: i64, code: &str) -> i64 {
    add_phase(
        conn,
        &NewPhase {
            programme_id,
            code: code.into(),
            name: format!("{code} phase"),
            status: DeliveryStatus::Active,
            officer: None,
        },
    )
    .unwrap()
}

/// A database holding programme `P` with phase `A`; returns the phase id.
pub(super) fn db_with_phase() -> (Connection, i64) {
    let conn = db();
    let p = programme(&conn, "P");
    let a = phase(&conn, p, "A");
    (conn, a)
}

/// The financial year starting in April of `start_year`.
pub(super) fn fy(start_year: i32) -> FinancialYear {
    FinancialYear::new(start_year).unwrap()
}

/// A `YYYY-MM-DD` date.
pub(super) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An amount in pence.
pub(super) fn pence(p: i64) -> Money {
    Money::from_pence(p)
}
