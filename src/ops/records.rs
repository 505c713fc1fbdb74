//! The vocabulary of adding, editing and deleting the records figures rest on from the TUI:
//! programmes, phases, decisions, frameworks, contracts, milestones and benefits. A record's
//! values are carried whole ([`Values`]), so an add is undone by a delete, a delete by an add of
//! the same values, and an edit by an edit back to the values as read. A leaf, like its parent.

use chrono::NaiveDate;

use crate::domain::benefit::BenefitKind;
use crate::domain::milestone::MilestoneStatus;
use crate::domain::model::DeliveryStatus;
use crate::domain::{FinancialYear, Money, Period};

/// A programme's values.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeValues {
    pub code: String,
    pub name: String,
    pub organisation: String,
    pub status: DeliveryStatus,
}

/// A phase's values; `programme` is its programme's code (not edited).
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseValues {
    pub programme: String,
    pub code: String,
    pub name: String,
    pub status: DeliveryStatus,
    /// Empty: none.
    pub officer: String,
}

/// A decision's values; `programme` (a code, empty for none) is not edited.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionValues {
    pub reference: String,
    pub programme: String,
    pub body: String,
    pub date: NaiveDate,
    /// Empty: none.
    pub item: String,
    pub key_decision: bool,
    pub call_in: bool,
    pub outcome: String,
    /// Empty: none.
    pub link: String,
    pub summary: String,
}

/// A framework's values.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameworkValues {
    pub name: String,
    pub reference: String,
    pub planned_end: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
}

/// One extension option of a new contract: months, estimated value, when its decision is due.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExtensionValues {
    pub months: u32,
    pub value: Money,
    pub due: Option<NaiveDate>,
}

/// A contract's values. An edit changes only the title, supplier, framework and award decision
/// (as `contract edit`); the rest is what the contract was added with.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractValues {
    pub reference: String,
    pub title: String,
    pub supplier: String,
    /// `PROG/PHASE`.
    pub phase: String,
    /// The framework's name; empty for none.
    pub framework: String,
    pub value: Money,
    pub start: NaiveDate,
    pub term_months: u32,
    /// The award decision's reference; empty for none.
    pub award_decision: String,
    pub extensions: Vec<ExtensionValues>,
    /// The explicit monthly profile (`YYYY-MM`, amount), kept when a delete is undone.
    pub profile: Vec<(crate::domain::profile::Month, Money)>,
}

/// A milestone's values; `phase` (`PROG/PHASE`) is not edited.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneValues {
    pub phase: String,
    pub name: String,
    pub baseline: NaiveDate,
    pub forecast: Option<NaiveDate>,
    pub status: MilestoneStatus,
}

/// A benefit's values; `programme` (a code) is not edited, `phase` is a phase code of it (empty
/// for none).
#[derive(Debug, Clone, PartialEq)]
pub struct BenefitValues {
    pub programme: String,
    pub phase: String,
    pub description: String,
    pub kind: BenefitKind,
    pub owner: String,
    pub targets: Vec<(FinancialYear, Money)>,
}

/// A record's values, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Programme(ProgrammeValues),
    Phase(PhaseValues),
    Decision(DecisionValues),
    Framework(FrameworkValues),
    Contract(ContractValues),
    Milestone(MilestoneValues),
    Benefit(BenefitValues),
}

impl Values {
    /// The kind as the officer says it: "programme", "framework".
    pub fn kind(&self) -> &'static str {
        match self {
            Values::Programme(_) => "programme",
            Values::Phase(_) => "phase",
            Values::Decision(_) => "decision",
            Values::Framework(_) => "framework",
            Values::Contract(_) => "contract",
            Values::Milestone(_) => "milestone",
            Values::Benefit(_) => "benefit",
        }
    }

    /// The record as the officer names it: `WIR-SCP/DT1`, a reference, a name.
    pub fn name(&self) -> String {
        match self {
            Values::Programme(p) => p.code.trim().to_string(),
            Values::Phase(p) => format!("{}/{}", p.programme.trim(), p.code.trim()),
            Values::Decision(d) => d.reference.trim().to_string(),
            Values::Framework(f) => f.name.trim().to_string(),
            Values::Contract(c) => c.reference.trim().to_string(),
            Values::Milestone(m) => m.name.trim().to_string(),
            Values::Benefit(b) => b.description.trim().to_string(),
        }
    }
}

/// A write to one of these records.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordOp {
    /// Add a record with these values.
    Add(Values),
    /// Change record `id` (read at `version`; None: as it is now) to these values.
    Edit {
        id: i64,
        version: Option<i64>,
        values: Values,
    },
    /// Delete record `id` (read at `version`), whose values are kept to undo it.
    Delete {
        id: i64,
        version: Option<i64>,
        values: Values,
    },
    /// Complete milestone `id` on `actual`.
    CompleteMilestone {
        id: i64,
        version: i64,
        actual: NaiveDate,
    },
    /// Withdraw benefit `id` (kept and audited, left out of lists and reports).
    WithdrawBenefit {
        id: i64,
        version: Option<i64>,
        description: String,
    },
    /// Enter what benefit `id` realised in `fy` to the end of `as_at`, and the further forecast.
    Realise {
        id: i64,
        fy: FinancialYear,
        as_at: Period,
        realised: Money,
        forecast: Money,
    },
}

/// The keys of these records that have no command of their own elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKey {
    /// Phases: a new programme (`N`); Contracts: a new framework.
    AddOther,
    /// Phases: select the next / previous milestone or benefit of the open phase.
    NextItem,
    PrevItem,
    /// Phases: a new milestone / benefit for the open phase.
    AddMilestone,
    AddBenefit,
    /// Phases: edit the selected milestone or benefit; Contracts: edit the contract.
    EditItem,
    /// Phases: complete the selected milestone.
    Complete,
    /// Phases: enter what the selected benefit realised.
    Realise,
    /// Phases: withdraw the selected benefit.
    WithdrawBenefit,
    /// Contracts: show frameworks instead of contracts (and back).
    Frameworks,
    /// Budget: move the cursor between the allocations and the changes.
    Pane,
}
