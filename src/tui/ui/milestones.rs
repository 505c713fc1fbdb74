//! The phase view's delivery panels. The milestone timeline: one line per milestone in baseline
//! order, from its baseline to the date slippage is measured to (actual, else forecast), with a bar
//! as long as the slippage (one mark per fortnight, at most 12), the days and the milestone RAG
//! coloured. The benefits: one line per benefit of the phase with its target, expected (realised +
//! forecast) and RAG for the year shown.

use ratatui::text::{Line, Span};

use super::Theme;
use crate::domain::benefit::BenefitPosition;
use crate::domain::calendar::uk_date;
use crate::domain::milestone::{Milestone, MilestoneStatus};

/// Days per mark of the slippage bar.
const DAYS_PER_MARK: i64 = 14;
/// The longest bar.
const MAX_MARKS: i64 = 12;

/// The heading and lines of the timeline.
/// `selected`: the milestone (in baseline order) the phase view's cursor is on.
pub(super) fn timeline_lines(
    milestones: &[Milestone],
    selected: Option<usize>,
    t: Theme,
) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled("Milestones", t.heading())];
    if milestones.is_empty() {
        out.push(Line::styled("  none", t.dim()));
    }
    let sorted = crate::tui::records_view::sorted_milestones(milestones);
    for (i, m) in sorted.into_iter().enumerate() {
        let days = m.slippage_days();
        let marks = (days.max(0) + DAYS_PER_MARK - 1) / DAYS_PER_MARK;
        let bar = "─".repeat(marks.min(MAX_MARKS) as usize);
        let end = if m.status == MilestoneStatus::Complete {
            "✓"
        } else {
            "▶"
        };
        let rag = m.rag();
        out.push(Line::from(vec![
            Span::raw(format!(
                "  {} ●{bar}{end} {} ",
                uk_date(m.baseline),
                uk_date(m.expected_date())
            )),
            Span::styled(format!("{days:+}d {}", rag.label()), t.rag(rag)),
            Span::raw(format!("  {}", m.name)),
        ]));
        if selected == Some(i)
            && let Some(line) = out.last_mut()
        {
            line.style = t.selected();
        }
    }
    out
}

/// The heading and one line per benefit position: target, expected and RAG, then the description.
/// `selected`: the benefit the phase view's cursor is on.
pub(super) fn benefit_lines(
    positions: &[BenefitPosition],
    selected: Option<usize>,
    t: Theme,
) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled("Benefits", t.heading())];
    if positions.is_empty() {
        out.push(Line::styled("  none", t.dim()));
    }
    for (i, p) in positions.iter().enumerate() {
        out.push(Line::from(vec![
            Span::raw(format!(
                "  {} target {} expected {} ",
                p.fy.label(),
                p.target.short(),
                p.expected.short()
            )),
            Span::styled(p.rag.label(), t.rag(p.rag)),
            Span::raw(format!("  {}", p.benefit.description)),
        ]));
        if selected == Some(i)
            && let Some(line) = out.last_mut()
        {
            line.style = t.selected();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn one_line_per_milestone_in_baseline_order_with_a_bar_for_the_slippage() {
        let ms = crate::domain::milestone::example;
        let lines = timeline_lines(
            &[
                // 31/01/2018 -> 30/04/2018: 28 + 31 + 30 = 89 days: 7 marks (89 / 14 rounded up).
                ms("Go-live", d(2018, 1, 31), Some(d(2018, 4, 30)), None),
                ms("Portal", d(2017, 12, 31), None, Some(d(2017, 12, 20))),
            ],
            None,
            Theme { colour: false },
        );
        assert_eq!(
            texts(&lines),
            [
                "Milestones",
                "  31/12/2017 ●✓ 20/12/2017 -11d Green  Portal",
                "  31/01/2018 ●───────▶ 30/04/2018 +89d Amber  Go-live",
            ]
        );
    }

    #[test]
    fn benefit_lines_show_target_expected_and_rag() {
        use crate::domain::benefit::{Benefit, BenefitKind, BenefitStatus, position};
        use crate::domain::model::ProfileLine;
        use crate::domain::report::RagThresholds;
        use crate::domain::{FinancialYear, Money, Period};
        let fy = FinancialYear::new(2023).unwrap();
        let b = Benefit {
            id: 1,
            programme_code: "WIR-SCP".into(),
            phase_code: Some("DT1".into()),
            description: "Savings".into(),
            kind: BenefitKind::Cashable,
            owner: String::new(),
            status: BenefitStatus::Active,
            targets: vec![ProfileLine {
                fy,
                amount: Money::parse("£300k").unwrap(),
            }],
            version: 1,
        };
        // Nothing entered: expected 0 against 300,000: Red.
        let p = position(
            &b,
            fy,
            Period::new(6).unwrap(),
            &[],
            &RagThresholds::default(),
        );
        let lines = benefit_lines(&[p], None, Theme { colour: false });
        assert_eq!(
            texts(&lines),
            [
                "Benefits",
                "  2023-24 target £300k expected £0.00 Red  Savings"
            ]
        );
    }
}
