//! The writes of the records figures rest on: adding, editing and deleting programmes, phases,
//! decisions, frameworks and contracts; adding, editing and completing milestones; adding,
//! editing, withdrawing and realising benefits. Each calls the operation the command line calls
//! (inside the caller's one audited transaction) and says how to undo it where that is
//! safe: an add by deleting the record (the store refuses while anything refers to it), a delete
//! by adding the same values back, an edit by editing back to the values as read.

use crate::store::engine::sql::Sql;

use crate::domain::benefit::BenefitStatus;
use crate::domain::milestone::MilestoneStatus;
use crate::domain::model::Contract;
use crate::error::Field;
use crate::ops::records::{
    BenefitValues, ContractValues, DecisionValues, ExtensionValues, FrameworkValues,
    MilestoneValues, PhaseValues, ProgrammeValues, RecordOp, Values,
};
use crate::ops::register::{self, Which};
use crate::ops::step::{Step, UndoStep};
use crate::ops::{benefit, contract, milestone};
use crate::store::entities as e;
use crate::store::{self, StoreError};

type Out = store::Result<(String, Option<UndoStep>)>;

fn step(what: String, op: RecordOp) -> Option<UndoStep> {
    Some(UndoStep {
        what,
        op: Step::Record(Box::new(op)),
    })
}

/// Empty text as None.
fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `PROG/PHASE` (or `PHASE`) as the programme and the phase's code.
fn phase_parts(text: &str) -> (Option<String>, String) {
    match text.split_once('/') {
        Some((p, c)) => (Some(p.trim().to_string()), c.trim().to_string()),
        None => (None, text.trim().to_string()),
    }
}

/// Applies `op`. A record someone else deleted since it was read is said to be gone.
pub(super) fn apply(conn: &impl Sql, op: &RecordOp) -> Out {
    apply_op(conn, op).map_err(|err| match (err, op) {
        (err, RecordOp::Edit { id, values, .. } | RecordOp::Delete { id, values, .. })
            if err.is_missing_row() =>
        {
            gone(values.kind(), *id)
        }
        (err, _) if err.is_missing_row() => {
            StoreError::Refused("that record is no longer there: someone else deleted it".into())
        }
        (err, _) => err,
    })
}

fn apply_op(conn: &impl Sql, op: &RecordOp) -> Out {
    match op {
        RecordOp::Add(values) => add(conn, values),
        RecordOp::Edit {
            id,
            version,
            values,
        } => edit(conn, *id, *version, values),
        RecordOp::Delete {
            id,
            version,
            values,
        } => delete(conn, *id, *version, values),
        RecordOp::CompleteMilestone {
            id,
            version,
            actual,
        } => {
            let before = e::get_milestone(conn, *id)?;
            let after = milestone::complete_in(conn, *id, Some(*version), *actual)?;
            Ok((
                format!(
                    "Milestone {} completed on {}: slippage {} days, {}",
                    after.name,
                    crate::domain::calendar::uk_date(*actual),
                    after.slippage_days(),
                    after.rag().label()
                ),
                step(
                    format!("completing milestone {}", after.name),
                    RecordOp::Edit {
                        id: *id,
                        version: Some(after.version),
                        values: Values::Milestone(milestone_values(&before)),
                    },
                ),
            ))
        }
        RecordOp::WithdrawBenefit {
            id,
            version,
            description,
        } => {
            benefit::withdraw_in(conn, *id, *version)?;
            Ok((
                format!(
                    "Withdrew benefit {id} ({description}): kept and audited, left out of lists and reports"
                ),
                None,
            ))
        }
        RecordOp::Realise {
            id,
            fy,
            as_at,
            realised,
            forecast,
        } => {
            let b = e::get_benefit(conn, *id)?;
            let earlier = e::list_realisations(conn, None, Some(*fy))?
                .into_iter()
                .find(|r| r.benefit_id == *id && r.as_at == *as_at);
            benefit::realise_in(
                conn,
                &e::NewRealisation {
                    benefit_id: *id,
                    fy: *fy,
                    as_at: *as_at,
                    realised: *realised,
                    forecast: *forecast,
                },
            )?;
            let what = format!("benefit {id} {} as at {}", fy.label(), as_at.label());
            let undo = earlier.map(|r| UndoStep {
                what: format!("the realisation of {what}"),
                op: Step::Record(Box::new(RecordOp::Realise {
                    id: *id,
                    fy: *fy,
                    as_at: *as_at,
                    realised: r.realised,
                    forecast: r.forecast,
                })),
            });
            let tail = if undo.is_some() {
                " (replacing the earlier entry; u puts it back)"
            } else {
                " (a first entry: u cannot remove it; enter the period again to correct it)"
            };
            Ok((
                format!(
                    "Benefit {id} ({}): realised {} in {} to the end of {}, a further {} forecast (expected {}){tail}",
                    b.description,
                    realised.full(),
                    fy.label(),
                    as_at.label(),
                    forecast.full(),
                    (*realised + *forecast).full()
                ),
                undo,
            ))
        }
    }
}

fn add(conn: &impl Sql, values: &Values) -> Out {
    let id = match values {
        Values::Programme(v) => register::add_programme_in(
            conn,
            &e::NewProgramme {
                code: v.code.clone(),
                name: v.name.clone(),
                organisation: v.organisation.clone(),
                status: v.status,
            },
        )?,
        Values::Phase(v) => register::add_phase_in(
            conn,
            &register::NewPhase {
                programme: v.programme.clone(),
                code: v.code.clone(),
                name: v.name.clone(),
                status: v.status,
                officer: opt(&v.officer),
            },
        )?,
        Values::Decision(v) => register::add_decision_in(
            conn,
            &register::NewDecision {
                reference: v.reference.clone(),
                programme: opt(&v.programme),
                body: v.body.clone(),
                date: v.date,
                item: opt(&v.item),
                key_decision: v.key_decision,
                call_in: v.call_in,
                outcome: v.outcome.clone(),
                link: opt(&v.link),
                summary: v.summary.clone(),
            },
        )?,
        Values::Framework(v) => register::add_framework_in(
            conn,
            &e::NewFramework {
                name: v.name.clone(),
                reference: v.reference.clone(),
                planned_end: v.planned_end,
                actual_end: v.actual_end,
            },
        )?,
        Values::Contract(v) => {
            let (programme, phase) = phase_parts(&v.phase);
            contract::add_in(
                conn,
                &contract::NewContract {
                    reference: v.reference.clone(),
                    title: v.title.clone(),
                    supplier: v.supplier.clone(),
                    programme,
                    phase,
                    framework: opt(&v.framework),
                    value: v.value,
                    start: v.start,
                    term_months: v.term_months,
                    award_decision: opt(&v.award_decision),
                    extensions: v.extensions.clone(),
                    profile: v.profile.clone(),
                },
            )?
        }
        Values::Milestone(v) => {
            let (programme, phase) = phase_parts(&v.phase);
            milestone::add_in(
                conn,
                &milestone::NewMilestone {
                    programme,
                    phase,
                    name: v.name.clone(),
                    baseline: v.baseline,
                    forecast: v.forecast,
                    status: v.status,
                },
            )?
            .id
        }
        Values::Benefit(v) => benefit::add_in(
            conn,
            &benefit::NewBenefit {
                programme: v.programme.clone(),
                phase: opt(&v.phase),
                description: v.description.clone(),
                kind: v.kind,
                owner: v.owner.clone(),
                targets: v.targets.clone(),
            },
        )?,
    };
    let (kind, name) = (values.kind(), values.name());
    let what = format!("adding {kind} {name}");
    let undo = match values {
        // The store keeps every milestone: there is no delete to undo an add with.
        Values::Milestone(_) => None,
        // A benefit is never deleted: an add is undone by withdrawing it.
        Values::Benefit(_) => step(
            what,
            RecordOp::WithdrawBenefit {
                id,
                version: None,
                description: name.clone(),
            },
        ),
        _ => step(
            what,
            RecordOp::Delete {
                id,
                version: None,
                values: values.clone(),
            },
        ),
    };
    let tail = match values {
        Values::Milestone(_) => {
            " (a milestone cannot be deleted: u cannot undo this; edit it with E)"
        }
        _ => "",
    };
    Ok((format!("Added {kind} {name} (id {id}){tail}"), undo))
}

fn edit(conn: &impl Sql, id: i64, version: Option<i64>, values: &Values) -> Out {
    let (before, after_version) = match values {
        Values::Programme(v) => {
            let before = programme_values(conn, id)?;
            let after = register::edit_programme_in(
                conn,
                Which::Id(id),
                version,
                &e::ProgrammeEdit {
                    code: Some(v.code.clone()),
                    name: Some(v.name.clone()),
                    organisation: Some(v.organisation.clone()),
                    status: Some(v.status),
                },
            )?;
            (Values::Programme(before), after.version)
        }
        Values::Phase(v) => {
            let before = phase_values(&e::get_phase(conn, id)?);
            let after = register::edit_phase_in(
                conn,
                Which::Id(id),
                version,
                &e::PhaseEdit {
                    code: Some(v.code.clone()),
                    name: Some(v.name.clone()),
                    status: Some(v.status),
                    officer: Some(v.officer.clone()),
                },
            )?;
            (Values::Phase(before), after.version)
        }
        Values::Decision(v) => {
            let before = decision_values(conn, id)?;
            let after = register::edit_decision_in(
                conn,
                Which::Id(id),
                version,
                &e::DecisionEdit {
                    reference: Some(v.reference.clone()),
                    body: Some(v.body.clone()),
                    date: Some(v.date),
                    item: Some(v.item.clone()),
                    key_decision: Some(v.key_decision),
                    call_in: Some(v.call_in),
                    outcome: Some(v.outcome.clone()),
                    link: Some(v.link.clone()),
                    summary: Some(v.summary.clone()),
                },
            )?;
            (Values::Decision(before), after.version)
        }
        Values::Framework(v) => {
            let before = framework_values(conn, id)?;
            let after = register::edit_framework_in(
                conn,
                Which::Id(id),
                version,
                &e::FrameworkEdit {
                    name: Some(v.name.clone()),
                    reference: Some(v.reference.clone()),
                    planned_end: Some(v.planned_end),
                    actual_end: Some(v.actual_end),
                },
            )?;
            (Values::Framework(before), after.version)
        }
        Values::Contract(v) => {
            let before = contract_values(conn, &e::get_contract(conn, id)?)?;
            let after = contract::edit_in(
                conn,
                Which::Id(id),
                version,
                &contract::ContractChange {
                    title: Some(v.title.clone()),
                    supplier: Some(v.supplier.clone()),
                    framework: Some(opt(&v.framework)),
                    award_decision: Some(opt(&v.award_decision)),
                },
            )?;
            (Values::Contract(before), after.version)
        }
        Values::Milestone(v) => return edit_milestone(conn, id, version, v),
        Values::Benefit(v) => {
            let before = benefit_values(&e::get_benefit(conn, id)?);
            let after = benefit::edit_in(
                conn,
                id,
                version,
                &benefit::BenefitChange {
                    phase: Some(opt(&v.phase)),
                    description: Some(v.description.clone()),
                    kind: Some(v.kind),
                    owner: Some(v.owner.clone()),
                    targets: Some(v.targets.clone()),
                },
            )?;
            (Values::Benefit(before), after.version)
        }
    };
    let (kind, name) = (values.kind(), values.name());
    Ok((
        format!("Saved {kind} {name} (version {after_version})"),
        step(
            format!("editing {kind} {name}"),
            RecordOp::Edit {
                id,
                version: Some(after_version),
                values: before,
            },
        ),
    ))
}

/// A milestone's status is set only when it changes (setting it reopens a completed one); a
/// completed milestone reopened by mistake is undone by completing it again on its date.
fn edit_milestone(conn: &impl Sql, id: i64, version: Option<i64>, v: &MilestoneValues) -> Out {
    let before = e::get_milestone(conn, id)?;
    let after = milestone::edit_in(
        conn,
        id,
        version,
        &e::MilestoneEdit {
            name: Some(v.name.clone()),
            baseline: Some(v.baseline),
            forecast: Some(v.forecast),
            status: (v.status != before.status).then_some(v.status),
        },
    )?;
    let what = format!("editing milestone {}", after.name);
    let back = RecordOp::Edit {
        id,
        version: Some(after.version),
        values: Values::Milestone(milestone_values(&before)),
    };
    let undo = match (before.status, before.actual) {
        (MilestoneStatus::Complete, Some(actual)) if after.status != MilestoneStatus::Complete => {
            // Reopened: undone by completing it again (then `u` cannot restore the other fields).
            step(
                what,
                RecordOp::CompleteMilestone {
                    id,
                    version: after.version,
                    actual,
                },
            )
        }
        _ => step(what, back),
    };
    Ok((
        format!(
            "Saved milestone {}: baseline {}, slippage {} days, {}",
            after.name,
            crate::domain::calendar::uk_date(after.baseline),
            after.slippage_days(),
            after.rag().label()
        ),
        undo,
    ))
}

fn delete(conn: &impl Sql, id: i64, version: Option<i64>, values: &Values) -> Out {
    // The values as they are now (what an undo adds back).
    let (now, tail) = match values {
        Values::Programme(_) => {
            let v = programme_values(conn, id)?;
            register::delete_programme_in(conn, Which::Id(id), version)?;
            (Some(Values::Programme(v)), "")
        }
        Values::Phase(_) => {
            let v = phase_values(&e::get_phase(conn, id)?);
            register::delete_phase_in(conn, Which::Id(id), version)?;
            (Some(Values::Phase(v)), "")
        }
        Values::Decision(_) => {
            let v = decision_values(conn, id)?;
            register::delete_decision_in(conn, Which::Id(id), version)?;
            (Some(Values::Decision(v)), "")
        }
        Values::Framework(_) => {
            let v = framework_values(conn, id)?;
            register::delete_framework_in(conn, Which::Id(id), version)?;
            (Some(Values::Framework(v)), "")
        }
        Values::Contract(_) => {
            let c = e::get_contract(conn, id)?;
            let v = contract_values(conn, &c)?;
            contract::delete_in(conn, Which::Id(id), version)?;
            // Variations and exercised options are not added back by `contract add`.
            if c.variations.is_empty() && c.extensions.iter().all(|x| !x.exercised) {
                (Some(Values::Contract(v)), "")
            } else {
                (
                    None,
                    " (it had variations or exercised options: u cannot add it back)",
                )
            }
        }
        Values::Milestone(_) | Values::Benefit(_) => {
            return Err(StoreError::Refused(format!(
                "a {} cannot be deleted: {}",
                values.kind(),
                if matches!(values, Values::Benefit(_)) {
                    "withdraw it with W"
                } else {
                    "edit it with E"
                }
            )));
        }
    };
    let (kind, name) = (values.kind(), values.name());
    Ok((
        format!("Deleted {kind} {name}{tail}"),
        now.and_then(|v| step(format!("deleting {kind} {name}"), RecordOp::Add(v))),
    ))
}

fn programme_values(conn: &impl Sql, id: i64) -> store::Result<ProgrammeValues> {
    let p = e::list_programmes(conn)?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| gone("programme", id))?;
    Ok(ProgrammeValues {
        code: p.code,
        name: p.name,
        organisation: p.organisation,
        status: p.status,
    })
}

fn gone(what: &'static str, id: i64) -> StoreError {
    StoreError::NotFound {
        field: Field::Id,
        what,
        value: id.to_string(),
        hint: ": someone else deleted it".into(),
    }
}

/// A phase's values as read.
pub fn phase_values(p: &crate::domain::model::Phase) -> PhaseValues {
    PhaseValues {
        programme: p.programme_code.clone(),
        code: p.code.clone(),
        name: p.name.clone(),
        status: p.status,
        officer: p.officer.clone().unwrap_or_default(),
    }
}

fn decision_values(conn: &impl Sql, id: i64) -> store::Result<DecisionValues> {
    let d = e::list_decisions(conn)?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| gone("decision", id))?;
    Ok(DecisionValues {
        reference: d.reference,
        programme: d.programme_code.unwrap_or_default(),
        body: d.body,
        date: d.date,
        item: d.item.unwrap_or_default(),
        key_decision: d.key_decision,
        call_in: d.call_in,
        outcome: d.outcome,
        link: d.link.unwrap_or_default(),
        summary: d.summary,
    })
}

fn framework_values(conn: &impl Sql, id: i64) -> store::Result<FrameworkValues> {
    let f = e::list_frameworks(conn)?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| gone("framework", id))?;
    Ok(FrameworkValues {
        name: f.name,
        reference: f.reference,
        planned_end: f.planned_end,
        actual_end: f.actual_end,
    })
}

fn contract_values(conn: &impl Sql, c: &Contract) -> store::Result<ContractValues> {
    Ok(ContractValues {
        reference: c.reference.clone(),
        title: c.title.clone(),
        supplier: c.supplier.clone(),
        phase: format!("{}/{}", c.programme_code, c.phase_code),
        framework: c.framework.clone().unwrap_or_default(),
        value: c.original_value,
        start: c.start,
        term_months: c.term_months,
        award_decision: c.award_decision_reference.clone().unwrap_or_default(),
        extensions: c
            .extensions
            .iter()
            .map(|x| ExtensionValues {
                months: x.months,
                value: x.value,
                due: x.decision_due,
            })
            .collect(),
        profile: e::contract_explicit_profile(conn, c.id)?,
    })
}

/// A milestone's values as read.
pub fn milestone_values(m: &crate::domain::milestone::Milestone) -> MilestoneValues {
    MilestoneValues {
        phase: format!("{}/{}", m.programme_code, m.phase_code),
        name: m.name.clone(),
        baseline: m.baseline,
        forecast: m.forecast,
        status: m.status,
    }
}

/// A benefit's values as read.
pub fn benefit_values(b: &crate::domain::benefit::Benefit) -> BenefitValues {
    BenefitValues {
        programme: b.programme_code.clone(),
        phase: b.phase_code.clone().unwrap_or_default(),
        description: b.description.clone(),
        kind: b.kind,
        owner: b.owner.clone(),
        targets: b.targets.iter().map(|t| (t.fy, t.amount)).collect(),
    }
}

/// True for a benefit that can still be changed.
pub fn benefit_open(b: &crate::domain::benefit::Benefit) -> bool {
    b.status != BenefitStatus::Withdrawn
}
