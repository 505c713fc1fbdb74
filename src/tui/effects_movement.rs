//! Loading the movement view: the same store functions `outturn report movement` runs
//! (`store::cabinet::movement` and `report_basis`), with the default earlier report the report's
//! "at last report" columns and the committee pack use.

use crate::ops::Books;

use super::movement::MovementData;
use crate::domain::{FinancialYear, Period};
use crate::store::{self, cabinet, entities as e};

/// The bridge of `fy` from `from` (None: the latest closed period of the year before `to`, else
/// the period before `to`) to `to`, every programme.
pub fn load(
    conn: &Books,
    fy: FinancialYear,
    from: Option<Period>,
    to: Period,
) -> store::Result<MovementData> {
    let from = match from.filter(|p| *p < to) {
        Some(p) => Some(p),
        None => e::last_snapshot_before(conn, e::MONITORING, fy, to)?
            .map(|s| s.period)
            .or_else(|| to.prev()),
    };
    let (rows, from_basis) = match from {
        Some(p) => (
            cabinet::movement(conn, fy, p, to, None)?,
            cabinet::report_basis(conn, fy, p)?,
        ),
        None => (Vec::new(), String::new()),
    };
    Ok(MovementData {
        fy,
        to,
        from,
        from_basis,
        to_basis: cabinet::report_basis(conn, fy, to)?,
        rows,
    })
}
