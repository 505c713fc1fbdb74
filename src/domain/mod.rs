//! Pure domain: money, the UK financial calendar, the entities Outturn tracks, the report maths
//! and the dashboard alerts.
//! Nothing here touches the database, the terminal or the clock.

pub mod alerts;
pub mod benefit;
pub mod cabinet;
pub mod calendar;
pub mod financing;
pub mod ledger;
pub mod milestone;
pub mod model;
pub mod money;
pub mod movement;
pub mod pack;
pub mod profile;
pub mod progress;
pub mod report;
pub mod text;

pub use calendar::{FinancialYear, Period};
pub use money::Money;
pub mod audit_words;
pub mod budget_path;
pub mod contract_terms;
