//! Opening the TUI from the command line: `outturn` (no subcommand) on the database, and
//! `outturn demo` on a fresh demo database in a temporary folder (never over a real one).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;

use crate::error::UserError;
use crate::ops;

/// "Today" for the TUI: `OUTTURN_TODAY` (ISO or UK date) when set, to see the dashboard as of a
/// date; otherwise the local date.
pub fn today() -> anyhow::Result<NaiveDate> {
    Ok(ops::books::today().map_err(UserError)?)
}

fn here() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// `outturn`: the TUI on the database at `path` (from --db / OUTTURN_DB / the default location).
/// With no database there yet, in a terminal (a double-click on outturn.exe included), the
/// officer is offered to create it, to open the demo, or to quit; elsewhere (a script) it is a
/// one-line error.
pub fn open(path: &Path) -> anyhow::Result<ExitCode> {
    use crate::tui::first_run::{self, Choice};
    use std::io::IsTerminal;
    ops::books::check_path(path)?;
    if !path.exists() && std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        match first_run::ask(path)? {
            Choice::Quit => return Ok(ExitCode::SUCCESS),
            Choice::Demo => return demo(),
            Choice::Create => {
                super::init::run(path, false)?;
            }
        }
    }
    if !path.exists() {
        return Err(UserError(format!(
            "no database at {}: create one with `outturn init` (or `outturn init --demo` for the demo \
             programmes), or try `outturn demo` to explore without creating anything",
            path.display()
        ))
        .into());
    }
    // Through the command line's open, so owed snapshots are taken (and said) before the screen.
    let conn = super::args::open(path)
        .with_context(|| format!("opening {}", crate::ops::books::shown(path)))?;
    crate::tui::run(conn, today()?, here())?;
    Ok(ExitCode::SUCCESS)
}

/// The TUI on a council's books on a PostgreSQL server: other officers' changes show as they
/// commit (`LISTEN`/`NOTIFY`), as another process's do on a file.
pub fn on_server(at: &super::server::Server<'_>) -> anyhow::Result<ExitCode> {
    let books = super::server::connect(at)?;
    crate::tui::run(books, today()?, here())?;
    Ok(ExitCode::SUCCESS)
}

/// `outturn demo`: the TUI on a fresh demo database in a temporary folder, removed on exit.
pub fn demo() -> anyhow::Result<ExitCode> {
    let dir = tempfile::Builder::new()
        .prefix("outturn-demo-")
        .tempdir()
        .context("creating a temporary folder for the demo")?;
    let path = dir.path().join("demo.db");
    let books = ops::books::create_demo(&path)?;
    crate::tui::run(books, today()?, here())?;
    drop(dir);
    Ok(ExitCode::SUCCESS)
}
