//! Budget changes (reprofiles, virements, additions, reductions), the approved budget they move,
//! and approving or rejecting a proposed change.

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Optional, Row, Sql};
use chrono::NaiveDate;
use serde::Serialize;

use super::common::{iso, not_found_in, within};
use super::phase::get_phase;
use super::rows::{
    date_at as date_col, fy_at as fy_col, money_at as money_col, rows as collect,
    word_at as word_col,
};
use crate::domain::model::{BudgetChange, BudgetSide, ChangeKind, ChangeStatus};
use crate::domain::text::MAX_NOTE;
use crate::domain::{FinancialYear, Money};
use crate::store::{Result, StoreError, audit, locks};

/// A budget change to add. `from` and `to` are (phase id, FY).
#[derive(Debug, Clone, Serialize)]
pub struct NewChange {
    pub kind: ChangeKind,
    pub amount: Money,
    pub from: Option<(i64, FinancialYear)>,
    pub to: Option<(i64, FinancialYear)>,
    pub effective: NaiveDate,
    pub status: ChangeStatus,
    pub decision_id: Option<i64>,
    pub reason: String,
}

pub(crate) use super::budget_check::APPROVED_BUDGET_SQL;

/// The budget a phase has in a year from approved allocations and approved changes (any date).
pub fn approved_budget(conn: &impl Sql, phase_id: i64, fy: FinancialYear) -> Result<Money> {
    let pence: i64 = conn.query_row(
        APPROVED_BUDGET_SQL,
        params![phase_id, i64::from(fy.start_year())],
        |r| r.get(0),
    )?;
    Ok(Money::from_pence(pence))
}

fn check_change_shape(c: &NewChange) -> Result<()> {
    let shape_ok = match c.kind {
        ChangeKind::Reprofile => {
            matches!((c.from, c.to), (Some((fp, ff)), Some((tp, tf))) if fp == tp && ff != tf)
        }
        ChangeKind::Virement => {
            matches!((c.from, c.to), (Some((fp, _)), Some((tp, _))) if fp != tp)
        }
        ChangeKind::Addition => c.from.is_none() && c.to.is_some(),
        ChangeKind::Reduction => c.from.is_some() && c.to.is_none(),
    };
    if shape_ok {
        return Ok(());
    }
    let how = match c.kind {
        ChangeKind::Reprofile => {
            "a reprofile moves money between two different years of one phase: give --phase, --from-fy and --to-fy"
        }
        ChangeKind::Virement => {
            "a virement moves money between two different phases: give --from-phase, --to-phase and --fy"
        }
        ChangeKind::Addition => {
            "an addition adds to one phase and year: give --to-phase (or --phase) and --fy, no --from-phase"
        }
        ChangeKind::Reduction => {
            "a reduction takes from one phase and year: give --from-phase (or --phase) and --fy, no --to-phase"
        }
    };
    Err(StoreError::invalid(
        "--kind",
        format!("'{}': {how}", c.kind),
    ))
}

fn ensure_budget_to_move(conn: &impl Sql, c: &NewChange) -> Result<()> {
    if let Some((phase, fy)) = c.from {
        let have = approved_budget(conn, phase, fy)?;
        if have < c.amount {
            let p = get_phase(conn, phase)?;
            return Err(StoreError::invalid(
                "--amount",
                format!(
                    "{} cannot move out of {}/{} in {}: its approved budget there is {}",
                    c.amount.full(),
                    p.programme_code,
                    p.code,
                    fy.label(),
                    have.full()
                ),
            ));
        }
        super::budget_check::ensure_never_below_zero(conn, phase, fy, c.effective, c.amount)?;
    }
    Ok(())
}

/// Adds a budget change. An approved change may not move out more than the year has.
pub fn add_change(conn: &impl Sql, c: &NewChange) -> Result<i64> {
    within("--reason", &c.reason, MAX_NOTE)?;
    if c.amount <= Money::ZERO {
        return Err(StoreError::invalid(
            "--amount",
            format!(
                "'{}' must be more than zero: the kind says which way money moves",
                c.amount.plain()
            ),
        ));
    }
    check_change_shape(c)?;
    locks::ensure_open(conn, "a budget change", c.effective)?;
    if c.status == ChangeStatus::Approved {
        ensure_budget_to_move(conn, c)?;
    }
    let id: i64 = conn.query_row(
        "INSERT INTO budget_change(kind, amount_pence, from_phase_id, from_fy, to_phase_id, to_fy, effective_date, status, decision_id, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        params![
            c.kind.as_str(),
            c.amount.pence(),
            c.from.map(|f| f.0),
            c.from.map(|f| i64::from(f.1.start_year())),
            c.to.map(|t| t.0),
            c.to.map(|t| i64::from(t.1.start_year())),
            iso(c.effective),
            c.status.as_str(),
            c.decision_id,
            c.reason
        ],
        |r| r.get(0),
    )
    ?;
    let after = get_change(conn, id)?;
    audit::record(
        conn,
        "add",
        "budget_change",
        Some(id),
        None::<&()>,
        Some(&after),
    )?;
    Ok(id)
}

const CHANGE_SELECT: &str = "SELECT c.id, c.kind, c.amount_pence, c.from_phase_id, fpr.code, fp.code, c.from_fy, c.to_phase_id, tpr.code, tp.code, c.to_fy, c.effective_date, c.status, d.reference, c.reason, c.version
    FROM budget_change c
    LEFT JOIN phase fp ON fp.id = c.from_phase_id LEFT JOIN programme fpr ON fpr.id = fp.programme_id
    LEFT JOIN phase tp ON tp.id = c.to_phase_id LEFT JOIN programme tpr ON tpr.id = tp.programme_id
    LEFT JOIN decision d ON d.id = c.decision_id";

fn side(r: &Row<'_>, i: usize) -> DbResult<Option<BudgetSide>> {
    let id: Option<i64> = r.get(i)?;
    Ok(match id {
        Some(phase_id) => Some(BudgetSide {
            phase_id,
            programme_code: r.get(i + 1)?,
            phase_code: r.get(i + 2)?,
            fy: fy_col(r, i + 3)?,
        }),
        None => None,
    })
}

fn change_row(r: &Row<'_>) -> DbResult<BudgetChange> {
    Ok(BudgetChange {
        id: r.get(0)?,
        kind: word_col(r, 1, ChangeKind::parse)?,
        amount: money_col(r, 2)?,
        from: side(r, 3)?,
        to: side(r, 7)?,
        effective: date_col(r, 11)?,
        status: word_col(r, 12, ChangeStatus::parse)?,
        decision_reference: r.get(13)?,
        reason: r.get(14)?,
        version: r.get(15)?,
    })
}

/// One budget change by id.
pub fn get_change(conn: &impl Sql, id: i64) -> Result<BudgetChange> {
    conn.query_row(
        &format!("{CHANGE_SELECT} WHERE c.id = ?1"),
        [id],
        change_row,
    )
    .optional()?
    .ok_or_else(|| {
        not_found_in(
            "change",
            "budget change",
            &id.to_string(),
            crate::error::Records::Changes,
        )
    })
}

/// Budget changes, optionally touching one programme or FY, by effective date.
pub fn list_changes(
    conn: &impl Sql,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<BudgetChange>> {
    collect(
        conn,
        &format!(
            "{CHANGE_SELECT} WHERE (CAST(?1 AS BIGINT) IS NULL OR fp.programme_id = ?1 OR tp.programme_id = ?1)
             AND (CAST(?2 AS BIGINT) IS NULL OR c.from_fy = ?2 OR c.to_fy = ?2) ORDER BY c.effective_date, c.id"
        ),
        params![programme_id, fy.map(|f| i64::from(f.start_year()))],
        change_row,
    )
}

/// Approves or rejects a proposed change (optionally recording the decision).
pub fn decide_change(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    status: ChangeStatus,
    decision_id: Option<i64>,
) -> Result<()> {
    let before = get_change(conn, id)?;
    if before.status != ChangeStatus::Proposed {
        return Err(StoreError::Refused(format!(
            "change {id} is already {}: only a proposed change can be approved or rejected",
            before.status
        )));
    }
    if status == ChangeStatus::Proposed {
        return Err(StoreError::invalid(
            "status",
            "a change can be approved or rejected",
        ));
    }
    locks::ensure_open(conn, "a budget change", before.effective)?;
    if status == ChangeStatus::Approved {
        let shape = NewChange {
            kind: before.kind,
            amount: before.amount,
            from: before.from.as_ref().map(|s| (s.phase_id, s.fy)),
            to: before.to.as_ref().map(|s| (s.phase_id, s.fy)),
            effective: before.effective,
            status,
            decision_id,
            reason: before.reason.clone(),
        };
        ensure_budget_to_move(conn, &shape)?;
    }
    locks::bump_version(
        conn,
        "budget_change",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE budget_change SET status = ?2, decision_id = coalesce(?3, decision_id) WHERE id = ?1",
        params![id, status.as_str(), decision_id],
    )
    ?;
    let after = get_change(conn, id)?;
    audit::record(
        conn,
        status.as_str(),
        "budget_change",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::AllocationStatus;
    use crate::store::entities::allocation::{NewAllocation, add_allocation};
    use crate::store::entities::test_support::{date, db, fy, pence, phase, programme};
    use rusqlite::Connection;

    /// Programme P with phases A (£1,000.00 approved in 2024-25) and B (nothing); their ids.
    fn two_phases() -> (Connection, i64, i64) {
        let conn = db();
        let p = programme(&conn, "P");
        let (a, b) = (phase(&conn, p, "A"), phase(&conn, p, "B"));
        add_allocation(
            &conn,
            &NewAllocation {
                phase_id: a,
                first_fy: fy(2024),
                last_fy: fy(2024),
                amount: pence(100_000),
                status: AllocationStatus::Approved,
                decision_id: None,
                profile: None,
                note: String::new(),
            },
        )
        .unwrap();
        (conn, a, b)
    }

    fn virement(from: i64, to: i64, amount: i64, status: ChangeStatus) -> NewChange {
        NewChange {
            kind: ChangeKind::Virement,
            amount: pence(amount),
            from: Some((from, fy(2024))),
            to: Some((to, fy(2024))),
            effective: date("2024-10-01"),
            status,
            decision_id: None,
            reason: "moved".into(),
        }
    }

    #[test]
    fn an_approved_virement_moves_approved_budget_between_phases() {
        let (conn, a, b) = two_phases();
        let id = add_change(&conn, &virement(a, b, 30_000, ChangeStatus::Approved)).unwrap();
        // £1,000.00 - £300.00 = £700.00 left in A; B has the £300.00.
        assert_eq!(approved_budget(&conn, a, fy(2024)).unwrap(), pence(70_000));
        assert_eq!(approved_budget(&conn, b, fy(2024)).unwrap(), pence(30_000));
        assert_eq!(approved_budget(&conn, a, fy(2025)).unwrap(), pence(0));
        let got = get_change(&conn, id).unwrap();
        let from = got.from.unwrap();
        assert_eq!((from.phase_id, from.phase_code.as_str()), (a, "A"));
        assert_eq!(got.to.unwrap().programme_code, "P");
        assert_eq!(list_changes(&conn, None, Some(fy(2024))).unwrap().len(), 1);
        assert_eq!(list_changes(&conn, None, Some(fy(2025))).unwrap().len(), 0);
        // Only £700.00 is left to move out of A.
        let err = add_change(&conn, &virement(a, b, 70_001, ChangeStatus::Approved))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "--amount: £700.01 cannot move out of P/A in 2024-25: its approved budget there is £700.00"
        );
    }

    #[test]
    fn a_proposed_change_moves_nothing_until_approved_once() {
        let (conn, a, b) = two_phases();
        let id = add_change(&conn, &virement(a, b, 40_000, ChangeStatus::Proposed)).unwrap();
        assert_eq!(approved_budget(&conn, b, fy(2024)).unwrap(), pence(0));
        decide_change(&conn, id, None, ChangeStatus::Approved, None).unwrap();
        assert_eq!(approved_budget(&conn, a, fy(2024)).unwrap(), pence(60_000));
        assert_eq!(approved_budget(&conn, b, fy(2024)).unwrap(), pence(40_000));
        let got = get_change(&conn, id).unwrap();
        assert_eq!((got.status, got.version), (ChangeStatus::Approved, 2));
        let err = decide_change(&conn, id, None, ChangeStatus::Rejected, None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "change {id} is already approved: only a proposed change can be approved or rejected"
            )
        );
    }

    #[test]
    fn each_kind_has_its_shape() {
        let (conn, a, b) = two_phases();
        let mut same_phase = virement(a, a, 100, ChangeStatus::Proposed);
        let err = add_change(&conn, &same_phase).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "--kind: 'virement': a virement moves money between two different phases"
            ),
            "{err}"
        );
        same_phase.kind = ChangeKind::Reprofile;
        same_phase.to = Some((a, fy(2025)));
        assert!(add_change(&conn, &same_phase).is_ok());
        let addition = NewChange {
            kind: ChangeKind::Addition,
            from: None,
            ..virement(a, b, 100, ChangeStatus::Approved)
        };
        add_change(&conn, &addition).unwrap();
        assert_eq!(approved_budget(&conn, b, fy(2024)).unwrap(), pence(100));
    }
}
