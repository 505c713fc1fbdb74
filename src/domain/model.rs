//! The entities Outturn tracks, as plain values. Each list-facing struct carries the codes a person
//! reads (programme and phase codes), not only database ids. Statuses are closed enums with the
//! spelling stored in the database and accepted on input.

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::{FinancialYear, Period};
use super::contract_terms::{self, ContractEvent};
use super::money::Money;
use super::profile::Month;

/// An input word that is not one of an enum's spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{value}' is not {} {what}: use one of {choices}",
    super::text::a_or_an(what)
)]
pub struct UnknownWord {
    /// What was being read ("phase status").
    pub what: &'static str,
    /// The text as given.
    pub value: String,
    /// The accepted spellings, comma separated.
    pub choices: String,
}

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and displayed spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Reads the spelling (case and surrounding space ignored).
            pub fn parse(s: &str) -> Result<Self, UnknownWord> {
                let t = s.trim().to_ascii_lowercase();
                match t.as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(UnknownWord {
                        what: $what,
                        value: s.to_string(),
                        choices: [$($word),+].join(", "),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Self::parse(s) }
        }
    };
}

word_enum!(
    /// Where a programme or phase stands.
    DeliveryStatus, "status", {
        Planned => "planned", Active => "active", Delivered => "delivered", Closed => "closed",
    }
);

word_enum!(
    /// `approved` is budget; `projected` is shown beside the budget, never in it; `withdrawn` is neither.
    AllocationStatus, "allocation status", {
        Approved => "approved", Projected => "projected", Withdrawn => "withdrawn",
    }
);

word_enum!(
    /// The four ways a budget moves after its original allocation.
    ChangeKind, "change kind", {
        Reprofile => "reprofile", Virement => "virement", Addition => "addition", Reduction => "reduction",
    }
);

word_enum!(
    /// Only `approved` changes move the revised budget; `proposed` ones show as pending approval.
    ChangeStatus, "change status", {
        Proposed => "proposed", Approved => "approved", Rejected => "rejected", Withdrawn => "withdrawn",
    }
);

/// A capital programme (Digital Transformation Programme 2017-20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub organisation: String,
    pub status: DeliveryStatus,
    pub version: i64,
}

/// A scheme within a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    pub id: i64,
    pub programme_id: i64,
    pub programme_code: String,
    pub code: String,
    pub name: String,
    pub status: DeliveryStatus,
    pub officer: Option<String>,
    pub version: i64,
}

/// The approval a figure rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub id: i64,
    pub reference: String,
    pub programme_code: Option<String>,
    pub body: String,
    pub date: NaiveDate,
    pub item: Option<String>,
    pub key_decision: bool,
    pub call_in: bool,
    pub outcome: String,
    pub link: Option<String>,
    pub summary: String,
    pub version: i64,
}

/// One FY's share of an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProfileLine {
    pub fy: FinancialYear,
    pub amount: Money,
}

/// A capital budget line for a phase over one FY or a range of FYs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub first_fy: FinancialYear,
    pub last_fy: FinancialYear,
    pub amount: Money,
    pub status: AllocationStatus,
    pub decision_reference: Option<String>,
    /// True when the per-FY split was not given by the decision (even split to the penny).
    pub profile_assumed: bool,
    pub profile: Vec<ProfileLine>,
    pub note: String,
    /// When it was approved or withdrawn (None while projected, or when not recorded).
    pub status_date: Option<NaiveDate>,
    /// Why it was withdrawn (empty otherwise).
    pub status_reason: String,
    pub version: i64,
}

/// One side of a budget change: a phase in a financial year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetSide {
    pub phase_id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub fy: FinancialYear,
}

/// A reprofile, virement, addition or reduction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetChange {
    pub id: i64,
    pub kind: ChangeKind,
    pub amount: Money,
    pub from: Option<BudgetSide>,
    pub to: Option<BudgetSide>,
    pub effective: NaiveDate,
    pub status: ChangeStatus,
    pub decision_reference: Option<String>,
    pub reason: String,
    pub version: i64,
}

/// A procurement framework (G-Cloud 12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Framework {
    pub id: i64,
    pub name: String,
    pub reference: String,
    pub planned_end: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub version: i64,
}

impl Framework {
    /// The date the framework ends: the actual end when known, else the planned one.
    pub fn end(&self) -> Option<NaiveDate> {
        self.actual_end.or(self.planned_end)
    }
}

/// An option to extend a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionOption {
    pub id: i64,
    pub contract_id: i64,
    pub months: u32,
    /// What the extension adds to the contract value when exercised.
    pub value: Money,
    pub decision_due: Option<NaiveDate>,
    pub exercised: bool,
    pub decision_reference: Option<String>,
    /// The value it added when exercised (given then, or the estimate).
    pub exercised_value: Option<Money>,
    /// When it was exercised.
    pub exercised_on: Option<NaiveDate>,
    /// Its place among the contract's exercises and variations.
    pub seq: Option<i64>,
    pub version: i64,
}

/// A change of a contract's value effective from a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractVariation {
    pub id: i64,
    /// Its place among the contract's exercises and variations.
    pub seq: i64,
    pub effective: Month,
    pub old_value: Money,
    pub new_value: Money,
    pub decision_reference: Option<String>,
    pub varied_on: NaiveDate,
}

/// A contract: its value is a ceiling, profiled by month over its term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contract {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub supplier: String,
    pub phase_id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub framework: Option<String>,
    pub value: Money,
    /// The value at award; a rise of more than 10 % usually means buying again.
    pub original_value: Money,
    pub start: NaiveDate,
    pub term_months: u32,
    pub award_decision_reference: Option<String>,
    pub extensions: Vec<ExtensionOption>,
    /// Value changes, in the order they were made.
    pub variations: Vec<ContractVariation>,
    pub version: i64,
}

impl Contract {
    /// The exercises and variations in the order they were made (see [`contract_terms`]).
    pub fn events(&self) -> Vec<ContractEvent> {
        let mut seqd: Vec<(i64, ContractEvent)> = self
            .extensions
            .iter()
            .filter(|e| e.exercised)
            .map(|e| {
                (
                    e.seq.unwrap_or(i64::MAX),
                    ContractEvent::Exercise {
                        months: e.months,
                        value: e.exercised_value.unwrap_or(e.value),
                    },
                )
            })
            .chain(self.variations.iter().map(|v| {
                (
                    v.seq,
                    ContractEvent::Variation {
                        effective: v.effective,
                        delta: v.new_value - v.old_value,
                    },
                )
            }))
            .collect();
        seqd.sort_by_key(|(s, _)| *s);
        seqd.into_iter().map(|(_, e)| e).collect()
    }

    /// The last month of the term, extensions exercised included.
    pub fn end_month(&self) -> Month {
        contract_terms::end_month(self.start, self.term_months, &self.events())
    }

    /// The term now in months: the original term plus every extension exercised.
    pub fn current_term_months(&self) -> u32 {
        self.term_months
            + self
                .extensions
                .iter()
                .filter(|e| e.exercised)
                .map(|e| e.months)
                .sum::<u32>()
    }

    /// The next place in the order of exercises and variations.
    pub fn next_seq(&self) -> i64 {
        self.extensions
            .iter()
            .filter_map(|e| e.seq)
            .chain(self.variations.iter().map(|v| v.seq))
            .max()
            .unwrap_or(0)
            + 1
    }

    /// The last day of the term, before any extension: the start plus the term in months, less a
    /// day (a 12-month contract from 01/09/2022 ends 31/08/2023).
    pub fn term_end(&self) -> NaiveDate {
        super::calendar::add_months(self.start, self.term_months)
            .pred_opt()
            .unwrap_or(self.start)
    }
}

/// A payment or invoice line from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actual {
    pub id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub contract_reference: Option<String>,
    pub date: NaiveDate,
    pub fy: FinancialYear,
    pub period: Period,
    pub supplier: String,
    pub description: String,
    pub reference: String,
    pub amount: Money,
    pub batch_id: Option<i64>,
    pub version: i64,
}

/// The officer's forecast outturn for a phase and FY, as at a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forecast {
    pub id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub fy: FinancialYear,
    /// The period of the as-at date (of the as-at date's own financial year).
    pub as_at: Period,
    /// The date it was entered as at: "latest" is the latest as-at date.
    pub as_at_date: NaiveDate,
    pub amount: Money,
    pub note: String,
    /// When it was withdrawn (the report ignores it from then on); None while it stands.
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawn_reason: String,
    pub version: i64,
}
