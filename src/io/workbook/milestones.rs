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

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The milestones' lines, one row each, in the order given.
pub fn sheet(milestones: &[MilestoneLine]) -> Sheet {
    let rows = milestones
        .iter()
        .map(|m| Row {
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
        })
        .collect();
    Sheet {
        name: NAME.to_string(),
        headers: COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
