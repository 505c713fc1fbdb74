//! The six-monthly progress report for Scrutiny (DOMAIN.md "Benefits and delivery"): for a
//! programme and a half year, spend against budget for the half and the year, the milestones due,
//! met and slipped in the half, benefits target against realised, and the variance commentary for
//! the half's periods. Pure: it is built from the monitoring reports the store computed (the FY as
//! at the half's last period, and for H2 also as at P6), the milestones, benefit positions and
//! comments; it re-derives no monitoring figure.

use chrono::NaiveDate;
use serde::Serialize;

use super::benefit::BenefitPosition;
use super::calendar::{CalendarError, FinancialYear, Period};
use super::milestone::{HalfOutcome, Milestone};
use super::money::Money;
use super::report::{Rag, Report, RowKind};

/// A half of a financial year: H1 = P1-P6 (April to September), H2 = P7-P12 (October to March).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Half {
    pub fy: FinancialYear,
    /// True for H2.
    pub second: bool,
}

/// A half year that cannot be read: the message quotes the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HalfError {
    #[error(
        "'{0}' is not a half year: write the financial year then H1 or H2, e.g. 2017-18H2 or \"2017-18 H2\""
    )]
    Shape(String),
    #[error("'{0}': {1}")]
    Year(String, CalendarError),
}

impl Half {
    /// Reads `2017-18H2`, `2017-18 H2`, `2017/18 h1`, `FY2017-18 H1`.
    pub fn parse(s: &str) -> Result<Half, HalfError> {
        let t = s.trim();
        let shape = || HalfError::Shape(s.to_string());
        let upper = t.to_ascii_uppercase();
        let (year, second) = if let Some(y) = upper.strip_suffix("H1") {
            (y, false)
        } else if let Some(y) = upper.strip_suffix("H2") {
            (y, true)
        } else {
            return Err(shape());
        };
        let year = year.trim_end();
        if year.is_empty() {
            return Err(shape());
        }
        let fy = FinancialYear::parse(year).map_err(|e| HalfError::Year(s.to_string(), e))?;
        Ok(Half { fy, second })
    }

    /// `2017-18 H2`.
    pub fn label(self) -> String {
        format!("{} H{}", self.fy.label(), if self.second { 2 } else { 1 })
    }

    /// The half's first period: P1 or P7.
    pub fn first_period(self) -> Period {
        Period::new(if self.second { 7 } else { 1 }).unwrap_or(Period::FIRST)
    }

    /// The half's last period: P6 or P12.
    pub fn last_period(self) -> Period {
        Period::new(if self.second { 12 } else { 6 }).unwrap_or(Period::LAST)
    }

    /// The first day of the half (1 April or 1 October).
    pub fn start(self) -> NaiveDate {
        self.fy.period_start(self.first_period())
    }

    /// The last day of the half (30 September or 31 March).
    pub fn end(self) -> NaiveDate {
        self.fy.period_end(self.last_period())
    }

    /// True when `period` of the half's FY is in the half.
    pub fn contains(self, period: Period) -> bool {
        (self.first_period()..=self.last_period()).contains(&period)
    }
}

/// One line of the spend section: a phase, or the programme total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendLine {
    pub kind: RowKind,
    pub phase_code: String,
    pub phase_name: String,
    /// Revised budget for the FY, as at the half's last period.
    pub revised: Money,
    /// Actuals dated in the half's periods.
    pub actual_in_half: Money,
    /// Actuals from 1 April to the half's end.
    pub actual_to_date: Money,
    pub forecast: Money,
    pub variance: Money,
    pub rag: Rag,
}

/// A milestone as it stood at the half's end, with its outcome in the half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneLine {
    pub milestone: Milestone,
    pub outcome: HalfOutcome,
    pub slippage_days: i64,
    pub rag: Rag,
}

/// A variance comment for a phase, FY and period (the commentary of DOMAIN.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressComment {
    pub phase_code: String,
    pub fy: FinancialYear,
    pub period: Period,
    pub text: String,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressReport {
    pub programme_code: String,
    pub programme_name: String,
    pub organisation: String,
    pub half: Half,
    pub spend: Vec<SpendLine>,
    pub milestones: Vec<MilestoneLine>,
    /// Milestones whose baseline falls in the half.
    pub due: usize,
    /// Milestones met (completed on or before the baseline) in the half.
    pub met: usize,
    /// Milestones listed that missed their baseline (met late, or still open).
    pub slipped: usize,
    pub benefits: Vec<BenefitPosition>,
    pub comments: Vec<ProgressComment>,
}

/// What the report is built from.
pub struct ProgressInput<'a> {
    pub programme_code: &'a str,
    pub programme_name: &'a str,
    pub organisation: &'a str,
    pub half: Half,
    /// The monitoring report of the half's FY as at its last period, for this programme.
    pub year: &'a Report,
    /// For H2, the same as at P6 (the actuals of H1); None for H1.
    pub first_half: Option<&'a Report>,
    /// The programme's milestones (any order).
    pub milestones: &'a [Milestone],
    /// The programme's benefit positions for the FY as at the half's last period.
    pub benefits: &'a [BenefitPosition],
}

/// Builds the spend, milestone and benefit sections from the input, and the commentary section
/// from `comments` (those of the half's periods are kept, in phase then period order).
pub fn build(i: &ProgressInput, comments: &[ProgressComment]) -> ProgressReport {
    let before_half = |kind: RowKind, phase: &str| -> Money {
        i.first_half
            .and_then(|r| {
                r.rows
                    .iter()
                    .find(|x| x.kind == kind && x.phase_code == phase)
            })
            .map_or(Money::ZERO, |x| x.actual_to_date)
    };
    let spend = i
        .year
        .rows
        .iter()
        .filter(|r| r.programme_code == i.programme_code && r.kind != RowKind::GrandTotal)
        .map(|r| SpendLine {
            kind: r.kind,
            phase_code: r.phase_code.clone(),
            phase_name: r.phase_name.clone(),
            revised: r.revised,
            actual_in_half: r.actual_to_date - before_half(r.kind, &r.phase_code),
            actual_to_date: r.actual_to_date,
            forecast: r.forecast,
            variance: r.variance,
            rag: r.rag,
        })
        .collect();
    let (start, end) = (i.half.start(), i.half.end());
    let mut milestones: Vec<MilestoneLine> = i
        .milestones
        .iter()
        .filter_map(|m| {
            let m = m.as_at(end);
            m.in_half(start, end).map(|outcome| MilestoneLine {
                outcome,
                slippage_days: m.slippage_days(),
                rag: m.rag(),
                milestone: m,
            })
        })
        .collect();
    milestones.sort_by(|a, b| {
        (
            a.milestone.baseline,
            &a.milestone.phase_code,
            &a.milestone.name,
        )
            .cmp(&(
                b.milestone.baseline,
                &b.milestone.phase_code,
                &b.milestone.name,
            ))
    });
    let due = milestones
        .iter()
        .filter(|l| (start..=end).contains(&l.milestone.baseline))
        .count();
    let met = milestones
        .iter()
        .filter(|l| l.outcome == HalfOutcome::Met)
        .count();
    let slipped = milestones.iter().filter(|l| l.outcome.is_slipped()).count();
    let mut comments: Vec<ProgressComment> = comments
        .iter()
        .filter(|c| c.fy == i.half.fy && i.half.contains(c.period))
        .cloned()
        .collect();
    comments.sort_by(|a, b| (&a.phase_code, a.period).cmp(&(&b.phase_code, b.period)));
    ProgressReport {
        programme_code: i.programme_code.to_string(),
        programme_name: i.programme_name.to_string(),
        organisation: i.organisation.to_string(),
        half: i.half,
        spend,
        milestones,
        due,
        met,
        slipped,
        benefits: i.benefits.to_vec(),
        comments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_read_in_either_spelling() {
        let h = Half::parse("2017-18H2").unwrap();
        assert_eq!(h, Half::parse("2017-18 H2").unwrap());
        assert_eq!(h, Half::parse(" fy2017/18 h2 ").unwrap());
        assert_eq!(h.label(), "2017-18 H2");
        assert_eq!(
            (h.first_period().number(), h.last_period().number()),
            (7, 12)
        );
        assert_eq!(h.start(), NaiveDate::from_ymd_opt(2017, 10, 1).unwrap());
        assert_eq!(h.end(), NaiveDate::from_ymd_opt(2018, 3, 31).unwrap());
        let h1 = Half::parse("2022-23 H1").unwrap();
        assert_eq!(h1.end(), NaiveDate::from_ymd_opt(2022, 9, 30).unwrap());
        assert!(h1.contains(Period::new(6).unwrap()) && !h1.contains(Period::new(7).unwrap()));
        for bad in ["2017-18", "2017-18H3", "H2", "2017-19H1"] {
            assert!(Half::parse(bad).is_err(), "{bad}");
        }
        let e = Half::parse("2017-18H3").unwrap_err().to_string();
        assert!(e.starts_with("'2017-18H3' is not a half year"), "{e}");
    }
}
