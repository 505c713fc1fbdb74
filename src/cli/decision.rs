//! `outturn decision add|list`: the approvals that figures rest on.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{date_arg, open};
use super::output::say;
use super::output::{Cell, Format, FormatArg, Listing, date_cell, opt_text, print_list, yes_no};
use crate::domain::model::Decision;
use crate::ops::register::{self as ops, NewDecision};

#[derive(Debug, Subcommand)]
pub enum DecisionCmd {
    /// Record a decision.
    Add {
        /// A unique reference (e.g. WOL-COU-2017-11-08-6).
        #[arg(long)]
        reference: String,
        /// Council, Cabinet, a committee, or an officer under delegation.
        #[arg(long, allow_hyphen_values = true)]
        body: String,
        /// Meeting or decision date (26/08/2022 or 2022-08-26).
        #[arg(long)]
        date: String,
        /// The programme it concerns.
        #[arg(long)]
        programme: Option<String>,
        /// Item or minute reference.
        #[arg(long, allow_hyphen_values = true)]
        item: Option<String>,
        /// A key decision.
        #[arg(long)]
        key: bool,
        /// Subject to call-in.
        #[arg(long)]
        call_in: bool,
        #[arg(long, default_value = "approved", allow_hyphen_values = true)]
        outcome: String,
        /// Link or document reference.
        #[arg(long)]
        link: Option<String>,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        summary: String,
    },
    /// Correct a decision (audited, with --expected-version).
    Edit(super::correct::DecisionEditArgs),
    /// Delete a decision nothing refers to.
    Delete(super::correct::DeleteArgs),
    /// List decisions.
    List(FormatArg),
}

impl Listing for Decision {
    fn headers() -> &'static [&'static str] {
        &[
            "Reference",
            "Date",
            "Body",
            "Item",
            "Key",
            "Call-in",
            "Outcome",
            "Summary",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        vec![
            self.reference.as_str().into(),
            date_cell(self.date, format),
            self.body.as_str().into(),
            opt_text(&self.item),
            yes_no(self.key_decision),
            yes_no(self.call_in),
            self.outcome.as_str().into(),
            self.summary.as_str().into(),
        ]
    }
}

/// Runs `outturn decision …` on the database at `db`.
pub fn run(db: &Path, c: &DecisionCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}

/// `outturn decision …` on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &DecisionCmd) -> anyhow::Result<ExitCode> {
    match c {
        DecisionCmd::Add {
            reference,
            body,
            date,
            programme,
            item,
            key,
            call_in,
            outcome,
            link,
            summary,
        } => {
            let d = NewDecision {
                reference: reference.clone(),
                programme: programme.clone(),
                body: body.clone(),
                date: date_arg("--date", date)?,
                item: item.clone(),
                key_decision: *key,
                call_in: *call_in,
                outcome: outcome.clone(),
                link: link.clone(),
                summary: summary.clone(),
            };
            ops::add_decision(books, &d)?;
            say!("Added decision {}.", d.reference.trim());
        }
        DecisionCmd::Edit(a) => super::correct::decision_edit(books, a)?,
        DecisionCmd::Delete(a) => super::correct::delete(books, super::correct::Kind::Decision, a)?,
        DecisionCmd::List(f) => print_list(&ops::list_decisions(books)?, f.format)?,
    }
    Ok(ExitCode::SUCCESS)
}
