//! The Movement sheet: the bridge of the revised budget from the last report (the snapshot of the
//! latest closed period of the same year before the pack's period, the rule the report's columns
//! after RAG follow) to the pack's period, built from the very table `report movement --csv`
//! writes (`io::movement::movement_table`); `Programme total` and `Grand total` rows bold. With
//! no earlier report that year, the sheet has the bridge's header and one note row.

use super::{Row, Sheet, Value, table_sheet};
use crate::domain::movement::MovementRow;
use crate::domain::report::RowKind;
use crate::domain::{FinancialYear, Period};
use crate::io::movement::movement_table;
use crate::io::report::MoneyStyle;

/// The sheet's tab name.
pub const NAME: &str = "Movement";

/// The note row's text when no period of `fy` before `to` is closed.
pub fn no_earlier_report(fy: FinancialYear, to: Period) -> String {
    format!(
        "No earlier report this year: no period of {} before {} is closed, so there is no movement to show",
        fy.label(),
        to.label()
    )
}

/// The sheet of the bridge `from` (the last report, if any) to `to`, from its rows.
pub fn sheet(fy: FinancialYear, to: Period, bridge: Option<(Period, &[MovementRow])>) -> Sheet {
    match bridge {
        Some((from, rows)) => {
            let table = movement_table(fy, from, to, rows, MoneyStyle::Plain);
            let totals: Vec<bool> = rows.iter().map(|r| r.kind != RowKind::Phase).collect();
            table_sheet(NAME, table, &totals)
        }
        None => Sheet {
            name: NAME.to_string(),
            headers: movement_table(fy, to, to, &[], MoneyStyle::Plain).headers,
            rows: vec![Row {
                total: false,
                cells: vec![Value::Text(no_earlier_report(fy, to))],
            }],
            streamed: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_an_earlier_report_the_sheet_says_so_in_one_row() {
        let fy = FinancialYear::parse("2017-18").unwrap();
        let s = sheet(fy, Period::parse("9").unwrap(), None);
        assert_eq!(s.headers[0], "Programme");
        assert_eq!(s.rows.len(), 1);
        assert_eq!(
            s.rows[0].cells,
            vec![Value::Text(
                "No earlier report this year: no period of 2017-18 before P9 is closed, so there is no movement to show".into()
            )]
        );
    }
}
