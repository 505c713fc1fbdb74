//! `outturn framework add|list`: procurement frameworks.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{open, opt_date_arg};
use super::output::say;
use super::output::{Cell, Format, FormatArg, Listing, opt_date_cell, print_list};
use crate::domain::model::Framework;
use crate::ops::register as ops;
use crate::ops::types::NewFramework;

#[derive(Debug, Subcommand)]
pub enum FrameworkCmd {
    /// Add a framework.
    Add {
        #[arg(long, allow_hyphen_values = true)]
        name: String,
        #[arg(long, default_value = "")]
        reference: String,
        #[arg(long)]
        planned_end: Option<String>,
        #[arg(long)]
        actual_end: Option<String>,
    },
    /// Correct a framework (audited, with --expected-version).
    Edit(super::correct::FrameworkEditArgs),
    /// Delete a framework nothing refers to.
    Delete(super::correct::DeleteArgs),
    /// List frameworks.
    List(FormatArg),
}

impl Listing for Framework {
    fn headers() -> &'static [&'static str] {
        &["Name", "Reference", "Planned end", "Actual end"]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        vec![
            self.name.as_str().into(),
            self.reference.as_str().into(),
            opt_date_cell(self.planned_end, format),
            opt_date_cell(self.actual_end, format),
        ]
    }
}

/// Runs `outturn framework …` on the database at `db`.
pub fn run(db: &Path, c: &FrameworkCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}

/// `outturn framework …` on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &FrameworkCmd) -> anyhow::Result<ExitCode> {
    match c {
        FrameworkCmd::Add {
            name,
            reference,
            planned_end,
            actual_end,
        } => {
            let f = NewFramework {
                name: name.clone(),
                reference: reference.clone(),
                planned_end: opt_date_arg("--planned-end", planned_end)?,
                actual_end: opt_date_arg("--actual-end", actual_end)?,
            };
            ops::add_framework(books, &f)?;
            say!("Added framework {}.", f.name.trim());
        }
        FrameworkCmd::Edit(a) => super::correct::framework_edit(books, a)?,
        FrameworkCmd::Delete(a) => {
            super::correct::delete(books, super::correct::Kind::Framework, a)?
        }
        FrameworkCmd::List(f) => print_list(&ops::list_frameworks(books)?, f.format)?,
    }
    Ok(ExitCode::SUCCESS)
}
