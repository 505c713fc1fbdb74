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

/// A benefit's row.
fn row(b: &BenefitLine) -> Row {
    let text = |s: &str| Value::Text(s.to_string());
    Row {
        total: false,
        cells: vec![
            Value::Int(b.id),
            text(&b.programme_code),
            b.phase_code.as_deref().map_or(Value::Blank, text),
            text(&b.description),
            text(&b.kind),
            text(&b.owner),
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
    }
}

/// The positions as a sheet, one row each, in the order given, made as they are written (a
/// programme may have many benefits).
pub fn sheet(positions: Vec<BenefitLine>) -> Sheet {
    Sheet::streamed(
        NAME,
        COLUMNS.iter().map(|s| s.to_string()).collect(),
        positions,
        row,
    )
}
