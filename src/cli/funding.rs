//! `outturn funding add|edit|withdraw|list|finalise|reopen` (how each phase's budget is paid for) and
//! `outturn report financing` (the financing statement). Thin over `ops::funding` (funding
//! lines), `ops::report` (the statement as at a period), `domain::financing` and `io::financing`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::args::{
    ProgrammeYearList, date_arg, field, fy_arg, money_arg, open, opt_fy_arg, period_arg,
    write_file_atomically,
};
use super::output::{
    Cell, Format, Listing, money_cell, opt_date_cell, opt_text, outln, print_list, say,
};
use crate::domain::calendar::uk_date;
use crate::domain::financing::{Funding, FundingSource};
use crate::domain::model::AllocationStatus;
use crate::io::financing::{statement_table, write_statement_csv};
use crate::io::report::MoneyStyle;
use crate::ops::funding as ops;

/// `outturn funding …`.
#[derive(Debug, Subcommand)]
pub enum FundingCmd {
    /// Add a funding line: how part of a phase's budget for one FY is paid for.
    Add {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: String,
        /// The financial year, 2017-18.
        #[arg(long)]
        fy: String,
        /// borrowing, capital receipts (or capital-receipts), grant, s106, cil, revenue, reserves
        /// or other.
        #[arg(long)]
        source: String,
        /// £3.0m, 1,378,513.09, ... (more than zero).
        #[arg(long)]
        amount: String,
        /// approved (counts as funding) or projected (shown beside it, never in it).
        #[arg(long, default_value = "approved")]
        status: String,
        /// Who provides it, e.g. DfE.
        #[arg(long, allow_hyphen_values = true)]
        funder: Option<String>,
        /// The date a grant or contribution must be spent by: 31/03/2018 or 2018-03-31.
        #[arg(long)]
        spend_by: Option<String>,
        /// The decision reference it rests on.
        #[arg(long)]
        decision: Option<String>,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
    },
    /// Change a funding line: give only what changes.
    Edit {
        /// The funding line id (from `funding list`).
        id: i64,
        #[arg(long)]
        source: Option<String>,
        #[arg(long)]
        amount: Option<String>,
        /// approved or projected (withdraw with `funding withdraw`).
        #[arg(long)]
        status: Option<String>,
        /// The funder; an empty value clears it.
        #[arg(long, allow_hyphen_values = true)]
        funder: Option<String>,
        /// The spend-by date; an empty value clears it.
        #[arg(long)]
        spend_by: Option<String>,
        #[arg(long)]
        decision: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
        /// Refuse the edit if the line changed since this version (from `list --format json`).
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// Withdraw a funding line: it stays listed and counts nowhere.
    Withdraw {
        /// The funding line id.
        id: i64,
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// List funding lines.
    List(ProgrammeYearList),
    /// Finalise a year's financing with its outturn: its funding lines are locked from then on
    /// (closed periods do not lock them). Only after the year has ended.
    Finalise {
        /// The financial year (2025-26).
        #[arg(long)]
        fy: String,
    },
    /// Reopen a finalised year's financing so its funding lines can be changed again; the reason
    /// goes in the audit log.
    Reopen {
        /// The financial year (2025-26).
        #[arg(long)]
        fy: String,
        /// Why it is reopened (required).
        #[arg(long)]
        reason: String,
    },
}

/// Options of `outturn report financing`.
#[derive(Debug, Args)]
pub struct FinancingArgs {
    /// The financial year: 2017-18 (also 2017/18, FY2017-18).
    #[arg(long)]
    pub fy: String,
    /// The period the statement is as at: 7 or P7.
    #[arg(long)]
    pub period: String,
    /// Only this programme (code).
    #[arg(long)]
    pub programme: Option<String>,
    /// Write the CSV to FILE (replaced whole, never half-written), or `-` for standard output.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

impl Listing for Funding {
    fn headers() -> &'static [&'static str] {
        &[
            "Id",
            "Programme",
            "Phase",
            "FY",
            "Source",
            "Amount",
            "Status",
            "Funder",
            "Spend by",
            "Decision",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        vec![
            Cell::Num(self.id.to_string()),
            self.programme_code.as_str().into(),
            self.phase_code.as_str().into(),
            self.fy.label().into(),
            self.source.as_str().into(),
            money_cell(self.amount, format),
            self.status.as_str().into(),
            opt_text(&self.funder),
            opt_date_cell(self.spend_by, format),
            opt_text(&self.decision_reference),
        ]
    }
}

fn status_arg(s: &str) -> anyhow::Result<AllocationStatus> {
    field("--status", AllocationStatus::parse(s))
}

fn source_arg(s: &str) -> anyhow::Result<FundingSource> {
    field("--source", FundingSource::parse(s))
}

/// An optional text option where an empty value clears the field.
fn clearable(s: &Option<String>) -> Option<Option<String>> {
    s.as_ref()
        .map(|v| (!v.trim().is_empty()).then(|| v.clone()))
}

/// Runs `outturn funding …`.
pub fn run(db: &Path, c: &FundingCmd) -> anyhow::Result<ExitCode> {
    let mut books = open(db)?;
    shared(&mut books, c)
}

/// The `funding` subcommands, on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &FundingCmd) -> anyhow::Result<ExitCode> {
    match c {
        FundingCmd::Add {
            programme,
            phase,
            fy,
            source,
            amount,
            status,
            funder,
            spend_by,
            decision,
            note,
        } => {
            let f = ops::NewFunding {
                programme: programme.clone(),
                phase: phase.clone(),
                fy: fy_arg("--fy", fy)?,
                source: source_arg(source)?,
                amount: money_arg("--amount", amount)?,
                status: status_arg(status)?,
                funder: funder.clone(),
                spend_by: spend_by
                    .as_deref()
                    .map(|s| date_arg("--spend-by", s))
                    .transpose()?,
                decision: decision.clone(),
                note: note.clone(),
            };
            let added = ops::add(books, &f)?;
            outln!(
                "Added funding line {}: {} {} ({}) for {}/{} {}{}.",
                added.id,
                added.amount.full(),
                added.source,
                added.status,
                added.programme_code,
                added.phase_code,
                added.fy.label(),
                added
                    .spend_by
                    .map(|d| format!(", to be spent by {}", uk_date(d)))
                    .unwrap_or_default()
            );
        }
        FundingCmd::Edit {
            id,
            source,
            amount,
            status,
            funder,
            spend_by,
            decision,
            note,
            expected_version,
        } => {
            let status = status.as_deref().map(status_arg).transpose()?;
            if status == Some(AllocationStatus::Withdrawn) {
                return Err(crate::error::UserError(format!(
                    "--status: withdraw funding line {id} with `outturn funding withdraw {id}`"
                ))
                .into());
            }
            let change = ops::FundingChange {
                source: source.as_deref().map(source_arg).transpose()?,
                amount: amount
                    .as_deref()
                    .map(|s| money_arg("--amount", s))
                    .transpose()?,
                status,
                funder: clearable(funder),
                spend_by: match clearable(spend_by) {
                    None => None,
                    Some(None) => Some(None),
                    Some(Some(s)) => Some(Some(date_arg("--spend-by", &s)?)),
                },
                decision: decision
                    .as_ref()
                    .map(|d| (!d.trim().is_empty()).then(|| d.clone())),
                note: note.clone(),
            };
            ops::edit(books, *id, *expected_version, &change)?;
            outln!("Funding line {id} changed.");
        }
        FundingCmd::Withdraw {
            id,
            expected_version,
        } => {
            let before = ops::withdraw(books, *id, *expected_version)?;
            outln!(
                "Funding line {id} withdrawn ({} {} for {}/{} {}).",
                before.amount.full(),
                before.source,
                before.programme_code,
                before.phase_code,
                before.fy.label()
            );
        }
        FundingCmd::List(l) => {
            let fy = opt_fy_arg("--fy", &l.fy)?;
            print_list(
                &ops::list(books, l.programme.as_deref(), fy)?,
                l.format.format,
            )?;
        }
        FundingCmd::Finalise { fy } => {
            let fy = fy_arg("--fy", fy)?;
            ops::finalise(books, fy)?;
            outln!(
                "Finalised the financing of {}: its funding lines are locked (reopen with `outturn funding reopen --fy {} --reason ...`).",
                fy.label(),
                fy.label()
            );
        }
        FundingCmd::Reopen { fy, reason } => {
            let fy = fy_arg("--fy", fy)?;
            let was = ops::reopen(books, fy, reason)?;
            outln!(
                "Reopened the financing of {} (finalised by {} at {}): its funding lines can be changed again.",
                fy.label(),
                was.who,
                was.at
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `outturn report financing`.
pub fn report(db: &Path, a: &FinancingArgs) -> anyhow::Result<ExitCode> {
    let conn = open(db)?;
    report_shared(&conn, a)
}

/// `outturn report financing` on books on either engine.
pub fn report_shared(books: &impl crate::ops::Sql, a: &FinancingArgs) -> anyhow::Result<ExitCode> {
    let fy = fy_arg("--fy", &a.fy)?;
    let period = period_arg("--period", &a.period)?;
    let read = crate::ops::report::financing(books, fy, period, a.programme.as_deref())?;
    let (statement, snapshot) = (read.report, read.snapshot);
    let frozen = snapshot
        .as_ref()
        .map(super::cabinet::frozen)
        .unwrap_or_default();
    match a.csv.as_deref() {
        Some(p) if p.as_os_str() == "-" => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write_statement_csv(&statement, &mut out)?;
            out.flush()?;
        }
        Some(path) => {
            let mut buf = Vec::new();
            write_statement_csv(&statement, &mut buf)?;
            write_file_atomically(path, &buf)?;
            say!(
                "Wrote the {} {} financing statement ({}{frozen}) to {}.",
                fy.label(),
                period.label(),
                crate::domain::text::counted(statement.rows.len() as u64, "row"),
                path.display()
            );
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            writeln!(
                out,
                "Financing {} as at {} ({}){frozen}: actual to date {} to {} met from approved funding in the order {}.",
                fy.label(),
                period.label(),
                period.month_name(),
                uk_date(fy.start()),
                uk_date(fy.period_end(period)),
                statement.order.text()
            )?;
            statement_table(&statement, MoneyStyle::Screen).write_text(&mut out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
