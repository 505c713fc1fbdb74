//! `outturn init [--demo]`: creates the database, refusing one that already holds data.

use crate::store::Books;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::args::write;
use super::output::say;
use crate::error::UserError;
use crate::store;

/// Creates the database (loading the demo when asked); refuses one that already holds data.
pub fn run(path: &Path, demo: bool) -> anyhow::Result<ExitCode> {
    let mut conn = Books::open(path).with_context(|| format!("opening {}", path.display()))?;
    if store::holds_data(&conn)? {
        return Err(UserError(format!(
            "{} already holds data: nothing was changed (use another --db, or back it up and remove it first)",
            path.display()
        ))
        .into());
    }
    if demo {
        write(&mut conn, crate::io::demo::load_all)?;
        say!(
            "Created {} with the demo programmes (Wolverhampton, Wirral).",
            path.display()
        );
    } else {
        say!("Created {}.", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
