//! `outturn check`: SQLite integrity, foreign keys, the budget rules, the schema, the audit chain
//! and the replay of the audit log against every table, over `ops::books::check`; `--seal FILE`
//! also proves the log up to a seal written by `outturn audit seal` was not rewritten or cut back.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::args::open;
use super::output::say;
use crate::error::UserError;
use crate::ops::{self, types::Seal};

/// `outturn check`: the options.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A seal written by `outturn audit seal --out FILE`: also prove that the log up to that event
    /// is still the one sealed (nothing rewritten, nothing deleted).
    #[arg(long, value_name = "FILE")]
    pub seal: Option<PathBuf>,
}

/// Reads a seal file written by `outturn audit seal --out`.
fn read_seal(path: &Path) -> anyhow::Result<Seal> {
    // Only a regular file, and only as much as a seal can be: a FIFO or a device would block or
    // never end.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Err(UserError(format!(
            "--seal: {} is not a regular file (a folder, pipe or device): give the seal file written by `outturn audit seal --out`",
            path.display()
        ))
        .into());
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| UserError(format!("--seal: cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        UserError(format!(
            "--seal: {} is not a seal written by `outturn audit seal` ({e})",
            path.display()
        ))
        .into()
    })
}

/// `outturn check`: one line per finding and exit status 1, or `ok: N checks passed`.
pub fn run(db: &Path, a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let seal = a.seal.as_deref().map(read_seal).transpose()?;
    let mut books = open(db)?;
    check(&mut books, seal.as_ref())
}

/// `outturn check` on books on either engine (a file or a server).
pub fn shared(books: &mut impl ops::Store, a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let seal = a.seal.as_deref().map(read_seal).transpose()?;
    check(books, seal.as_ref())
}

fn check(books: &mut impl ops::Store, seal: Option<&Seal>) -> anyhow::Result<ExitCode> {
    let report = ops::books::check(books, seal)?;
    if !report.not_run.is_empty() {
        say!(
            "not run on a PostgreSQL server: {} (the server keeps its own pages, foreign keys and schema)",
            report.not_run.join(", ")
        );
    }
    if report.is_clean() {
        say!("ok: {} checks passed", report.checks);
        if let Some(s) = seal {
            say!(
                "the audit log up to event {} ({}) is the one sealed",
                s.id,
                s.at
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    for f in &report.findings {
        say!("{f}");
    }
    eprintln!(
        "outturn: check found {} problem{}",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::from(1))
}
