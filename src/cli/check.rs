//! `outturn check`: SQLite integrity, foreign keys, the budget rules and the audit chain, over
//! `store::check`.

use std::path::Path;
use std::process::ExitCode;

use super::args::open;
use super::output::say;
use crate::store::check;

/// `outturn check`: one line per finding and exit status 1, or `ok: N checks passed`.
pub fn run(db: &Path) -> anyhow::Result<ExitCode> {
    let conn = open(db)?;
    let report = check::run(&conn)?;
    if report.is_clean() {
        say!("ok: {} checks passed", report.checks);
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
