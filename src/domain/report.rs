//! The monthly monitoring report (FY F as at period P): pure maths over figures the store has
//! already aggregated. The column definitions are DOMAIN.md's; this module does not query.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::calendar::{FinancialYear, Period};
use super::money::Money;

/// What one contract contributes to its phase's commitments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractFigures {
    /// What the contract's profile puts up to the end of F (every month to 31 March of F).
    pub profiled_to_end_of_fy: Money,
    /// What has been paid against it up to the end of P (all years).
    pub paid_to_date: Money,
    /// For a year F that starts after today: what the profile puts before F's start, which
    /// belongs to the years before F. None when F has started.
    pub profiled_before_fy: Option<Money>,
}

impl ContractFigures {
    /// Profiled less paid, floored at zero: never the whole value again once invoices arrive.
    /// For a year that starts after today, the profile before it is the earlier years' to
    /// commit: max(0, profile to the end of F - max(paid to date, profile before F)), so no
    /// pound is committed in two years (DOMAIN.md, "Commitments").
    pub fn commitment(&self) -> Money {
        let counted = match self.profiled_before_fy {
            Some(before) if before > self.paid_to_date => before,
            _ => self.paid_to_date,
        };
        let c = self.profiled_to_end_of_fy - counted;
        if c.is_negative() { Money::ZERO } else { c }
    }
}

/// The aggregated figures of one phase for F as at P.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhaseFigures {
    pub programme_code: String,
    pub programme_name: String,
    pub phase_code: String,
    pub phase_name: String,
    /// Approved allocations for the phase in F.
    pub original: Money,
    /// Approved budget changes for the phase in F effective on or before the end of P (net).
    pub approved_changes: Money,
    /// Projected allocations and proposed changes for F.
    pub pending: Money,
    /// Actuals dated in period P of F.
    pub actual_in_period: Money,
    /// Actuals from 1 April of F to the end of P.
    pub actual_to_date: Money,
    /// The phase's contracts.
    pub contracts: Vec<ContractFigures>,
    /// The latest forecast for F entered as at P or earlier, and the period it was entered as at.
    pub forecast: Option<(Money, Period)>,
    /// The financial year of that forecast's as-at date when it is earlier than F (a forecast for
    /// a later year entered as at a date of this one); None when entered in F.
    pub forecast_entered_in: Option<FinancialYear>,
}

/// Where the forecast outturn came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ForecastBasis {
    /// Entered by the officer as at this period.
    Entered(Period),
    /// Entered as at a period of an earlier financial year (`entered 2026-27 P8`).
    EnteredEarlier(FinancialYear, Period),
    /// Actual to date + commitments.
    Derived,
    /// A total row.
    Total,
}

impl ForecastBasis {
    /// `entered P6`, `derived`, or empty for totals.
    pub fn label(self) -> String {
        match self {
            ForecastBasis::Entered(p) => format!("entered {}", p.label()),
            ForecastBasis::EnteredEarlier(fy, p) => format!("entered {} {}", fy.label(), p.label()),
            ForecastBasis::Derived => "derived".to_string(),
            ForecastBasis::Total => String::new(),
        }
    }
}

/// Red, amber or green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    /// `Red`, `Amber`, `Green`.
    pub fn label(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
        }
    }
}

/// The RAG thresholds, in percent of the revised budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RagThresholds {
    /// Red when the variance is over this (+5 %).
    pub red_overspend_pct: Decimal,
    /// Amber when the underspend is beyond this (10 %).
    pub amber_underspend_pct: Decimal,
}

impl Default for RagThresholds {
    fn default() -> Self {
        RagThresholds {
            red_overspend_pct: Decimal::new(5, 0),
            amber_underspend_pct: Decimal::new(10, 0),
        }
    }
}

/// A row's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RowKind {
    Phase,
    ProgrammeTotal,
    GrandTotal,
}

/// One row of the report, every column computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    pub kind: RowKind,
    pub programme_code: String,
    pub programme_name: String,
    pub phase_code: String,
    pub phase_name: String,
    pub original: Money,
    pub approved_changes: Money,
    pub revised: Money,
    pub pending: Money,
    pub actual_in_period: Money,
    pub actual_to_date: Money,
    pub commitments: Money,
    pub headroom: Money,
    pub forecast: Money,
    pub basis: ForecastBasis,
    pub variance: Money,
    pub variance_pct: Option<Decimal>,
    pub spent_pct: Option<Decimal>,
    pub rag: Rag,
}

/// The report: FY, period and rows (phases, then each programme's total, then the grand total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub fy: FinancialYear,
    pub period: Period,
    pub thresholds: RagThresholds,
    pub rows: Vec<ReportRow>,
}

/// `part / whole x 100` to one decimal place (half away from zero); None when `whole` is zero.
pub fn percent(part: Money, whole: Money) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let p = (part.decimal() * Decimal::ONE_HUNDRED / whole.decimal())
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    // Never print "-0.0".
    Some(if p.is_zero() { Decimal::new(0, 1) } else { p })
}

/// Formats a percentage as in the CSV (`12.3`, `-4.0`), empty for None.
pub fn percent_text(p: Option<Decimal>) -> String {
    match p {
        Some(d) => {
            let mut d = d;
            d.rescale(1);
            d.to_string()
        }
        None => String::new(),
    }
}

/// The RAG rule: Red when the variance is over +red % of the revised budget or actual to date +
/// commitments exceed the revised budget; Amber for any overspend or an underspend beyond amber %;
/// Green otherwise. Compared exactly (variance x 100 against pct x revised), before rounding, so
/// on a zero revised budget any overspend is over +red % (Red), and any underspend is Amber.
pub fn rag(
    revised: Money,
    actual_to_date: Money,
    commitments: Money,
    variance: Money,
    t: &RagThresholds,
) -> Rag {
    let r = revised.decimal().abs();
    let v = variance.decimal() * Decimal::ONE_HUNDRED;
    if v > t.red_overspend_pct * r || actual_to_date + commitments > revised {
        return Rag::Red;
    }
    // With a zero revised budget any underspend is slippage (DOMAIN.md: Amber).
    let slipping = if revised.is_zero() {
        variance.is_negative()
    } else {
        v < -(t.amber_underspend_pct * r)
    };
    if variance > Money::ZERO || slipping {
        return Rag::Amber;
    }
    Rag::Green
}

/// A RAG threshold that cannot be read: the message quotes the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a percentage from 0 to 100: write it as a plain number, e.g. 5 or 7.5")]
pub struct ThresholdError(pub String);

/// Reads a RAG threshold percentage: a plain decimal from 0 to 100 (`5`, `7.5`, `10%`), at most
/// two decimal places. Returned normalised (`5.0` reads as `5`).
pub fn parse_threshold_pct(s: &str) -> Result<Decimal, ThresholdError> {
    let err = || ThresholdError(s.to_string());
    let t = s.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim_end();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(err());
    }
    let d: Decimal = t.parse().map_err(|_| err())?;
    if d.scale() > 2 && d.normalize().scale() > 2 {
        return Err(err());
    }
    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
        return Err(err());
    }
    Ok(d.normalize())
}

#[allow(clippy::too_many_arguments)]
fn finish_row(
    kind: RowKind,
    programme_code: String,
    programme_name: String,
    phase_code: String,
    phase_name: String,
    sums: &Sums,
    basis: ForecastBasis,
    t: &RagThresholds,
) -> ReportRow {
    let revised = sums.original + sums.approved_changes;
    let variance = sums.forecast - revised;
    ReportRow {
        kind,
        programme_code,
        programme_name,
        phase_code,
        phase_name,
        original: sums.original,
        approved_changes: sums.approved_changes,
        revised,
        pending: sums.pending,
        actual_in_period: sums.actual_in_period,
        actual_to_date: sums.actual_to_date,
        commitments: sums.commitments,
        headroom: revised - sums.actual_to_date - sums.commitments,
        forecast: sums.forecast,
        basis,
        variance,
        variance_pct: percent(variance, revised),
        spent_pct: percent(sums.actual_to_date, revised),
        rag: rag(revised, sums.actual_to_date, sums.commitments, variance, t),
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    original: Money,
    approved_changes: Money,
    pending: Money,
    actual_in_period: Money,
    actual_to_date: Money,
    commitments: Money,
    forecast: Money,
}

impl Sums {
    fn add(&mut self, r: &ReportRow) {
        self.original += r.original;
        self.approved_changes += r.approved_changes;
        self.pending += r.pending;
        self.actual_in_period += r.actual_in_period;
        self.actual_to_date += r.actual_to_date;
        self.commitments += r.commitments;
        self.forecast += r.forecast;
    }
}

impl PhaseFigures {
    /// True when the phase has any figure in the year (it gets a row).
    pub fn has_figures(&self) -> bool {
        !(self.original.is_zero()
            && self.approved_changes.is_zero()
            && self.pending.is_zero()
            && self.actual_in_period.is_zero()
            && self.actual_to_date.is_zero()
            && self.contracts.iter().all(|c| c.commitment().is_zero())
            && self.forecast.is_none())
    }

    /// The phase's commitments: the sum over its contracts.
    pub fn commitments(&self) -> Money {
        self.contracts.iter().map(ContractFigures::commitment).sum()
    }
}

/// Builds the report: one row per phase with any figure, in the order given (callers pass phases
/// sorted by programme then phase), each programme's total after its phases, then the grand total.
pub fn build(
    fy: FinancialYear,
    period: Period,
    phases: &[PhaseFigures],
    thresholds: RagThresholds,
) -> Report {
    let t = &thresholds;
    let mut rows = Vec::new();
    let mut grand = Sums::default();
    let mut current: Option<(String, String, Sums)> = None;
    let close = |rows: &mut Vec<ReportRow>, cur: Option<(String, String, Sums)>| {
        if let Some((code, name, sums)) = cur {
            rows.push(finish_row(
                RowKind::ProgrammeTotal,
                code,
                name,
                "Programme total".into(),
                String::new(),
                &sums,
                ForecastBasis::Total,
                t,
            ));
        }
    };
    for p in phases.iter().filter(|p| p.has_figures()) {
        if current.as_ref().map(|c| &c.0) != Some(&p.programme_code) {
            close(&mut rows, current.take());
            current = Some((
                p.programme_code.clone(),
                p.programme_name.clone(),
                Sums::default(),
            ));
        }
        let commitments = p.commitments();
        let (forecast, basis) = match p.forecast {
            Some((amount, at)) => match p.forecast_entered_in {
                Some(earlier) => (amount, ForecastBasis::EnteredEarlier(earlier, at)),
                None => (amount, ForecastBasis::Entered(at)),
            },
            None => (p.actual_to_date + commitments, ForecastBasis::Derived),
        };
        let sums = Sums {
            original: p.original,
            approved_changes: p.approved_changes,
            pending: p.pending,
            actual_in_period: p.actual_in_period,
            actual_to_date: p.actual_to_date,
            commitments,
            forecast,
        };
        let row = finish_row(
            RowKind::Phase,
            p.programme_code.clone(),
            p.programme_name.clone(),
            p.phase_code.clone(),
            p.phase_name.clone(),
            &sums,
            basis,
            t,
        );
        if let Some(c) = current.as_mut() {
            c.2.add(&row);
        }
        grand.add(&row);
        rows.push(row);
    }
    close(&mut rows, current.take());
    rows.push(finish_row(
        RowKind::GrandTotal,
        String::new(),
        String::new(),
        "Grand total".into(),
        String::new(),
        &grand,
        ForecastBasis::Total,
        t,
    ));
    Report {
        fy,
        period,
        thresholds,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }
    fn p(n: u8) -> Period {
        Period::new(n).unwrap()
    }

    fn phase(code: &str, prog: &str) -> PhaseFigures {
        PhaseFigures {
            programme_code: prog.into(),
            programme_name: format!("{prog} name"),
            phase_code: code.into(),
            phase_name: format!("{code} name"),
            ..Default::default()
        }
    }

    #[test]
    fn commitments_never_double_count_once_invoices_arrive() {
        let c = ContractFigures {
            profiled_to_end_of_fy: m("804132.63"),
            paid_to_date: m("229752.18"),
            profiled_before_fy: None,
        };
        assert_eq!(c.commitment(), m("574380.45"));
        let over = ContractFigures {
            profiled_to_end_of_fy: m("100"),
            paid_to_date: m("150"),
            profiled_before_fy: None,
        };
        assert_eq!(over.commitment(), Money::ZERO);
    }

    #[test]
    fn a_later_year_commits_only_what_the_earlier_years_do_not() {
        // Issue 23 item 1: a contract of £1,492,720.02 profiled £876,886.64 up to 31 March 2027
        // and £615,833.38 in 2027-28, nothing paid yet. As at a 2027-28 period (the year starts
        // after today) only 2027-28's months are committed: 1,492,720.02 - 876,886.64.
        let later = ContractFigures {
            profiled_to_end_of_fy: m("1492720.02"),
            paid_to_date: Money::ZERO,
            profiled_before_fy: Some(m("876886.64")),
        };
        assert_eq!(later.commitment(), m("615833.38"));
        // Paid beyond the earlier years' profile: the excess comes off the later year.
        let ahead = ContractFigures {
            paid_to_date: m("900000.00"),
            ..later
        };
        assert_eq!(ahead.commitment(), m("592720.02"));
        // A contract that ended before the year: nothing committed in it.
        let ended = ContractFigures {
            profiled_to_end_of_fy: m("70000"),
            paid_to_date: Money::ZERO,
            profiled_before_fy: Some(m("70000")),
        };
        assert_eq!(ended.commitment(), Money::ZERO);
    }

    proptest::proptest! {
        /// Over the current and later years, a contract's commitments add up to at most its
        /// unpaid value, whatever its profile and payments.
        #[test]
        fn commitments_over_the_years_never_exceed_the_unpaid_value(
            months in proptest::collection::vec(0i64..5_000_000, 1..36),
            paid in 0i64..100_000_000,
        ) {
            // One amount per month from April of the current year F0; years F0, F0+1, F0+2.
            let pence = |v: i64| Money::from_pence(v);
            let total: i64 = months.iter().sum();
            let to_end_of = |y: usize| -> i64 { months.iter().take(12 * (y + 1)).sum() };
            let mut sum = Money::ZERO;
            for y in 0..3usize {
                let c = ContractFigures {
                    profiled_to_end_of_fy: pence(to_end_of(y)),
                    paid_to_date: pence(paid),
                    profiled_before_fy: (y > 0).then(|| pence(to_end_of(y - 1))),
                };
                sum += c.commitment();
            }
            let unpaid = (total - paid).max(0);
            proptest::prop_assert!(sum <= pence(unpaid), "{} > {}", sum.full(), unpaid);
        }
    }

    #[test]
    fn a_phase_row_worked_by_hand() {
        // Revised = 3,000,000 + 0 = 3,000,000. Actual to date 1,200,000; one contract profiled
        // 900,000 to year end, 400,000 paid: commitment 500,000. Headroom = 3,000,000 - 1,200,000
        // - 500,000 = 1,300,000. Forecast derived = 1,700,000; variance -1,300,000 = -43.3 %:
        // underspend beyond 10 % -> Amber. Spent 40.0 %.
        let mut f = phase("PH2", "DTP");
        f.original = m("3000000");
        f.actual_in_period = m("200000");
        f.actual_to_date = m("1200000");
        f.contracts = vec![ContractFigures {
            profiled_to_end_of_fy: m("900000"),
            paid_to_date: m("400000"),
            profiled_before_fy: None,
        }];
        let r = build(
            FinancialYear::new(2017).unwrap(),
            p(7),
            &[f],
            RagThresholds::default(),
        );
        let row = &r.rows[0];
        assert_eq!(row.revised, m("3000000"));
        assert_eq!(row.commitments, m("500000"));
        assert_eq!(row.headroom, m("1300000"));
        assert_eq!(row.forecast, m("1700000"));
        assert_eq!(row.basis.label(), "derived");
        assert_eq!(row.variance, m("-1300000"));
        assert_eq!(percent_text(row.variance_pct), "-43.3");
        assert_eq!(percent_text(row.spent_pct), "40.0");
        assert_eq!(row.rag, Rag::Amber);
        assert_eq!(r.rows.len(), 3);
        assert_eq!(r.rows[1].phase_code, "Programme total");
        assert_eq!(r.rows[2].phase_code, "Grand total");
        assert_eq!(r.rows[2].headroom, m("1300000"));
    }

    #[test]
    fn rag_rule_edges() {
        let t = RagThresholds::default();
        let z = Money::ZERO;
        // Exactly +5 % is not over 5 %: amber (any overspend).
        assert_eq!(rag(m("100"), m("10"), z, m("5"), &t), Rag::Amber);
        assert_eq!(rag(m("100"), m("10"), z, m("5.01"), &t), Rag::Red);
        // Actual + commitments over revised is red even with a small variance.
        assert_eq!(rag(m("100"), m("60"), m("41"), m("1"), &t), Rag::Red);
        // Underspend of exactly 10 % is green; beyond it amber.
        assert_eq!(rag(m("100"), m("10"), z, m("-10"), &t), Rag::Green);
        assert_eq!(rag(m("100"), m("10"), z, m("-10.01"), &t), Rag::Amber);
        assert_eq!(rag(m("100"), m("10"), z, m("0"), &t), Rag::Green);
        // Zero revised budget with spend: red (spend over budget).
        assert_eq!(rag(z, m("1"), z, m("1"), &t), Rag::Red);
        // Zero revised budget, nothing spent or committed, a forecast of 0.01: the variance
        // (0.01 x 100 = 1) is over 5 % of zero: red. A zero forecast on a zero budget is green.
        assert_eq!(rag(z, z, z, m("0.01"), &t), Rag::Red);
        assert_eq!(rag(z, z, z, z, &t), Rag::Green);
        // With a zero revised budget any underspend is Amber (DOMAIN.md), even net credits of
        // £12.50 (forecast -12.50 against 0).
        assert_eq!(rag(z, m("-12.50"), z, m("-12.50"), &t), Rag::Amber);
        assert_eq!(rag(z, z, z, m("-0.01"), &t), Rag::Amber);
        let strict = RagThresholds {
            red_overspend_pct: Decimal::new(1, 0),
            amber_underspend_pct: Decimal::new(2, 0),
        };
        assert_eq!(rag(m("100"), m("10"), z, m("2"), &strict), Rag::Red);
        assert_eq!(rag(m("100"), m("10"), z, m("-3"), &strict), Rag::Amber);
    }

    #[test]
    fn thresholds_read_plain_percentages_only() {
        assert_eq!(parse_threshold_pct("5").unwrap(), Decimal::new(5, 0));
        assert_eq!(parse_threshold_pct(" 7.5% ").unwrap(), Decimal::new(75, 1));
        assert_eq!(parse_threshold_pct("10.00").unwrap().to_string(), "10");
        assert_eq!(parse_threshold_pct("0").unwrap(), Decimal::ZERO);
        assert_eq!(parse_threshold_pct("100").unwrap(), Decimal::ONE_HUNDRED);
        for bad in [
            "", "-1", "100.01", "101", "five", "1e1", "5.123", "1,5", "+5",
        ] {
            let e = parse_threshold_pct(bad).unwrap_err();
            assert!(e.to_string().contains(&format!("'{bad}'")), "{e}");
        }
    }

    #[test]
    fn percent_rounds_half_away_and_never_negative_zero() {
        assert_eq!(percent_text(percent(m("1"), m("3"))), "33.3");
        assert_eq!(percent_text(percent(m("0.05"), m("100"))), "0.1");
        assert_eq!(percent_text(percent(m("-0.04"), m("100"))), "0.0");
        assert_eq!(percent_text(percent(m("-0.05"), m("100"))), "-0.1");
        assert_eq!(percent_text(percent(m("1"), Money::ZERO)), "");
        assert_eq!(percent_text(percent(m("50"), m("50"))), "100.0");
    }

    #[test]
    fn entered_forecast_wins_and_phases_without_figures_drop_out() {
        let mut a = phase("A", "P1");
        a.original = m("100");
        a.forecast = Some((m("120"), p(6)));
        let empty = phase("B", "P1");
        let r = build(
            FinancialYear::new(2020).unwrap(),
            p(9),
            &[a, empty],
            RagThresholds::default(),
        );
        assert_eq!(r.rows.len(), 3);
        assert_eq!(r.rows[0].basis.label(), "entered P6");
        assert_eq!(r.rows[0].variance, m("20"));
        assert_eq!(r.rows[0].rag, Rag::Red);
        assert_eq!(r.rows[1].basis.label(), "");
    }
}
