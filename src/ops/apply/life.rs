//! The lifecycle writes: approving and withdrawing a projected allocation, amending and
//! withdrawing a proposed change, varying a contract, setting a comment, withdrawing a forecast.
//! Each calls the operation the command line calls, inside the caller's transaction. Only an
//! amendment and a comment changed have an undo (the values as read, put back); an approval or a
//! withdrawal cannot be reversed by the store.

use crate::store::engine::sql::Sql;

use crate::domain::calendar::uk_date;
use crate::ops::register::Which;
use crate::ops::step::{Step, UndoStep};
use crate::ops::{allocation, change, comment, contract, forecast};
use crate::store::entities as e;
use crate::store::{self};

/// Applies a lifecycle write; None when `op` is not one.
pub(super) fn apply(
    conn: &impl Sql,
    op: &Step,
) -> Option<store::Result<(String, Option<UndoStep>)>> {
    Some(match op {
        Step::ApproveAllocation { id, decision, date } => approve(conn, *id, decision, *date),
        Step::WithdrawAllocation { id, reason, date } => {
            allocation::withdraw_in(conn, *id, None, reason, *date).map(|a| {
                (
                    format!(
                        "Allocation {id} withdrawn: {} for {}/{} {} leaves Pending approval",
                        a.amount.full(),
                        a.programme_code,
                        a.phase_code,
                        a.first_fy.range_label(a.last_fy)
                    ),
                    None,
                )
            })
        }
        Step::AmendChange {
            id,
            version,
            amount,
            effective,
            reason,
        } => amend(conn, *id, *version, *amount, *effective, reason),
        Step::WithdrawChange {
            id,
            version,
            reason,
        } => change::withdraw_in(conn, *id, Some(*version), reason).map(|c| {
            (
                format!(
                    "Change {id} withdrawn ({} of {}): {}",
                    c.kind,
                    c.amount.full(),
                    reason.trim()
                ),
                None,
            )
        }),
        Step::VaryContract {
            id,
            version,
            value,
            effective,
            decision,
            date,
        } => contract::vary_in(
            conn,
            Which::Id(*id),
            &contract::Vary {
                value: *value,
                effective: Some(*effective),
                decision: decision.clone(),
                expected_version: Some(*version),
                date: *date,
            },
        )
        .map(|v| {
            (
                format!(
                    "Contract {} varied to {} effective {}",
                    v.after.reference,
                    v.after.value.full(),
                    effective.key()
                ),
                None,
            )
        }),
        Step::SetComment {
            phase,
            fy,
            period,
            text,
        } => set_comment(conn, phase, *fy, *period, text),
        Step::CarryComments { fy, from, to } => {
            comment::carry_in(conn, *fy, *from, Some(*to)).map(|c| {
                let n = c.added.len();
                (
                    format!(
                        "Carried {n} comment{} of {} {} to {} (o changes one){}",
                        if n == 1 { "" } else { "s" },
                        fy.label(),
                        from.label(),
                        to.label(),
                        if c.kept > 0 {
                            format!("; {} phase(s) kept their own", c.kept)
                        } else {
                            String::new()
                        }
                    ),
                    None,
                )
            })
        }
        Step::WithdrawForecast {
            phase,
            fy,
            reason,
            date,
        } => withdraw_forecast(conn, phase, *fy, reason, *date),
        _ => return None,
    })
}

fn approve(
    conn: &impl Sql,
    id: i64,
    decision: &str,
    date: Option<chrono::NaiveDate>,
) -> store::Result<(String, Option<UndoStep>)> {
    // Without a date, the decision's own date.
    let done = allocation::approve_in(
        conn,
        &allocation::Approve {
            id,
            decision: decision.to_string(),
            date,
            expected_version: None,
        },
    )?;
    let (a, on) = (done.allocation, done.on);
    Ok((
        format!(
            "Allocation {id} approved by {} on {}: {} for {}/{} {} now counts in Original budget",
            decision.trim(),
            uk_date(on),
            a.amount.full(),
            a.programme_code,
            a.phase_code,
            a.first_fy.range_label(a.last_fy)
        ),
        None,
    ))
}

fn amend(
    conn: &impl Sql,
    id: i64,
    version: i64,
    amount: crate::domain::Money,
    effective: chrono::NaiveDate,
    reason: &str,
) -> store::Result<(String, Option<UndoStep>)> {
    let before = e::get_change(conn, id)?;
    let after = change::amend_in(
        conn,
        id,
        Some(version),
        &change::Amendment {
            amount: Some(amount),
            effective: Some(effective),
            reason: Some(reason.to_string()),
            decision: None,
        },
    )?;
    Ok((
        format!(
            "Change {id} amended: {} {} effective {}",
            after.kind,
            after.amount.full(),
            uk_date(after.effective)
        ),
        Some(UndoStep {
            what: format!("amending change {id}"),
            op: Step::AmendChange {
                id,
                version: after.version,
                amount: before.amount,
                effective: before.effective,
                reason: before.reason,
            },
        }),
    ))
}

/// The standing forecast of a phase for a year: the latest as-at of those not withdrawn.
fn withdraw_forecast(
    conn: &impl Sql,
    phase: &str,
    fy: crate::domain::FinancialYear,
    reason: &str,
    on: chrono::NaiveDate,
) -> store::Result<(String, Option<UndoStep>)> {
    let standing = forecast::standing_in(conn, phase, fy)?;
    forecast::withdraw_in(conn, standing.id, Some(standing.version), reason, on)?;
    Ok((
        format!(
            "Withdrew the forecast of {phase} {} as at {} ({}): {}",
            fy.label(),
            standing.as_at.label(),
            standing.amount.bracketed(),
            reason.trim()
        ),
        None,
    ))
}

/// Adds the comment, or edits the one the phase has for the year and period (undone by editing
/// it back; a new comment cannot be removed here).
fn set_comment(
    conn: &impl Sql,
    phase: &str,
    fy: crate::domain::FinancialYear,
    period: crate::domain::Period,
    text: &str,
) -> store::Result<(String, Option<UndoStep>)> {
    let what = format!("{phase} {} {}", fy.label(), period.label());
    match comment::set_in(conn, phase, fy, period, text)? {
        comment::SetComment::Changed(c) => Ok((
            format!("Changed the comment of {what} (u puts the old one back)"),
            Some(UndoStep {
                what: format!("changing the comment of {what}"),
                op: Step::SetComment {
                    phase: phase.to_string(),
                    fy,
                    period,
                    text: c.text,
                },
            }),
        )),
        comment::SetComment::Added(_) => Ok((format!("Added the comment of {what}"), None)),
    }
}
