//! The steps an officer can ask for that write to the books: one typed request each, the same
//! request whichever door (a command, a TUI form or key) asked for it. `ops::apply` carries
//! one out in its own audited transaction; [`Step::kind`] names it, and [`KINDS`] is the
//! registry of every step, which the parity test walks.

use chrono::NaiveDate;

use super::records;
use crate::domain::model::{Actual, AllocationStatus, ChangeKind, ChangeStatus};
use crate::domain::{FinancialYear, Money, Period};
use crate::store::edit::ActualEdit;

/// A write to the books asked for by the officer.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Approve or reject proposed change `id` (read at `version`), by decision `decision` (its
    /// reference) when given.
    DecideChange {
        id: i64,
        version: i64,
        status: ChangeStatus,
        decision: Option<String>,
    },
    /// Exercise extension option `option_id` at `value` (the option's estimate when None) on
    /// `date`, by decision `decision` when given.
    Exercise {
        option_id: i64,
        version: i64,
        value: Option<Money>,
        decision: Option<String>,
        date: NaiveDate,
    },
    AddActual {
        phase: String,
        contract: Option<String>,
        date: NaiveDate,
        supplier: String,
        description: String,
        reference: String,
        amount: Money,
    },
    DeleteActual(Box<Actual>),
    /// Change actual `id`, as read at `version` (a newer version is a conflict).
    EditActual {
        id: i64,
        version: i64,
        edit: ActualEdit,
    },
    AddAllocation {
        phase: String,
        first_fy: FinancialYear,
        last_fy: FinancialYear,
        amount: Money,
        status: AllocationStatus,
        decision: Option<String>,
    },
    AddChange {
        kind: ChangeKind,
        from_phase: String,
        to_phase: String,
        from_fy: FinancialYear,
        to_fy: FinancialYear,
        amount: Money,
        effective: NaiveDate,
        reason: String,
    },
    /// Undo: delete an actual added in this session.
    RemoveActual {
        id: i64,
    },
    /// Enter (or replace) the forecast outturn of `phase` for `fy` as at `as_at`.
    SetForecast {
        phase: String,
        fy: FinancialYear,
        as_at: Period,
        amount: Money,
        note: String,
    },
    /// Close `period` of `fy`: lock, comment gate, report and financing snapshots.
    ClosePeriod {
        fy: FinancialYear,
        period: Period,
        /// Close although rows beyond the comment threshold have no comment.
        allow_missing_comments: bool,
    },
    ReopenPeriod {
        fy: FinancialYear,
        period: Period,
        reason: String,
    },
    /// Undo import batch `id` (its rows removed, the batch kept as undone).
    UndoImport {
        id: i64,
        file: String,
    },
    /// Approve projected allocation `id` by decision `decision` (its reference) on `date`.
    /// `date` None: the decision's date (as the command line does).
    ApproveAllocation {
        id: i64,
        decision: String,
        date: Option<NaiveDate>,
    },
    /// Withdraw projected allocation `id` with a reason, as of `date`.
    WithdrawAllocation {
        id: i64,
        reason: String,
        date: NaiveDate,
    },
    /// Amend proposed change `id` (read at `version`): amount, effective date, reason.
    AmendChange {
        id: i64,
        version: i64,
        amount: Money,
        effective: NaiveDate,
        reason: String,
    },
    /// Withdraw proposed change `id` (read at `version`) with a reason.
    WithdrawChange {
        id: i64,
        version: i64,
        reason: String,
    },
    /// Vary contract `id` (read at `version`) to `value` from `effective` (`YYYY-MM`), as of `date`,
    /// by decision `decision` when given.
    VaryContract {
        id: i64,
        version: i64,
        value: Money,
        effective: crate::domain::profile::Month,
        decision: Option<String>,
        date: NaiveDate,
    },
    /// Add, or replace, the variance comment of `phase` for `fy` and `period`.
    SetComment {
        phase: String,
        fy: FinancialYear,
        period: Period,
        text: String,
    },
    /// Carry the comments of `fy` `from` forward to `to` where a phase has none (`comment carry`).
    CarryComments {
        fy: FinancialYear,
        from: Period,
        to: Period,
    },
    /// Add a funding line (`funding add`).
    AddFunding(Box<FundingLine>),
    /// Change funding line `id` (read at `version`) to the values given (`funding edit`).
    EditFunding {
        id: i64,
        version: i64,
        line: Box<FundingLine>,
    },
    /// Withdraw funding line `id` (read at `version`) (`funding withdraw`).
    WithdrawFunding {
        id: i64,
        version: i64,
    },
    /// Withdraw the standing forecast of `phase` (`PROG/PHASE`) for `fy`, as of `date`.
    WithdrawForecast {
        phase: String,
        fy: FinancialYear,
        reason: String,
        date: NaiveDate,
    },
    /// A programme, phase, decision, framework, contract, milestone or benefit ([`records`]).
    Record(Box<records::RecordOp>),
}

/// A funding line as a form gives it (`funding add`; an edit leaves the phase and year as they are).
#[derive(Debug, Clone, PartialEq)]
pub struct FundingLine {
    /// `PROG/PHASE` or `PHASE` (empty in an edit: the line keeps its phase and year).
    pub phase: String,
    pub fy: FinancialYear,
    pub source: crate::domain::financing::FundingSource,
    pub amount: Money,
    /// Approved or projected.
    pub status: AllocationStatus,
    pub funder: Option<String>,
    pub spend_by: Option<NaiveDate>,
    /// The decision reference.
    pub decision: Option<String>,
}

/// How to undo a change made in this session.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoStep {
    /// "adding actual INV-1".
    pub what: String,
    pub op: Step,
}

/// Every step the books take, by the name [`Step::kind`] gives it: the registry the parity test
/// walks (a step added here without a row there fails it).
pub const KINDS: &[&str] = &[
    "change decide",
    "contract exercise",
    "actual add",
    "actual delete",
    "actual edit",
    "allocation add",
    "change add",
    "actual remove",
    "forecast set",
    "period close",
    "period reopen",
    "import undo",
    "allocation approve",
    "allocation withdraw",
    "change amend",
    "change withdraw",
    "contract vary",
    "comment set",
    "comment carry",
    "funding add",
    "funding edit",
    "funding withdraw",
    "forecast withdraw",
    "programme add",
    "programme edit",
    "programme delete",
    "phase add",
    "phase edit",
    "phase delete",
    "decision add",
    "decision edit",
    "decision delete",
    "framework add",
    "framework edit",
    "framework delete",
    "contract add",
    "contract edit",
    "contract delete",
    "milestone add",
    "milestone edit",
    "milestone complete",
    "benefit add",
    "benefit edit",
    "benefit withdraw",
    "benefit realise",
];

impl Step {
    /// The step's name in [`KINDS`]: the record kind and the verb (`"period close"`).
    pub fn kind(&self) -> String {
        let s = match self {
            Step::DecideChange { .. } => "change decide",
            Step::Exercise { .. } => "contract exercise",
            Step::AddActual { .. } => "actual add",
            Step::DeleteActual(_) => "actual delete",
            Step::EditActual { .. } => "actual edit",
            Step::AddAllocation { .. } => "allocation add",
            Step::AddChange { .. } => "change add",
            Step::RemoveActual { .. } => "actual remove",
            Step::SetForecast { .. } => "forecast set",
            Step::ClosePeriod { .. } => "period close",
            Step::ReopenPeriod { .. } => "period reopen",
            Step::UndoImport { .. } => "import undo",
            Step::ApproveAllocation { .. } => "allocation approve",
            Step::WithdrawAllocation { .. } => "allocation withdraw",
            Step::AmendChange { .. } => "change amend",
            Step::WithdrawChange { .. } => "change withdraw",
            Step::VaryContract { .. } => "contract vary",
            Step::SetComment { .. } => "comment set",
            Step::CarryComments { .. } => "comment carry",
            Step::AddFunding(_) => "funding add",
            Step::EditFunding { .. } => "funding edit",
            Step::WithdrawFunding { .. } => "funding withdraw",
            Step::WithdrawForecast { .. } => "forecast withdraw",
            Step::Record(r) => {
                return match r.as_ref() {
                    records::RecordOp::Add(v) => format!("{} add", v.kind()),
                    records::RecordOp::Edit { values, .. } => format!("{} edit", values.kind()),
                    records::RecordOp::Delete { values, .. } => {
                        format!("{} delete", values.kind())
                    }
                    records::RecordOp::CompleteMilestone { .. } => "milestone complete".into(),
                    records::RecordOp::WithdrawBenefit { .. } => "benefit withdraw".into(),
                    records::RecordOp::Realise { .. } => "benefit realise".into(),
                };
            }
        };
        s.to_string()
    }
}
