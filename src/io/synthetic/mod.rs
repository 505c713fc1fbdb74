//! Synthetic data for benchmarks and trying Outturn out, from ONE deterministic pseudo-random
//! generator ([`Rng`]): the same seed always gives the same result.
//!
//! - [`files`]: ledger and budget CSV extracts (`outturn gen`), and the programmes they name;
//! - [`database`]: a database filled directly through the store's write functions (the report
//!   benchmark), never used by the application itself.

pub mod database;
pub mod files;
mod rng;

pub use database::{FillSummary, fill_database};
pub use files::{
    FIRST_FY, GenOptions, GenProgramme, GenSummary, PHASES_PER_PROGRAMME, create_programmes,
    generate, programmes, write_actuals, write_budgets,
};
pub use rng::Rng;
