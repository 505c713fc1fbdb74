//! Benefits: what a programme promised for its money (a cashable saving, a non-cashable benefit or
//! income), with a target per FY, realised amounts entered as at a period with a forecast, and the
//! benefit's RAG. Pure: the store loads the records, this module compares them.
//!
//! The RAG rule (DOMAIN.md "Benefits and delivery": realised plus forecast against target, with the
//! same thresholds as spend). For FY F as at period P, take the latest realisation entered for F as
//! at P or earlier: `realised` is realised to date in F, `forecast` the FURTHER amount expected from
//! then to 31 March of F. Expected = realised + forecast (the full-year figure); variance is
//! expected less target. For a benefit falling short is adverse, so the spend rule is mirrored: a
//! shortfall plays the part of an overspend and a surplus the part of an underspend:
//! - Red: a shortfall over `rag.red_overspend_pct` (5 %) of the target;
//! - Amber: any shortfall, or a surplus beyond `rag.amber_underspend_pct` (10 %) of the target (the
//!   target no longer fits what is being delivered, as an underspend beyond 10 % flags slippage);
//! - Green otherwise. Compared exactly (variance x 100 against pct x target). With a zero target any
//!   shortfall is Red and any surplus Amber.
//!
//! Target £100,000.00, thresholds 5 and 10: expected £95,000.00 (shortfall exactly 5 %) is Amber,
//! £94,999.99 Red; £100,000.00 and £110,000.00 (surplus exactly 10 %) Green, £110,000.01 Amber.

use rust_decimal::Decimal;
use serde::Serialize;

use super::calendar::{FinancialYear, Period};
use super::model::{ProfileLine, UnknownWord};
use super::money::Money;
use super::report::{Rag, RagThresholds};

/// Reads one of `words` (case and surrounding space ignored) as the value in `values`.
pub(crate) fn read_word<T: Copy>(
    s: &str,
    what: &'static str,
    words: &[(&'static str, T)],
) -> Result<T, UnknownWord> {
    let t = s.trim().to_ascii_lowercase();
    words
        .iter()
        .find(|(w, _)| *w == t)
        .map(|(_, v)| *v)
        .ok_or_else(|| UnknownWord {
            what,
            value: s.to_string(),
            choices: words.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(", "),
        })
}

/// What kind of benefit: a cashable saving, a non-cashable benefit, or income.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum BenefitKind {
    #[serde(rename = "cashable")]
    Cashable,
    #[serde(rename = "non-cashable")]
    NonCashable,
    #[serde(rename = "income")]
    Income,
}

const KINDS: &[(&str, BenefitKind)] = &[
    ("cashable", BenefitKind::Cashable),
    ("non-cashable", BenefitKind::NonCashable),
    ("income", BenefitKind::Income),
];

impl BenefitKind {
    /// The stored and displayed spelling.
    pub fn as_str(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(w, _)| *w)
            .unwrap_or("cashable")
    }

    /// Reads `cashable`, `non-cashable` or `income`.
    pub fn parse(s: &str) -> Result<Self, UnknownWord> {
        read_word(s, "benefit kind", KINDS)
    }
}

/// A benefit is tracked (`active`) or `withdrawn` (kept, audited, left out of reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitStatus {
    Active,
    Withdrawn,
}

impl BenefitStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BenefitStatus::Active => "active",
            BenefitStatus::Withdrawn => "withdrawn",
        }
    }

    /// Reads `active` or `withdrawn`.
    pub fn parse(s: &str) -> Result<Self, UnknownWord> {
        read_word(
            s,
            "benefit status",
            &[
                ("active", BenefitStatus::Active),
                ("withdrawn", BenefitStatus::Withdrawn),
            ],
        )
    }
}

/// A benefit and its targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Benefit {
    pub id: i64,
    pub programme_code: String,
    pub phase_code: Option<String>,
    pub description: String,
    pub kind: BenefitKind,
    pub owner: String,
    pub status: BenefitStatus,
    /// The target per FY, by year.
    pub targets: Vec<ProfileLine>,
    pub version: i64,
}

impl Benefit {
    /// The target for `fy` (zero when none is set).
    pub fn target(&self, fy: FinancialYear) -> Money {
        Money::sum(self.targets.iter().filter(|t| t.fy == fy).map(|t| t.amount))
    }

    /// The targets as typed: `2018-19=250000.00,2019-20=500000.00`.
    pub fn targets_text(&self) -> String {
        self.targets
            .iter()
            .map(|t| format!("{}={}", t.fy.label(), t.amount.plain()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The targets as the officer reads them on screen: `2023-24=£300,000.00; 2024-25=£600,000.00`
    /// (money as everywhere else; the form the TUI and `--target` read back).
    pub fn targets_shown(&self) -> String {
        self.targets
            .iter()
            .map(|t| format!("{}={}", t.fy.label(), t.amount.full()))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Realised to date in a FY as at a period, with the further amount forecast by year end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Realisation {
    pub id: i64,
    pub benefit_id: i64,
    pub fy: FinancialYear,
    pub as_at: Period,
    /// Realised from 1 April of the FY to the end of `as_at`.
    pub realised: Money,
    /// The further amount expected from the end of `as_at` to 31 March.
    pub forecast: Money,
    pub version: i64,
}

/// A benefit's position in FY F as at period P.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenefitPosition {
    pub benefit: Benefit,
    pub fy: FinancialYear,
    pub as_at: Period,
    pub target: Money,
    /// The period the realisation used was entered as at; None when there is none (all zero).
    pub entered: Option<Period>,
    pub realised: Money,
    pub forecast: Money,
    /// Realised + forecast.
    pub expected: Money,
    /// Expected - target: negative is a shortfall (adverse).
    pub variance: Money,
    pub rag: Rag,
}

impl BenefitPosition {
    /// True when the benefit has a target or an entry in the year (what reports show).
    pub fn has_figures(&self) -> bool {
        !self.target.is_zero() || self.entered.is_some()
    }
}

/// The benefit RAG (see the module comment): shortfall over red % Red, any shortfall or a surplus
/// beyond amber % Amber, Green otherwise.
pub fn benefit_rag(target: Money, expected: Money, t: &RagThresholds) -> Rag {
    let target = target.decimal().abs();
    let v = expected.decimal() - target;
    let v100 = v * Decimal::ONE_HUNDRED;
    if -v100 > t.red_overspend_pct * target {
        return Rag::Red;
    }
    if v < Decimal::ZERO || v100 > t.amber_underspend_pct * target {
        return Rag::Amber;
    }
    Rag::Green
}

/// The position of `benefit` in `fy` as at `as_at`, from its realisations (any order; those of
/// other benefits, years or later periods are ignored): the latest entered as at `as_at` or earlier.
pub fn position(
    benefit: &Benefit,
    fy: FinancialYear,
    as_at: Period,
    realisations: &[Realisation],
    t: &RagThresholds,
) -> BenefitPosition {
    let latest = realisations
        .iter()
        .filter(|r| r.benefit_id == benefit.id && r.fy == fy && r.as_at <= as_at)
        .max_by_key(|r| r.as_at);
    let (realised, forecast) =
        latest.map_or((Money::ZERO, Money::ZERO), |r| (r.realised, r.forecast));
    let target = benefit.target(fy);
    let expected = realised + forecast;
    BenefitPosition {
        benefit: benefit.clone(),
        fy,
        as_at,
        target,
        entered: latest.map(|r| r.as_at),
        realised,
        forecast,
        expected,
        variance: expected - target,
        rag: benefit_rag(target, expected, t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::new(y).unwrap()
    }

    fn p(n: u8) -> Period {
        Period::new(n).unwrap()
    }

    #[test]
    fn rag_at_the_thresholds_with_the_default_5_and_10() {
        let t = RagThresholds::default();
        let target = m("£100,000");
        // Shortfall 100,000 - 95,000 = 5,000 = exactly 5 % of the target: not over 5 %, so Amber.
        assert_eq!(benefit_rag(target, m("95000.00"), &t), Rag::Amber);
        // Shortfall 5,000.01 is over 5 % (5,000.01 x 100 = 500,001 > 5 x 100,000): Red.
        assert_eq!(benefit_rag(target, m("94999.99"), &t), Rag::Red);
        // Any shortfall at all, a penny: Amber.
        assert_eq!(benefit_rag(target, m("99999.99"), &t), Rag::Amber);
        // On target: Green.
        assert_eq!(benefit_rag(target, m("100000.00"), &t), Rag::Green);
        // Surplus 10,000 = exactly 10 %: not beyond, Green; 10,000.01 beyond: Amber.
        assert_eq!(benefit_rag(target, m("110000.00"), &t), Rag::Green);
        assert_eq!(benefit_rag(target, m("110000.01"), &t), Rag::Amber);
    }

    #[test]
    fn rag_with_other_thresholds_and_a_zero_target() {
        let t = RagThresholds {
            red_overspend_pct: Decimal::new(20, 0),
            amber_underspend_pct: Decimal::new(0, 0),
        };
        // Target 250,000; expected 200,000: shortfall 50,000 = exactly 20 %: Amber; 199,999.99 Red.
        assert_eq!(benefit_rag(m("£250k"), m("£200k"), &t), Rag::Amber);
        assert_eq!(benefit_rag(m("£250k"), m("199999.99"), &t), Rag::Red);
        // With amber 0 any surplus is Amber.
        assert_eq!(benefit_rag(m("£250k"), m("250000.01"), &t), Rag::Amber);
        let d = RagThresholds::default();
        assert_eq!(benefit_rag(Money::ZERO, Money::ZERO, &d), Rag::Green);
        assert_eq!(benefit_rag(Money::ZERO, m("0.01"), &d), Rag::Amber);
        assert_eq!(benefit_rag(Money::ZERO, m("-0.01"), &d), Rag::Red);
    }

    #[test]
    fn position_takes_the_latest_realisation_as_at_the_period() {
        let b = Benefit {
            id: 7,
            programme_code: "WOL-DTP".into(),
            phase_code: Some("PH2".into()),
            description: "Fewer printed forms".into(),
            kind: BenefitKind::Cashable,
            owner: "Head of ICT".into(),
            status: BenefitStatus::Active,
            targets: vec![
                ProfileLine {
                    fy: fy(2017),
                    amount: m("£200k"),
                },
                ProfileLine {
                    fy: fy(2018),
                    amount: m("£400k"),
                },
            ],
            version: 1,
        };
        let r = |id, year, per, realised: &str, forecast: &str| Realisation {
            id,
            benefit_id: 7,
            fy: fy(year),
            as_at: p(per),
            realised: m(realised),
            forecast: m(forecast),
            version: 1,
        };
        let all = [
            r(1, 2017, 6, "80000", "120000"),
            r(2, 2017, 12, "150000", "0"),
            r(3, 2018, 3, "10", "10"),
            Realisation {
                benefit_id: 8,
                ..r(4, 2017, 9, "1", "1")
            },
        ];
        let t = RagThresholds::default();
        // As at P9 of 2017-18 the P6 entry is the latest: 80,000 + 120,000 = 200,000 = target: Green.
        let at9 = position(&b, fy(2017), p(9), &all, &t);
        assert_eq!(
            (at9.entered, at9.expected, at9.rag),
            (Some(p(6)), m("200000"), Rag::Green)
        );
        // As at P12: 150,000 + 0 against 200,000: shortfall 50,000 = 25 %: Red; variance -50,000.
        let at12 = position(&b, fy(2017), p(12), &all, &t);
        assert_eq!((at12.variance, at12.rag), (m("-50000"), Rag::Red));
        // Before any entry: nothing realised, target 200,000 missed entirely: Red.
        let at3 = position(&b, fy(2017), p(3), &all, &t);
        assert_eq!(
            (at3.entered, at3.expected, at3.rag),
            (None, Money::ZERO, Rag::Red)
        );
        assert_eq!(b.targets_text(), "2017-18=200000.00,2018-19=400000.00");
        assert_eq!(
            b.targets_shown(),
            "2017-18=£200,000.00; 2018-19=£400,000.00"
        );
    }

    #[test]
    fn kinds_read_and_print() {
        assert_eq!(
            BenefitKind::parse(" Non-Cashable "),
            Ok(BenefitKind::NonCashable)
        );
        assert_eq!(BenefitKind::Income.as_str(), "income");
        let e = BenefitKind::parse("saving").unwrap_err().to_string();
        assert_eq!(
            e,
            "'saving' is not a benefit kind: use one of cashable, non-cashable, income"
        );
    }
}
