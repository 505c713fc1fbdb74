//! The financing statement as a table: the one place its columns, their order and their
//! formatting are defined, for the CSV export and the terminal table (DOMAIN.md "Financing").

use std::io::Write;

use crate::domain::Money;
use crate::domain::financing::{FinancingStatement, FundingSource};
use crate::io::report::MoneyStyle;
use crate::io::table::{Cell, Table};

/// The CSV header: `Programme,Phase,Phase name,Financial year,Period,Revised budget`, approved
/// funding per source (`Grant approved` ... `Borrowing approved`, in the default order of
/// application), `Total funding,Funding gap`, applied to date per source (`Grant applied` ...),
/// `Unfunded to date`.
pub fn columns() -> Vec<String> {
    let mut c: Vec<String> = [
        "Programme",
        "Phase",
        "Phase name",
        "Financial year",
        "Period",
        "Revised budget",
    ]
    .map(String::from)
    .to_vec();
    c.extend(
        FundingSource::ALL
            .iter()
            .map(|s| format!("{} approved", s.heading())),
    );
    c.push("Total funding".into());
    c.push("Funding gap".into());
    c.extend(
        FundingSource::ALL
            .iter()
            .map(|s| format!("{} applied", s.heading())),
    );
    c.push("Unfunded to date".into());
    c
}

/// The statement as rows of cells, columns as in [`columns`].
pub fn statement_table(s: &FinancingStatement, style: MoneyStyle) -> Table {
    let m = |v: Money| {
        Cell::Num(match style {
            MoneyStyle::Plain => v.plain(),
            MoneyStyle::Screen => v.bracketed(),
        })
    };
    let names = columns();
    let headers: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut t = Table::new(&headers);
    for r in &s.rows {
        let mut cells = vec![
            Cell::Text(r.programme_code.clone()),
            Cell::Text(r.phase_code.clone()),
            Cell::Text(r.phase_name.clone()),
            Cell::Text(s.fy.label()),
            Cell::Text(s.period.label()),
            m(r.revised),
        ];
        cells.extend(r.approved.iter().map(|v| m(*v)));
        cells.push(m(r.total_funding));
        cells.push(m(r.gap));
        cells.extend(r.applied.iter().map(|v| m(*v)));
        cells.push(m(r.unfunded));
        t.push(cells);
    }
    t
}

/// Writes the statement as CSV (plain two-place money, formula-safe text).
pub fn write_statement_csv(s: &FinancingStatement, out: &mut dyn Write) -> csv::Result<()> {
    statement_table(s, MoneyStyle::Plain).write_csv(out)
}
