//! The Milestones sheet: every milestone of the pack's programmes (as `milestone list` lists
//! them) as it stood at the end of the pack's period (`Milestone::as_at`: an actual date after it
//! is not yet known, so the milestone shows in progress), with its slippage in days and RAG from
//! `domain::milestone`.

use chrono::NaiveDate;

use super::{Row, Sheet, Value};
use crate::domain::milestone::Milestone;

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

/// The milestones as they stood at the end of `as_at`, one row each, in the order given.
pub fn sheet(milestones: &[Milestone], as_at: NaiveDate) -> Sheet {
    let rows = milestones
        .iter()
        .map(|m| {
            let m = m.as_at(as_at);
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
                    text(m.status.as_str()),
                    Value::Int(m.slippage_days()),
                    Value::Rag(m.rag()),
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
