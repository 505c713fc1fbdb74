//! The operations: every step an officer can ask for, one public function each, called by both
//! doors. A command-line handler parses its options, calls one operation and prints; a TUI action
//! builds the same request, calls the same operation and shows the outcome. Each write opens and
//! commits its own transaction, audited inside it, so a step has the same rules, refusals,
//! warnings, snapshots and audit events whichever door asked for it (DOMAIN.md, "The life of a
//! record").
//!
//! The store's pieces (locks, entities, figures, capture, snapshots) are put together here and
//! nowhere else; the doors hold [`Books`] and name no engine type.
//!
//! Modelled on cargo's `ops` (each `cargo` command calls one function there) and gitui's
//! `asyncgit::sync`.

pub mod actual;
mod alerts;
pub mod allocation;
mod apply;
pub mod audit;
pub mod benefit;
pub mod books;
pub mod browse;
pub mod change;
pub mod comment;
pub mod contract;
pub mod dashboard;
pub mod forecast;
pub mod funding;
pub mod generate;
pub mod import;
pub mod lookup;
pub mod milestone;
pub mod movement;
pub mod pack;
pub mod period;
pub mod progress;
pub mod records;
pub mod register;
pub mod report;
pub mod server;
pub mod settings;
pub mod step;
pub mod summary;

pub use crate::store::engine::Store;
pub use crate::store::engine::sql::Sql;
pub use crate::store::{Books, Handle, HandleMut, Tx};
pub use apply::records::{benefit_open, phase_values};
pub use apply::{funding_field, load_financing, resolve_phase};
pub use books::condition;
pub use step::{FundingLine, Step, UndoStep};

/// The types the operations take and give, named where the doors can reach them.
pub mod types {
    pub use crate::store::audit::{AuditEvent, AuditFilter, Seal};
    pub use crate::store::backup::BackupSummary;
    pub use crate::store::batches::Batch;
    pub use crate::store::browse::PageRequest;
    pub use crate::store::browse_reload::AuditMark;
    pub use crate::store::cabinet::Closed;
    pub use crate::store::check::CheckReport;
    pub use crate::store::edit::ActualEdit;
    pub use crate::store::engine::copy::Copied;
    pub use crate::store::engine::pg::{PgBooks, PgInit, Role};
    pub use crate::store::entities::{ActualFilter, ActualOrder, ActualSort};
    pub use crate::store::entities::{Comment, SnapshotInfo};
    pub use crate::store::entities::{
        DecisionEdit, FrameworkEdit, MilestoneEdit, NewFramework, NewProgramme, NewRealisation,
        PhaseEdit, ProgrammeEdit,
    };
    pub use crate::store::ledger_codes::LedgerCode;
    pub use crate::store::locks::ClosedPeriod;
    pub use crate::store::settings::Setting;
    pub use crate::store::{Condition, Field, StoreError};
}

use crate::store;

/// What a write did: the message for the officer (the status line in the TUI) and, where undo is
/// cheap, the step that undoes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What changed, in the officer's words.
    pub message: String,
    /// The step that undoes it, when there is one.
    pub undo: Option<UndoStep>,
}

/// Carries out `step` in one audited transaction: all of it, or nothing.
pub fn apply(books: &mut impl Store, step: &Step) -> store::Result<Outcome> {
    books.write_step(|tx| {
        let (message, undo) = apply::apply(tx, step)?;
        Ok(Outcome { message, undo })
    })
}
