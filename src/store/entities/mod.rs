//! Adding, changing and listing the tracked entities, one file per record kind with its tests.
//! Each write function expects to run inside the caller's transaction (see
//! [`super::write_tx`]), checks closed periods, and records an audit event. References that people
//! type (programme and phase codes, decision references, contract references, framework names) are
//! resolved in [`refs`] with messages that name the field and value.
//!
//! Everything is re-exported here, so callers name `store::entities::X` whatever file holds `X`.
//! This module owns the SQL of these records; it must not reach into the CLI, TUI or importer.

mod actual;
mod actual_checks;
mod allocation;
mod allocation_life;
mod benefit;
mod budget_check;
mod change;
mod change_life;
mod comment;
pub(crate) mod common;
mod contract;
mod contract_life;
mod decision;
mod financing_snapshot;
mod forecast;
mod framework;
mod funding;
mod milestone;
mod pack_snapshot;
mod phase;
mod programme;
mod records;
mod refs;
mod repeated_refs;
pub(crate) mod rows;
mod snapshot;
#[cfg(test)]
mod test_support;

pub use actual::*;
pub use actual_checks::*;
pub use allocation::*;
pub use allocation_life::*;
pub use benefit::*;
pub use change::*;
pub use change_life::*;
pub use comment::*;
pub(crate) use common::iso;
pub use contract::*;
pub use contract_life::*;
pub use decision::*;
pub use financing_snapshot::*;
pub use forecast::*;
pub use framework::*;
pub use funding::*;
pub use milestone::*;
pub use pack_snapshot::*;
pub use phase::*;
pub use programme::*;
pub use records::*;
pub use refs::*;
pub use repeated_refs::{RefFilter, add_warn_ids, start_warn_ids};
pub use snapshot::*;
