//! The movement in revised budget between two reports of a year, by cause: the bridge the TUI's
//! movement view shows, read as `outturn report movement` reads it, with the default earlier
//! report the report's "at last report" columns and the committee pack use.

use crate::domain::movement::MovementRow;
use crate::domain::{FinancialYear, Period};
use crate::store::engine::sql::Sql;
use crate::store::entities as e;
use crate::store::{self, cabinet};

/// A bridge of a year's revised budget from one report to a later one.
#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    pub fy: FinancialYear,
    /// The later report.
    pub to: Period,
    /// The earlier report; None when there is no period before `to` in the year (P1).
    pub from: Option<Period>,
    /// `P4 (snapshot of …)` or `P4 (live)`, as `report movement` says it (empty without `from`).
    pub from_basis: String,
    pub to_basis: String,
    /// The phase rows, a `Programme total` after each programme and the `Grand total`; empty
    /// without `from`.
    pub rows: Vec<MovementRow>,
}

/// The bridge of `fy` from `from` to `to`, every programme. Without `from` (or with one not
/// before `to`), from the last report: the latest closed period of the year before `to`, else
/// the period before `to`.
pub fn bridge(
    books: &impl Sql,
    fy: FinancialYear,
    from: Option<Period>,
    to: Period,
) -> store::Result<Movement> {
    let conn = books;
    let from = match from.filter(|p| *p < to) {
        Some(p) => Some(p),
        None => e::last_snapshot_before(conn, e::MONITORING, fy, to)?
            .map(|s| s.period)
            .or_else(|| to.prev()),
    };
    // The same bridge `outturn report movement` prints, from the earlier report chosen.
    let (rows, from_basis, to_basis) = match from {
        Some(p) => {
            let m = super::report::movement(conn, fy, p, to, None)?;
            (m.rows, m.from_basis, m.to_basis)
        }
        None => (
            Vec::new(),
            String::new(),
            cabinet::report_basis(conn, fy, to)?,
        ),
    };
    Ok(Movement {
        fy,
        to,
        from,
        from_basis,
        to_basis,
        rows,
    })
}
