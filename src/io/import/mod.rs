//! Importing ledger actuals, budget lines and funding lines from CSV extracts.
//!
//! This module owns reading the file (SHA-256, encoding: UTF-8 with or without a byte-order mark,
//! or Windows-1252 as Excel saves it), mapping the header to Outturn's columns, and validating
//! every row into domain values with problems that name the physical line and the column. The
//! whole file is checked inside one write transaction; any bad row, a duplicate of an actual
//! already held, or a file imported before, and the transaction is rolled back: all or nothing.
//! The rows are written with the store's functions (`ActualInserter` for actuals, `add_allocation`
//! for budgets) and each batch is recorded in `import_batch` with ONE audit event carrying its
//! summary. It must not format reports or decide figures, and it runs no SQL of its own.
//!
//! An actuals import runs on two threads: one reads and checks the rows, away from the database
//! (phases and contracts are resolved from an in-memory `Directory`), and hands the good ones on
//! in sorted chunks; the caller's thread writes them in the transaction (see `actuals` and
//! `pending`).
//!
//! The files, each knowing only those listed before it: `read` (bytes, hash and encoding),
//! `problems` (what can go wrong), `header` (finding the columns), `rows` (records and cells),
//! `batches` (the batch an import records), `pending` (chunks of checked ledger rows), `lines`
//! (the line of each written actual, in a temporary file), `whole` (the steps the budgets,
//! funding and benefits imports share), then one file per kind: `actuals`, `budgets`, `funding`
//! and `benefits`. This file only names the public API.

mod actual_duplicates;
mod actual_lookups;
mod actuals;
mod batches;
mod benefits;
mod budgets;
mod codes;
mod funding;
mod header;
mod lines;
mod pending;
mod problems;
mod read;
mod rows;
mod sheet;
mod source;
mod whole;

pub use actuals::{ActualsOptions, import_actuals, import_actuals_on_server};
pub use batches::{ImportOutcome, list_batches, undo_batch};
pub use benefits::{BenefitsOptions, import_benefits};
pub use budgets::{BudgetsOptions, import_budgets};
pub use codes::read_code_pairs;
pub use funding::{FundingOptions, import_funding};
pub use header::{MappedOptions, parse_map};
pub use problems::{ImportError, MAX_LISTED, RowProblem};

pub use crate::store::batches::Batch;
