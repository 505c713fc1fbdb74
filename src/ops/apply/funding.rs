//! The Financing view's data and writes: the year's funding lines and financing statement, and
//! adding, editing and withdrawing a funding line through the operations `outturn funding` calls
//! (`ops::funding`), each one audited transaction (the caller's). None has an undo here: a
//! withdrawal is asked about first, and an edit or an addition is changed back with `e` or `w`.

use crate::store::engine::sql::Sql;
use chrono::NaiveDate;

use crate::domain::FinancialYear;
use crate::domain::Period;
use crate::domain::calendar::uk_date;
use crate::domain::financing::{FinancingStatement, Funding};
use crate::error::Field;
use crate::ops::actual::split_phase;
use crate::ops::step::{FundingLine, Step, UndoStep};
use crate::ops::{funding, report};
use crate::store;

/// The funding lines of `fy` (every programme, withdrawn ones too) and its financing statement as
/// at `period` (the period to show of `fy` on `today` when None): the snapshot for a closed
/// period, as `report financing` prints it.
pub fn load_financing(
    conn: &impl Sql,
    today: NaiveDate,
    fy: FinancialYear,
    period: Option<Period>,
) -> store::Result<(Vec<Funding>, FinancingStatement)> {
    let period = period.unwrap_or_else(|| fy.period_to_show(today));
    let lines = funding::list(conn, None, Some(fy))?;
    let statement = report::financing(conn, fy, period, None)?.report;
    Ok((lines, statement))
}

/// The form field (of the add form when `add`, else of the edit form) a store error names.
pub fn funding_field(add: bool, field: &Field) -> usize {
    let at = match field {
        Field::Phase | Field::Programme => 0,
        Field::Fy | Field::Date => 1,
        Field::Kind => 2,
        Field::Amount => 3,
        Field::Decision => 7,
        _ => 3,
    };
    if add {
        at
    } else {
        // The edit form has no phase or year: source 0, amount 1, status 2, funder 3,
        // spend-by 4, decision 5.
        match at {
            2 => 0,
            7 => 5,
            _ => 1,
        }
    }
}

/// Applies a funding write; None when `op` is not one.
pub(super) fn apply(
    conn: &impl Sql,
    op: &Step,
) -> Option<store::Result<(String, Option<UndoStep>)>> {
    Some(match op {
        Step::AddFunding(l) => add(conn, l),
        Step::EditFunding { id, version, line } => edit(conn, *id, *version, line),
        Step::WithdrawFunding { id, version } => funding::withdraw_in(conn, *id, Some(*version))
            .map(|before| {
                (
                    format!(
                        "Funding line {id} withdrawn ({} {} for {}/{} {})",
                        before.amount.full(),
                        before.source,
                        before.programme_code,
                        before.phase_code,
                        before.fy.label()
                    ),
                    None,
                )
            }),
        _ => return None,
    })
}

fn add(conn: &impl Sql, l: &FundingLine) -> store::Result<(String, Option<UndoStep>)> {
    let (programme, phase) = split_phase(&l.phase);
    let added = funding::add_in(
        conn,
        &funding::NewFunding {
            programme: programme.map(str::to_string),
            phase: phase.to_string(),
            fy: l.fy,
            source: l.source,
            amount: l.amount,
            status: l.status,
            funder: l.funder.clone(),
            spend_by: l.spend_by,
            decision: l.decision.clone(),
            note: String::new(),
        },
    )?;
    Ok((
        format!(
            "Added funding line {}: {} {} ({}) for {}/{} {}{}",
            added.id,
            added.amount.full(),
            added.source,
            added.status,
            added.programme_code,
            added.phase_code,
            added.fy.label(),
            added
                .spend_by
                .map(|d| format!(", to be spent by {}", uk_date(d)))
                .unwrap_or_default()
        ),
        None,
    ))
}

fn edit(
    conn: &impl Sql,
    id: i64,
    version: i64,
    l: &FundingLine,
) -> store::Result<(String, Option<UndoStep>)> {
    let change = funding::FundingChange {
        source: Some(l.source),
        amount: Some(l.amount),
        status: Some(l.status),
        funder: Some(l.funder.clone()),
        spend_by: Some(l.spend_by),
        decision: Some(l.decision.clone()),
        note: None,
    };
    funding::edit_in(conn, id, Some(version), &change)?;
    Ok((format!("Funding line {id} changed"), None))
}
