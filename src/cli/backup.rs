//! `outturn backup` and `outturn restore`, over `ops::books`.

use std::path::Path;
use std::process::ExitCode;

use super::args::open;
use super::output::say;
use crate::ops;

/// `outturn backup FILE [--force]`: backs the database at `db` up to `file`.
pub fn backup(db: &Path, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let books = open(db)?;
    let done = ops::books::backup(&books, file, force)?;
    say!(
        "Backed up {} to {} ({} audit events).",
        db.display(),
        file.display(),
        done.audit_events
    );
    Ok(ExitCode::SUCCESS)
}

/// `outturn restore FILE [--force]`: replaces the database at `target` with `file`.
pub fn restore(target: &Path, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let s = ops::books::restore(file, target, force)?;
    say!(
        "Restored {} from {} (schema version {}, {} audit events, checked).",
        target.display(),
        file.display(),
        s.schema_version,
        s.audit_events
    );
    Ok(ExitCode::SUCCESS)
}
