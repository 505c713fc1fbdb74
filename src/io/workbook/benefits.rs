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

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The positions as a sheet, one row each, in the order given.
pub fn sheet(positions: &[BenefitLine]) -> Sheet {
    let rows = positions
        .iter()
        .map(|b| Row {
            total: false,
            cells: vec![
                Value::Int(b.id),
                text(&b.programme_code),
                b.phase_code.as_deref().map_or(Value::Blank, text),
                text(&b.description),
                text(&b.kind),
                text(&b.owner),
                text(&b.fy.label()),
                text(&b.as_at.label()),
                Value::Money(b.target),
                b.entered.map_or(Value::Blank, |e| text(&e.label())),
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
