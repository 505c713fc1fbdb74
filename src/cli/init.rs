//! `outturn init [--demo]`: creates the database, refusing one that already holds data.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::output::say;
use crate::error::UserError;
use crate::ops::books::Init;
use crate::ops::{self, Books};

/// Creates the database (loading the demo when asked); refuses one that already holds data.
pub fn run(path: &Path, demo: bool) -> anyhow::Result<ExitCode> {
    let mut books =
        Books::open(path).with_context(|| format!("opening {}", crate::ops::books::shown(path)))?;
    match ops::books::init(&mut books, demo)? {
        Init::HoldsData => {
            return Err(UserError(format!(
                "{} already holds data: nothing was changed (use another --db, or back it up and remove it first)",
                path.display()
            ))
            .into());
        }
        Init::Created if demo => say!(
            "Created {} with the demo programmes (Wolverhampton, Wirral).",
            path.display()
        ),
        Init::Created => say!("Created {}.", path.display()),
    }
    Ok(ExitCode::SUCCESS)
}
