//! What each write the officer asks for does to the database (inside the caller's transaction),
//! the message it leaves in the status line, and how to undo it where that is safe: adding,
//! editing or deleting an actual, entering a forecast over an earlier one, closing or reopening a
//! period, and an import (undone as a batch).

use crate::store::engine::sql::Sql;

use super::step::{Step, UndoStep};

mod funding;
mod life;
pub mod records;
use super::actual::{self, split_phase};
use super::forecast;
use crate::domain::calendar::uk_date;
use crate::domain::model::ChangeStatus;
use crate::store::edit::ActualEdit;
use crate::store::entities as e;
use crate::store::{self, StoreError, locks};
pub use funding::{funding_field, load_financing};

/// Reads `PROG/PHASE` or `PHASE`.
pub fn resolve_phase(conn: &impl Sql, text: &str) -> store::Result<i64> {
    let (prog, code) = super::actual::split_phase(text);
    Ok(e::phase_ref(conn, prog, code)?.id)
}

/// Applies `op`; returns the status message and the step that undoes it, when there is one.
pub fn apply(conn: &impl Sql, op: &Step) -> store::Result<(String, Option<UndoStep>)> {
    if let Some(out) = life::apply(conn, op) {
        return out;
    }
    if let Step::Record(r) = op {
        return records::apply(conn, r);
    }
    if let Some(out) = funding::apply(conn, op) {
        return out;
    }
    match op {
        Step::DecideChange {
            id,
            version,
            status,
            decision,
        } => {
            super::change::decide_in(conn, *id, Some(*version), *status, decision.as_deref())?;
            let verb = if *status == ChangeStatus::Approved {
                "Approved"
            } else {
                "Rejected"
            };
            Ok((format!("{verb} change {id}"), None))
        }
        Step::Exercise {
            option_id,
            version,
            value,
            decision,
            date,
        } => {
            let after = super::contract::exercise_in(
                conn,
                &super::contract::Exercise {
                    contract: None,
                    option: Some(*option_id),
                    expected_version: Some(*version),
                    value: *value,
                    decision: decision.clone(),
                    date: *date,
                },
            )?
            .after;
            Ok((
                format!(
                    "Exercised the extension option of {}: value now {}, to {}",
                    after.reference,
                    after.value.full(),
                    after.end_month().key()
                ),
                None,
            ))
        }
        Step::AddActual {
            phase,
            contract,
            date,
            supplier,
            description,
            reference,
            amount,
        } => {
            let (programme, code) = split_phase(phase);
            // The same checks as the command line's `actual add`: a date after today and a
            // reference already on another actual are warned about, not refused.
            let today = crate::store::today::today().map_err(StoreError::Refused)?;
            let added = actual::add_in(
                conn,
                &actual::NewActual {
                    programme: programme.map(str::to_string),
                    phase: code.to_string(),
                    contract: contract.clone(),
                    date: *date,
                    supplier: supplier.clone(),
                    description: description.clone(),
                    reference: reference.clone(),
                    amount: *amount,
                },
                Some(actual::Checks {
                    today,
                    strict: false,
                }),
            )?;
            let warned: String = added
                .warnings
                .iter()
                .map(|w| format!("; warning: the actual {w}"))
                .collect();
            Ok((
                format!("Added actual {reference} of {}{warned}", amount.bracketed()),
                Some(UndoStep {
                    what: format!("adding actual {reference}"),
                    op: Step::RemoveActual { id: added.id },
                }),
            ))
        }
        Step::RemoveActual { id } => {
            let a = actual::delete_in(conn, *id, None)?;
            Ok((format!("removed actual {} again", a.reference), None))
        }
        Step::DeleteActual(a) => {
            actual::delete_in(conn, a.id, Some(a.version))?;
            let phase = format!("{}/{}", a.programme_code, a.phase_code);
            Ok((
                format!("Deleted actual {} of {}", a.reference, a.amount.bracketed()),
                Some(UndoStep {
                    what: format!("deleting actual {}", a.reference),
                    op: Step::AddActual {
                        phase,
                        contract: a.contract_reference.clone(),
                        date: a.date,
                        supplier: a.supplier.clone(),
                        description: a.description.clone(),
                        reference: a.reference.clone(),
                        amount: a.amount,
                    },
                }),
            ))
        }
        Step::EditActual { id, version, edit } => {
            let actual::Edited { before, after } =
                actual::edit_in(conn, *id, Some(*version), edit)?;
            Ok((
                format!(
                    "Saved actual {}: {} dated {}",
                    after.reference,
                    after.amount.bracketed(),
                    uk_date(after.date)
                ),
                Some(UndoStep {
                    what: format!("editing actual {}", after.reference),
                    // Back to the values as read, from the version just saved.
                    op: Step::EditActual {
                        id: *id,
                        version: after.version,
                        edit: ActualEdit {
                            amount: Some(before.amount),
                            date: Some(before.date),
                            supplier: Some(before.supplier),
                            description: Some(before.description),
                            reference: Some(before.reference),
                        },
                    },
                }),
            ))
        }
        Step::AddAllocation {
            phase,
            first_fy,
            last_fy,
            amount,
            status,
            decision,
        } => {
            let (programme, code) = match phase.split_once('/') {
                Some((p, c)) => (Some(p.trim().to_string()), c.trim().to_string()),
                None => (None, phase.trim().to_string()),
            };
            let id = super::allocation::add_in(
                conn,
                &super::allocation::NewAllocation {
                    programme,
                    phase: code,
                    first_fy: *first_fy,
                    last_fy: *last_fy,
                    amount: *amount,
                    status: *status,
                    decision: decision.clone(),
                    profile: None,
                    note: String::new(),
                },
            )?
            .id;
            Ok((
                format!(
                    "Added allocation {id}: {} for {phase} ({status})",
                    amount.full()
                ),
                None,
            ))
        }
        Step::AddChange {
            kind,
            from_phase,
            to_phase,
            from_fy,
            to_fy,
            amount,
            effective,
            reason,
        } => {
            // One phase (a reprofile) is the phase of both sides.
            let (phase, from_phase, to_phase) = if from_phase == to_phase {
                (Some(from_phase.clone()), None, None)
            } else {
                (None, Some(from_phase.clone()), Some(to_phase.clone()))
            };
            let id = super::change::add_in(
                conn,
                &super::change::NewChange {
                    kind: *kind,
                    amount: *amount,
                    programme: None,
                    phase,
                    from_phase,
                    to_phase,
                    fy: None,
                    from_fy: Some(*from_fy),
                    to_fy: Some(*to_fy),
                    effective: *effective,
                    status: ChangeStatus::Proposed,
                    decision: None,
                    reason: reason.clone(),
                },
            )?;
            Ok((
                format!(
                    "Proposed {kind} {id} of {}: approve it with a",
                    amount.full()
                ),
                None,
            ))
        }
        Step::SetForecast { .. }
        | Step::ClosePeriod { .. }
        | Step::ReopenPeriod { .. }
        | Step::UndoImport { .. } => apply_month(conn, op),
        _ => Err(StoreError::Refused("not a write of this kind".into())),
    }
}

/// The writes of the month's routine: forecasts, closing and reopening periods, undoing imports.
fn apply_month(conn: &impl Sql, op: &Step) -> store::Result<(String, Option<UndoStep>)> {
    match op {
        Step::SetForecast {
            phase,
            fy,
            as_at,
            amount,
            note,
        } => {
            let (programme, code) = split_phase(phase);
            let entered = forecast::enter_in(
                conn,
                &forecast::NewForecast {
                    programme: programme.map(str::to_string),
                    phase: code.to_string(),
                    fy: *fy,
                    as_at: fy.period_end(*as_at),
                    amount: *amount,
                    note: note.clone(),
                },
            )?;
            let what = format!("{phase} {} as at {}", fy.label(), as_at.label());
            // The standing forecast it replaced is put back by entering it again.
            let undo = entered.replaced.map(|f| UndoStep {
                what: format!("the forecast of {what}"),
                op: Step::SetForecast {
                    phase: phase.clone(),
                    fy: *fy,
                    as_at: *as_at,
                    amount: f.amount,
                    note: f.note,
                },
            });
            let replaced = if undo.is_some() {
                " (replacing the earlier one; u puts it back)"
            } else {
                ""
            };
            Ok((
                format!(
                    "Forecast outturn of {what}: {}{replaced}",
                    amount.bracketed()
                ),
                undo,
            ))
        }
        Step::ClosePeriod {
            fy,
            period,
            allow_missing_comments,
        } => {
            // The whole step: the lock, the comment gate, the report and financing snapshots.
            let closed = super::period::close_in(conn, *fy, *period, *allow_missing_comments)?;
            Ok((
                format!(
                    "Closed {} {}: everything dated on or before {} is locked; its report is kept as a snapshot ({})",
                    fy.label(),
                    period.label(),
                    uk_date(fy.period_end(*period)),
                    crate::domain::text::counted(closed.snapshot.rows as u64, "row")
                ),
                Some(UndoStep {
                    what: format!("closing {} {}", fy.label(), period.label()),
                    op: Step::ReopenPeriod {
                        fy: *fy,
                        period: *period,
                        reason: "closed by mistake: undone in the TUI".into(),
                    },
                }),
            ))
        }
        Step::ReopenPeriod { fy, period, reason } => {
            let before = locks::list_closed(conn)?;
            let n = super::period::reopen_in(conn, *fy, *period, reason)?.periods;
            // Closing the latest of the periods reopened locks the same dates again.
            let undo = before.last().map(|c| UndoStep {
                what: format!("reopening {} {}", fy.label(), period.label()),
                op: Step::ClosePeriod {
                    fy: c.fy,
                    period: c.period,
                    allow_missing_comments: true,
                },
            });
            Ok((
                format!(
                    "Reopened {} {} ({n} closed period{} reopened): {reason}",
                    fy.label(),
                    period.label(),
                    if n == 1 { "" } else { "s" }
                ),
                undo,
            ))
        }
        Step::UndoImport { id, file } => {
            let b = super::import::undo_in(conn, *id)?;
            Ok((
                format!(
                    "Undid import batch {id} ({file}): {} totalling {} removed",
                    crate::domain::text::counted(b.rows, "row"),
                    b.total.bracketed()
                ),
                None,
            ))
        }
        _ => Err(StoreError::Refused("not a month-end write".into())),
    }
}
