//! Runs the effects `App::update` asks for (loads, writes, exports) against the database and
//! turns each outcome into an action. Every write is one transaction; a failure becomes an
//! [`Action::Failed`] (or [`Action::FormRejected`] for a form), never a panic or a half-write.

use std::path::Path;

use chrono::NaiveDate;

use super::action::{Action, Effect, Loaded, WriteOp};

/// The Audit screen shows at most this many events (the newest the filter selects).
pub const AUDIT_LIMIT: usize = 2000;
pub use super::export::{export, is_workbook};
use super::state::{BudgetData, Figures, Register, StartAt, Tree, YearBar};
use crate::domain::model::{AllocationStatus, ChangeStatus};
use crate::domain::{FinancialYear, Period};
use crate::error::{Fix, Records};
use crate::ops::browse::{self, ActualsPage};
use crate::ops::dashboard::{self, DecisionRegister, FiguresRequest};
pub use crate::ops::resolve_phase;
use crate::ops::types::{ActualFilter, AuditFilter, Field, PageRequest, StoreError};

fn failed(title: &str, err: impl std::fmt::Display) -> Action {
    Action::Failed {
        title: title.to_string(),
        lines: vec![err.to_string()],
    }
}

/// Runs one effect.
pub fn run(
    conn: &mut impl crate::ops::Store,
    today: NaiveDate,
    effect: Effect,
    progress: &mut dyn FnMut(u64, u64),
) -> Action {
    let r = match effect {
        Effect::LoadFigures { fy, period, chart } => load_figures(conn, today, fy, period, chart)
            .map(|f| Action::Loaded(Loaded::Figures(Box::new(f)))),
        Effect::LoadTree => load_tree(conn).map(|t| Action::Loaded(Loaded::Tree(t))),
        Effect::LoadPhase {
            phase_id,
            fy,
            period,
            row,
        } => dashboard::phase_detail(conn, phase_id, (fy, period), row.map(|r| *r), today)
            .map(|p| Action::Loaded(Loaded::Phase(Box::new(p)))),
        Effect::LoadDecisions => load_register(conn).map(|r| Action::Loaded(Loaded::Decisions(r))),
        Effect::LoadBudget { fy, period } => {
            dashboard::budget_year(conn, today, fy, period).map(|b| {
                Action::Loaded(Loaded::Budget(BudgetData {
                    fy,
                    allocations: b.allocations,
                    changes: b.changes,
                    funding: b.funding,
                    financing: Some(b.financing),
                }))
            })
        }
        Effect::LoadContracts => {
            dashboard::contracts(conn, today).map(|c| Action::Loaded(Loaded::Contracts(c)))
        }
        Effect::LoadFrameworks => {
            dashboard::frameworks(conn).map(|f| Action::Loaded(Loaded::Frameworks(f)))
        }
        Effect::LoadAudit { shown } => browse::audit_events(
            conn,
            &AuditFilter {
                limit: Some(AUDIT_LIMIT),
                // The stored name of the kind asked for ("budget changes" is `budget_change`);
                // the screen filters the rest (user, local dates) as it takes the events.
                entity: shown.kind.as_ref().map(|k| {
                    let k = k.trim().to_lowercase().replace(' ', "_");
                    k.strip_suffix('s').map(str::to_string).unwrap_or(k)
                }),
                // A day early: the stamps are UTC and the dates local.
                since: shown.from.and_then(|d| d.pred_opt()),
            },
        )
        .map(|events| Action::Loaded(Loaded::Audit { shown, events })),
        Effect::LoadActuals {
            filter,
            request,
            start,
            count,
        } => browse::actuals_page(conn, filter, (request, start), count).map(actuals(false)),
        Effect::LoadMovement { fy, from, to } => crate::ops::movement::bridge(conn, fy, from, to)
            .map(|m| Action::Loaded(Loaded::Movement(Box::new(m)))),
        Effect::CompletePath { field, text } => {
            return Action::PathCompleted {
                field,
                text: super::complete::complete(&text),
            };
        }
        Effect::CompleteProfile { field, text } => {
            let names: Vec<String> = crate::ops::import::list_profiles(conn)
                .map(|all| all.into_iter().map(|p| p.name).collect())
                .unwrap_or_default();
            return Action::PathCompleted {
                field,
                text: super::form::next_profile(&names, &text),
            };
        }
        Effect::LoadBatches => {
            browse::import_batches(conn).map(|b| Action::Loaded(Loaded::Batches(b)))
        }
        Effect::ApplyFilter {
            fy,
            period,
            to_period,
            phase,
            contract,
            supplier,
            text,
            sort,
        } => {
            let contract_id = if contract.trim().is_empty() {
                None
            } else {
                match browse::contract_id(conn, contract.trim()) {
                    Ok(id) => Some(id),
                    Err(err) => {
                        return Action::FormRejected {
                            field: 3,
                            message: err.to_string(),
                        };
                    }
                }
            };
            let phase_id = if phase.trim().is_empty() {
                None
            } else {
                match resolve_phase(conn, &phase) {
                    Ok(id) => Some(id),
                    Err(err) => {
                        return Action::FormRejected {
                            field: 2,
                            message: err.to_string(),
                        };
                    }
                }
            };
            let filter = ActualFilter {
                fy,
                period,
                to_period,
                phase_id,
                contract_id,
                supplier: Some(supplier.trim().to_string()).filter(|s| !s.is_empty()),
                text: Some(text.trim().to_string()).filter(|s| !s.is_empty()),
                programme_id: None,
                sort,
            };
            let first = (PageRequest::First, StartAt::At(0));
            browse::actuals_page(conn, filter, first, true).map(actuals(true))
        }
        Effect::Export {
            path,
            what,
            replace,
        } => return super::export::run(conn, path, what, replace),
        Effect::SortActuals {
            filter,
            keep,
            height,
        } => browse::sort(conn, filter, keep, height).map(actuals(false)),
        Effect::ReloadSortedActuals { filter, held, top } => {
            browse::reload_sorted(conn, filter, held, top).map(actuals(false))
        }
        Effect::LoadActualIds { filter, start, ids } => {
            browse::actuals_by_ids(conn, filter, start, &ids).map(actuals(false))
        }
        Effect::Import { path, profile } => {
            return import(conn, &path, profile.as_deref(), progress);
        }
        Effect::Write { op, undoing } => return write(conn, op, undoing),
    };
    r.unwrap_or_else(|err| failed("Could not load", err))
}

/// The action that hands a page of actuals to the view; `applied` when it answers a filter form.
fn actuals(applied: bool) -> impl Fn(ActualsPage) -> Action {
    move |page| {
        Action::Loaded(Loaded::Actuals {
            filter: page.filter,
            total: page.total,
            start: page.start,
            rows: page.rows,
            applied,
            ids: page.ids,
        })
    }
}

/// Imports a ledger CSV or workbook (all rows or none), read with the saved `profile` if one is
/// named, reporting progress as (bytes read, file size).
fn import(
    conn: &mut impl crate::ops::Store,
    path: &Path,
    profile: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Action {
    use crate::ops::import::{self as ops_import, ActualsImported};
    let opts = crate::io::import::ActualsOptions::default();
    let done = match profile {
        Some(name) => ops_import::actuals_with_profile(conn, path, name, &opts, false, progress),
        None => ops_import::actuals(conn, path, &opts, false, progress),
    };
    match done.map(|d| match d {
        ActualsImported::Imported(o) | ActualsImported::Warned(o) => o,
    }) {
        Ok(o) => Action::Imported {
            file: o.file_name,
            rows: o.rows,
            total: o.total,
            batch_id: o.batch_id,
            encoding: o.encoding,
            detected: o.encoding_detected,
        },
        Err(err) => Action::Failed {
            title: format!("Nothing was imported from {}", path.display()),
            lines: err.lines(),
        },
    }
}

fn load_figures(
    conn: &impl crate::ops::Sql,
    today: NaiveDate,
    fy: Option<FinancialYear>,
    period: Option<Period>,
    chart: bool,
) -> Result<Figures, StoreError> {
    let d = dashboard::figures(
        conn,
        &FiguresRequest {
            today,
            fy,
            period,
            chart,
        },
    )?;
    Ok(Figures {
        fy: d.fy,
        period: d.period,
        years: d.years,
        programmes: d.programmes,
        report: d.report,
        after_rag: d.after_rag,
        by_year: d
            .by_year
            .into_iter()
            .map(|(fy, g)| YearBar {
                fy,
                revised: g.revised,
                actual: g.actual_to_date,
                forecast: g.forecast,
            })
            .collect(),
        chart,
        alerts: d.alerts,
        closed_through: d.closed_through,
        financing: Some(d.financing),
    })
}

fn load_tree(conn: &impl crate::ops::Sql) -> Result<Tree, StoreError> {
    let (programmes, phases) = dashboard::tree(conn)?;
    Ok(Tree { programmes, phases })
}

fn load_register(conn: &impl crate::ops::Sql) -> Result<Register, StoreError> {
    let DecisionRegister {
        decisions,
        allocations,
        changes,
        contracts,
    } = dashboard::decision_register(conn)?;
    let (approved, noted) = decisions
        .iter()
        .map(|d| {
            let r = Some(d.reference.as_str());
            let mut lines = Vec::new();
            let mut noted = Vec::new();
            for a in allocations
                .iter()
                .filter(|a| a.decision_reference.as_deref() == r)
            {
                let years = a.first_fy.range_label(a.last_fy);
                let lines = if a.status == AllocationStatus::Approved {
                    &mut lines
                } else {
                    &mut noted
                };
                lines.push(format!(
                    "Allocation {}/{} {} {} ({})",
                    a.programme_code,
                    a.phase_code,
                    years,
                    a.amount.full(),
                    a.status
                ));
            }
            for c in changes
                .iter()
                .filter(|c| c.decision_reference.as_deref() == r)
            {
                let lines = if c.status == ChangeStatus::Approved {
                    &mut lines
                } else {
                    &mut noted
                };
                lines.push(format!(
                    "Budget change {} {} {} ({})",
                    c.id,
                    c.kind,
                    c.amount.full(),
                    c.status
                ));
            }
            for c in &contracts {
                if c.award_decision_reference.as_deref() == r {
                    lines.push(format!(
                        "Contract {} with {}: {}",
                        c.reference,
                        c.supplier,
                        c.value.full()
                    ));
                }
                for x in c
                    .extensions
                    .iter()
                    .filter(|x| x.decision_reference.as_deref() == r)
                {
                    lines.push(format!(
                        "Extension of {} by {} months",
                        c.reference, x.months
                    ));
                }
            }
            (lines, noted)
        })
        .unzip();
    Ok(Register {
        decisions,
        approved,
        noted,
    })
}

fn write(conn: &mut impl crate::ops::Store, op: WriteOp, undoing: bool) -> Action {
    match crate::ops::apply(conn, &op) {
        Ok(crate::ops::Outcome { message, undo }) => Action::Wrote {
            message: if undoing {
                format!("Undone: {message}")
            } else {
                message
            },
            undo: if undoing { None } else { undo },
        },
        Err(err) if gone(&op, &err) => Action::Gone {
            message: format!(
                "{}: someone else deleted it (another Outturn, or the command line); nothing was changed and the list is reloaded",
                match &op {
                    WriteOp::DeleteActual(a) => format!("Actual {} is no longer there", a.reference),
                    _ => "That actual is no longer there".to_string(),
                }
            ),
        },
        Err(err) => match (&op, err.plain()) {
            (WriteOp::Record(r), StoreError::Conflict(_)) => Action::Failed {
                title: format!("Not saved: someone else changed this {}", record_kind(r)),
                lines: vec![
                    describe(&err),
                    "Your changes were not saved: the screen now shows the record as they saved it; open the form again to change it.".into(),
                ],
            },
            (WriteOp::EditActual { .. }, StoreError::Conflict(_)) => Action::Failed {
                title: "Not saved: someone else changed this actual".into(),
                lines: vec![
                    describe(&err),
                    "Your changes were not saved: the list now shows the actual as they saved it; press e to edit it again.".into(),
                ],
            },
            (WriteOp::AddActual { .. }, _)
            | (WriteOp::EditActual { .. }, _)
            | (WriteOp::AddAllocation { .. }, _)
            | (WriteOp::AddChange { .. }, _)
            | (WriteOp::SetForecast { .. }, _)
            | (WriteOp::ReopenPeriod { .. }, _)
            | (WriteOp::ApproveAllocation { .. }, _)
            | (WriteOp::WithdrawAllocation { .. }, _)
            | (WriteOp::AmendChange { .. }, _)
            | (WriteOp::WithdrawChange { .. }, _)
            | (WriteOp::WithdrawForecast { .. }, _)
            | (WriteOp::VaryContract { .. }, _)
            | (WriteOp::SetComment { .. }, _)
            | (WriteOp::Record(_), _)
            | (WriteOp::AddFunding(_), _)
            | (WriteOp::EditFunding { .. }, _)
                if err.is_user_error() =>
            {
                Action::FormRejected {
                    field: form_field_for(&op, &err),
                    message: describe(&err),
                }
            }
            _ => Action::Failed {
                title: "Nothing was changed".into(),
                lines: vec![describe(&err)],
            },
        },
    }
}

/// The kind of record a record write is about ("phase", "milestone").
fn record_kind(op: &super::action::records::RecordOp) -> &'static str {
    use super::action::records::RecordOp;
    match op {
        RecordOp::Add(v)
        | RecordOp::Edit { values: v, .. }
        | RecordOp::Delete { values: v, .. } => v.kind(),
        RecordOp::CompleteMilestone { .. } => "milestone",
        RecordOp::WithdrawBenefit { .. } | RecordOp::Realise { .. } => "benefit",
    }
}

/// True when `op` acted on an actual that is no longer in the database.
fn gone(op: &WriteOp, err: &StoreError) -> bool {
    let on_actual = matches!(
        op,
        WriteOp::EditActual { .. } | WriteOp::DeleteActual(_) | WriteOp::RemoveActual { .. }
    );
    on_actual
        && (matches!(err.plain(), StoreError::NotFound { what: "actual", .. })
            || err.is_missing_row())
}

/// A store error in words a finance officer can act on.
fn describe(err: &StoreError) -> String {
    let s = err.to_string();
    if let Some(fix) = err.fix() {
        return format!("{s}{}", fix_words(fix));
    }
    if s.contains("database is locked") || s.contains("busy") {
        "the database is locked by another Outturn or program: try again when it has finished"
            .into()
    } else if s.contains("full") {
        format!("{s}: free some disk space and try again")
    } else {
        s
    }
}

/// How to fix a refusal, in the TUI's words (the keys and screens), as the text that follows the
/// refusal. What only the command line does (restore, import profiles and codes) is said as its
/// command.
fn fix_words(fix: &Fix) -> String {
    match fix {
        Fix::AddComments { fy, period } => format!(
            "; add one with o on each row listed (Report screen, {fy} {period}), then close again with C"
        ),
        Fix::ReopenFinancing { fy } => format!(
            "; to change them, reopen the year's financing with a reason (outturn funding reopen --fy {fy} --reason ...)"
        ),
        Fix::ListThem(records) => format!("; {}", where_listed(*records)),
        Fix::ListOrAddProfile => "; list them with `outturn import profile list`, or add one with \
                                  `outturn import profile add`"
            .into(),
        Fix::ReopenPeriod => ": reopen it first with R on the Report screen, giving a reason".into(),
        Fix::ReopenOrRedate => ": reopen it with R on the Report screen, giving a reason, or date \
                                the entry in an open period"
            .into(),
        Fix::GiveBackup => ": give the path of a file made by `outturn backup`".into(),
        Fix::ForceRestore => ": restore over it with `outturn restore --force` (back it up first)"
            .into(),
        Fix::CreateDatabase => ": create one with `outturn init` (or `outturn init --demo`)".into(),
        Fix::WithdrawFunding => " (withdraw a line with w in the Financing view: $ on the Budget screen)"
            .into(),
        Fix::EditComment { .. } => ": change it with o on the Report screen".into(),
        Fix::CompleteMilestone { adding: true } => {
            ": add the milestone, then complete it with c in the phase view".into()
        }
        Fix::CompleteMilestone { adding: false } => {
            ": complete it with c in the phase view (Enter on the Phases screen)".into()
        }
        Fix::MoveActuals => " (they are on the Actuals screen; move or delete them first)".into(),
        Fix::ChangeBudget => {
            ": an approved allocation is changed through budget changes (p or v on the Budget screen)"
                .into()
        }
        Fix::ReduceBudget => " (reduce a budget with a reduction change on the Budget screen)".into(),
        Fix::NewForecast => ": enter a new one with f on the Report screen".into(),
        Fix::EditProfile => ": change it with `outturn import profile edit`".into(),
        Fix::RemapCode { code } => {
            format!(": delete it with `outturn import codes delete \"{code}\"` to map it again")
        }
    }
}

/// Where the TUI shows records of a kind.
fn where_listed(records: Records) -> &'static str {
    match records {
        Records::ImportBatches => "see them with b on the Actuals screen",
        Records::LedgerCodes => "list them with `outturn import codes list`",
        Records::Changes => "see them on the Budget screen",
        Records::Comments | Records::Forecasts => "see them on the Report screen",
        Records::Milestones | Records::Benefits => {
            "see them in the phase view (Enter on the Phases screen)"
        }
        Records::Programmes | Records::Phases => "see them on the Phases screen",
        Records::Decisions => "see them on the Decisions screen",
        Records::Frameworks => "see them with t on the Contracts screen",
        Records::Contracts => "see them on the Contracts screen",
    }
}

/// The form field a store error is about.
fn form_field_for(op: &WriteOp, err: &StoreError) -> usize {
    let field = match err.plain() {
        StoreError::Invalid { field, .. } | StoreError::NotFound { field, .. } => field.clone(),
        StoreError::Closed(_) => Field::Date,
        _ => Field::Other(String::new()),
    };
    match op {
        WriteOp::AddActual { .. } => match field {
            Field::Contract => 2,
            Field::Amount => 6,
            Field::Date => 0,
            _ => 1,
        },
        WriteOp::EditActual { .. } => match field {
            Field::Amount => 4,
            Field::Supplier => 1,
            Field::Description => 2,
            Field::Reference => 3,
            _ => 0,
        },
        WriteOp::AddAllocation { .. } => match field {
            Field::Amount => 3,
            Field::Decision => 5,
            Field::Fy | Field::ToFy => 1,
            _ => 0,
        },
        WriteOp::AddChange { .. } => match field {
            Field::Amount => 3,
            Field::ToPhase => 1,
            _ => 0,
        },
        WriteOp::SetForecast { .. } => match field {
            Field::Amount => 3,
            Field::Date => 2,
            _ => 0,
        },
        WriteOp::ReopenPeriod { .. } => 2,
        WriteOp::ApproveAllocation { .. } => match field {
            Field::Decision => 1,
            Field::Date => 2,
            _ => 0,
        },
        WriteOp::WithdrawAllocation { .. } => match field {
            Field::Reason => 1,
            _ => 0,
        },
        WriteOp::AmendChange { .. } => match field {
            Field::Amount => 0,
            Field::Reason => 2,
            _ => 1,
        },
        WriteOp::WithdrawChange { .. } => 0,
        WriteOp::SetComment { .. } => match field {
            Field::Date => 2,
            Field::Other(_) => 3,
            _ => 0,
        },
        WriteOp::VaryContract { .. } => match field {
            Field::Value => 0,
            _ => 1,
        },
        WriteOp::WithdrawForecast { .. } => match field {
            Field::Reason => 2,
            Field::Fy => 1,
            _ => 0,
        },
        WriteOp::Record(r) => super::form::records::error_field(r, &field),
        WriteOp::AddFunding(_) | WriteOp::EditFunding { .. } => {
            crate::ops::funding_field(matches!(op, WriteOp::AddFunding(_)), &field)
        }
        _ => 0,
    }
}
