//! An allocation's life: `projected` -> `approved` (with the approving decision and the date) or
//! `withdrawn` (with a reason). Once approved its amount counts in Original budget and no longer in
//! Pending approval (the report reads the status); an approved allocation is never edited in
//! place, only changed through budget changes.

use crate::sql_params as params;
use crate::store::engine::sql::Sql;
use chrono::NaiveDate;

use super::allocation::get_allocation;
use super::common::iso;
use crate::domain::model::{Allocation, AllocationStatus};
use crate::store::{Result, StoreError, audit, locks};

fn projected(conn: &impl Sql, id: i64, verb: &str) -> Result<Allocation> {
    let before = get_allocation(conn, id)?;
    if before.status != AllocationStatus::Projected {
        let err = StoreError::Refused(format!(
            "allocation {id} is {}: only a projected allocation can be {verb}",
            before.status
        ));
        return Err(if before.status == AllocationStatus::Approved {
            err.with_fix(crate::error::Fix::ChangeBudget)
        } else {
            err
        });
    }
    Ok(before)
}

fn set_status(
    conn: &impl Sql,
    before: &Allocation,
    expected_version: Option<i64>,
    status: AllocationStatus,
    decision_id: Option<i64>,
    date: NaiveDate,
    reason: &str,
) -> Result<Allocation> {
    locks::bump_version(
        conn,
        "allocation",
        before.id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE allocation SET status = ?2, decision_id = coalesce(?3, decision_id),
             status_date = ?4, status_reason = ?5 WHERE id = ?1",
        params![
            before.id,
            status.as_str(),
            decision_id,
            iso(date),
            reason.trim()
        ],
    )?;
    let after = get_allocation(conn, before.id)?;
    let action = if status == AllocationStatus::Approved {
        "approve"
    } else {
        "withdraw"
    };
    audit::record(
        conn,
        action,
        "allocation",
        Some(before.id),
        Some(before),
        Some(&after),
    )?;
    Ok(after)
}

/// Approves a projected allocation by `decision_id` on `date` (refused when `date` is in a closed
/// period): from now on it is Original budget, no longer Pending approval.
pub fn approve_allocation(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    decision_id: i64,
    date: NaiveDate,
) -> Result<Allocation> {
    let before = projected(conn, id, "approved")?;
    locks::ensure_open(conn, "an approval", date)?;
    set_status(
        conn,
        &before,
        expected_version,
        AllocationStatus::Approved,
        Some(decision_id),
        date,
        "",
    )
}

/// Withdraws a projected allocation with a reason: it leaves Pending approval.
pub fn withdraw_allocation(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    reason: &str,
    date: NaiveDate,
) -> Result<Allocation> {
    if crate::domain::text::is_blank(reason) {
        return Err(StoreError::invalid(
            "--reason",
            "is empty: say why the allocation is withdrawn",
        ));
    }
    super::common::within("--reason", reason, crate::domain::text::MAX_NOTE)?;
    let before = projected(conn, id, "withdrawn")?;
    locks::ensure_open(conn, "a withdrawal", date)?;
    set_status(
        conn,
        &before,
        expected_version,
        AllocationStatus::Withdrawn,
        None,
        date,
        reason,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::store::entities::test_support::{date, db_with_phase, fy, pence};
    use crate::store::entities::{NewAllocation, add_allocation};
    use crate::store::figures::phase_figures;

    fn projected_line(conn: &impl Sql, phase: i64) -> i64 {
        add_allocation(
            conn,
            &NewAllocation {
                phase_id: phase,
                first_fy: fy(2025),
                last_fy: fy(2025),
                amount: pence(100_000_000),
                status: AllocationStatus::Projected,
                decision_id: None,
                profile: None,
                note: String::new(),
            },
        )
        .unwrap()
    }

    #[test]
    fn approving_moves_the_amount_from_pending_to_original_once() {
        let (conn, a) = db_with_phase();
        conn.execute(
            "INSERT INTO decision(reference, body, decision_date) VALUES ('C-1', 'Council', '2025-06-01')",
            [],
        )
        .unwrap();
        let id = projected_line(&conn, a);
        let p6 = crate::domain::Period::new(6).unwrap();
        let f = &phase_figures(&conn, fy(2025), p6, None).unwrap()[0];
        // £1,000,000.00 projected: pending, not original.
        assert_eq!((f.original, f.pending), (Money::ZERO, pence(100_000_000)));
        let after = approve_allocation(&conn, id, None, 1, date("2025-06-01")).unwrap();
        assert_eq!(after.status, AllocationStatus::Approved);
        assert_eq!(after.decision_reference.as_deref(), Some("C-1"));
        let f = &phase_figures(&conn, fy(2025), p6, None).unwrap()[0];
        assert_eq!((f.original, f.pending), (pence(100_000_000), Money::ZERO));
        let err = approve_allocation(&conn, id, None, 1, date("2025-06-01"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(&format!("allocation {id} is approved: only a projected")));
        let err = withdraw_allocation(&conn, id, None, "x", date("2025-06-01")).unwrap_err();
        assert_eq!(err.fix(), Some(&crate::error::Fix::ChangeBudget), "{err}");
    }

    #[test]
    fn withdrawing_takes_it_out_of_pending_and_needs_a_reason() {
        let (conn, a) = db_with_phase();
        let id = projected_line(&conn, a);
        let err = withdraw_allocation(&conn, id, None, " ", date("2025-06-01"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "--reason: is empty: say why the allocation is withdrawn"
        );
        let after = withdraw_allocation(&conn, id, None, "not needed", date("2025-06-01")).unwrap();
        assert_eq!(
            (after.status, after.status_reason.as_str()),
            (AllocationStatus::Withdrawn, "not needed")
        );
        let p6 = crate::domain::Period::new(6).unwrap();
        let f = &phase_figures(&conn, fy(2025), p6, None).unwrap()[0];
        assert_eq!((f.original, f.pending), (Money::ZERO, Money::ZERO));
    }
}
