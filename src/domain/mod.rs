//! Pure domain: money, the UK financial calendar, the entities Outturn tracks, the report maths
//! and the dashboard alerts.
//! Nothing here touches the database, the terminal or the clock.

pub mod alerts;
pub mod calendar;
pub mod financing;
pub mod model;
pub mod money;
pub mod profile;
pub mod report;

pub use calendar::{FinancialYear, Period};
pub use money::Money;
