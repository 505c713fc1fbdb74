//! The user-facing error kinds shared by the command line and the TUI. A leaf: it imports nothing
//! of Outturn, so `cli` and `tui` can both use it without importing each other.

/// An error in what the user typed: exit status 2, one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);
