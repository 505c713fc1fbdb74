//! The demo programmes from the seed documents (`data/*.toml`), embedded in the binary and loaded
//! through the same parsers and store functions as the command line, in one transaction.

use crate::store::Handle;
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::calendar::parse_date;
use crate::domain::model::*;
use crate::domain::{FinancialYear, Money, Period};
use crate::store::entities::{self as e, *};
use crate::store::{Result, StoreError};

/// The demo files, in load order.
pub const DEMO_FILES: &[(&str, &str)] = &[
    (
        "data/wolverhampton.toml",
        include_str!("../../data/wolverhampton.toml"),
    ),
    ("data/wirral.toml", include_str!("../../data/wirral.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    programme: ProgrammeIn,
    #[serde(default)]
    phases: Vec<PhaseIn>,
    #[serde(default)]
    decisions: Vec<DecisionIn>,
    #[serde(default)]
    frameworks: Vec<FrameworkIn>,
    #[serde(default)]
    allocations: Vec<AllocationIn>,
    #[serde(default)]
    contracts: Vec<ContractIn>,
    #[serde(default)]
    actuals: Vec<ActualIn>,
    #[serde(default)]
    forecasts: Vec<ForecastIn>,
    #[serde(default)]
    changes: Vec<ChangeIn>,
    #[serde(default)]
    benefits: Vec<BenefitIn>,
    #[serde(default)]
    milestones: Vec<MilestoneIn>,
    #[serde(default)]
    funding: Vec<FundingIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgrammeIn {
    code: String,
    name: String,
    organisation: String,
    status: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhaseIn {
    code: String,
    name: String,
    status: String,
    officer: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionIn {
    reference: String,
    body: String,
    date: String,
    item: Option<String>,
    key_decision: bool,
    call_in: bool,
    outcome: String,
    link: Option<String>,
    summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkIn {
    name: String,
    reference: String,
    planned_end: Option<String>,
    actual_end: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllocationIn {
    phase: String,
    fy: String,
    to_fy: Option<String>,
    amount: String,
    status: String,
    decision: Option<String>,
    profile: Option<BTreeMap<String, String>>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtensionIn {
    months: u32,
    value: Option<String>,
    decision_due: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContractIn {
    reference: String,
    title: String,
    supplier: String,
    phase: String,
    framework: Option<String>,
    value: String,
    start: String,
    term_months: u32,
    award_decision: Option<String>,
    #[serde(default)]
    extensions: Vec<ExtensionIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActualIn {
    date: String,
    phase: String,
    contract: Option<String>,
    supplier: String,
    description: String,
    reference: String,
    amount: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ForecastIn {
    phase: String,
    fy: String,
    as_at: String,
    amount: String,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeIn {
    kind: String,
    phase: String,
    fy: String,
    amount: String,
    effective: String,
    status: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BenefitIn {
    phase: Option<String>,
    description: String,
    kind: String,
    owner: String,
    targets: BTreeMap<String, String>,
    #[serde(default)]
    realised: Vec<RealisedIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RealisedIn {
    fy: String,
    as_at: String,
    realised: String,
    forecast: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MilestoneIn {
    phase: String,
    name: String,
    baseline: String,
    forecast: Option<String>,
    actual: Option<String>,
}

/// A funding line (all illustrative: the seeds do not say how the money is financed).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FundingIn {
    phase: String,
    fy: String,
    source: String,
    amount: String,
    status: String,
    funder: Option<String>,
    spend_by: Option<String>,
    note: Option<String>,
}

fn bad(file: &str, field: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::invalid(format!("{file}: {field}"), e.to_string())
}

/// Loads one demo file's text (already inside the caller's transaction).
pub fn load_text(conn: &impl Handle, name: &str, text: &str) -> Result<()> {
    let conn = conn.books();
    let f: File = toml::from_str(text).map_err(|e| bad(name, "toml", e))?;
    let money = |field: &str, s: &str| Money::parse(s).map_err(|e| bad(name, field, e));
    let date = |field: &str, s: &str| parse_date(s).map_err(|e| bad(name, field, e));
    let fy = |field: &str, s: &str| FinancialYear::parse(s).map_err(|e| bad(name, field, e));
    let status = |s: &str| DeliveryStatus::parse(s).map_err(|e| bad(name, "status", e));

    let pid = add_programme(
        conn,
        &NewProgramme {
            code: f.programme.code.clone(),
            name: f.programme.name,
            organisation: f.programme.organisation,
            status: status(&f.programme.status)?,
        },
    )?;
    let code = f.programme.code;
    let phase = |c: &str| e::phase_ref(conn, Some(&code), c).map(|p| p.id);
    for p in f.phases {
        add_phase(
            conn,
            &NewPhase {
                programme_id: pid,
                code: p.code,
                name: p.name,
                status: status(&p.status)?,
                officer: p.officer,
            },
        )?;
    }
    for d in f.decisions {
        add_decision(
            conn,
            &NewDecision {
                reference: d.reference,
                programme_id: Some(pid),
                body: d.body,
                date: date("decision date", &d.date)?,
                item: d.item,
                key_decision: d.key_decision,
                call_in: d.call_in,
                outcome: d.outcome,
                link: d.link,
                summary: d.summary,
            },
        )?;
    }
    for fw in f.frameworks {
        add_framework(
            conn,
            &NewFramework {
                name: fw.name,
                reference: fw.reference,
                planned_end: fw
                    .planned_end
                    .map(|s| date("planned_end", &s))
                    .transpose()?,
                actual_end: fw.actual_end.map(|s| date("actual_end", &s)).transpose()?,
            },
        )?;
    }
    for a in f.allocations {
        let first = fy("fy", &a.fy)?;
        let profile = match a.profile {
            Some(p) => Some(
                p.iter()
                    .map(|(y, m)| Ok((fy("profile", y)?, money("profile", m)?)))
                    .collect::<Result<Vec<_>>>()?,
            ),
            None => None,
        };
        add_allocation(
            conn,
            &NewAllocation {
                phase_id: phase(&a.phase)?,
                first_fy: first,
                last_fy: a
                    .to_fy
                    .map(|s| fy("to_fy", &s))
                    .transpose()?
                    .unwrap_or(first),
                amount: money("amount", &a.amount)?,
                status: AllocationStatus::parse(&a.status).map_err(|e| bad(name, "status", e))?,
                decision_id: a.decision.map(|d| decision_id(conn, &d)).transpose()?,
                profile,
                note: a.note.unwrap_or_default(),
            },
        )?;
    }
    for l in f.funding {
        add_funding(
            conn,
            &NewFunding {
                phase_id: phase(&l.phase)?,
                fy: fy("fy", &l.fy)?,
                source: crate::domain::financing::FundingSource::parse(&l.source)
                    .map_err(|e| bad(name, "source", e))?,
                amount: money("amount", &l.amount)?,
                status: AllocationStatus::parse(&l.status).map_err(|e| bad(name, "status", e))?,
                funder: l.funder,
                spend_by: l.spend_by.map(|s| date("spend_by", &s)).transpose()?,
                decision_id: None,
                note: l.note.unwrap_or_default(),
            },
        )?;
    }
    for c in f.contracts {
        let extensions = c
            .extensions
            .iter()
            .map(|x| {
                Ok(NewExtension {
                    months: x.months,
                    value: x
                        .value
                        .as_deref()
                        .map(|v| money("value", v))
                        .transpose()?
                        .unwrap_or(Money::ZERO),
                    decision_due: x
                        .decision_due
                        .as_deref()
                        .map(|d| date("decision_due", d))
                        .transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        add_contract(
            conn,
            &NewContract {
                reference: c.reference,
                title: c.title,
                supplier: c.supplier,
                phase_id: phase(&c.phase)?,
                framework_id: c.framework.map(|f| framework_id(conn, &f)).transpose()?,
                value: money("value", &c.value)?,
                start: date("start", &c.start)?,
                term_months: c.term_months,
                award_decision_id: c
                    .award_decision
                    .map(|d| decision_id(conn, &d))
                    .transpose()?,
                extensions,
                profile: Vec::new(),
            },
        )?;
    }
    for a in f.actuals {
        add_actual(
            conn,
            &NewActual {
                phase_id: phase(&a.phase)?,
                contract_id: a
                    .contract
                    .map(|c| contract_ref(conn, &c).map(|r| r.0))
                    .transpose()?,
                date: date("date", &a.date)?,
                supplier: a.supplier,
                description: a.description,
                reference: a.reference,
                amount: money("amount", &a.amount)?,
            },
        )?;
    }
    for fc in f.forecasts {
        set_forecast(
            conn,
            &NewForecast {
                phase_id: phase(&fc.phase)?,
                fy: fy("fy", &fc.fy)?,
                as_at: Period::parse(&fc.as_at).map_err(|e| bad(name, "as_at", e))?,
                amount: money("amount", &fc.amount)?,
                note: fc.note.unwrap_or_default(),
            },
        )?;
    }
    for ch in f.changes {
        let kind = ChangeKind::parse(&ch.kind).map_err(|e| bad(name, "kind", e))?;
        let side = Some((phase(&ch.phase)?, fy("fy", &ch.fy)?));
        let (from, to) = match kind {
            ChangeKind::Reduction => (side, None),
            _ => (None, side),
        };
        add_change(
            conn,
            &NewChange {
                kind,
                amount: money("amount", &ch.amount)?,
                from,
                to,
                effective: date("effective", &ch.effective)?,
                status: ChangeStatus::parse(&ch.status).map_err(|e| bad(name, "status", e))?,
                decision_id: None,
                reason: ch.reason,
            },
        )?;
    }
    for b in f.benefits {
        let id = add_benefit(
            conn,
            &NewBenefit {
                programme_id: pid,
                phase_id: b.phase.as_deref().map(&phase).transpose()?,
                description: b.description,
                kind: crate::domain::benefit::BenefitKind::parse(&b.kind)
                    .map_err(|e| bad(name, "kind", e))?,
                owner: b.owner,
                targets: b
                    .targets
                    .iter()
                    .map(|(y, m)| Ok((fy("targets", y)?, money("targets", m)?)))
                    .collect::<Result<Vec<_>>>()?,
            },
        )?;
        for r in b.realised {
            set_realisation(
                conn,
                &NewRealisation {
                    benefit_id: id,
                    fy: fy("fy", &r.fy)?,
                    as_at: Period::parse(&r.as_at).map_err(|e| bad(name, "as_at", e))?,
                    realised: money("realised", &r.realised)?,
                    forecast: money("forecast", &r.forecast)?,
                },
            )?;
        }
    }
    for m in f.milestones {
        let id = add_milestone(
            conn,
            &NewMilestone {
                phase_id: phase(&m.phase)?,
                name: m.name,
                baseline: date("baseline", &m.baseline)?,
                forecast: m.forecast.map(|s| date("forecast", &s)).transpose()?,
                status: crate::domain::milestone::MilestoneStatus::InProgress,
            },
        )?;
        if let Some(actual) = m.actual {
            complete_milestone(conn, id, None, date("actual", &actual)?)?;
        }
    }
    Ok(())
}

/// Loads every demo file (inside the caller's transaction).
pub fn load_all(conn: &impl Handle) -> Result<()> {
    let conn = conn.books();
    for (name, text) in DEMO_FILES {
        load_text(conn, name, text)?;
    }
    Ok(())
}
