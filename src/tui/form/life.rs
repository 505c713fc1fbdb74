//! The forms of the lifecycle operations: approving and withdrawing a projected allocation,
//! approving or rejecting, amending and withdrawing a proposed change, varying a contract and
//! exercising its option, withdrawing a forecast. Each validates with the command line's parsers;
//! the decisions, the exercise and the withdrawals ask a yes/no question before they run.

use chrono::NaiveDate;

use super::{Field, Form, FormKind};
use crate::domain::calendar::{parse_date, uk_date};
use crate::domain::model::{
    Allocation, AllocationStatus, BudgetChange, ChangeStatus, Contract, ExtensionOption,
};
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

/// `a`/`r`: approve (`approve`) or reject proposed change `c`, by the decision typed (optional,
/// as `change approve --decision`); a yes/no question follows.
pub fn decide_change_form(c: &BudgetChange, approve: bool) -> Form {
    Form::new(
        FormKind::DecideChange {
            id: c.id,
            version: c.version,
            approve,
        },
        format!(
            "{} proposed {} {} of {}",
            if approve { "Approve" } else { "Reject" },
            c.kind,
            c.id,
            c.amount.full()
        ),
        vec![Field::new("Decision (optional)", "", "WIR-DOR-2022-08-26")],
    )
}

/// The first month a variation of `c` can take effect: its first month, or the first month
/// after the last closed period when that is later (a closed month holds).
pub fn first_open_month(c: &Contract, closed_through: Option<NaiveDate>) -> Month {
    let start = Month::of(c.start);
    match closed_through.and_then(|d| d.succ_opt()) {
        Some(open) if Month::of(open) > start => Month::of(open),
        _ => start,
    }
}

/// `v`: vary contract `c` as of `today`; the value pre-filled with its value, the month with
/// its first open month ([`first_open_month`]), and the decision (optional, as `contract vary
/// --decision`).
pub fn vary_contract_form(
    c: &Contract,
    today: NaiveDate,
    closed_through: Option<NaiveDate>,
) -> Form {
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
                first_open_month(c, closed_through).key(),
                "2022-11 or 11/2022",
            ),
            Field::new("Decision (optional)", "", "WIR-DOR-2022-08-26"),
        ],
    )
}

/// `e`: exercise extension option `opt` of contract `c` at the value typed (pre-filled with the
/// option's estimate; `contract exercise --value`), by the decision typed (optional), on the date
/// typed (pre-filled with `today`; `--date`).
pub fn exercise_form(c: &Contract, opt: &ExtensionOption, today: NaiveDate) -> Form {
    Form::new(
        FormKind::Exercise {
            option_id: opt.id,
            version: opt.version,
        },
        format!(
            "Exercise the {}-month extension of {}",
            opt.months, c.reference
        ),
        vec![
            Field::new("Value it adds", opt.value.full(), "£250k"),
            Field::new("Decision (optional)", "", "WIR-DOR-2022-08-26"),
            Field::new("Date exercised", uk_date(today), "26/08/2022"),
        ],
    )
}

/// `o`: the variance comment of `phase` for `fy` and `period`; `current` is the comment there is,
/// which the form shows (pre-filled, to edit or type over) and the new text replaces.
pub fn comment_form(
    phase: String,
    fy: Option<FinancialYear>,
    period: Option<Period>,
    current: &str,
) -> Form {
    let title = if current.is_empty() {
        "Variance comment (the phase has none for the period)"
    } else {
        "Variance comment (replaces the one shown: edit it, or type over it)"
    };
    Form::new(
        FormKind::Comment,
        title,
        vec![
            Field::new("Phase", phase, "WIR-SCP/DT1"),
            Field::new("Financial year", super::label(fy), "2022-23"),
            Field::new(
                "Period",
                period.map(|p| p.label()).unwrap_or_default(),
                "P5",
            ),
            Field::new("Comment", current, "Tender came in under estimate"),
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
    let optional = |i: usize| Some(form.value(i).to_string()).filter(|t| !t.is_empty());
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
                decision: optional(2),
                date: on,
            }))
        }
        FormKind::DecideChange {
            id,
            version,
            approve,
        } => Ok(write(WriteOp::DecideChange {
            id,
            version,
            status: if approve {
                ChangeStatus::Approved
            } else {
                ChangeStatus::Rejected
            },
            decision: optional(0),
        })),
        FormKind::Exercise { option_id, version } => {
            let value = Money::parse(form.value(0)).map_err(|e| (0, e.to_string()))?;
            if value.is_negative() {
                return Err((0, format!("'{}' is negative", value.plain())));
            }
            Ok(write(WriteOp::Exercise {
                option_id,
                version,
                value: Some(value),
                decision: optional(1),
                date: date(2)?,
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

/// " by decision D" when a decision is given.
fn by(decision: &Option<String>) -> String {
    decision
        .as_deref()
        .map(|d| format!(" by decision {d}"))
        .unwrap_or_default()
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
        WriteOp::Exercise {
            value,
            decision,
            date,
            ..
        } => Some(format!(
            "Exercise the extension option on {}, adding {}{}? This cannot be undone here. y/n",
            uk_date(*date),
            value.map(|v| v.full()).unwrap_or_default(),
            by(decision)
        )),
        WriteOp::DecideChange {
            id,
            status,
            decision,
            ..
        } => Some(format!(
            "{} change {id}{}? This cannot be undone here. y/n",
            if *status == ChangeStatus::Approved {
                "Approve"
            } else {
                "Reject"
            },
            by(decision)
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
