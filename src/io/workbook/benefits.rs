//! The Benefits sheet: each benefit's position in the pack's year as at its period (the
//! positions `benefit list --fy --period` shows, from `domain::benefit::position`, as
//! `domain::pack::BenefitLine`s: kept at the close for a closed period), only those with a target
//! or an entry in the year (what reports show), withdrawn benefits left out. No total: cashable
//! savings, non-cashable benefits and income do not add up.

use super::{Row, Sheet, Value};
use crate::domain::pack::BenefitLine;

/// The sheet's tab name.
pub const NAME: &str = "Benefits";

/// The header row.
pub const COLUMNS: [&str; 15] = [
    "ID",
    "Programme",
    "Phase",
    "Description",
    "Kind",
    "Owner",
    "Financial year",
    "As at",
    "Target",
    "Entered",
    "Realised to date",
    "Further forecast",
    "Expected",
    "Variance",
    "RAG",
];

/// The positions as a sheet, one row each, in the order given (their texts moved into the cells,
/// so a large sheet is not held twice).
pub fn sheet(positions: Vec<BenefitLine>) -> Sheet {
    let rows = positions
        .into_iter()
        .map(|b| Row {
            total: false,
            cells: vec![
                Value::Int(b.id),
                Value::Text(b.programme_code),
                b.phase_code.map_or(Value::Blank, Value::Text),
                Value::Text(b.description),
                Value::Text(b.kind),
                Value::Text(b.owner),
                Value::Text(b.fy.label()),
                Value::Text(b.as_at.label()),
                Value::Money(b.target),
                b.entered.map_or(Value::Blank, |e| Value::Text(e.label())),
                Value::Money(b.realised),
                Value::Money(b.forecast),
                Value::Money(b.expected),
                Value::Money(b.variance),
                Value::Rag(b.rag),
            ],
        })
        .collect();
    Sheet {
        name: NAME.to_string(),
        headers: COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
