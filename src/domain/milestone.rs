//! Milestones of a phase's delivery: baseline, forecast and actual dates, slippage in days and the
//! milestone RAG (DOMAIN.md "Benefits and delivery"), whether one is past its baseline (a dashboard
//! alert), and how it stood in a half year (the progress report). Pure: `today` is passed in.
//!
//! Slippage = the actual date, or with none the forecast date, or with neither the baseline itself,
//! less the baseline, in days (negative when early). While a milestone is open it is late by at
//! least the days since its baseline, counted to the date it is measured to: the report's period
//! end (see [`Milestone::as_at`]), or today in lists and screens (the store reads it so). This is
//! the one rule every place that shows slippage uses (DOMAIN.md, "Milestone"). RAG: Green on or before the baseline (slippage
//! <= 0), Amber up to 90 days late (1..=90), Red beyond (91 or more).

use chrono::NaiveDate;
use serde::Serialize;

use super::benefit::read_word;
use super::model::UnknownWord;
use super::report::Rag;

/// The most days late that is still Amber.
pub const AMBER_DAYS: i64 = 90;

/// Where a milestone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MilestoneStatus {
    #[serde(rename = "planned")]
    Planned,
    #[serde(rename = "in progress")]
    InProgress,
    #[serde(rename = "complete")]
    Complete,
}

const STATUSES: &[(&str, MilestoneStatus)] = &[
    ("planned", MilestoneStatus::Planned),
    ("in progress", MilestoneStatus::InProgress),
    ("complete", MilestoneStatus::Complete),
];

impl MilestoneStatus {
    /// The stored and displayed spelling.
    pub fn as_str(self) -> &'static str {
        STATUSES
            .iter()
            .find(|(_, s)| *s == self)
            .map(|(w, _)| *w)
            .unwrap_or("planned")
    }

    /// Reads `planned`, `in progress` (or `in-progress`) or `complete`.
    pub fn parse(s: &str) -> Result<Self, UnknownWord> {
        read_word(&s.replace('-', " "), "milestone status", STATUSES).map_err(|mut e| {
            e.value = s.to_string();
            e
        })
    }
}

/// A milestone of a phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    pub id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub phase_name: String,
    pub name: String,
    pub baseline: NaiveDate,
    pub forecast: Option<NaiveDate>,
    pub actual: Option<NaiveDate>,
    pub status: MilestoneStatus,
    pub version: i64,
    /// The date an open milestone's slippage is counted to: today as read, or the period end of a
    /// report ([`Milestone::as_at`]). None: measured to its expected date alone.
    #[serde(skip)]
    pub measured_to: Option<NaiveDate>,
}

/// The milestone RAG for a slippage in days: Green <= 0, Amber 1..=90, Red beyond.
pub fn milestone_rag(slippage_days: i64) -> Rag {
    if slippage_days <= 0 {
        Rag::Green
    } else if slippage_days <= AMBER_DAYS {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// How a milestone stood at the end of a half year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HalfOutcome {
    /// Completed by the half's end, on or before its baseline.
    Met,
    /// Completed by the half's end, after its baseline.
    MetLate,
    /// Due by the half's end (baseline on or before it) and not completed by then.
    Slipped,
}

impl HalfOutcome {
    /// `met`, `met late`, `slipped`.
    pub fn label(self) -> &'static str {
        match self {
            HalfOutcome::Met => "met",
            HalfOutcome::MetLate => "met late",
            HalfOutcome::Slipped => "slipped",
        }
    }

    /// True for the outcomes counted as slipped (late, done or not).
    pub fn is_slipped(self) -> bool {
        self != HalfOutcome::Met
    }
}

impl Milestone {
    /// The date slippage is measured to: actual, else forecast, else the baseline.
    pub fn expected_date(&self) -> NaiveDate {
        self.actual.or(self.forecast).unwrap_or(self.baseline)
    }

    /// Days from the baseline to the expected date (negative when early); while open, at least
    /// the days from the baseline to the date it is measured to.
    pub fn slippage_days(&self) -> i64 {
        let expected = (self.expected_date() - self.baseline).num_days();
        match (self.actual, self.measured_to) {
            (None, Some(to)) => expected.max((to - self.baseline).num_days()),
            _ => expected,
        }
    }

    /// The RAG of [`milestone_rag`] for this milestone's slippage.
    pub fn rag(&self) -> Rag {
        milestone_rag(self.slippage_days())
    }

    /// Not complete, and `today` is after its baseline (a dashboard alert).
    pub fn is_past_baseline(&self, today: NaiveDate) -> bool {
        self.status != MilestoneStatus::Complete && today > self.baseline
    }

    /// The milestone as it stood at the end of `date`: an actual date after it is not yet known
    /// (the milestone is then in progress), so a report as at a date reads the same later.
    pub fn as_at(&self, date: NaiveDate) -> Milestone {
        let mut m = self.clone();
        m.measured_to = Some(date);
        if m.actual.is_some_and(|a| a > date) {
            m.actual = None;
            m.status = MilestoneStatus::InProgress;
        }
        m
    }

    /// How the milestone stood in the half `start..=end`, or None when it is not part of that
    /// half. It is part of it when its baseline falls in the half, it was completed in the half,
    /// or it fell due before the half and was still open at its start. (Read it through
    /// [`Milestone::as_at`] the half's end first.)
    pub fn in_half(&self, start: NaiveDate, end: NaiveDate) -> Option<HalfOutcome> {
        let in_range = |d: NaiveDate| start <= d && d <= end;
        let done_by_end = self.actual.filter(|a| *a <= end);
        let listed = in_range(self.baseline)
            || done_by_end.is_some_and(in_range)
            || (self.baseline < start && self.actual.is_none_or(|a| a >= start));
        if !listed {
            return None;
        }
        Some(match done_by_end {
            Some(a) if a <= self.baseline => HalfOutcome::Met,
            Some(_) => HalfOutcome::MetLate,
            None => HalfOutcome::Slipped,
        })
    }
}

/// A milestone of phase WIR-SCP/PH1 "Phase 1" for tests: complete when it has an actual date,
/// else planned.
#[cfg(test)]
pub(crate) fn example(
    name: &str,
    baseline: NaiveDate,
    forecast: Option<NaiveDate>,
    actual: Option<NaiveDate>,
) -> Milestone {
    Milestone {
        id: 1,
        programme_code: "WIR-SCP".into(),
        phase_code: "PH1".into(),
        phase_name: "Phase 1".into(),
        name: name.into(),
        baseline,
        forecast,
        actual,
        status: if actual.is_some() {
            MilestoneStatus::Complete
        } else {
            MilestoneStatus::Planned
        },
        version: 1,
        measured_to: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ms(
        baseline: NaiveDate,
        forecast: Option<NaiveDate>,
        actual: Option<NaiveDate>,
    ) -> Milestone {
        example("Go-live", baseline, forecast, actual)
    }

    #[test]
    fn an_open_milestone_is_late_by_at_least_the_days_since_its_baseline() {
        // Issue 23 item 3: open, baseline 31/10/2025, no forecast; measured to 30/11/2025 (the
        // P8 period end) it is 30 days late, Amber; to today 05/12/2025, 35 days.
        let open = ms(d(2025, 10, 31), None, None);
        assert_eq!(
            open.slippage_days(),
            0,
            "measured to nothing but its own dates"
        );
        let p8 = open.as_at(d(2025, 11, 30));
        assert_eq!((p8.slippage_days(), p8.rag()), (30, Rag::Amber));
        let today = Milestone {
            measured_to: Some(d(2025, 12, 5)),
            ..open.clone()
        };
        assert_eq!(today.slippage_days(), 35);
        // A later forecast counts when it is later than the date measured to.
        let forecast = Milestone {
            forecast: Some(d(2026, 3, 1)),
            ..today.clone()
        };
        assert_eq!(forecast.slippage_days(), 121);
        // Before its baseline an open milestone is not late.
        assert_eq!(open.as_at(d(2025, 10, 1)).slippage_days(), 0);
        // Complete: the actual date alone.
        let done = ms(d(2025, 10, 31), None, Some(d(2025, 11, 3))).as_at(d(2025, 12, 5));
        assert_eq!(done.slippage_days(), 3);
    }

    #[test]
    fn slippage_across_a_year_boundary() {
        // Baseline 15/12/2022, forecast 14/01/2023: 16 days left in December + 14 in January = 30.
        let m = ms(d(2022, 12, 15), Some(d(2023, 1, 14)), None);
        assert_eq!((m.slippage_days(), m.rag()), (30, Rag::Amber));
        // Across the 2024 leap day: 31/01/2024 -> 01/03/2024 = 29 (Feb) + 1 = 30 days.
        assert_eq!(
            ms(d(2024, 1, 31), Some(d(2024, 3, 1)), None).slippage_days(),
            30
        );
        // An actual date wins over the forecast: 15/12/2022 -> 02/01/2023 = 16 + 2 = 18.
        let done = ms(d(2022, 12, 15), Some(d(2023, 3, 1)), Some(d(2023, 1, 2)));
        assert_eq!(done.slippage_days(), 18);
        // Early: 10 days before the baseline is -10, Green.
        let early = ms(d(2023, 1, 10), Some(d(2022, 12, 31)), None);
        assert_eq!((early.slippage_days(), early.rag()), (-10, Rag::Green));
        // No forecast, no actual: measured to the baseline itself, 0 days, Green.
        assert_eq!(ms(d(2023, 1, 10), None, None).slippage_days(), 0);
    }

    #[test]
    fn ninety_days_is_amber_and_ninety_one_red() {
        // 01/11/2022 + 90 days: 29 (rest of Nov) + 31 (Dec) + 30 (Jan) = 90 -> 30/01/2023.
        let base = d(2022, 11, 1);
        let at90 = ms(base, Some(d(2023, 1, 30)), None);
        assert_eq!((at90.slippage_days(), at90.rag()), (90, Rag::Amber));
        let at91 = ms(base, Some(d(2023, 1, 31)), None);
        assert_eq!((at91.slippage_days(), at91.rag()), (91, Rag::Red));
        assert_eq!(milestone_rag(0), Rag::Green);
        assert_eq!(milestone_rag(1), Rag::Amber);
    }

    #[test]
    fn past_baseline_only_when_open_and_after_the_baseline_day() {
        let m = ms(d(2023, 3, 31), None, None);
        assert!(!m.is_past_baseline(d(2023, 3, 31)));
        assert!(m.is_past_baseline(d(2023, 4, 1)));
        let done = ms(d(2023, 3, 31), None, Some(d(2023, 4, 20)));
        assert!(!done.is_past_baseline(d(2023, 5, 1)));
    }

    #[test]
    fn outcome_in_a_half_year() {
        // 2017-18 H2: 01/10/2017 to 31/03/2018.
        let (s, e) = (d(2017, 10, 1), d(2018, 3, 31));
        let at = |m: Milestone| m.as_at(e).in_half(s, e);
        assert_eq!(
            at(ms(d(2017, 12, 1), None, Some(d(2017, 11, 30)))),
            Some(HalfOutcome::Met)
        );
        assert_eq!(
            at(ms(d(2017, 12, 1), None, Some(d(2018, 1, 5)))),
            Some(HalfOutcome::MetLate)
        );
        assert_eq!(
            at(ms(d(2018, 3, 1), Some(d(2018, 6, 1)), None)),
            Some(HalfOutcome::Slipped)
        );
        // Completed after the half's end: as at the end it was still open, so it slipped.
        assert_eq!(
            at(ms(d(2018, 3, 1), None, Some(d(2018, 4, 2)))),
            Some(HalfOutcome::Slipped)
        );
        // Due before the half and still open at its start: carried in as slipped.
        assert_eq!(
            at(ms(d(2017, 9, 1), None, Some(d(2017, 10, 3)))),
            Some(HalfOutcome::MetLate)
        );
        // Done before the half, or due after it and not done in it: not part of the half.
        assert_eq!(at(ms(d(2017, 9, 1), None, Some(d(2017, 9, 1)))), None);
        assert_eq!(at(ms(d(2018, 5, 1), None, None)), None);
        // Due after the half but completed early within it: met.
        assert_eq!(
            at(ms(d(2018, 5, 1), None, Some(d(2018, 2, 1)))),
            Some(HalfOutcome::Met)
        );
    }

    #[test]
    fn statuses_read_with_a_space_or_a_dash() {
        assert_eq!(
            MilestoneStatus::parse("In-Progress"),
            Ok(MilestoneStatus::InProgress)
        );
        assert_eq!(MilestoneStatus::InProgress.as_str(), "in progress");
        let e = MilestoneStatus::parse("done").unwrap_err().to_string();
        assert!(e.starts_with("'done' is not a milestone status"), "{e}");
    }
}
