//! A budget change's life after it is proposed: amended or withdrawn while proposed (an approved
//! one is only reversed by another change). The rule every approved change obeys is in
//! [`super::budget_check`].

use crate::sql_params as params;
use crate::store::engine::sql::Sql;
use chrono::NaiveDate;
use serde::Serialize;

use super::change::get_change;
use super::common::iso;
use crate::domain::Money;
use crate::domain::model::{BudgetChange, ChangeStatus};
use crate::store::{Result, StoreError, audit, locks};

fn proposed(conn: &impl Sql, id: i64, verb: &str) -> Result<BudgetChange> {
    let before = get_change(conn, id)?;
    if before.status != ChangeStatus::Proposed {
        return Err(StoreError::Refused(format!(
            "change {id} is {}: only a proposed change can be {verb} (an approved one is reversed \
             by another change)",
            before.status
        )));
    }
    Ok(before)
}

/// What `change amend` may change on a proposed change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ChangeAmend {
    pub amount: Option<Money>,
    pub effective: Option<NaiveDate>,
    pub reason: Option<String>,
    pub decision_id: Option<i64>,
}

/// Amends a proposed change (amount, effective date, reason, decision).
pub fn amend_change(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    a: &ChangeAmend,
) -> Result<BudgetChange> {
    let before = proposed(conn, id, "amended")?;
    if let Some(m) = a.amount
        && m <= Money::ZERO
    {
        return Err(StoreError::invalid(
            "--amount",
            format!(
                "'{}' must be more than zero: the kind says which way money moves",
                m.plain()
            ),
        ));
    }
    locks::ensure_open(conn, "a budget change", before.effective)?;
    if let Some(d) = a.effective {
        locks::ensure_open(conn, "a budget change", d)?;
    }
    locks::bump_version(
        conn,
        "budget_change",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE budget_change SET amount_pence = coalesce(?2, amount_pence),
             effective_date = coalesce(?3, effective_date), reason = coalesce(?4, reason),
             decision_id = coalesce(?5, decision_id) WHERE id = ?1",
        params![
            id,
            a.amount.map(|m| m.pence()),
            a.effective.map(iso),
            a.reason.as_deref(),
            a.decision_id
        ],
    )?;
    let after = get_change(conn, id)?;
    audit::record(
        conn,
        "amend",
        "budget_change",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

#[derive(Serialize)]
struct Withdrawal<'a> {
    reason: &'a str,
    change: &'a BudgetChange,
}

/// Withdraws a proposed change with a reason: it leaves Pending approval.
pub fn withdraw_change(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    reason: &str,
) -> Result<BudgetChange> {
    if crate::domain::text::is_blank(reason) {
        return Err(StoreError::invalid(
            "--reason",
            "is empty: say why the change is withdrawn",
        ));
    }
    super::common::within("--reason", reason, crate::domain::text::MAX_NOTE)?;
    let before = proposed(conn, id, "withdrawn")?;
    locks::ensure_open(conn, "a budget change", before.effective)?;
    locks::bump_version(
        conn,
        "budget_change",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE budget_change SET status = 'withdrawn' WHERE id = ?1",
        [id],
    )?;
    let after = get_change(conn, id)?;
    audit::record(
        conn,
        "withdraw",
        "budget_change",
        Some(id),
        Some(&before),
        Some(&Withdrawal {
            reason: reason.trim(),
            change: &after,
        }),
    )?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{AllocationStatus, ChangeKind};
    use crate::store::entities::test_support::{date, db_with_phase, fy, pence};
    use crate::store::entities::{NewAllocation, NewChange, add_allocation, add_change};

    fn change(kind: ChangeKind, phase: i64, amount: i64, effective: &str) -> NewChange {
        let side = Some((phase, fy(2025)));
        NewChange {
            kind,
            amount: pence(amount),
            from: if kind == ChangeKind::Reduction {
                side
            } else {
                None
            },
            to: if kind == ChangeKind::Addition {
                side
            } else {
                None
            },
            effective: date(effective),
            status: ChangeStatus::Approved,
            decision_id: None,
            reason: String::new(),
        }
    }

    #[test]
    fn a_reduction_covered_only_at_year_end_is_refused() {
        let (conn, a) = db_with_phase();
        add_allocation(
            &conn,
            &NewAllocation {
                phase_id: a,
                first_fy: fy(2025),
                last_fy: fy(2025),
                amount: pence(10_000),
                status: AllocationStatus::Approved,
                decision_id: None,
                profile: None,
                note: String::new(),
            },
        )
        .unwrap();
        // £100.00 original + £50.00 added effective 10/12/2025 (P9) = £150.00 at year end, but a
        // £120.00 reduction effective 15/05/2025 (P2) leaves 100 - 120 = -£20.00 from P2 to P8.
        add_change(&conn, &change(ChangeKind::Addition, a, 5_000, "2025-12-10")).unwrap();
        let err = add_change(
            &conn,
            &change(ChangeKind::Reduction, a, 12_000, "2025-05-15"),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "--amount: £120.00 out of P/A in 2025-26 effective 15/05/2025 would take its revised \
             budget to -£20.00 on 15/05/2025 (2025-26 P2), though later changes may cover it: a \
             year's budget may not go below zero at any date"
        );
        // The same reduction effective on or after the addition is covered: 150 - 120 = 30.
        add_change(
            &conn,
            &change(ChangeKind::Reduction, a, 12_000, "2025-12-10"),
        )
        .unwrap();
    }

    #[test]
    fn a_proposed_change_is_amended_or_withdrawn_an_approved_one_is_not() {
        let (conn, a) = db_with_phase();
        let mut c = change(ChangeKind::Addition, a, 5_000, "2025-06-01");
        c.status = ChangeStatus::Proposed;
        let id = add_change(&conn, &c).unwrap();
        let amended = amend_change(
            &conn,
            id,
            Some(1),
            &ChangeAmend {
                amount: Some(pence(7_500)),
                ..ChangeAmend::default()
            },
        )
        .unwrap();
        assert_eq!((amended.amount, amended.version), (pence(7_500), 2));
        let stale = withdraw_change(&conn, id, Some(1), "typo").unwrap_err();
        assert!(matches!(stale, StoreError::Conflict(_)), "{stale}");
        let w = withdraw_change(&conn, id, Some(2), "typo").unwrap();
        assert_eq!(w.status, ChangeStatus::Withdrawn);
        let err = amend_change(&conn, id, None, &ChangeAmend::default())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(&format!("change {id} is withdrawn: only a proposed")));
    }
}
