//! The dashboard alerts of DOMAIN.md, worked out from what the store loaded: over budget, spend
//! against a projected allocation, a framework ending soon, an extension decision due, an assumed
//! profile, a contract value raised by more than 10 %. Pure: no database, `today` passed in.

use chrono::NaiveDate;

use super::cabinet::{AfterRag, CommentThresholds, rows_needing_comment};
use super::calendar::uk_date;
use super::financing::{FinancingStatement, Funding};
use super::milestone::{Milestone, milestone_rag};
use super::model::{Allocation, AllocationStatus, Contract, Framework, Phase};
use super::money::Money;
use super::report::{Rag, Report, RowKind, percent, percent_text};

/// A dashboard alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Red for money over budget, amber for things to act on.
    pub level: Rag,
    pub text: String,
}

/// How far ahead a framework end or an extension decision is worth a warning.
pub const WARN_DAYS: i64 = 90;

/// Everything the alerts are worked out from.
pub struct AlertInput<'a> {
    pub today: NaiveDate,
    pub report: &'a Report,
    pub phases: &'a [Phase],
    pub allocations: &'a [Allocation],
    pub contracts: &'a [Contract],
    pub frameworks: &'a [Framework],
    /// Milestones: one not complete whose baseline has passed is an alert.
    pub milestones: &'a [Milestone],
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// The alerts, red ones first.
pub fn alerts(i: &AlertInput) -> Vec<Alert> {
    let mut out = Vec::new();
    let fy = i.report.fy;
    for r in i.report.rows.iter().filter(|r| r.kind == RowKind::Phase) {
        let spent_and_committed = r.actual_to_date + r.commitments;
        if spent_and_committed > r.revised {
            out.push(Alert {
                level: Rag::Red,
                text: format!(
                    "{}: spent and committed {} against a revised budget of {} in {}",
                    r.phase_name,
                    spent_and_committed.full(),
                    r.revised.full(),
                    fy.label()
                ),
            });
        }
        let phase = i
            .phases
            .iter()
            .find(|p| p.programme_code == r.programme_code && p.code == r.phase_code);
        if let Some(phase) = phase {
            let live: Vec<&Allocation> = i
                .allocations
                .iter()
                .filter(|a| {
                    a.programme_code == phase.programme_code
                        && a.phase_code == phase.code
                        && a.status != AllocationStatus::Withdrawn
                })
                .collect();
            let only_projected =
                !live.is_empty() && live.iter().all(|a| a.status == AllocationStatus::Projected);
            if only_projected && !spent_and_committed.is_zero() {
                out.push(Alert {
                    level: Rag::Red,
                    text: format!(
                        "{}: spend against a projected allocation ({} spent and committed, none of it approved)",
                        phase.name,
                        spent_and_committed.full()
                    ),
                });
            }
        }
    }
    for f in i.frameworks {
        let Some(end) = f.end() else { continue };
        let left = (end - i.today).num_days();
        if !(0..=WARN_DAYS).contains(&left) {
            continue;
        }
        let on_it: Vec<&Contract> = i
            .contracts
            .iter()
            .filter(|c| c.framework.as_deref() == Some(f.name.as_str()))
            .collect();
        if on_it.is_empty() {
            continue;
        }
        let refs: Vec<&str> = on_it.iter().map(|c| c.reference.as_str()).collect();
        out.push(Alert {
            level: Rag::Amber,
            text: format!(
                "{} ends {}: {} (extend or re-procure {})",
                f.name,
                uk_date(end),
                days(left),
                refs.join(", ")
            ),
        });
    }
    for c in i.contracts {
        for e in c.extensions.iter().filter(|e| !e.exercised) {
            let Some(due) = e.decision_due else { continue };
            let left = (due - i.today).num_days();
            if (0..=WARN_DAYS).contains(&left) {
                out.push(Alert {
                    level: Rag::Amber,
                    text: format!(
                        "{}: decision on the {}-month extension due {}: {}",
                        c.reference,
                        e.months,
                        uk_date(due),
                        days(left)
                    ),
                });
            }
        }
        // A rise of more than 10 % over the award value by variations (an extension option
        // exercised was bought at award): exact comparison, value x 10 > award x 11.
        let exercised: Money = c
            .extensions
            .iter()
            .filter(|e| e.exercised)
            .map(|e| e.exercised_value.unwrap_or(e.value))
            .sum();
        let varied = c.value - exercised;
        let raised = varied - c.original_value;
        if !c.original_value.is_zero()
            && varied.pence() as i128 * 10 > c.original_value.pence() as i128 * 11
        {
            out.push(Alert {
                level: Rag::Amber,
                text: format!(
                    "{}: value raised {} % since award ({} more): usually means buying again",
                    c.reference,
                    percent_text(percent(raised, c.original_value)),
                    raised.full()
                ),
            });
        }
    }
    for a in i
        .allocations
        .iter()
        .filter(|a| a.profile_assumed && a.first_fy != a.last_fy)
    {
        if a.status == AllocationStatus::Withdrawn {
            continue;
        }
        let name = i
            .phases
            .iter()
            .find(|p| p.programme_code == a.programme_code && p.code == a.phase_code)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| a.phase_code.clone());
        out.push(Alert {
            level: Rag::Amber,
            text: format!(
                "{name}: {} over {} is on an assumed even split: reprofile when known",
                a.amount.short(),
                a.first_fy.range_label(a.last_fy)
            ),
        });
    }
    out.extend(milestone_alerts(i.milestones, i.today));
    out.sort_by_key(|a| std::cmp::Reverse(a.level));
    out
}

/// A milestone past its baseline (not complete, today after the baseline): Amber up to 90 days
/// past it, Red beyond (the milestone RAG, measured to today).
fn milestone_alerts(milestones: &[Milestone], today: NaiveDate) -> Vec<Alert> {
    milestones
        .iter()
        .filter(|m| m.is_past_baseline(today))
        .map(|m| {
            let late = (today - m.baseline).num_days();
            let forecast = m
                .forecast
                .map(|f| format!(", forecast {}", uk_date(f)))
                .unwrap_or_default();
            Alert {
                level: milestone_rag(late),
                text: format!(
                    "{}: milestone '{}' not complete, {} past its baseline of {}{forecast}",
                    m.phase_name,
                    m.name,
                    days(late),
                    uk_date(m.baseline)
                ),
            }
        })
        .collect()
}

/// Adds an amber alert per phase row beyond the variance-comment threshold with no comment (a
/// period cannot close while there are any), keeping red alerts first.
pub fn add_missing_comment_alerts(
    out: &mut Vec<Alert>,
    report: &Report,
    after_rag: &[AfterRag],
    t: &CommentThresholds,
) {
    for r in rows_needing_comment(report, after_rag, t) {
        out.push(Alert {
            level: Rag::Amber,
            text: format!(
                "{}: variance {} in {} {} needs a comment before the period can close",
                r.phase_name,
                r.variance.full(),
                report.fy.label(),
                report.period.label()
            ),
        });
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.level));
}

/// How far ahead a grant's or contribution's spend-by date is worth a warning.
pub const SPEND_BY_DAYS: i64 = 180;

/// The financing alerts: a funding gap (Amber), spend on a phase whose funding is only projected
/// (Red), and a grant or contribution with money unapplied whose spend-by date is within
/// [`SPEND_BY_DAYS`] of `today` (Amber). `current` is the statement of the year shown; `others`
/// are statements of further years holding grants due soon; `lines` are the funding lines.
pub fn financing_alerts(
    today: NaiveDate,
    current: &FinancingStatement,
    others: &[FinancingStatement],
    lines: &[Funding],
) -> Vec<Alert> {
    let mut out = Vec::new();
    let fy = current.fy;
    for r in current.rows.iter().filter(|r| r.kind == RowKind::Phase) {
        if r.gap > Money::ZERO {
            out.push(Alert {
                level: Rag::Amber,
                text: format!(
                    "{}: funding gap of {} in {} (revised budget {}, approved funding {})",
                    r.phase_name,
                    r.gap.full(),
                    fy.label(),
                    r.revised.full(),
                    r.total_funding.full()
                ),
            });
        }
        if r.actual_to_date > Money::ZERO && r.total_funding.is_zero() && r.projected > Money::ZERO
        {
            out.push(Alert {
                level: Rag::Red,
                text: format!(
                    "{}: {} spent in {} on funding that is only projected ({} not yet approved)",
                    r.phase_name,
                    r.actual_to_date.full(),
                    fy.label(),
                    r.projected.full()
                ),
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    for s in std::iter::once(current).chain(others) {
        for r in s.rows.iter().filter(|r| r.kind == RowKind::Phase) {
            for (id, applied) in &r.applied_lines {
                let Some(l) = lines.iter().find(|l| l.id == *id) else {
                    continue;
                };
                let Some(due) = l.spend_by else { continue };
                let left = (due - today).num_days();
                let unapplied = l.amount - *applied;
                if !l.source.is_contribution()
                    || !(0..=SPEND_BY_DAYS).contains(&left)
                    || unapplied <= Money::ZERO
                    || !seen.insert(*id)
                {
                    continue;
                }
                out.push(Alert {
                    level: Rag::Amber,
                    text: format!(
                        "{}: {} of the {}{} {} for {} unapplied, to be spent by {}: {}",
                        r.phase_name,
                        unapplied.full(),
                        l.funder
                            .as_deref()
                            .map(|f| format!("{f} "))
                            .unwrap_or_default(),
                        l.source.as_str(),
                        l.amount.full(),
                        s.fy.label(),
                        uk_date(due),
                        days(left)
                    ),
                });
            }
        }
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.level));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{DeliveryStatus, ExtensionOption};
    use crate::domain::report::RagThresholds;
    use crate::domain::{FinancialYear, Money, Period};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::new(y).unwrap()
    }

    fn empty_report() -> Report {
        Report {
            fy: fy(2022),
            period: Period::new(5).unwrap(),
            thresholds: RagThresholds::default(),
            rows: vec![],
        }
    }

    fn contract(reference: &str, original: &str, value: &str) -> Contract {
        Contract {
            id: 1,
            reference: reference.into(),
            title: "Works".into(),
            supplier: "Acme Ltd".into(),
            phase_id: 1,
            programme_code: "P".into(),
            phase_code: "PH".into(),
            framework: None,
            value: m(value),
            original_value: m(original),
            start: d(2022, 4, 1),
            term_months: 12,
            award_decision_reference: None,
            extensions: vec![],
            variations: vec![],
            version: 1,
        }
    }

    /// The alerts on 26/08/2022 for an empty report and these records.
    fn run(
        phases: &[Phase],
        allocations: &[Allocation],
        contracts: &[Contract],
        frameworks: &[Framework],
    ) -> Vec<Alert> {
        let report = empty_report();
        alerts(&AlertInput {
            today: d(2022, 8, 26),
            report: &report,
            phases,
            allocations,
            contracts,
            frameworks,
            milestones: &[],
        })
    }

    fn texts(alerts: Vec<Alert>) -> Vec<String> {
        alerts.into_iter().map(|a| a.text).collect()
    }

    #[test]
    fn a_contract_raised_by_more_than_ten_percent_is_flagged_and_exactly_ten_is_not() {
        let contracts = [
            contract("EXACT", "1000", "1100"),
            contract("OVER", "1000", "1100.01"),
        ];
        let out = run(&[], &[], &contracts, &[]);
        assert_eq!(
            texts(out),
            ["OVER: value raised 10.0 % since award (£100.01 more): usually means buying again"]
        );
    }

    #[test]
    fn framework_ends_and_extension_decisions_within_ninety_days_are_amber() {
        let mut c = contract("C-1", "1000", "1000");
        c.framework = Some("Digital".into());
        c.extensions = vec![ExtensionOption {
            id: 1,
            contract_id: 1,
            months: 12,
            value: m("500"),
            decision_due: Some(d(2022, 8, 27)),
            exercised: false,
            decision_reference: None,
            exercised_value: None,
            exercised_on: None,
            seq: None,
            version: 1,
        }];
        let frameworks = [
            Framework {
                id: 1,
                name: "Digital".into(),
                reference: "F-1".into(),
                planned_end: Some(d(2022, 11, 24)),
                actual_end: None,
                version: 1,
            },
            Framework {
                id: 2,
                name: "Later".into(),
                reference: "F-2".into(),
                planned_end: Some(d(2022, 11, 25)),
                actual_end: None,
                version: 1,
            },
        ];
        let contracts = [c];
        let out = run(&[], &[], &contracts, &frameworks);
        assert!(out.iter().all(|a| a.level == Rag::Amber));
        assert_eq!(
            out.into_iter().map(|a| a.text).collect::<Vec<_>>(),
            [
                "Digital ends 24/11/2022: 90 days (extend or re-procure C-1)",
                "C-1: decision on the 12-month extension due 27/08/2022: 1 day",
            ]
        );
    }

    #[test]
    fn an_assumed_split_over_several_years_is_named_with_its_year_range() {
        let phases = [Phase {
            id: 1,
            programme_id: 1,
            programme_code: "P".into(),
            code: "PH".into(),
            name: "Phase one".into(),
            status: DeliveryStatus::Active,
            officer: None,
            version: 1,
        }];
        let allocation = |status, first: i32, last: i32| Allocation {
            id: 1,
            programme_code: "P".into(),
            phase_code: "PH".into(),
            first_fy: fy(first),
            last_fy: fy(last),
            amount: m("3000000"),
            status,
            decision_reference: None,
            profile_assumed: true,
            profile: vec![],
            note: String::new(),
            status_date: None,
            status_reason: String::new(),
            version: 1,
        };
        let allocations = [
            allocation(AllocationStatus::Approved, 2022, 2024),
            allocation(AllocationStatus::Withdrawn, 2022, 2024),
            allocation(AllocationStatus::Approved, 2022, 2022),
        ];
        let out = run(&phases, &allocations, &[], &[]);
        assert_eq!(
            texts(out),
            [format!(
                "Phase one: {} over 2022-23 to 2024-25 is on an assumed even split: reprofile when known",
                m("3000000").short()
            )]
        );
    }

    #[test]
    fn a_milestone_past_its_baseline_is_amber_then_red_after_90_days() {
        let ms = |name: &str, baseline, actual| {
            crate::domain::milestone::example(name, baseline, None, actual)
        };
        let today = d(2022, 8, 26);
        let milestones = [
            // 26/08/2022 - 28/05/2022 = 3 (May) + 30 (Jun) + 31 (Jul) + 26 (Aug) = 90 days: Amber.
            ms("Design signed off", d(2022, 5, 28), None),
            // One day more, 91: Red.
            ms("Pilot", d(2022, 5, 27), None),
            // Due today: not yet past. Complete: never an alert.
            ms("Go-live", d(2022, 8, 26), None),
            ms("Contract signed", d(2022, 1, 1), Some(d(2022, 2, 1))),
        ];
        let got = milestone_alerts(&milestones, today);
        assert_eq!(
            got,
            vec![
                Alert {
                    level: Rag::Amber,
                    text: "Phase 1: milestone 'Design signed off' not complete, 90 days past its baseline of 28/05/2022".into()
                },
                Alert {
                    level: Rag::Red,
                    text: "Phase 1: milestone 'Pilot' not complete, 91 days past its baseline of 27/05/2022".into()
                },
            ]
        );
    }

    #[test]
    fn a_variance_beyond_the_comment_threshold_without_a_comment_is_an_amber_alert() {
        use crate::domain::cabinet::after_rag;
        use crate::domain::report::{PhaseFigures, build};
        // Revised 1,000,000, forecast 850,000: variance -150,000 (-15 %): beyond 10 % and
        // £100,000. With a comment, no alert.
        let f = PhaseFigures {
            programme_code: "P".into(),
            phase_code: "A".into(),
            phase_name: "Alpha".into(),
            original: m("1000000"),
            forecast: Some((m("850000"), Period::new(5).unwrap())),
            ..Default::default()
        };
        let r = build(
            fy(2022),
            Period::new(5).unwrap(),
            &[f],
            RagThresholds::default(),
        );
        let t = CommentThresholds::default();
        let mut out = vec![Alert {
            level: Rag::Red,
            text: "red first".into(),
        }];
        let none = after_rag(&r, None, &Default::default());
        add_missing_comment_alerts(&mut out, &r, &none, &t);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].level, Rag::Red);
        assert_eq!(
            out[1].text,
            "Alpha: variance -£150,000.00 in 2022-23 P5 needs a comment before the period can close"
        );
        let commented = after_rag(
            &r,
            None,
            &[(("P".to_string(), "A".to_string()), "why".to_string())]
                .into_iter()
                .collect(),
        );
        let mut out = Vec::new();
        add_missing_comment_alerts(&mut out, &r, &commented, &t);
        assert!(out.is_empty());
    }

    #[test]
    fn financing_alerts_a_gap_spend_on_projected_funding_and_a_grant_due_soon() {
        use crate::domain::financing::{
            ApprovedLine, FinancingOrder, FundingSource, PhaseFinancing, financing_statement,
        };
        let spend_by = d(2023, 2, 22);
        let grant = |id: i64, source: FundingSource| Funding {
            id,
            phase_id: 1,
            programme_code: "P".into(),
            phase_code: "A".into(),
            fy: fy(2022),
            source,
            amount: m("1000.00"),
            status: AllocationStatus::Approved,
            funder: Some("DfE".into()),
            spend_by: Some(spend_by),
            decision_reference: None,
            note: String::new(),
            version: 1,
        };
        let lines = [
            grant(1, FundingSource::Grant),
            grant(2, FundingSource::Borrowing),
        ];
        let approved: Vec<ApprovedLine> = lines
            .iter()
            .map(|l| ApprovedLine {
                id: l.id,
                source: l.source,
                amount: l.amount,
                spend_by: l.spend_by,
            })
            .collect();
        let phases = [
            // A: revised 2,500 against 2,000 approved: gap 500. Spent 400, all from the grant:
            // 600 of it unapplied, due 22/02/2023, 180 days after 26/08/2022.
            PhaseFinancing {
                programme_code: "P".into(),
                phase_code: "A".into(),
                phase_name: "Scheme A".into(),
                revised: m("2500.00"),
                actual_to_date: m("400.00"),
                approved,
                in_report: true,
                ..Default::default()
            },
            // B: £10.00 spent, its only funding projected.
            PhaseFinancing {
                programme_code: "P".into(),
                phase_code: "B".into(),
                phase_name: "Scheme B".into(),
                actual_to_date: m("10.00"),
                projected: m("50.00"),
                in_report: true,
                ..Default::default()
            },
        ];
        let s = financing_statement(
            fy(2022),
            Period::new(5).unwrap(),
            &phases,
            &FinancingOrder::default(),
        );
        let out = financing_alerts(d(2022, 8, 26), &s, &[], &lines);
        assert_eq!(
            out.iter()
                .map(|a| (a.level, a.text.as_str()))
                .collect::<Vec<_>>(),
            [
                (
                    Rag::Red,
                    "Scheme B: £10.00 spent in 2022-23 on funding that is only projected (£50.00 not yet approved)"
                ),
                (
                    Rag::Amber,
                    "Scheme A: funding gap of £500.00 in 2022-23 (revised budget £2,500.00, approved funding £2,000.00)"
                ),
                (
                    Rag::Amber,
                    "Scheme A: £600.00 of the DfE grant £1,000.00 for 2022-23 unapplied, to be spent by 22/02/2023: 180 days"
                ),
            ]
        );
        // A day earlier the grant is 181 days away: no spend-by alert.
        let out = financing_alerts(d(2022, 8, 25), &s, &[], &lines);
        assert_eq!(out.len(), 2);
    }
}
