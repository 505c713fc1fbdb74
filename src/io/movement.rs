//! The movement bridge as a table: the one place its columns and their order are defined, for the
//! CSV (plain two-place decimals) and the terminal (£, bracketed negatives).

use std::io::Write;

use crate::domain::Money;
use crate::domain::movement::{CAUSES, MovementRow};
use crate::domain::{FinancialYear, Period};
use crate::io::report::MoneyStyle;
use crate::io::table::{Cell, Table};

/// The bridge's table. The `Other` column (what the budget lines cannot explain) is there only
/// when some row has a non-zero residual.
pub fn movement_table(
    fy: FinancialYear,
    from: Period,
    to: Period,
    rows: &[MovementRow],
    style: MoneyStyle,
) -> Table {
    let other = rows.iter().any(|r| !r.bridge.other.is_zero());
    let mut headers = vec![
        "Programme",
        "Phase",
        "Phase name",
        "Financial year",
        "From",
        "To",
        "Revised budget at from",
    ];
    headers.extend(CAUSES);
    if other {
        headers.push("Other");
    }
    headers.extend(["Revised budget at to", "Budget movement"]);
    let m = |v: Money| {
        Cell::Num(match style {
            MoneyStyle::Plain => v.plain(),
            MoneyStyle::Screen => v.bracketed(),
        })
    };
    let mut t = Table::new(&headers);
    for r in rows {
        let b = &r.bridge;
        let mut cells = vec![
            Cell::Text(r.programme_code.clone()),
            Cell::Text(r.phase_code.clone()),
            Cell::Text(r.phase_name.clone()),
            Cell::Text(fy.label()),
            Cell::Text(from.label()),
            Cell::Text(to.label()),
            m(b.from_revised),
        ];
        cells.extend(b.causes.iter().map(|c| m(*c)));
        if other {
            cells.push(m(b.other));
        }
        cells.extend([m(b.to_revised), m(b.movement())]);
        t.push(cells);
    }
    t
}

/// The bridge as CSV.
pub fn write_movement_csv(
    fy: FinancialYear,
    from: Period,
    to: Period,
    rows: &[MovementRow],
    out: &mut dyn Write,
) -> csv::Result<()> {
    movement_table(fy, from, to, rows, MoneyStyle::Plain).write_csv(out)
}
