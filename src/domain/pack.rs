//! What the committee pack shows of each contract, benefit and milestone: one line per record,
//! its figures and words worked out once, from the records as they stand (an open period's
//! pack) or read back as they were kept when the period was closed (a closed period's pack is
//! frozen: DOMAIN.md, "Snapshots"). The pack's sheets write these lines and compute nothing.
//!
//! A contract's line carries the figures `contract list` and the report's commitments show: the
//! value now (exercised options and variations included), the term now (extensions exercised
//! included) and its last day, each option's estimate and, once exercised, the value it was
//! exercised at; what has been paid to the end of the period and what the contract commits in
//! the year.

use chrono::NaiveDate;
use serde::Serialize;

use super::benefit::BenefitPosition;
use super::calendar::add_months;
use super::milestone::Milestone;
use super::model::{Contract, ExtensionOption};
use super::report::{ContractFigures, Rag};
use super::{FinancialYear, Money, Period};

/// An extension option of a contract as the pack shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionLine {
    /// Its length in months.
    pub months: u32,
    /// The value estimated when the contract was let.
    pub estimate: Money,
    /// When the decision to exercise it is due.
    pub decision_due: Option<NaiveDate>,
    /// True once exercised.
    pub exercised: bool,
    /// The value it added to the contract when exercised (given then, or the estimate).
    pub exercised_value: Option<Money>,
}

impl OptionLine {
    /// The option as the pack shows it.
    pub fn of(x: &ExtensionOption) -> OptionLine {
        OptionLine {
            months: x.months,
            estimate: x.value,
            decision_due: x.decision_due,
            exercised: x.exercised,
            exercised_value: x.exercised.then(|| x.exercised_value.unwrap_or(x.value)),
        }
    }
}

/// A contract as the pack shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractLine {
    pub programme_code: String,
    pub phase_code: String,
    pub reference: String,
    pub title: String,
    pub supplier: String,
    /// The value now: the award value with every exercised option and variation.
    pub value: Money,
    /// Paid against it to the end of the period (all years).
    pub paid_to_date: Money,
    /// What it commits in the pack's year (the report's Commitments are the sum of these).
    pub committed: Money,
    pub start: NaiveDate,
    /// The term now, in months: the original term and every extension exercised.
    pub term_months: u32,
    /// The last day of the term now.
    pub end: NaiveDate,
    pub framework: Option<String>,
    /// The framework's end (actual, else planned).
    pub framework_end: Option<NaiveDate>,
    pub award_decision: Option<String>,
    pub options: Vec<OptionLine>,
}

impl ContractLine {
    /// The line of contract `c` with its figures for the pack's year and period, and the end of
    /// its framework.
    pub fn of(c: &Contract, f: &ContractFigures, framework_end: Option<NaiveDate>) -> ContractLine {
        let end = add_months(c.end_month().first_day(), 1)
            .pred_opt()
            .unwrap_or(c.start);
        ContractLine {
            programme_code: c.programme_code.clone(),
            phase_code: c.phase_code.clone(),
            reference: c.reference.clone(),
            title: c.title.clone(),
            supplier: c.supplier.clone(),
            value: c.value,
            paid_to_date: f.paid_to_date,
            committed: f.commitment(),
            start: c.start,
            term_months: c.current_term_months(),
            end,
            framework: c.framework.clone(),
            framework_end,
            award_decision: c.award_decision_reference.clone(),
            options: c.extensions.iter().map(OptionLine::of).collect(),
        }
    }
}

/// A benefit's position in the pack's year as at its period, as the pack shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenefitLine {
    pub id: i64,
    pub programme_code: String,
    pub phase_code: Option<String>,
    pub description: String,
    /// `cashable`, `non-cashable` or `income`.
    pub kind: String,
    pub owner: String,
    pub fy: FinancialYear,
    pub as_at: Period,
    pub target: Money,
    /// The period the realisation used was entered as at; None when there is none.
    pub entered: Option<Period>,
    pub realised: Money,
    pub forecast: Money,
    pub expected: Money,
    pub variance: Money,
    pub rag: Rag,
}

impl BenefitLine {
    /// The line of a benefit's position.
    pub fn of(p: &BenefitPosition) -> BenefitLine {
        let b = &p.benefit;
        BenefitLine {
            id: b.id,
            programme_code: b.programme_code.clone(),
            phase_code: b.phase_code.clone(),
            description: b.description.clone(),
            kind: b.kind.as_str().to_string(),
            owner: b.owner.clone(),
            fy: p.fy,
            as_at: p.as_at,
            target: p.target,
            entered: p.entered,
            realised: p.realised,
            forecast: p.forecast,
            expected: p.expected,
            variance: p.variance,
            rag: p.rag,
        }
    }
}

/// A milestone as it stood at the end of the pack's period, as the pack shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneLine {
    pub id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub phase_name: String,
    pub name: String,
    pub baseline: NaiveDate,
    pub forecast: Option<NaiveDate>,
    pub actual: Option<NaiveDate>,
    /// `not started`, `in progress`, `complete`... as the milestone's status word.
    pub status: String,
    pub slippage_days: i64,
    pub rag: Rag,
}

impl MilestoneLine {
    /// The line of milestone `m` as it stood at the end of `as_at` ([`Milestone::as_at`]).
    pub fn of(m: &Milestone, as_at: NaiveDate) -> MilestoneLine {
        let m = m.as_at(as_at);
        MilestoneLine {
            id: m.id,
            programme_code: m.programme_code.clone(),
            phase_code: m.phase_code.clone(),
            phase_name: m.phase_name.clone(),
            name: m.name.clone(),
            baseline: m.baseline,
            forecast: m.forecast,
            actual: m.actual,
            status: m.status.as_str().to_string(),
            slippage_days: m.slippage_days(),
            rag: m.rag(),
        }
    }
}

/// The contracts, benefits and milestones of a pack: worked out from the records for an open
/// period, kept at the close for a closed one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PackLines {
    pub contracts: Vec<ContractLine>,
    pub benefits: Vec<BenefitLine>,
    pub milestones: Vec<MilestoneLine>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::ExtensionOption;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn pounds(p: i64) -> Money {
        Money::from_pence(p * 100)
    }

    #[test]
    fn an_exercised_option_shows_its_exercised_value_the_term_and_end_with_it() {
        // £1,200,000 over 12 months from 01/09/2025 (to 31/08/2026), with a 12-month option
        // estimated at £700,000 exercised at £650,000: value £1,850,000, 24 months, to
        // 31/08/2027.
        let option = ExtensionOption {
            id: 1,
            contract_id: 1,
            months: 12,
            value: pounds(700_000),
            decision_due: Some(d(2026, 6, 30)),
            exercised: true,
            decision_reference: None,
            exercised_value: Some(pounds(650_000)),
            exercised_on: Some(d(2026, 5, 1)),
            seq: Some(1),
            version: 2,
        };
        let c = Contract {
            id: 1,
            reference: "K1".into(),
            title: "T".into(),
            supplier: "S".into(),
            phase_id: 1,
            programme_code: "P".into(),
            phase_code: "PH".into(),
            framework: None,
            value: pounds(1_850_000),
            original_value: pounds(1_200_000),
            start: d(2025, 9, 1),
            term_months: 12,
            award_decision_reference: None,
            extensions: vec![option],
            variations: Vec::new(),
            version: 2,
        };
        let f = ContractFigures {
            profiled_to_end_of_fy: pounds(900_000),
            paid_to_date: pounds(100_000),
            profiled_before_fy: None,
        };
        let line = ContractLine::of(&c, &f, None);
        assert_eq!(line.value, pounds(1_850_000));
        assert_eq!(line.term_months, 24);
        assert_eq!(line.end, d(2027, 8, 31));
        assert_eq!(line.committed, pounds(800_000));
        assert_eq!(line.options[0].estimate, pounds(700_000));
        assert_eq!(line.options[0].exercised_value, Some(pounds(650_000)));
        // Not exercised: no exercised value, whatever the estimate.
        let mut open = c.extensions[0].clone();
        open.exercised = false;
        open.exercised_value = None;
        assert_eq!(OptionLine::of(&open).exercised_value, None);
    }
}
