//! "Today" as the store sees it: a leaf, so that any part of the store can ask without an import
//! cycle.

use chrono::NaiveDate;

/// "Today" for the warnings, defaults and rules that depend on the date: `OUTTURN_TODAY` (ISO or
/// UK date) when set, else the local date.
pub fn today() -> Result<NaiveDate, String> {
    match std::env::var("OUTTURN_TODAY") {
        Ok(s) if !s.trim().is_empty() => {
            crate::domain::calendar::parse_date(&s).map_err(|e| format!("OUTTURN_TODAY: {e}"))
        }
        _ => Ok(chrono::Local::now().date_naive()),
    }
}
