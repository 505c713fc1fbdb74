//! The committee pack's data, gathered in one read: the monitoring report as sent (the snapshot
//! of a closed period, live otherwise), the contracts its commitments are made of, the bridge from
//! the last report, the financing statement as sent, the benefits' positions and the milestones.
//! `outturn pack` and the TUI's export call it; `io::workbook::pack` writes it as a workbook.

use super::register::programme_id;
use crate::domain::cabinet::CabinetReport;
use crate::domain::financing::FinancingStatement;
use crate::domain::movement::MovementRow;
use crate::domain::pack::PackLines;
use crate::domain::report::RowKind;
use crate::domain::{FinancialYear, Period};
use crate::error::Field;
use crate::io::workbook::{MAX_ROWS, TooManyRows, benefits, contracts, milestones};
use crate::store::engine::sql::Sql;
use crate::store::entities as e;
use crate::store::pack::LineCounts;
use crate::store::{self, StoreError, cabinet, financing};

/// Everything a committee pack shows, for a year as at a period. For a closed period every part
/// is what was kept at its close (the report, the financing statement, the contracts, benefits
/// and milestones, the names of programmes and phases), so its pack is the same workbook
/// whatever happens later.
#[derive(Debug, Clone, PartialEq)]
pub struct PackData {
    /// The programme's name, when the pack is of one programme.
    pub programme: Option<String>,
    /// The monitoring report as sent.
    pub cabinet: CabinetReport,
    /// The contracts (what the report's commitments are made of), benefits and milestones.
    pub lines: PackLines,
    /// The bridge from the last report (the latest closed period of the year before this one)
    /// and that period; None when there is none.
    pub bridge: Option<(Period, Vec<MovementRow>)>,
    /// The financing statement as sent.
    pub financing: FinancingStatement,
}

/// The pack's data for `fy` as at `period`, of one programme (code) when given.
pub fn gather(
    books: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme: Option<&str>,
) -> store::Result<PackData> {
    let programme = match programme {
        Some(code) => {
            let id = programme_id(books, code, Field::Programme)?;
            let name = e::list_programmes(books)?
                .into_iter()
                .find(|p| p.id == id)
                .map(|p| p.name)
                .unwrap_or_else(|| code.to_string());
            Some((id, name))
        }
        None => None,
    };
    gather_for(books, fy, period, programme)
}

/// Refuses, before any is read, contracts, benefits or milestones too many for a sheet (Excel's
/// row limit, the header included; the writer checks every sheet again before writing).
fn refuse_too_long(c: &LineCounts) -> store::Result<()> {
    let sheets = [
        (contracts::NAME, c.contracts + c.further_options + 1),
        (benefits::NAME, c.benefits),
        (milestones::NAME, c.milestones),
    ];
    match sheets.into_iter().find(|(_, rows)| rows + 1 > MAX_ROWS) {
        Some((sheet, rows)) => Err(StoreError::invalid(
            "--xlsx",
            TooManyRows {
                sheet: sheet.to_string(),
                rows: rows + 1,
            }
            .to_string(),
        )),
        None => Ok(()),
    }
}

/// [`gather`] for a programme already found (its id and name).
pub(crate) fn gather_for(
    books: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme: Option<(i64, String)>,
) -> store::Result<PackData> {
    let programme_id = programme.as_ref().map(|(id, _)| *id);
    refuse_too_long(&store::pack::line_counts(books, fy, period, programme_id)?)?;
    let (cabinet, snapshot) = cabinet::report(books, fy, period, programme_id, None)?;
    let lines = store::pack::lines(books, fy, period, programme_id)?;
    let from = e::last_snapshot_before(books, e::MONITORING, fy, period)?.map(|info| info.period);
    let bridge = match from {
        Some(from) => Some((
            from,
            cabinet::movement(books, fy, from, period, programme_id)?,
        )),
        None => None,
    };
    let financing = financing::report(books, fy, period, programme_id)?.0;
    // A closed period's pack is titled with the programme's name as its report gave it.
    let programme = programme.map(|(_, name)| {
        let kept = snapshot.and_then(|_| {
            cabinet
                .report
                .rows
                .iter()
                .find(|r| r.kind == RowKind::ProgrammeTotal)
                .map(|r| r.programme_name.clone())
        });
        kept.unwrap_or(name)
    });
    Ok(PackData {
        programme,
        cabinet,
        lines,
        bridge,
        financing,
    })
}
