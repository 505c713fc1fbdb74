//! The dashboard alerts of DOMAIN.md, worked out from what the store loaded: over budget, spend
//! against a projected allocation, a framework ending soon, an extension decision due, an assumed
//! profile, a contract value raised by more than 10 %. Pure: no database, `today` passed in.

use chrono::NaiveDate;

use super::app::Alert;
use crate::domain::calendar::uk_date;
use crate::domain::model::{Allocation, AllocationStatus, Contract, Framework, Phase};
use crate::domain::report::{Rag, Report, RowKind, percent, percent_text};

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
        // A rise of more than 10 % over the award value: exact comparison, value x 10 > award x 11.
        let raised = c.value - c.original_value;
        if !c.original_value.is_zero()
            && c.value.pence() as i128 * 10 > c.original_value.pence() as i128 * 11
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
                "{name}: {} over {} to {} is on an assumed even split: reprofile when known",
                a.amount.short(),
                a.first_fy.label(),
                a.last_fy.label()
            ),
        });
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.level));
    out
}
