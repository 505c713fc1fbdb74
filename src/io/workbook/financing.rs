//! The Financing sheet: the financing statement as at the pack's period, built from the very
//! table `report financing --csv` writes (`io::financing::statement_table`): approved funding per
//! source, the funding gap, funding applied to date per source and what is unfunded to date;
//! `Programme total` and `Grand total` rows bold.

use super::{Sheet, table_sheet};
use crate::domain::financing::FinancingStatement;
use crate::domain::report::RowKind;
use crate::io::financing::statement_table;
use crate::io::report::MoneyStyle;

/// The sheet's tab name.
pub const NAME: &str = "Financing";

/// The statement as a sheet.
pub fn sheet(statement: &FinancingStatement) -> Sheet {
    let table = statement_table(statement, MoneyStyle::Plain);
    let totals: Vec<bool> = statement
        .rows
        .iter()
        .map(|r| r.kind != RowKind::Phase)
        .collect();
    table_sheet(NAME, table, &totals)
}
