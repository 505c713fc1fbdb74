//! `outturn milestone add|edit|complete|list`: the milestones of a phase, with slippage in days and
//! RAG (`domain::milestone`).

use super::output::say;
use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{date_arg, field, open, opt_date_arg};
use super::output::{Cell, Format, FormatArg, Listing, date_cell, opt_date_cell, print_list};
use crate::domain::calendar::uk_date;
use crate::domain::milestone::{Milestone, MilestoneStatus};
use crate::ops::milestone::{self as ops, NewMilestone};
use crate::ops::types::MilestoneEdit;

#[derive(Debug, Subcommand)]
pub enum MilestoneCmd {
    /// Add a milestone to a phase.
    Add {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: String,
        #[arg(long, allow_hyphen_values = true)]
        name: String,
        /// The baseline date (2023-03-31 or 31/03/2023).
        #[arg(long)]
        baseline: String,
        /// The forecast date, if it differs from the baseline.
        #[arg(long)]
        forecast: Option<String>,
        /// planned or "in progress".
        #[arg(long, default_value = "planned")]
        status: String,
    },
    /// Change a milestone (only what is given). Setting --status reopens a completed one.
    Edit {
        id: i64,
        #[arg(long, allow_hyphen_values = true)]
        name: Option<String>,
        #[arg(long)]
        baseline: Option<String>,
        #[arg(long, conflicts_with = "no_forecast")]
        forecast: Option<String>,
        /// Clear the forecast date.
        #[arg(long)]
        no_forecast: bool,
        /// planned or "in progress".
        #[arg(long)]
        status: Option<String>,
        /// Refuse if someone changed the milestone since this version was read.
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// Record a milestone as complete on its actual date.
    Complete {
        id: i64,
        #[arg(long)]
        actual: String,
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// List milestones with slippage and RAG.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
}

impl Listing for Milestone {
    fn headers() -> &'static [&'static str] {
        &[
            "ID",
            "Programme",
            "Phase",
            "Milestone",
            "Baseline",
            "Forecast",
            "Actual",
            "Status",
            "Slippage days",
            "RAG",
            "Version",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        vec![
            Cell::Num(self.id.to_string()),
            self.programme_code.as_str().into(),
            self.phase_code.as_str().into(),
            self.name.as_str().into(),
            date_cell(self.baseline, format),
            opt_date_cell(self.forecast, format),
            opt_date_cell(self.actual, format),
            self.status.as_str().into(),
            Cell::Num(self.slippage_days().to_string()),
            self.rag().label().into(),
            Cell::Num(self.version.to_string()),
        ]
    }
}

fn status_arg(s: &str) -> anyhow::Result<MilestoneStatus> {
    field("--status", MilestoneStatus::parse(s))
}

fn print_slippage(m: &Milestone) {
    say!(
        "Milestone {} ({}): baseline {}, slippage {} days, {}.",
        m.id,
        m.name,
        uk_date(m.baseline),
        m.slippage_days(),
        m.rag().label()
    );
}

/// Runs `outturn milestone …` on the database at `db`.
pub fn run(db: &Path, c: &MilestoneCmd) -> anyhow::Result<ExitCode> {
    let mut books = open(db)?;
    shared(&mut books, c)
}

/// The `milestone` subcommands, on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &MilestoneCmd) -> anyhow::Result<ExitCode> {
    match c {
        MilestoneCmd::Add {
            programme,
            phase,
            name,
            baseline,
            forecast,
            status,
        } => {
            let m = NewMilestone {
                programme: programme.clone(),
                phase: phase.clone(),
                name: name.clone(),
                baseline: date_arg("--baseline", baseline)?,
                forecast: opt_date_arg("--forecast", forecast)?,
                status: status_arg(status)?,
            };
            print_slippage(&ops::add(books, &m)?);
        }
        MilestoneCmd::Edit {
            id,
            name,
            baseline,
            forecast,
            no_forecast,
            status,
            expected_version,
        } => {
            let edit = MilestoneEdit {
                name: name.clone(),
                baseline: baseline
                    .as_deref()
                    .map(|b| date_arg("--baseline", b))
                    .transpose()?,
                forecast: if *no_forecast {
                    Some(None)
                } else {
                    opt_date_arg("--forecast", forecast)?.map(Some)
                },
                status: status.as_deref().map(status_arg).transpose()?,
            };
            let m = ops::edit(books, *id, *expected_version, &edit)?;
            print_slippage(&m);
        }
        MilestoneCmd::Complete {
            id,
            actual,
            expected_version,
        } => {
            let actual = date_arg("--actual", actual)?;
            let m = ops::complete(books, *id, *expected_version, actual)?;
            print_slippage(&m);
        }
        MilestoneCmd::List {
            programme,
            phase,
            format,
        } => {
            let items = ops::list(books, programme.as_deref(), phase.as_deref())?;
            print_list(&items, format.format)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
