//! `outturn backup` and `outturn restore`, over `store::backup`.

use std::path::Path;
use std::process::ExitCode;

use super::args::open;
use super::output::say;
use crate::store::{self, audit, backup as store_backup};

/// `outturn backup FILE [--force]`: backs the database at `db` up to `file`.
pub fn backup(db: &Path, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let conn = open(db)?;
    store_backup::backup(&conn, file, force)?;
    let events = audit::count(&conn)?;
    say!(
        "Backed up {} to {} ({events} audit events).",
        db.display(),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `outturn restore FILE [--force]`: replaces the database at `target` with `file`.
pub fn restore(target: &Path, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let s = store_backup::restore(file, target, force)?;
    // Bring it to this Outturn's schema and WAL mode now, so the first user is not the one to.
    drop(store::open_existing(target)?);
    say!(
        "Restored {} from {} (schema version {}, {} audit events, checked).",
        target.display(),
        file.display(),
        s.schema_version,
        s.audit_events
    );
    Ok(ExitCode::SUCCESS)
}
