//! `outturn gen`: synthetic actuals.csv and budgets.csv for trying the import or benchmarking it,
//! over `io::synthetic`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::args::open;
use super::output::say;
use crate::error::UserError;
use crate::io::synthetic::{self, GenOptions};
use crate::ops;

/// `outturn gen`: synthetic extracts for trying the import or benchmarking it.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Number of actual lines to write to DIR/actuals.csv (at most 100,000,000).
    #[arg(long)]
    pub actuals: u64,
    /// Number of phases, 1 to 10,000 (20 a programme, programmes GEN01, GEN02, ...).
    #[arg(long)]
    pub phases: u32,
    /// The folder to write actuals.csv and budgets.csv into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed: the same seed writes the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also create the programmes the files name in the database (--db), so that
    /// `import budgets --create-missing` can create their phases.
    #[arg(long)]
    pub create_programmes: bool,
}

/// The most phases `gen` writes (500 programmes of 20).
pub const MAX_PHASES: u32 = 10_000;
/// The most actual lines `gen` writes (about 10 GB of CSV).
pub const MAX_ACTUALS: u64 = 100_000_000;

/// Runs `outturn gen`, creating the programmes in the database file at `db` when asked.
pub fn run(db: &Path, a: &GenArgs) -> anyhow::Result<ExitCode> {
    let shown = db.display().to_string();
    write_files(
        a,
        |programmes| {
            let mut books = open(db)?;
            Ok(ops::generate::create_programmes(&mut books, programmes)?)
        },
        &shown,
    )
}

/// Runs `outturn gen` with books on a PostgreSQL server, where the programmes are created when
/// asked (connecting only then).
pub fn on_server(at: &super::server::Server<'_>, a: &GenArgs) -> anyhow::Result<ExitCode> {
    write_files(
        a,
        |programmes| {
            let mut books = super::server::connect(at)?;
            Ok(ops::generate::create_programmes(&mut books, programmes)?)
        },
        at.shown,
    )
}

/// Writes the files; with `--create-programmes`, creates the programmes they name through
/// `create` (which gives how many were new), in the books shown as `shown`.
fn write_files(
    a: &GenArgs,
    create: impl FnOnce(&[crate::io::synthetic::GenProgramme]) -> anyhow::Result<usize>,
    shown: &str,
) -> anyhow::Result<ExitCode> {
    if a.phases == 0 || a.phases > MAX_PHASES {
        return Err(UserError(format!(
            "--phases: '{}': generate from 1 to {MAX_PHASES} phases",
            a.phases
        ))
        .into());
    }
    if a.actuals > MAX_ACTUALS {
        return Err(UserError(format!(
            "--actuals: '{}': generate at most {MAX_ACTUALS} actual lines",
            a.actuals
        ))
        .into());
    }
    let opts = GenOptions {
        actuals: a.actuals,
        phases: a.phases,
        seed: a.seed,
    };
    let summary = synthetic::generate(&a.out, opts).map_err(|e| {
        // A refused destination is the user's to fix (exit 2); other failures are the system's.
        match e.get_ref().and_then(|r| r.downcast_ref::<UserError>()) {
            Some(u) => anyhow::Error::new(UserError(u.0.clone())),
            None => anyhow::Error::new(e),
        }
    })?;
    let dir = a.out.display();
    say!(
        "Wrote {dir}/actuals.csv ({}, total {}) and {dir}/budgets.csv ({}, total {}).",
        crate::domain::text::counted(summary.actual_rows, "row"),
        summary.actual_total.full(),
        crate::domain::text::counted(summary.budget_rows, "row"),
        summary.budget_total.full()
    );
    let codes: Vec<&str> = summary.programmes.iter().map(|p| p.code.as_str()).collect();
    if a.create_programmes {
        let n = create(&summary.programmes)?;
        say!(
            "Created {} in {shown} ({} already there).",
            crate::domain::text::counted(n as u64, "programme"),
            summary.programmes.len() - n
        );
    } else {
        say!(
            "The files name programmes {}: create them with --create-programmes (or `outturn programme add`).",
            codes.join(", ")
        );
    }
    say!(
        "Then: outturn import budgets {dir}/budgets.csv --create-missing && outturn import actuals {dir}/actuals.csv"
    );
    Ok(ExitCode::SUCCESS)
}
