//! The Monitoring sheet: the monitoring report exactly as the CSV has it, built from the same
//! table the CSV writer uses (`io::report::report_table`), so a column added to the report
//! appears here with no change. Each column's type comes from its header and cells: `RAG` is a
//! RAG column, a header ending in `%` a percentage, any other figure money, the rest text.

use rust_decimal::Decimal;

use super::{Sheet, Value, table_sheet};
use crate::domain::Money;
use crate::domain::cabinet::CabinetReport;
use crate::domain::report::{Rag, RowKind};
use crate::io::report::{MoneyStyle, report_table};
use crate::io::table::Cell;

/// The sheet's tab name.
pub const NAME: &str = "Monitoring";

/// How a report column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Money,
    Percent,
    Rag,
}

/// The type of a report column from its header (the figures themselves are money).
pub fn column_type(header: &str, cell: &Cell) -> ColumnType {
    match cell {
        Cell::Text(_) if header == "RAG" => ColumnType::Rag,
        Cell::Text(_) => ColumnType::Text,
        Cell::Num(_) if header.trim_end().ends_with('%') => ColumnType::Percent,
        Cell::Num(_) => ColumnType::Money,
    }
}

/// One CSV cell as a typed cell. An empty cell is blank; a figure that does not read as its type
/// stays text, as the CSV has it (never guessed, never rounded).
pub fn typed(header: &str, cell: &Cell) -> Value {
    let text = match cell {
        Cell::Text(s) | Cell::Num(s) => s.as_str(),
    };
    if text.is_empty() {
        return Value::Blank;
    }
    let as_text = || Value::Text(text.to_string());
    match column_type(header, cell) {
        ColumnType::Text => as_text(),
        ColumnType::Rag => [Rag::Red, Rag::Amber, Rag::Green]
            .into_iter()
            .find(|r| r.label() == text)
            .map_or_else(as_text, Value::Rag),
        ColumnType::Percent => {
            Decimal::from_str_exact(text).map_or_else(|_| as_text(), Value::Percent)
        }
        ColumnType::Money => Money::parse(text)
            .ok()
            .or_else(|| total(text))
            .map_or_else(as_text, Value::Money),
    }
}

/// A total past the £1 trillion an amount entered may be (the report's plain text, e.g.
/// `10000000000000000.00`), read exactly while it fits Money's pence: so every money cell of the
/// pack is a number, exact to the penny up to 15 significant digits (£9,999,999,999,999.99), as
/// Excel holds numbers, and Excel's nearest number beyond.
fn total(text: &str) -> Option<Money> {
    let d = Decimal::from_str_exact(text).ok()?;
    if d.normalize().scale() > 2 {
        return None;
    }
    let pence = (d * Decimal::ONE_HUNDRED).normalize();
    rust_decimal::prelude::ToPrimitive::to_i64(&pence).map(Money::from_pence)
}

/// The report as a sheet: the CSV's header and rows (the columns after RAG included), typed;
/// total rows bold.
pub fn sheet(cabinet: &CabinetReport) -> Sheet {
    let report = &cabinet.report;
    let table = report_table(report, &cabinet.after_rag, MoneyStyle::Plain);
    let totals: Vec<bool> = report
        .rows
        .iter()
        .map(|r| r.kind != RowKind::Phase)
        .collect();
    table_sheet(NAME, table, &totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_take_the_type_of_their_column() {
        let n = |s: &str| Cell::Num(s.into());
        assert_eq!(
            typed("Revised budget", &n("-400000.00")),
            Value::Money(Money::from_pence(-40_000_000))
        );
        assert_eq!(
            typed("Variance %", &n("-13.3")),
            Value::Percent(Decimal::new(-133, 1))
        );
        assert_eq!(typed("Variance %", &n("")), Value::Blank);
        assert_eq!(
            typed("RAG", &Cell::Text("Amber".into())),
            Value::Rag(Rag::Amber)
        );
        assert_eq!(
            typed("Phase", &Cell::Text("=HYPERLINK(\"x\")".into())),
            Value::Text("=HYPERLINK(\"x\")".into())
        );
        // A total past £1tn (16 or more significant digits) is still money, so still a number.
        assert_eq!(
            typed("Revised budget", &n("92233720368547758.07")),
            Value::Money(Money::from_pence(i64::MAX))
        );
        assert_eq!(
            typed("Revised budget", &n("-10000000000000000.00")),
            Value::Money(Money::from_pence(-1_000_000_000_000_000_000))
        );
        assert_eq!(
            typed("Revised budget", &n("1.001")),
            Value::Text("1.001".into())
        );
        // A later column of figures that are not money stays as the CSV wrote it.
        assert_eq!(
            typed("Term", &n("12 months")),
            Value::Text("12 months".into())
        );
    }
}
