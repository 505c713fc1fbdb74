//! The Milestones sheet: every milestone of the pack's programmes (as `milestone list` lists
//! them) as it stood at the end of the pack's period (`Milestone::as_at`: an actual date after it
//! is not yet known, so the milestone shows in progress), with its slippage in days and RAG from
//! `domain::milestone`, as `domain::pack::MilestoneLine`s (kept at the close for a closed
//! period, names included).

use super::{Row, Sheet, Value};
use crate::domain::pack::MilestoneLine;

/// The sheet's tab name.
pub const NAME: &str = "Milestones";

/// The header row.
pub const COLUMNS: [&str; 11] = [
    "ID",
    "Programme",
    "Phase",
    "Phase name",
    "Milestone",
    "Baseline",
    "Forecast",
    "Actual",
    "Status",
    "Slippage days",
    "RAG",
];

/// A milestone's row.
fn row(m: &MilestoneLine) -> Row {
    let text = |s: &str| Value::Text(s.to_string());
    Row {
        total: false,
        cells: vec![
            Value::Int(m.id),
            text(&m.programme_code),
            text(&m.phase_code),
            text(&m.phase_name),
            text(&m.name),
            Value::Date(m.baseline),
            m.forecast.map_or(Value::Blank, Value::Date),
            m.actual.map_or(Value::Blank, Value::Date),
            text(&m.status),
            Value::Int(m.slippage_days),
            Value::Rag(m.rag),
        ],
    }
}

/// The milestones' lines, one row each, in the order given, made as they are written.
pub fn sheet(milestones: Vec<MilestoneLine>) -> Sheet {
    Sheet::streamed(
        NAME,
        COLUMNS.iter().map(|s| s.to_string()).collect(),
        milestones,
        row,
    )
}
