//! `outturn programme add|list`.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{field, open};
use super::output::say;
use super::output::{Cell, Format, FormatArg, Listing, print_list};
use crate::domain::model::{DeliveryStatus, Programme};
use crate::ops as ops_any;
use crate::ops::register as ops;
use crate::ops::types::NewProgramme;

#[derive(Debug, Subcommand)]
pub enum ProgrammeCmd {
    /// Add a programme.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long, allow_hyphen_values = true)]
        name: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        organisation: String,
        /// planned, active, delivered or closed.
        #[arg(long, default_value = "active")]
        status: String,
    },
    /// Correct a programme (audited, with --expected-version).
    Edit(super::correct::ProgrammeEditArgs),
    /// Delete a programme nothing refers to.
    Delete(super::correct::DeleteArgs),
    /// List programmes.
    List(FormatArg),
}

impl Listing for Programme {
    fn headers() -> &'static [&'static str] {
        &["Code", "Name", "Organisation", "Status"]
    }

    fn cells(&self, _: Format) -> Vec<Cell> {
        vec![
            self.code.as_str().into(),
            self.name.as_str().into(),
            self.organisation.as_str().into(),
            self.status.as_str().into(),
        ]
    }
}

/// Runs `outturn programme …` on the database at `db`.
pub fn run(db: &Path, c: &ProgrammeCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}

/// `outturn programme …` on books on either engine (a file or a server).
pub fn shared(books: &mut impl ops_any::Store, c: &ProgrammeCmd) -> anyhow::Result<ExitCode> {
    match c {
        ProgrammeCmd::Add {
            code,
            name,
            organisation,
            status,
        } => {
            let p = NewProgramme {
                code: code.clone(),
                name: name.clone(),
                organisation: organisation.clone(),
                status: field("--status", DeliveryStatus::parse(status))?,
            };
            ops::add_programme(books, &p)?;
            say!("Added programme {}.", p.code.trim());
        }
        ProgrammeCmd::Edit(a) => super::correct::programme_edit(books, a)?,
        ProgrammeCmd::Delete(a) => {
            super::correct::delete(books, super::correct::Kind::Programme, a)?
        }
        ProgrammeCmd::List(f) => print_list(&ops::list_programmes(books)?, f.format)?,
    }
    Ok(ExitCode::SUCCESS)
}
