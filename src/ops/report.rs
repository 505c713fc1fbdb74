//! The reports that go to Cabinet, read as at a period: the monthly monitoring report (the
//! snapshot kept when the period was closed, live otherwise), the movement bridge between two
//! reports of a year, the financing statement (also its snapshot when closed), and the list of
//! snapshots held. `report`, `report movement`, `report financing` and `report list` call these.

use rust_decimal::Decimal;

use super::register::named;
use crate::domain::cabinet::CabinetReport;
use crate::domain::financing::FinancingStatement;
use crate::domain::movement::MovementRow;
use crate::domain::report::RagThresholds;
use crate::domain::{FinancialYear, Period};
use crate::error::Field;
use crate::store::engine::sql::Sql;
use crate::store::entities::{self as e, SnapshotInfo};
use crate::store::{self, cabinet, figures, financing};

/// The id of an optional programme code (a code not found is refused naming `--programme`).
pub(crate) fn opt_programme(books: &impl Sql, code: Option<&str>) -> store::Result<Option<i64>> {
    code.map(|c| e::programme_id(books, c).map_err(|err| named(err, Field::Programme)))
        .transpose()
}

/// Which monitoring report to read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRequest {
    pub fy: FinancialYear,
    /// The period it is as at.
    pub period: Period,
    /// Only this programme (code).
    pub programme: Option<String>,
    /// Red above this variance (percent of the revised budget), for this report only.
    pub rag_red: Option<Decimal>,
    /// Amber beyond this underspend (percent of the revised budget), for this report only.
    pub rag_amber: Option<Decimal>,
}

/// A report as read: its figures, and the snapshot they were read from when the period is
/// closed.
#[derive(Debug, Clone, PartialEq)]
pub struct AsRead<T> {
    /// The report.
    pub report: T,
    /// The snapshot it was read from (None: worked out live).
    pub snapshot: Option<SnapshotInfo>,
}

/// The monitoring report `request` asks for: a closed period's snapshot (other thresholds than
/// it was taken with are refused), otherwise worked out live with the stored thresholds, or
/// those given for this report.
pub fn report(books: &impl Sql, request: &ReportRequest) -> store::Result<AsRead<CabinetReport>> {
    let programme_id = opt_programme(books, request.programme.as_deref())?;
    let stored = figures::rag_thresholds(books)?;
    let (red, amber) = (request.rag_red, request.rag_amber);
    let overrides = (red.is_some() || amber.is_some()).then(|| RagThresholds {
        red_overspend_pct: red.unwrap_or(stored.red_overspend_pct),
        amber_underspend_pct: amber.unwrap_or(stored.amber_underspend_pct),
    });
    let (report, snapshot) =
        cabinet::report(books, request.fy, request.period, programme_id, overrides).map_err(
            |err| {
                let given = if red.is_some() {
                    "--rag-red"
                } else {
                    "--rag-amber"
                };
                named(err, Field::from(given))
            },
        )?;
    Ok(AsRead { report, snapshot })
}

/// The movement in revised budget between two reports of a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    /// What the earlier report is read from: `P6 (snapshot of …)` or `P6 (live)`.
    pub from_basis: String,
    /// What the later report is read from.
    pub to_basis: String,
    /// The phase rows, a `Programme total` after each programme and the `Grand total`.
    pub rows: Vec<MovementRow>,
}

/// The bridge of `fy`'s revised budget from the report as at `from` to the one as at `to` (each
/// its snapshot when the period is closed, live otherwise), by cause; of one programme (code)
/// when given.
pub fn movement(
    books: &impl Sql,
    fy: FinancialYear,
    from: Period,
    to: Period,
    programme: Option<&str>,
) -> store::Result<Movement> {
    let programme_id = opt_programme(books, programme)?;
    Ok(Movement {
        rows: cabinet::movement(books, fy, from, to, programme_id)?,
        from_basis: cabinet::report_basis(books, fy, from)?,
        to_basis: cabinet::report_basis(books, fy, to)?,
    })
}

/// The financing statement of `fy` as at `period`, of one programme (code) when given: the
/// snapshot kept when the period was closed, live otherwise.
pub fn financing(
    books: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme: Option<&str>,
) -> store::Result<AsRead<FinancingStatement>> {
    let programme_id = opt_programme(books, programme)?;
    let (report, snapshot) = financing::report(books, fy, period, programme_id)?;
    Ok(AsRead { report, snapshot })
}

/// The snapshots held: the reports and financing statements kept when periods were closed.
pub fn snapshots(books: &impl Sql) -> store::Result<Vec<SnapshotInfo>> {
    e::list_snapshots(books)
}
