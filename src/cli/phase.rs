//! `outturn phase add|list`.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{field, open};
use super::output::say;
use super::output::{Cell, Format, FormatArg, Listing, opt_text, print_list};
use crate::domain::model::{DeliveryStatus, Phase};
use crate::ops::register::{self as ops, NewPhase};

#[derive(Debug, Subcommand)]
pub enum PhaseCmd {
    /// Add a phase to a programme.
    Add {
        #[arg(long)]
        programme: String,
        #[arg(long)]
        code: String,
        #[arg(long, allow_hyphen_values = true)]
        name: String,
        /// planned, active, delivered or closed.
        #[arg(long, default_value = "active")]
        status: String,
        /// The responsible officer.
        #[arg(long, allow_hyphen_values = true)]
        officer: Option<String>,
    },
    /// Correct a phase (audited, with --expected-version).
    Edit(super::correct::PhaseEditArgs),
    /// Delete a phase nothing refers to.
    Delete(super::correct::DeleteArgs),
    /// List phases.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
}

impl Listing for Phase {
    fn headers() -> &'static [&'static str] {
        &["Programme", "Code", "Name", "Status", "Officer"]
    }

    fn cells(&self, _: Format) -> Vec<Cell> {
        vec![
            self.programme_code.as_str().into(),
            self.code.as_str().into(),
            self.name.as_str().into(),
            self.status.as_str().into(),
            opt_text(&self.officer),
        ]
    }
}

/// Runs `outturn phase …` on the database at `db`.
pub fn run(db: &Path, c: &PhaseCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}

/// `outturn phase …` on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &PhaseCmd) -> anyhow::Result<ExitCode> {
    match c {
        PhaseCmd::Add {
            programme,
            code,
            name,
            status,
            officer,
        } => {
            let p = NewPhase {
                programme: programme.clone(),
                code: code.clone(),
                name: name.clone(),
                status: field("--status", DeliveryStatus::parse(status))?,
                officer: officer.clone(),
            };
            ops::add_phase(books, &p)?;
            say!("Added phase {}/{}.", programme.trim(), p.code.trim());
        }
        PhaseCmd::Edit(a) => super::correct::phase_edit(books, a)?,
        PhaseCmd::Delete(a) => super::correct::delete(books, super::correct::Kind::Phase, a)?,
        PhaseCmd::List { programme, format } => {
            let items = ops::list_phases(books, programme.as_deref())?;
            print_list(&items, format.format)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
