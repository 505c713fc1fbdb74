//! Editing records in place (actuals, forecasts), for the command line and the TUI. Each edit runs
//! inside the caller's transaction, is refused when the record or its new values fall in a closed
//! period, is checked against the row version the editor read (a stale edit is refused naming who
//! changed the record and when), and records the before and after in the audit log.
//!
//! The edits live with their record kinds (`entities/actual.rs`, `entities/forecast.rs`); this
//! module keeps their paths.

pub use super::entities::{ActualEdit, edit_actual, edit_forecast};
