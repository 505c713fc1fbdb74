//! The Benefits sheet: each benefit's position in the pack's year as at its period (the
//! positions `benefit list --fy --period` shows, from `domain::benefit::position`), only those with
//! a target or an entry in the year (what reports show), withdrawn benefits left out. No total:
//! cashable savings, non-cashable benefits and income do not add up.

use super::{Row, Sheet, Value};
use crate::domain::benefit::BenefitPosition;

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
pub fn sheet(positions: &[BenefitPosition]) -> Sheet {
    let rows = positions
        .iter()
        .map(|p| {
            let b = &p.benefit;
            Row {
                total: false,
                cells: vec![
                    Value::Int(b.id),
                    text(&b.programme_code),
                    b.phase_code.as_deref().map_or(Value::Blank, text),
                    text(&b.description),
                    text(b.kind.as_str()),
                    text(&b.owner),
                    text(&p.fy.label()),
                    text(&p.as_at.label()),
                    Value::Money(p.target),
                    p.entered.map_or(Value::Blank, |e| text(&e.label())),
                    Value::Money(p.realised),
                    Value::Money(p.forecast),
                    Value::Money(p.expected),
                    Value::Money(p.variance),
                    Value::Rag(p.rag),
                ],
            }
        })
        .collect();
    Sheet {
        name: NAME.to_string(),
        headers: COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
