//! The forms of the lifecycle operations: approving and withdrawing a projected allocation,
//! amending and withdrawing a proposed change, withdrawing a forecast. Each validates with the
//! command line's parsers; the withdrawals ask a yes/no question before they run.

use chrono::NaiveDate;

use super::{Field, Form, FormKind};
use crate::domain::calendar::{parse_date, uk_date};
use crate::domain::model::{Allocation, AllocationStatus, BudgetChange, Contract, ExtensionOption};
use crate::domain::profile::Month;
use crate::domain::{FinancialYear, Money, Period};
use crate::tui::action::{Effect, WriteOp};

/// The id of the first projected allocation among `shown` (empty when there is none).
fn first_projected(shown: &[Allocation]) -> String {
    shown
        .iter()
        .find(|a| a.status == AllocationStatus::Projected)
        .map(|a| a.id.to_string())
        .unwrap_or_default()
}

/// `A`: approve a projected allocation (pre-filled with the first projected one shown).
pub fn approve_allocation_form(shown: &[Allocation]) -> Form {
    Form::new(
        FormKind::ApproveAllocation,
        "Approve a projected allocation (it becomes Original budget)",
        vec![
            Field::new("Allocation id", first_projected(shown), "12"),
            Field::new("Decision reference", "", "WIR-DOR-2022-08-26"),
            Field::new("Date (empty: the decision's date)", "", "26/08/2022"),
        ],
    )
}

/// `W`: withdraw a projected allocation as of `today` (pre-filled with the first projected one).
pub fn withdraw_allocation_form(shown: &[Allocation], today: NaiveDate) -> Form {
    Form::new(
        FormKind::WithdrawAllocation { on: today },
        "Withdraw a projected allocation (it leaves Pending approval)",
        vec![
            Field::new("Allocation id", first_projected(shown), "12"),
            Field::new("Reason", "", "scheme dropped by cabinet"),
        ],
    )
}

/// `m`: amend proposed change `c`, pre-filled with its values as read.
pub fn amend_change_form(c: &BudgetChange) -> Form {
    Form::new(
        FormKind::AmendChange {
            id: c.id,
            version: c.version,
        },
        format!("Amend proposed {} {}", c.kind, c.id),
        vec![
            Field::new("Amount", c.amount.full(), "£250k"),
            Field::new("Effective date", uk_date(c.effective), "26/08/2022"),
            Field::new("Reason", c.reason.clone(), "Slippage into next year"),
        ],
    )
}

/// `w`: withdraw proposed change `c` (the reason is required).
pub fn withdraw_change_form(c: &BudgetChange) -> Form {
    Form::new(
        FormKind::WithdrawChange {
            id: c.id,
            version: c.version,
        },
        format!(
            "Withdraw proposed {} {} of {}",
            c.kind,
            c.id,
            c.amount.full()
        ),
        vec![Field::new("Reason", "", "superseded by the new bid")],
    )
}

/// `F`: withdraw the standing forecast of `phase` for `fy`, as of `today`.
pub fn withdraw_forecast_form(phase: String, fy: Option<FinancialYear>, today: NaiveDate) -> Form {
    Form::new(
        FormKind::WithdrawForecast { on: today },
        "Withdraw the standing forecast (the report ignores it from then on)",
        vec![
            Field::new("Phase", phase, "WIR-SCP/DT1"),
            Field::new("Financial year", super::label(fy), "2022-23"),
            Field::new("Reason", "", "entered against the wrong phase"),
        ],
    )
}

/// `v`: vary contract `c` as of `today`; the value pre-filled with its value, the month with
/// its start month (as `contract vary` without `--effective`).
pub fn vary_contract_form(c: &Contract, today: NaiveDate) -> Form {
    Form::new(
        FormKind::VaryContract {
            id: c.id,
            version: c.version,
            on: today,
        },
        format!("Vary contract {} (now {})", c.reference, c.value.full()),
        vec![
            Field::new("New value", c.value.full(), "£1.2m"),
            Field::new(
                "Effective month",
                Month::of(c.start).key(),
                "2022-11 or 11/2022",
            ),
        ],
    )
}

/// `e`: exercise extension option `opt` of contract `c` as of `today`, at the value typed
/// (pre-filled with the option's estimate; `contract exercise --value`).
pub fn exercise_form(c: &Contract, opt: &ExtensionOption, today: NaiveDate) -> Form {
    Form::new(
        FormKind::Exercise {
            option_id: opt.id,
            version: opt.version,
            on: today,
        },
        format!(
            "Exercise the {}-month extension of {}",
            opt.months, c.reference
        ),
        vec![Field::new("Value it adds", opt.value.full(), "£250k")],
    )
}

/// `o`: the variance comment of `phase` for `fy` and `period` (it replaces the one there is).
pub fn comment_form(phase: String, fy: Option<FinancialYear>, period: Option<Period>) -> Form {
    Form::new(
        FormKind::Comment,
        "Variance comment (replaces the phase's comment for the period)",
        vec![
            Field::new("Phase", phase, "WIR-SCP/DT1"),
            Field::new("Financial year", super::label(fy), "2022-23"),
            Field::new(
                "Period",
                period.map(|p| p.label()).unwrap_or_default(),
                "P5",
            ),
            Field::new("Comment", "", "Tender came in under estimate"),
        ],
    )
}

/// Validates a lifecycle form; None when `form` is not one of them.
pub(super) fn effect(form: &Form) -> Option<Result<Effect, (usize, String)>> {
    let v = |i: usize| form.value(i).to_string();
    let required = |i: usize| form.required(i);
    let id = |i: usize| {
        let t = form.value(i);
        t.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| (i, format!("'{t}' is not an allocation id: type its number")))
    };
    let date = |i: usize| parse_date(form.value(i)).map_err(|e| (i, e.to_string()));
    let write = |op: WriteOp| Effect::Write { op, undoing: false };
    let out = (|| match form.kind {
        FormKind::ApproveAllocation => {
            let id = id(0)?;
            let decision = required(1)?;
            let date = if form.value(2).is_empty() {
                None
            } else {
                Some(date(2)?)
            };
            Ok(write(WriteOp::ApproveAllocation { id, decision, date }))
        }
        FormKind::WithdrawAllocation { on } => Ok(write(WriteOp::WithdrawAllocation {
            id: id(0)?,
            reason: required(1)?,
            date: on,
        })),
        FormKind::AmendChange { id, version } => {
            let amount = Money::parse(form.value(0)).map_err(|e| (0, e.to_string()))?;
            if amount <= Money::ZERO {
                return Err((
                    0,
                    format!(
                        "'{}' must be more than zero: the kind says which way money moves",
                        amount.plain()
                    ),
                ));
            }
            Ok(write(WriteOp::AmendChange {
                id,
                version,
                amount,
                effective: date(1)?,
                reason: v(2),
            }))
        }
        FormKind::WithdrawChange { id, version } => Ok(write(WriteOp::WithdrawChange {
            id,
            version,
            reason: required(0)?,
        })),
        FormKind::VaryContract { id, version, on } => {
            let value = Money::parse(form.value(0)).map_err(|e| (0, e.to_string()))?;
            let effective = Month::parse_typed(form.value(1)).map_err(|e| (1, e))?;
            Ok(write(WriteOp::VaryContract {
                id,
                version,
                value,
                effective,
                date: on,
            }))
        }
        FormKind::Exercise {
            option_id,
            version,
            on,
        } => {
            let value = Money::parse(form.value(0)).map_err(|e| (0, e.to_string()))?;
            if value.is_negative() {
                return Err((0, format!("'{}' is negative", value.plain())));
            }
            Ok(write(WriteOp::Exercise {
                option_id,
                version,
                value: Some(value),
                date: on,
            }))
        }
        FormKind::Comment => {
            let phase = required(0)?;
            let fy = FinancialYear::parse(form.value(1)).map_err(|e| (1, e.to_string()))?;
            let period = Period::parse(form.value(2)).map_err(|e| (2, e.to_string()))?;
            Ok(write(WriteOp::SetComment {
                phase,
                fy,
                period,
                text: required(3)?,
            }))
        }
        FormKind::WithdrawForecast { on } => {
            let phase = required(0)?;
            let fy = FinancialYear::parse(form.value(1)).map_err(|e| (1, e.to_string()))?;
            Ok(write(WriteOp::WithdrawForecast {
                phase,
                fy,
                reason: required(2)?,
                date: on,
            }))
        }
        _ => Err((usize::MAX, String::new())),
    })();
    match out {
        Err((usize::MAX, _)) => None,
        other => Some(other),
    }
}

/// The yes/no question asked before a write that cannot be undone here; None for the others.
pub fn question(op: &WriteOp) -> Option<String> {
    match op {
        WriteOp::WithdrawAllocation { id, reason, .. } => Some(format!(
            "Withdraw allocation {id} ({reason})? It leaves Pending approval; this cannot be undone here. y/n"
        )),
        WriteOp::WithdrawChange { id, reason, .. } => Some(format!(
            "Withdraw change {id} ({reason})? This cannot be undone here. y/n"
        )),
        WriteOp::Exercise { value, .. } => Some(format!(
            "Exercise the extension option, adding {}? This cannot be undone here. y/n",
            value.map(|v| v.full()).unwrap_or_default()
        )),
        WriteOp::WithdrawForecast {
            phase, fy, reason, ..
        } => Some(format!(
            "Withdraw the standing forecast of {phase} {} ({reason})? This cannot be undone here. y/n",
            fy.label()
        )),
        WriteOp::Record(r) => super::records::question(r),
        _ => None,
    }
}
