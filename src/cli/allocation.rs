//! `outturn allocation add|list|profile|approve|withdraw`: capital budget lines.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{
    ProgrammeYearList, field, fy_arg, money_arg, open, opt_date_arg, opt_fy_arg, profile_arg,
    shorthand_note,
};
use super::output::say;
use super::output::{Cell, Format, Listing, money_cell, money_text, opt_text, print_list, yes_no};
use super::tui::today;
use crate::domain::calendar::uk_date;
use crate::domain::model::{Allocation, AllocationStatus};
use crate::ops::allocation::{self as ops, Approve, NewAllocation};

#[derive(Debug, Subcommand)]
pub enum AllocationCmd {
    /// Add an allocation for one FY (--fy) or a range (--fy .. --to-fy).
    Add {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: String,
        /// The (first) financial year, 2017-18.
        #[arg(long)]
        fy: String,
        /// The last financial year of a range.
        #[arg(long)]
        to_fy: Option<String>,
        /// £3.0m, 1,378,513.09, ...
        #[arg(long)]
        amount: String,
        /// approved, projected or withdrawn.
        #[arg(long, default_value = "approved")]
        status: String,
        /// The decision reference it rests on.
        #[arg(long)]
        decision: Option<String>,
        /// Per-FY split: "2018-19=£6m,2019-20=£5m" (default: even split, marked assumed).
        #[arg(long)]
        profile: Option<String>,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
    },
    /// List allocations.
    List(ProgrammeYearList),
    /// Set an allocation's per-FY profile (replaces an assumed even split).
    Profile {
        /// The allocation id (from `allocation list`).
        id: i64,
        /// "2018-19=£6m,2019-20=£5m"
        #[arg(long)]
        profile: String,
    },
    /// Approve a projected allocation: it moves from Pending approval to Original budget.
    Approve {
        /// The allocation id (from `allocation list`).
        id: i64,
        /// The approving decision's reference.
        #[arg(long)]
        decision: String,
        /// The date of approval (default: the decision's date).
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// Withdraw a projected allocation: it leaves Pending approval.
    Withdraw {
        /// The allocation id (from `allocation list`).
        id: i64,
        /// Why it is withdrawn.
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
        #[arg(long)]
        expected_version: Option<i64>,
    },
}

impl Listing for Allocation {
    fn headers() -> &'static [&'static str] {
        &[
            "Id",
            "Programme",
            "Phase",
            "Years",
            "Amount",
            "Status",
            "Profile",
            "Assumed",
            "Decision",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        let profile = profile_text(self, format);
        vec![
            Cell::Num(self.id.to_string()),
            self.programme_code.as_str().into(),
            self.phase_code.as_str().into(),
            self.first_fy.range_label(self.last_fy).into(),
            money_cell(self.amount, format),
            self.status.as_str().into(),
            profile.into(),
            yes_no(self.profile_assumed),
            opt_text(&self.decision_reference),
        ]
    }
}

/// An allocation's profile: `2018-19 £6,000,000.00; 2019-20 £5,000,000.00` (plain decimals in
/// CSV and JSON).
fn profile_text(a: &Allocation, format: Format) -> String {
    a.profile
        .iter()
        .map(|l| format!("{} {}", l.fy.label(), money_text(l.amount, format)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs `outturn allocation …` on the database at `db`.
pub fn run(db: &Path, c: &AllocationCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}

/// `outturn allocation …` on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &AllocationCmd) -> anyhow::Result<ExitCode> {
    match c {
        AllocationCmd::Add {
            programme,
            phase,
            fy,
            to_fy,
            amount,
            status,
            decision,
            profile,
            note,
        } => {
            let first = fy_arg("--fy", fy)?;
            let a = NewAllocation {
                programme: programme.clone(),
                phase: phase.clone(),
                first_fy: first,
                last_fy: opt_fy_arg("--to-fy", to_fy)?.unwrap_or(first),
                amount: money_arg("--amount", amount)?,
                status: field("--status", AllocationStatus::parse(status))?,
                decision: decision.clone(),
                profile: profile.as_deref().map(profile_arg).transpose()?,
                note: note.clone(),
            };
            let added = ops::add(books, &a)?;
            say!(
                "Added allocation {}: {}{} for {}/{} {}{}.",
                added.id,
                added.amount.full(),
                shorthand_note(amount, added.amount),
                added.programme_code,
                added.phase_code,
                added.first_fy.range_label(added.last_fy),
                if added.profile_assumed {
                    " (profile assumed: even split)"
                } else {
                    ""
                }
            );
        }
        AllocationCmd::List(l) => {
            let fy = opt_fy_arg("--fy", &l.fy)?;
            let items = ops::list(books, l.programme.as_deref(), fy)?;
            print_list(&items, l.format.format)?;
        }
        AllocationCmd::Profile { id, profile } => {
            let p = profile_arg(profile)?;
            let after = ops::reprofile(books, *id, &p)?;
            say!(
                "Allocation {id} reprofiled: {}.",
                profile_text(&after, Format::Table)
            );
        }
        AllocationCmd::Approve {
            id,
            decision,
            date,
            expected_version,
        } => {
            let approve = Approve {
                id: *id,
                decision: decision.clone(),
                date: opt_date_arg("--date", date)?,
                expected_version: *expected_version,
            };
            let done = ops::approve(books, &approve)?;
            let (a, on) = (done.allocation, done.on);
            say!(
                "Allocation {id} approved by {decision} on {}: {} for {}/{} {} now counts in Original budget, no longer in Pending approval.",
                uk_date(on),
                a.amount.full(),
                a.programme_code,
                a.phase_code,
                a.first_fy.range_label(a.last_fy)
            );
        }
        AllocationCmd::Withdraw {
            id,
            reason,
            expected_version,
        } => {
            let on = today()?;
            let a = ops::withdraw(books, *id, *expected_version, reason, on)?;
            say!(
                "Allocation {id} withdrawn: {} for {}/{} {} leaves Pending approval.",
                a.amount.full(),
                a.programme_code,
                a.phase_code,
                a.first_fy.range_label(a.last_fy)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
