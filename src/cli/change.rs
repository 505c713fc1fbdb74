//! `outturn change add|list|approve|reject|amend|withdraw`: budget changes (reprofile, virement, addition,
//! reduction).

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{
    ProgrammeYearList, date_arg, field, money_arg, open, opt_fy_arg, shorthand_note,
};
use super::output::say;
use super::output::{Cell, Format, Listing, date_cell, money_cell, opt_text, print_list};
use crate::domain::model::{BudgetChange, BudgetSide, ChangeKind, ChangeStatus};
use crate::ops::change::{self as ops, Amendment, NewChange};

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum ChangeCmd {
    /// Propose or record a budget change.
    Add {
        /// reprofile, virement, addition or reduction.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        programme: Option<String>,
        /// The phase (reprofile, addition, reduction).
        #[arg(long)]
        phase: Option<String>,
        /// The phase money leaves (virement).
        #[arg(long)]
        from_phase: Option<String>,
        /// The phase money goes to (virement).
        #[arg(long)]
        to_phase: Option<String>,
        /// The year (virement, addition, reduction).
        #[arg(long)]
        fy: Option<String>,
        /// The year money leaves (reprofile).
        #[arg(long)]
        from_fy: Option<String>,
        /// The year money goes to (reprofile).
        #[arg(long)]
        to_fy: Option<String>,
        /// Effective date (default today).
        #[arg(long)]
        effective: Option<String>,
        /// proposed, approved or rejected.
        #[arg(long, default_value = "proposed")]
        status: String,
        #[arg(long)]
        decision: Option<String>,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        reason: String,
    },
    /// List budget changes.
    List(ProgrammeYearList),
    /// Approve a proposed change.
    Approve {
        id: i64,
        #[arg(long)]
        decision: Option<String>,
    },
    /// Reject a proposed change.
    Reject {
        id: i64,
        #[arg(long)]
        decision: Option<String>,
    },
    /// Amend a proposed change (amount, effective date, reason, decision).
    Amend {
        id: i64,
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        effective: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        reason: Option<String>,
        #[arg(long)]
        decision: Option<String>,
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// Withdraw a proposed change: it leaves Pending approval.
    Withdraw {
        id: i64,
        /// Why it is withdrawn.
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
        #[arg(long)]
        expected_version: Option<i64>,
    },
}

/// One side of a change: "WOL/P1 2017-18", or empty.
fn side(s: &Option<BudgetSide>) -> String {
    s.as_ref()
        .map(|s| format!("{}/{} {}", s.programme_code, s.phase_code, s.fy.label()))
        .unwrap_or_default()
}

impl Listing for BudgetChange {
    fn headers() -> &'static [&'static str] {
        &[
            "Id",
            "Kind",
            "Amount",
            "From",
            "To",
            "Effective",
            "Status",
            "Decision",
            "Reason",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        vec![
            Cell::Num(self.id.to_string()),
            self.kind.as_str().into(),
            money_cell(self.amount, format),
            side(&self.from).into(),
            side(&self.to).into(),
            date_cell(self.effective, format),
            self.status.as_str().into(),
            opt_text(&self.decision_reference),
            self.reason.as_str().into(),
        ]
    }
}

/// Runs `outturn change …` on the database at `db`.
pub fn run(db: &Path, c: &ChangeCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}

/// `outturn change …` on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &ChangeCmd) -> anyhow::Result<ExitCode> {
    match c {
        ChangeCmd::Add {
            kind,
            amount,
            programme,
            phase,
            from_phase,
            to_phase,
            fy,
            from_fy,
            to_fy,
            effective,
            status,
            decision,
            reason,
        } => {
            let ch = NewChange {
                kind: field("--kind", ChangeKind::parse(kind))?,
                amount: money_arg("--amount", amount)?,
                programme: programme.clone(),
                phase: phase.clone(),
                from_phase: from_phase.clone(),
                to_phase: to_phase.clone(),
                fy: opt_fy_arg("--fy", fy)?,
                from_fy: opt_fy_arg("--from-fy", from_fy)?,
                to_fy: opt_fy_arg("--to-fy", to_fy)?,
                effective: match effective {
                    Some(s) => date_arg("--effective", s)?,
                    None => chrono::Local::now().date_naive(),
                },
                status: field("--status", ChangeStatus::parse(status))?,
                decision: decision.clone(),
                reason: reason.clone(),
            };
            let id = ops::add(books, &ch)?;
            say!(
                "Added {} {id} ({}{}, {}).",
                ch.kind,
                ch.amount.full(),
                shorthand_note(amount, ch.amount),
                ch.status
            );
        }
        ChangeCmd::List(l) => {
            let fy = opt_fy_arg("--fy", &l.fy)?;
            let items = ops::list(books, l.programme.as_deref(), fy)?;
            print_list(&items, l.format.format)?;
        }
        ChangeCmd::Approve { id, decision } | ChangeCmd::Reject { id, decision } => {
            let status = if matches!(c, ChangeCmd::Approve { .. }) {
                ChangeStatus::Approved
            } else {
                ChangeStatus::Rejected
            };
            ops::decide(books, *id, None, status, decision.as_deref())?;
            say!("Change {id} {status}.");
        }
        ChangeCmd::Amend {
            id,
            amount,
            effective,
            reason,
            decision,
            expected_version,
        } => {
            let amend = Amendment {
                amount: amount
                    .as_deref()
                    .map(|s| money_arg("--amount", s))
                    .transpose()?,
                effective: effective
                    .as_deref()
                    .map(|s| date_arg("--effective", s))
                    .transpose()?,
                reason: reason.clone(),
                decision: decision.clone(),
            };
            let after = ops::amend(books, *id, *expected_version, &amend)?;
            say!(
                "Change {id} amended: {} {}{} effective {}, version {}.",
                after.kind,
                after.amount.full(),
                amount
                    .as_deref()
                    .map(|s| shorthand_note(s, after.amount))
                    .unwrap_or_default(),
                crate::domain::calendar::uk_date(after.effective),
                after.version
            );
        }
        ChangeCmd::Withdraw {
            id,
            reason,
            expected_version,
        } => {
            ops::withdraw(books, *id, *expected_version, reason)?;
            say!("Change {id} withdrawn.");
        }
    }
    Ok(ExitCode::SUCCESS)
}
