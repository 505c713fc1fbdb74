//! The report as it goes to Cabinet: the five columns after RAG (the revised budget and forecast
//! at the last report, the movement since, and the officer's commentary), and which rows need a
//! comment before a period can close. Pure: the store passes in the last report's figures and the
//! comments, keyed by (programme code, phase code) as the rows name them.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::money::Money;
use super::report::{Report, ReportRow, RowKind};

/// A phase as a report row names it: (programme code, phase code).
pub type PhaseKey = (String, String);

/// The columns after RAG of one row. The four money cells are `None` when there is no last report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AfterRag {
    pub last_revised: Option<Money>,
    pub budget_movement: Option<Money>,
    pub last_forecast: Option<Money>,
    pub forecast_movement: Option<Money>,
    /// The officer's comment for the phase as at the report's period; empty on total rows.
    pub commentary: String,
}

/// The monitoring report with its columns after RAG, row for row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CabinetReport {
    pub report: Report,
    /// One per row of `report.rows`, in the same order.
    pub after_rag: Vec<AfterRag>,
}

/// A phase's revised budget and forecast outturn at the last report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LastFigures {
    pub revised: Money,
    pub forecast: Money,
}

#[derive(Default, Clone, Copy)]
struct Sums {
    last_revised: Money,
    last_forecast: Money,
}

/// Works out the columns after RAG. With `last` (the last report's phases), a phase row carries its
/// figures there (zero for a phase that had no row then) and the movement now - then; total rows
/// add up their rows' cells. Without `last`, the four money cells are empty on every row.
pub fn after_rag(
    report: &Report,
    last: Option<&HashMap<PhaseKey, LastFigures>>,
    comments: &HashMap<PhaseKey, String>,
) -> Vec<AfterRag> {
    let mut programme = Sums::default();
    let mut grand = Sums::default();
    let cells = |r: &ReportRow, s: Sums| match last {
        Some(_) => (
            Some(s.last_revised),
            Some(r.revised - s.last_revised),
            Some(s.last_forecast),
            Some(r.forecast - s.last_forecast),
        ),
        None => (None, None, None, None),
    };
    report
        .rows
        .iter()
        .map(|r| {
            let key = (r.programme_code.clone(), r.phase_code.clone());
            let (sums, commentary) = match r.kind {
                RowKind::Phase => {
                    let f = last.and_then(|l| l.get(&key)).copied().unwrap_or_default();
                    let s = Sums {
                        last_revised: f.revised,
                        last_forecast: f.forecast,
                    };
                    for t in [&mut programme, &mut grand] {
                        t.last_revised += s.last_revised;
                        t.last_forecast += s.last_forecast;
                    }
                    (s, comments.get(&key).cloned().unwrap_or_default())
                }
                RowKind::ProgrammeTotal => (std::mem::take(&mut programme), String::new()),
                RowKind::GrandTotal => (grand, String::new()),
            };
            let (last_revised, budget_movement, last_forecast, forecast_movement) = cells(r, sums);
            AfterRag {
                last_revised,
                budget_movement,
                last_forecast,
                forecast_movement,
                commentary,
            }
        })
        .collect()
}

/// When a variance needs the officer's explanation: |Variance| over `pct` % of the revised budget,
/// or over `amount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CommentThresholds {
    pub pct: Decimal,
    pub amount: Money,
}

impl Default for CommentThresholds {
    fn default() -> Self {
        CommentThresholds {
            pct: Decimal::TEN,
            amount: Money::from_pence(10_000_000),
        }
    }
}

/// True when a row's variance is beyond the comment threshold (compared exactly: |variance| x 100
/// against pct x |revised|, so on a zero revised budget any variance is beyond it).
pub fn beyond_threshold(row: &ReportRow, t: &CommentThresholds) -> bool {
    let v = row.variance.abs();
    v.decimal() * Decimal::ONE_HUNDRED > t.pct * row.revised.abs().decimal() || v > t.amount
}

/// The phase rows beyond the comment threshold that have no comment, in report order.
pub fn rows_needing_comment<'a>(
    report: &'a Report,
    after_rag: &[AfterRag],
    t: &CommentThresholds,
) -> Vec<&'a ReportRow> {
    let none = AfterRag::default();
    report
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r, after_rag.get(i).unwrap_or(&none)))
        .filter(|(r, a)| {
            r.kind == RowKind::Phase
                && super::text::is_blank(&a.commentary)
                && beyond_threshold(r, t)
        })
        .map(|(r, _)| r)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::{PhaseFigures, RagThresholds, build};
    use crate::domain::{FinancialYear, Period};

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }
    fn key(p: &str, c: &str) -> PhaseKey {
        (p.to_string(), c.to_string())
    }

    fn report() -> Report {
        let phase = |prog: &str, code: &str, original: &str, forecast: &str| PhaseFigures {
            programme_code: prog.into(),
            programme_name: prog.into(),
            phase_code: code.into(),
            phase_name: code.into(),
            original: m(original),
            forecast: Some((m(forecast), Period::new(9).unwrap())),
            ..Default::default()
        };
        build(
            FinancialYear::new(2017).unwrap(),
            Period::new(9).unwrap(),
            &[
                phase("A", "X", "1000000", "1200000"),
                phase("A", "Y", "500000", "480000"),
                phase("B", "Z", "50000", "50000"),
            ],
            RagThresholds::default(),
        )
    }

    #[test]
    fn movement_since_the_last_report_with_totals_adding_up() {
        let r = report();
        let last = HashMap::from([
            (
                key("A", "X"),
                LastFigures {
                    revised: m("900000"),
                    forecast: m("1000000"),
                },
            ),
            (
                key("B", "Z"),
                LastFigures {
                    revised: m("50000"),
                    forecast: m("40000"),
                },
            ),
        ]);
        let comments = HashMap::from([(key("A", "X"), "Ground conditions".to_string())]);
        let a = after_rag(&r, Some(&last), &comments);
        // Rows: X, Y, A total, Z, B total, grand total.
        assert_eq!(a.len(), 6);
        // X: 1,000,000 - 900,000 = 100,000; forecast 1,200,000 - 1,000,000 = 200,000.
        assert_eq!(a[0].budget_movement, Some(m("100000")));
        assert_eq!(a[0].forecast_movement, Some(m("200000")));
        assert_eq!(a[0].commentary, "Ground conditions");
        // Y had no row at the last report: 0 then, all of it movement.
        assert_eq!(a[1].last_revised, Some(Money::ZERO));
        assert_eq!(a[1].budget_movement, Some(m("500000")));
        // A total: last 900,000 + 0; movement 1,500,000 - 900,000 = 600,000 = 100,000 + 500,000.
        assert_eq!(a[2].last_revised, Some(m("900000")));
        assert_eq!(a[2].budget_movement, Some(m("600000")));
        assert_eq!(a[2].commentary, "");
        // B total only Z; grand total 950,000 last, forecast 1,040,000 last.
        assert_eq!(a[4].last_forecast, Some(m("40000")));
        assert_eq!(a[5].last_revised, Some(m("950000")));
        assert_eq!(a[5].last_forecast, Some(m("1040000")));
        // Grand forecast now 1,730,000: movement 690,000.
        assert_eq!(a[5].forecast_movement, Some(m("690000")));
    }

    #[test]
    fn no_last_report_leaves_the_money_cells_empty() {
        let a = after_rag(&report(), None, &HashMap::new());
        assert!(a.iter().all(|x| x.last_revised.is_none()
            && x.budget_movement.is_none()
            && x.forecast_movement.is_none()
            && x.commentary.is_empty()));
    }

    #[test]
    fn rows_beyond_the_threshold_without_a_comment() {
        let r = report();
        let t = CommentThresholds::default();
        // X: variance 200,000 (20 %, over £100,000): needs one. Y: -20,000 = 4 %: no.
        // Z: 0: no.
        let none = CabinetReport {
            after_rag: after_rag(&r, None, &HashMap::new()),
            report: r.clone(),
        };
        let need: Vec<&str> = rows_needing_comment(&none.report, &none.after_rag, &t)
            .iter()
            .map(|r| r.phase_code.as_str())
            .collect();
        assert_eq!(need, vec!["X"]);
        // A 3 % threshold also catches Y (4 %); a comment on X clears it.
        let strict = CommentThresholds {
            pct: Decimal::new(3, 0),
            amount: m("1000000"),
        };
        let commented = CabinetReport {
            after_rag: after_rag(
                &r,
                None,
                &HashMap::from([(key("A", "X"), "why".to_string())]),
            ),
            report: r,
        };
        let need: Vec<&str> =
            rows_needing_comment(&commented.report, &commented.after_rag, &strict)
                .iter()
                .map(|r| r.phase_code.as_str())
                .collect();
        assert_eq!(need, vec!["Y"]);
        // Exactly at the threshold is not beyond it: 10 % of 100 is 10.
        let mut row = commented.report.rows[0].clone();
        row.revised = m("100");
        row.variance = m("-10");
        assert!(!beyond_threshold(&row, &t));
        row.variance = m("-10.01");
        assert!(beyond_threshold(&row, &t));
    }
}
