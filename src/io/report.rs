//! The monitoring report as a table: the one place its columns, their order and their formatting
//! are defined, for the CSV export (DOMAIN.md: plain two-place decimals, `2017-18`, `P7`,
//! `Programme total` and `Grand total` rows), the terminal table and the TUI preview.

use std::io::Write;

use crate::domain::Money;
use crate::domain::cabinet::{AfterRag, CabinetReport};
use crate::domain::report::{Report, percent_text};
use crate::io::table::{Cell, Table};

/// The CSV header, in order.
pub const COLUMNS: [&str; 24] = [
    "Programme",
    "Phase",
    "Phase name",
    "Financial year",
    "Period",
    "Original budget",
    "Approved changes",
    "Revised budget",
    "Pending approval",
    "Actual in period",
    "Actual to date",
    "Commitments",
    "Headroom",
    "Forecast outturn",
    "Forecast basis",
    "Variance",
    "Variance %",
    "Spent %",
    "RAG",
    "Revised budget at last report",
    "Budget movement",
    "Forecast at last report",
    "Forecast movement",
    "Commentary",
];

/// How money is written in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyStyle {
    /// `1378513.09`, `-12.50` (CSV).
    Plain,
    /// `£1,378,513.09`, negatives in brackets (screen).
    Screen,
}

/// The report as rows of cells, columns as in [`COLUMNS`]: the report's own columns, then the
/// five after RAG (empty money cells where there is no last report).
pub fn report_table(report: &Report, after_rag: &[AfterRag], style: MoneyStyle) -> Table {
    let m = |v: Money| {
        Cell::Num(match style {
            MoneyStyle::Plain => v.plain(),
            MoneyStyle::Screen => v.bracketed(),
        })
    };
    let opt = |v: Option<Money>| v.map_or(Cell::Num(String::new()), m);
    let mut t = Table::new(&COLUMNS);
    let none = AfterRag::default();
    for (i, r) in report.rows.iter().enumerate() {
        let a = after_rag.get(i).unwrap_or(&none);
        t.push(vec![
            Cell::Text(r.programme_code.clone()),
            Cell::Text(r.phase_code.clone()),
            Cell::Text(r.phase_name.clone()),
            Cell::Text(report.fy.label()),
            Cell::Text(report.period.label()),
            m(r.original),
            m(r.approved_changes),
            m(r.revised),
            m(r.pending),
            m(r.actual_in_period),
            m(r.actual_to_date),
            m(r.commitments),
            m(r.headroom),
            m(r.forecast),
            Cell::Text(r.basis.label()),
            m(r.variance),
            Cell::Num(percent_text(r.variance_pct)),
            Cell::Num(percent_text(r.spent_pct)),
            Cell::Text(r.rag.label().to_string()),
            opt(a.last_revised),
            opt(a.budget_movement),
            opt(a.last_forecast),
            opt(a.forecast_movement),
            Cell::Text(a.commentary.clone()),
        ]);
    }
    t
}

/// Writes the report as CSV exactly as DOMAIN.md specifies.
pub fn write_csv(report: &CabinetReport, out: &mut dyn Write) -> csv::Result<()> {
    report_table(&report.report, &report.after_rag, MoneyStyle::Plain).write_csv(out)
}

/// The CSV as a string (previews, tests).
pub fn csv_string(report: &CabinetReport) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_csv(report, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
