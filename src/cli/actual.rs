//! `outturn actual add|list|delete|edit`: payments and invoice lines.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::args::{
    date_arg, money_arg, open, opt_date_arg, opt_fy_arg, period_arg, shorthand_note,
};
use super::output::say;
use super::output::{
    Cell, Format, FormatArg, Listing, date_cell, money_cell, opt_text, stream_list,
};
use crate::domain::calendar::uk_date;
use crate::domain::model::Actual;
use crate::ops::actual as ops;
use crate::ops::types::ActualEdit;

#[derive(Debug, Subcommand)]
pub enum ActualCmd {
    /// Add an actual.
    Add {
        #[arg(long)]
        date: String,
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: String,
        #[arg(long)]
        contract: Option<String>,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        supplier: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        description: String,
        #[arg(long, default_value = "")]
        reference: String,
        /// Negative for credits: -£12.50 or (12.50).
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// Refuse (exit status 2, nothing written) instead of warning about a date after today
        /// or a reference already on another date or amount.
        #[arg(long)]
        strict: bool,
    },
    /// List actuals.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: Option<String>,
        #[arg(long)]
        fy: Option<String>,
        #[arg(long)]
        period: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        supplier: Option<String>,
        /// At most this many rows.
        #[arg(long, default_value_t = 1000)]
        limit: u64,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Delete an actual.
    Delete { id: i64 },
    /// Change an actual's amount, date, supplier, description or reference.
    Edit(ActualEditArgs),
}

/// `outturn actual edit ID ...`: the options.
#[derive(Debug, Args)]
pub struct ActualEditArgs {
    /// The actual's id (from `actual list`).
    pub id: i64,
    /// A new amount; negative for credits: -£12.50 or (12.50).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// A new date (26/08/2022 or 2022-08-26).
    #[arg(long)]
    pub date: Option<String>,
    /// A new supplier.
    #[arg(long, allow_hyphen_values = true)]
    pub supplier: Option<String>,
    /// A new description.
    #[arg(long, allow_hyphen_values = true)]
    pub description: Option<String>,
    /// A new ledger reference.
    #[arg(long)]
    pub reference: Option<String>,
    /// Refuse the edit if the actual is no longer at this version (from `actual list --format json`):
    /// someone else changed it since you read it.
    #[arg(long)]
    pub expected_version: Option<i64>,
}

impl Listing for Actual {
    fn headers() -> &'static [&'static str] {
        &crate::io::table::ACTUAL_HEADERS
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        vec![
            Cell::Num(self.id.to_string()),
            date_cell(self.date, format),
            self.fy.label().into(),
            self.period.label().into(),
            self.programme_code.as_str().into(),
            self.phase_code.as_str().into(),
            opt_text(&self.contract_reference),
            self.supplier.as_str().into(),
            self.description.as_str().into(),
            self.reference.as_str().into(),
            money_cell(self.amount, format),
        ]
    }
}

/// Runs `outturn actual …` on the database at `db`.
pub fn run(db: &Path, c: &ActualCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}

/// Runs `outturn actual …` on books on either engine.
pub fn shared(conn: &mut impl crate::ops::Store, c: &ActualCmd) -> anyhow::Result<ExitCode> {
    match c {
        ActualCmd::Add {
            date,
            programme,
            phase,
            contract,
            supplier,
            description,
            reference,
            amount,
            strict,
        } => {
            let a = ops::NewActual {
                programme: programme.clone(),
                phase: phase.clone(),
                contract: contract.clone(),
                date: date_arg("--date", date)?,
                supplier: supplier.clone(),
                description: description.clone(),
                reference: reference.clone(),
                amount: money_arg("--amount", amount)?,
            };
            let today = super::tui::today()?;
            let checks = ops::Checks {
                today,
                strict: *strict,
            };
            let ops::Added { id, warnings } = ops::add(conn, &a, Some(checks))?;
            for w in &warnings {
                eprintln!(
                    "warning: actual {id} {}",
                    crate::domain::text::escape_controls(w, false)
                );
            }
            say!(
                "Added actual {id}: {}{} on {}.",
                a.amount.full(),
                shorthand_note(amount, a.amount),
                uk_date(a.date)
            );
        }
        ActualCmd::List {
            programme,
            phase,
            fy,
            period,
            supplier,
            limit,
            format,
        } => {
            let query = ops::ActualQuery {
                programme: programme.clone(),
                phase: phase.clone(),
                fy: opt_fy_arg("--fy", fy)?,
                period: period
                    .as_deref()
                    .map(|s| period_arg("--period", s))
                    .transpose()?,
                supplier: supplier.clone(),
                limit: *limit,
            };
            // Streamed: `--limit` in the millions never holds the rows in memory.
            stream_list(format.format, |each| {
                let mut failed = None;
                ops::each(&*conn, &query, &mut |a| match each(a) {
                    Ok(()) => true,
                    Err(err) => {
                        failed = Some(err);
                        false
                    }
                })?;
                failed.map_or(Ok(()), Err)
            })?;
        }
        ActualCmd::Delete { id } => {
            ops::delete(conn, *id, None)?;
            say!("Deleted actual {id}.");
        }
        ActualCmd::Edit(a) => edit_actual(conn, a)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `outturn actual edit`.
fn edit_actual(conn: &mut impl crate::ops::Store, a: &ActualEditArgs) -> anyhow::Result<()> {
    let e = ActualEdit {
        amount: a
            .amount
            .as_deref()
            .map(|s| money_arg("--amount", s))
            .transpose()?,
        date: opt_date_arg("--date", &a.date)?,
        supplier: a.supplier.clone(),
        description: a.description.clone(),
        reference: a.reference.clone(),
    };
    let after = ops::edit(conn, a.id, a.expected_version, &e)?.after;
    say!(
        "Actual {}: {} on {} ({} {}), version {}.",
        after.id,
        after.amount.full(),
        uk_date(after.date),
        after.fy.label(),
        after.period.label(),
        after.version
    );
    Ok(())
}
