//! `outturn allocation add|list|profile|approve|withdraw`: capital budget lines.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{
    ProgrammeYearList, field, fy_arg, money_arg, open, opt_date_arg, opt_decision, opt_fy_arg,
    phase_arg, profile_arg, rename, shorthand_note, write,
};
use super::output::say;
use super::output::{Cell, Format, Listing, money_cell, money_text, opt_text, yes_no};
use super::tui::today;
use crate::domain::calendar::uk_date;
use crate::domain::model::{Allocation, AllocationStatus};
use crate::store::entities as e;

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
        #[arg(long, default_value = "")]
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
        #[arg(long)]
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
        let profile = self
            .profile
            .iter()
            .map(|l| format!("{} {}", l.fy.label(), money_text(l.amount, format)))
            .collect::<Vec<_>>()
            .join("; ");
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

/// Runs `outturn allocation …` on the database at `db`.
pub fn run(db: &Path, c: &AllocationCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(db)?;
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
            let a = e::NewAllocation {
                phase_id: phase_arg(&conn, programme.as_deref(), phase, "--phase")?,
                first_fy: first,
                last_fy: opt_fy_arg("--to-fy", to_fy)?.unwrap_or(first),
                amount: money_arg("--amount", amount)?,
                status: field("--status", AllocationStatus::parse(status))?,
                decision_id: opt_decision(&conn, decision)?,
                profile: profile.as_deref().map(profile_arg).transpose()?,
                note: note.clone(),
            };
            let id = write(&mut conn, |tx| e::add_allocation(tx, &a))?;
            let added = e::get_allocation(&conn, id)?;
            say!(
                "Added allocation {id}: {}{} for {}/{} {}{}.",
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
        AllocationCmd::List(l) => l.print(&conn, |c, p, f| e::list_allocations(c, p, f))?,
        AllocationCmd::Profile { id, profile } => {
            let p = profile_arg(profile)?;
            let before = e::get_allocation(&conn, *id).map_err(|e| rename(e, "id"))?;
            write(&mut conn, |tx| {
                e::set_allocation_profile(tx, *id, before.version, &p)
            })?;
            say!("Allocation {id} reprofiled.");
        }
        AllocationCmd::Approve {
            id,
            decision,
            date,
            expected_version,
        } => {
            let d = e::decision_id(&conn, decision).map_err(|e| rename(e, "--decision"))?;
            let on = match opt_date_arg("--date", date)? {
                Some(on) => on,
                None => e::list_decisions(&conn)?
                    .into_iter()
                    .find(|x| x.id == d)
                    .map(|x| x.date)
                    .unwrap_or_else(|| chrono::Local::now().date_naive()),
            };
            let a = write(&mut conn, |tx| {
                e::approve_allocation(tx, *id, *expected_version, d, on)
            })?;
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
            let a = write(&mut conn, |tx| {
                e::withdraw_allocation(tx, *id, *expected_version, reason, on)
            })?;
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
