//! The rule every approved reduction, virement or reprofile obeys: a phase's revised budget in a
//! year never goes below zero at any effective date ([`crate::domain::budget_path`]), not only at
//! year end. A leaf of the record kinds: reads the store, imports no other record file but phases.

use crate::sql_params as params;
use crate::store::engine::sql::Sql;
use chrono::NaiveDate;

use super::phase::get_phase;
use super::rows::{date_at as date_col, money_at as money_col, rows as collect};
use crate::domain::budget_path::first_shortfall;
use crate::domain::calendar::uk_date;
use crate::domain::{FinancialYear, Money, Period};
use crate::store::{Result, StoreError};

/// Pence of approved allocations plus approved changes for phase ?1 in FY ?2 (any date).
pub(crate) const APPROVED_BUDGET_SQL: &str = "SELECT CAST(
           coalesce((SELECT sum(p.amount_pence) FROM allocation_profile p JOIN allocation a ON a.id = p.allocation_id
                     WHERE a.phase_id = ?1 AND p.fy = ?2 AND a.status = 'approved'), 0)
         + coalesce((SELECT sum(amount_pence) FROM budget_change WHERE status = 'approved' AND to_phase_id = ?1 AND to_fy = ?2), 0)
         - coalesce((SELECT sum(amount_pence) FROM budget_change WHERE status = 'approved' AND from_phase_id = ?1 AND from_fy = ?2), 0)
         AS BIGINT)";

/// The approved allocations of `phase` in `fy` entered as approved, and as (date, signed amount)
/// its allocations approved on a date (they count from it) and its approved changes there (from
/// their effective date): what [`crate::domain::budget_path`] checks.
fn load_check_inputs(
    conn: &impl Sql,
    phase: i64,
    fy: FinancialYear,
) -> Result<(Money, Vec<(NaiveDate, Money)>)> {
    let original: i64 = conn.query_row(
        "SELECT CAST(coalesce(sum(p.amount_pence), 0) AS BIGINT) FROM allocation_profile p JOIN allocation a ON a.id = p.allocation_id
         WHERE a.phase_id = ?1 AND p.fy = ?2 AND a.status = 'approved' AND a.status_date IS NULL",
        params![phase, i64::from(fy.start_year())],
        |r| r.get(0),
    )?;
    let mut movements = collect(
        conn,
        "SELECT a.status_date, p.amount_pence FROM allocation_profile p JOIN allocation a ON a.id = p.allocation_id
         WHERE a.phase_id = ?1 AND p.fy = ?2 AND a.status = 'approved' AND a.status_date IS NOT NULL",
        params![phase, i64::from(fy.start_year())],
        |r| Ok((date_col(r, 0)?, money_col(r, 1)?)),
    )?;
    movements.extend(collect(
        conn,
        "SELECT effective_date, CASE WHEN to_phase_id = ?1 AND to_fy = ?2 THEN amount_pence ELSE 0 END
                - CASE WHEN from_phase_id = ?1 AND from_fy = ?2 THEN amount_pence ELSE 0 END
         FROM budget_change WHERE status = 'approved'
           AND ((to_phase_id = ?1 AND to_fy = ?2) OR (from_phase_id = ?1 AND from_fy = ?2))",
        params![phase, i64::from(fy.start_year())],
        |r| Ok((date_col(r, 0)?, money_col(r, 1)?)),
    )?);
    Ok((Money::from_pence(original), movements))
}

/// Refuses taking `amount` out of `phase` in `fy` effective `effective` when, with every approved
/// change of that phase and year, the revised budget would be below zero at some effective date.
pub(crate) fn ensure_never_below_zero(
    conn: &impl Sql,
    phase: i64,
    fy: FinancialYear,
    effective: NaiveDate,
    amount: Money,
) -> Result<()> {
    let (original, mut movements) = load_check_inputs(conn, phase, fy)?;
    movements.push((effective, -amount));
    if let Some(s) = first_shortfall(original, &movements) {
        let p = get_phase(conn, phase)?;
        return Err(StoreError::invalid(
            "--amount",
            format!(
                "{} out of {}/{} in {} effective {} would take its revised budget to {} on {} ({} {}), \
                 though later changes may cover it: a year's budget may not go below zero at any date",
                amount.full(),
                p.programme_code,
                p.code,
                fy.label(),
                uk_date(effective),
                s.budget.full(),
                uk_date(s.date),
                FinancialYear::containing(s.date).label(),
                Period::of_date(s.date).label()
            ),
        ));
    }
    Ok(())
}

/// Refuses (inside the caller's transaction, before it commits) a change that leaves a phase and
/// year with approved changes moving more out of it than its budget there: the state `check`
/// flags (`store::check`'s budgets finding, worded the same), on either engine. `field` and
/// `what` name what the user gave.
pub(crate) fn refuse_overdrawn(conn: &impl Sql, field: &str, what: &str) -> Result<()> {
    let sides = collect(
        conn,
        "SELECT DISTINCT c.from_phase_id, c.from_fy, coalesce(pr.code || '/' || ph.code, 'phase id ' || c.from_phase_id)
         FROM budget_change c LEFT JOIN phase ph ON ph.id = c.from_phase_id
         LEFT JOIN programme pr ON pr.id = ph.programme_id
         WHERE c.status = 'approved' AND c.from_phase_id IS NOT NULL ORDER BY 1, 2 NULLS FIRST",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
    )?;
    for (phase, fy, name) in sides {
        let have: i64 = conn.query_row(APPROVED_BUDGET_SQL, [phase, fy], |r| r.get(0))?;
        if have < 0 {
            let year = i32::try_from(fy)
                .ok()
                .and_then(|y| FinancialYear::new(y).ok())
                .map(|f| f.label())
                .unwrap_or_else(|| format!("year {fy}"));
            return Err(StoreError::invalid(
                field,
                format!(
                    "{what} is refused: approved changes move more out of {name} in {year} than it has: its approved budget there is {}; nothing was changed",
                    Money::from_pence(have).full()
                ),
            ));
        }
    }
    Ok(())
}
