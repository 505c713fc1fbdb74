//! What SQLite's INTEGER holds: every total Outturn keeps or adds up (running totals of actuals per
//! year, phase, period and contract; actuals per phase and year; all actuals; approved budgets per
//! phase and year; all budgets) must stay within a signed 64-bit count of pence
//! (±£92,233,720,368,547,758.07). SQLite turns an integer sum that overflows into an inexact REAL,
//! and `SUM` then fails, so a write that would leave a total beyond it is refused inside its own
//! transaction, before it commits: the sums are done here in exact 128-bit arithmetic.

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::store::engine::sql::{Optional, Sql};

use super::{Result, StoreError};
use crate::domain::{FinancialYear, Money};

fn fits(p: i128) -> bool {
    i64::try_from(p).is_ok()
}

fn year(fy: i64) -> String {
    i32::try_from(fy)
        .ok()
        .and_then(|y| FinancialYear::new(y).ok())
        .map(|f| f.label())
        .unwrap_or_else(|| fy.to_string())
}

/// A phase as the officer names it: `PROGRAMME/PHASE`.
fn phase_name(conn: &impl Sql, phase_id: i64) -> Result<String> {
    Ok(conn
        .query_row(
            "SELECT pr.code || '/' || ph.code FROM phase ph JOIN programme pr ON pr.id = ph.programme_id
             WHERE ph.id = ?1",
            [phase_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| "a phase no longer kept".to_string()))
}

fn refused(what: String) -> StoreError {
    StoreError::Refused(format!(
        "{what} would add up to more than {} either way, more than Outturn can hold: nothing was changed",
        Money::from_pence(i64::MAX).full()
    ))
}

/// Whether every total [`ensure_totals_fit`] checks surely fits, from one plain pass inside
/// SQLite over the running totals and the budget profiles: it runs on every audited write, and
/// reading the running totals row by row into Rust cost a write at ten million actuals (7,200
/// running totals) several times the demo's. A sum of some totals is never further from zero
/// than the sum of all their sizes, so when the sizes (`abs`) of all the running totals add up
/// within the range, and so do the budget profiles', every phase's year and all together fit.
/// SQLite's `sum` of integers fails ("integer overflow") rather than leave the range, and is a
/// REAL when any total is not an exact integer. False (either, or an error) is no refusal: the
/// exact check then decides, and names what is past the limit.
fn all_fit_quickly(conn: &Connection) -> bool {
    let quick = conn
        .prepare_cached(
            "SELECT (SELECT sum(abs(amount_pence)) FROM actual_total),
                    (SELECT sum(abs(amount_pence)) FROM allocation_profile)",
        )
        .and_then(|mut st| {
            st.query_row([], |r| {
                Ok(r.get::<_, Option<i64>>(0).is_ok() && r.get::<_, Option<i64>>(1).is_ok())
            })
        });
    quick.unwrap_or(false)
}

/// Refuses (inside the caller's transaction) when any total of actuals or budgets has left the
/// range of SQLite's INTEGER, or is no longer an exact integer.
pub fn ensure_totals_fit(conn: &Connection) -> Result<()> {
    if all_fit_quickly(conn) {
        return Ok(());
    }
    let mut by_phase_year: BTreeMap<(i64, i64), i128> = BTreeMap::new();
    let mut all: i128 = 0;
    {
        let mut st = conn.prepare_cached(
            // A total SQLite turned into a REAL is not equal to itself cast to an integer (a
            // BIGINT column always is).
            "SELECT fy, phase_id, period, contract_id, amount_pence,
                    CAST(CASE WHEN amount_pence = CAST(amount_pence AS BIGINT) THEN 1 ELSE 0 END AS BIGINT)
             FROM actual_total ORDER BY fy, phase_id, period, contract_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (fy, phase, period): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let exact: i64 = r.get(5)?;
            if exact == 0 {
                return Err(refused(format!(
                    "the actuals of {} in {} P{period}",
                    phase_name(conn, phase)?,
                    year(fy)
                )));
            }
            let p = i128::from(r.get::<_, i64>(4)?);
            *by_phase_year.entry((phase, fy)).or_default() += p;
            all += p;
        }
    }
    if let Some(((phase, fy), _)) = by_phase_year.iter().find(|(_, p)| !fits(**p)) {
        return Err(refused(format!(
            "the actuals of {} in {}",
            phase_name(conn, *phase)?,
            year(*fy)
        )));
    }
    if !fits(all) {
        return Err(refused("all actuals together".to_string()));
    }
    let mut budget: BTreeMap<(i64, i64), i128> = BTreeMap::new();
    let mut all_budget: i128 = 0;
    let mut st = conn.prepare_cached(
        "SELECT a.phase_id, p.fy, p.amount_pence FROM allocation_profile p
         JOIN allocation a ON a.id = p.allocation_id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let p = i128::from(r.get::<_, i64>(2)?);
        *budget.entry((r.get(0)?, r.get(1)?)).or_default() += p;
        all_budget += p;
    }
    if let Some(((phase, fy), _)) = budget.iter().find(|(_, p)| !fits(**p)) {
        return Err(refused(format!(
            "the allocations of {} in {}",
            phase_name(conn, *phase)?,
            year(*fy)
        )));
    }
    if !fits(all_budget) {
        return Err(refused("all allocations together".to_string()));
    }
    Ok(())
}

/// Refuses (inside the caller's transaction) when the funding lines of a phase in a year, or all
/// funding lines together, add up past SQLite's INTEGER: the same limit as actuals and budgets.
/// One pass over the funding lines, summed in 128-bit arithmetic; an import calls it once, after
/// its rows.
pub fn ensure_funding_fits(conn: &impl Sql) -> Result<()> {
    let mut by_phase_year: BTreeMap<(i64, i64), i128> = BTreeMap::new();
    let mut all: i128 = 0;
    let lines: Vec<(i64, i64, i64)> =
        conn.query_map("SELECT phase_id, fy, amount_pence FROM funding", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    for (phase, fy, pence) in lines {
        let p = i128::from(pence);
        *by_phase_year.entry((phase, fy)).or_default() += p;
        all += p;
    }
    if let Some(((phase, fy), _)) = by_phase_year.iter().find(|(_, p)| !fits(**p)) {
        return Err(refused(format!(
            "the funding lines of {} in {}",
            phase_name(conn, *phase)?,
            year(*fy)
        )));
    }
    if !fits(all) {
        return Err(refused("all funding lines together".to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_past_i64_are_refused_and_within_accepted() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A'), (2, 1, 'B', 'B');",
        )
        .unwrap();
        // Two running totals of 5e18 pence each: each fits, but phase 1 in 2022-23 holds
        // 5e18 + 5e18 = 1e19 > 9,223,372,036,854,775,807.
        conn.execute_batch(
            "INSERT INTO actual_total VALUES (2022, 1, 1, 0, 5000000000000000000, 1);
             INSERT INTO actual_total VALUES (2022, 1, 2, 0, 5000000000000000000, 1);",
        )
        .unwrap();
        let err = ensure_totals_fit(&conn).unwrap_err().to_string();
        assert!(err.contains("the actuals of P/A in 2022-23"), "{err}");
        // Moved to two phases: each fits, but all actuals together (1e19) do not.
        conn.execute("UPDATE actual_total SET phase_id = 2 WHERE period = 2", [])
            .unwrap();
        let err = ensure_totals_fit(&conn).unwrap_err().to_string();
        assert!(err.contains("all actuals together"), "{err}");
        // One of them negative: 5e18 - 5e18 = 0 fits.
        conn.execute(
            "UPDATE actual_total SET amount_pence = -5000000000000000000 WHERE period = 2",
            [],
        )
        .unwrap();
        ensure_totals_fit(&conn).unwrap();
        // A running total that SQLite already turned into a REAL is refused.
        conn.execute(
            "UPDATE actual_total SET amount_pence = 1.5e19 WHERE period = 1",
            [],
        )
        .unwrap();
        assert!(ensure_totals_fit(&conn).is_err());
    }

    #[test]
    fn the_quick_answer_is_yes_only_when_every_sum_fits_and_the_exact_check_decides_otherwise() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A');
             INSERT INTO actual_total VALUES (2022, 1, 1, 0, 9000000000000000000, 1);
             INSERT INTO actual_total VALUES (2022, 1, 2, 0, -100, 1);",
        )
        .unwrap();
        assert!(all_fit_quickly(&conn));
        ensure_totals_fit(&conn).unwrap();
        // P1 + P2 + P3 = 9e18 - 100 fits, but their sizes add up past the range: not known to
        // fit, and the exact check accepts it.
        conn.execute_batch(
            "UPDATE actual_total SET amount_pence = 9000000000000000000 WHERE period = 2;
             INSERT INTO actual_total VALUES (2022, 1, 3, 0, -9000000000000000100, 1);",
        )
        .unwrap();
        assert!(!all_fit_quickly(&conn));
        ensure_totals_fit(&conn).unwrap();
        // Budgets: two allocations of 5e18 for A in 2022-23 are 1e19 together.
        conn.execute("DELETE FROM actual_total", []).unwrap();
        conn.execute_batch(
            "INSERT INTO allocation(id, phase_id, first_fy, last_fy, amount_pence, status)
                 VALUES (1, 1, 2022, 2022, 5000000000000000000, 'approved'),
                        (2, 1, 2022, 2022, 4000000000000000000, 'approved');
             INSERT INTO allocation_profile VALUES (1, 2022, 5000000000000000000),
                                                   (2, 2022, 4000000000000000000);",
        )
        .unwrap();
        assert!(all_fit_quickly(&conn));
        conn.execute(
            "UPDATE allocation_profile SET amount_pence = 5000000000000000000 WHERE allocation_id = 2",
            [],
        )
        .unwrap();
        assert!(!all_fit_quickly(&conn));
        let err = ensure_totals_fit(&conn).unwrap_err().to_string();
        assert!(err.contains("the allocations of P/A in 2022-23"), "{err}");
    }

    #[test]
    fn funding_past_i64_is_refused() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A'), (2, 1, 'B', 'B');
             INSERT INTO funding(phase_id, fy, source, amount_pence, status, note)
                 VALUES (1, 2022, 'grant', 5000000000000000000, 'approved', '');",
        )
        .unwrap();
        ensure_funding_fits(&conn).unwrap();
        conn.execute(
            "INSERT INTO funding(phase_id, fy, source, amount_pence, status, note)
                 VALUES (1, 2022, 'grant', 5000000000000000000, 'approved', '')",
            [],
        )
        .unwrap();
        let err = ensure_funding_fits(&conn).unwrap_err().to_string();
        assert!(err.contains("the funding lines of P/A in 2022-23"), "{err}");
        conn.execute("UPDATE funding SET phase_id = 2 WHERE id = 2", [])
            .unwrap();
        let err = ensure_funding_fits(&conn).unwrap_err().to_string();
        assert!(err.contains("all funding lines together"), "{err}");
    }
}
