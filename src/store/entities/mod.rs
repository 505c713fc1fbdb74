//! Adding, changing and listing the tracked entities, one file per record kind with its tests.
//! Each write function expects to run inside the caller's transaction (see
//! [`super::write_tx`]), checks closed periods, and records an audit event. References that people
//! type (programme and phase codes, decision references, contract references, framework names) are
//! resolved in [`refs`] with messages that name the field and value.
//!
//! Everything is re-exported here, so callers name `store::entities::X` whatever file holds `X`.
//! This module owns the SQL of these records; it must not reach into the CLI, TUI or importer.

mod actual;
mod allocation;
mod change;
mod common;
mod contract;
mod decision;
mod forecast;
mod framework;
mod funding;
mod phase;
mod programme;
mod refs;
#[cfg(test)]
mod test_support;

pub use actual::*;
pub use allocation::*;
pub use change::*;
pub(crate) use common::iso;
pub use contract::*;
pub use decision::*;
pub use forecast::*;
pub use framework::*;
pub use funding::*;
pub use phase::*;
pub use programme::*;
pub use refs::*;
