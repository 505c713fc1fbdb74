//! Allocations of budget to a phase over a range of financial years, with their per-FY profile.

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Params, Row, Sql};
use serde::Serialize;

use super::common::{the_one, within};
use super::rows::{
    fy_at as fy_col, money_at as money_col, opt_date_at as opt_date_col, rows as collect,
    word_at as word_col,
};
use crate::domain::model::{Allocation, AllocationStatus, ProfileLine};
use crate::domain::profile::even_fy_profile;
use crate::domain::text::MAX_NOTE;
use crate::domain::{FinancialYear, Money};
use crate::store::{Result, StoreError, audit, locks};

/// An allocation to add. With no profile, a range is split evenly and marked as assumed.
#[derive(Debug, Clone, Serialize)]
pub struct NewAllocation {
    pub phase_id: i64,
    pub first_fy: FinancialYear,
    pub last_fy: FinancialYear,
    pub amount: Money,
    pub status: AllocationStatus,
    pub decision_id: Option<i64>,
    pub profile: Option<Vec<(FinancialYear, Money)>>,
    pub note: String,
}

/// Adds an allocation with its per-FY profile.
pub fn add_allocation(conn: &impl Sql, a: &NewAllocation) -> Result<i64> {
    within("--note", &a.note, MAX_NOTE)?;
    if a.last_fy < a.first_fy {
        return Err(StoreError::invalid(
            "--to-fy",
            format!(
                "'{}' is before the first year {}",
                a.last_fy.label(),
                a.first_fy.label()
            ),
        ));
    }
    if a.amount <= Money::ZERO {
        return Err(StoreError::invalid(
            "--amount",
            format!("'{}' must be more than zero", a.amount.plain()),
        )
        .with_fix(crate::error::Fix::ReduceBudget));
    }
    locks::ensure_open(conn, "an allocation for a year", a.first_fy.start())?;
    let (profile, assumed) = match &a.profile {
        Some(p) => {
            refuse_negative_shares(p)?;
            for (fy, _) in p {
                if *fy < a.first_fy || *fy > a.last_fy {
                    return Err(StoreError::invalid(
                        "--profile",
                        format!(
                            "{} is outside the allocation's years {} to {}",
                            fy.label(),
                            a.first_fy.label(),
                            a.last_fy.label()
                        ),
                    ));
                }
            }
            let total: Money = p.iter().map(|(_, m)| *m).sum();
            if total != a.amount {
                return Err(StoreError::invalid(
                    "--profile",
                    format!(
                        "the years add up to {}, not the amount {}",
                        total.full(),
                        a.amount.full()
                    ),
                ));
            }
            (p.clone(), false)
        }
        None => (
            even_fy_profile(a.amount, a.first_fy, a.last_fy),
            a.first_fy != a.last_fy,
        ),
    };
    let id: i64 = conn.query_row(
        "INSERT INTO allocation(phase_id, first_fy, last_fy, amount_pence, status, decision_id, profile_assumed, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        params![
            a.phase_id,
            i64::from(a.first_fy.start_year()),
            i64::from(a.last_fy.start_year()),
            a.amount.pence(),
            a.status.as_str(),
            a.decision_id,
            i64::from(assumed),
            a.note
        ],
        |r| r.get(0),
    )?;
    for (fy, amount) in &profile {
        insert_profile_line(conn, id, *fy, *amount).map_err(|e| match e {
            e if super::records::is_constraint(&e) => {
                StoreError::invalid("--profile", format!("{} is given twice", fy.label()))
            }
            e => e.into(),
        })?;
    }
    let after = get_allocation(conn, id)?;
    audit::record(
        conn,
        "add",
        "allocation",
        Some(id),
        None::<&()>,
        Some(&after),
    )?;
    Ok(id)
}

/// A year's share of a budget is never below zero (`2019-20=-£5.00` would be an approved budget
/// of -£5.00 in that year).
fn refuse_negative_shares(profile: &[(FinancialYear, Money)]) -> Result<()> {
    match profile.iter().find(|(_, m)| *m < Money::ZERO) {
        Some((fy, m)) => Err(StoreError::invalid(
            "--profile",
            format!(
                "{}={} is negative: a year's share of an allocation cannot be below zero",
                fy.label(),
                m.full()
            ),
        )),
        None => Ok(()),
    }
}

/// Writes one year of an allocation's profile.
fn insert_profile_line(
    conn: &impl Sql,
    allocation_id: i64,
    fy: FinancialYear,
    amount: Money,
) -> DbResult<usize> {
    conn.execute(
        "INSERT INTO allocation_profile(allocation_id, fy, amount_pence) VALUES (?1, ?2, ?3)",
        params![allocation_id, i64::from(fy.start_year()), amount.pence()],
    )
}

const ALLOCATION_SELECT: &str = "SELECT allocation.id, programme.code, phase.code, first_fy, last_fy, amount_pence, allocation.status, decision.reference, profile_assumed, note, allocation.version, allocation.status_date, allocation.status_reason
    FROM allocation JOIN phase ON phase.id = phase_id JOIN programme ON programme.id = phase.programme_id
    LEFT JOIN decision ON decision.id = decision_id";

/// An allocation row of [`ALLOCATION_SELECT`], its profile still empty.
fn allocation_row(r: &Row<'_>) -> DbResult<Allocation> {
    Ok(Allocation {
        id: r.get(0)?,
        programme_code: r.get(1)?,
        phase_code: r.get(2)?,
        first_fy: fy_col(r, 3)?,
        last_fy: fy_col(r, 4)?,
        amount: money_col(r, 5)?,
        status: word_col(r, 6, AllocationStatus::parse)?,
        decision_reference: r.get(7)?,
        profile_assumed: r.get(8)?,
        profile: Vec::new(),
        note: r.get(9)?,
        version: r.get(10)?,
        status_date: opt_date_col(r, 11)?,
        status_reason: r.get(12)?,
    })
}

fn profile_line_row(r: &Row<'_>) -> DbResult<ProfileLine> {
    Ok(ProfileLine {
        fy: fy_col(r, 0)?,
        amount: money_col(r, 1)?,
    })
}

fn allocation_rows(conn: &impl Sql, filter: &str, p: impl Params) -> Result<Vec<Allocation>> {
    let mut out = collect(
        conn,
        &format!(
            "{ALLOCATION_SELECT} {filter} ORDER BY programme.code, phase.code, first_fy, allocation.id"
        ),
        p,
        allocation_row,
    )?;
    for a in &mut out {
        a.profile = collect(
            conn,
            "SELECT fy, amount_pence FROM allocation_profile WHERE allocation_id = ?1 ORDER BY fy",
            [a.id],
            profile_line_row,
        )?;
    }
    Ok(out)
}

/// One allocation by id.
pub fn get_allocation(conn: &impl Sql, id: i64) -> Result<Allocation> {
    the_one(
        allocation_rows(conn, "WHERE allocation.id = ?1", [id])?,
        "allocation",
        id,
    )
}

/// Allocations, optionally only those with a share in `fy` or of one programme.
pub fn list_allocations(
    conn: &impl Sql,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<Allocation>> {
    allocation_rows(
        conn,
        "WHERE (CAST(?1 AS BIGINT) IS NULL OR phase.programme_id = ?1)
         AND (CAST(?2 AS BIGINT) IS NULL OR (first_fy <= ?2 AND last_fy >= ?2))",
        params![programme_id, fy.map(|f| i64::from(f.start_year()))],
    )
}

/// Replaces an allocation's per-FY profile (reprofiling an assumed split); clears the assumed mark.
pub fn set_allocation_profile(
    conn: &impl Sql,
    id: i64,
    expected_version: i64,
    profile: &[(FinancialYear, Money)],
) -> Result<()> {
    if let Some(fy) = crate::domain::profile::repeated_year(profile) {
        return Err(StoreError::invalid(
            "--profile",
            format!("{} is given twice: give each year once", fy.label()),
        ));
    }
    let before = get_allocation(conn, id)?;
    locks::ensure_open(conn, "an allocation for a year", before.first_fy.start())?;
    refuse_negative_shares(profile)?;
    let total: Money = profile.iter().map(|(_, m)| *m).sum();
    if total != before.amount {
        return Err(StoreError::invalid(
            "--profile",
            format!(
                "the years add up to {}, not the allocation's {}",
                total.full(),
                before.amount.full()
            ),
        ));
    }
    if let Some((fy, _)) = profile
        .iter()
        .find(|(fy, _)| *fy < before.first_fy || *fy > before.last_fy)
    {
        return Err(StoreError::invalid(
            "--profile",
            format!("{} is outside the allocation's years", fy.label()),
        ));
    }
    locks::bump_version(conn, "allocation", id, expected_version)?;
    conn.execute(
        "DELETE FROM allocation_profile WHERE allocation_id = ?1",
        [id],
    )?;
    for (fy, amount) in profile {
        insert_profile_line(conn, id, *fy, *amount)?;
    }
    conn.execute(
        "UPDATE allocation SET profile_assumed = 0 WHERE id = ?1",
        [id],
    )?;
    // A reprofile may not take a year below what approved reductions and virements moved out.
    super::budget_check::refuse_overdrawn(conn, "--profile", "the new profile")?;
    let after = get_allocation(conn, id)?;
    audit::record(
        conn,
        "reprofile",
        "allocation",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{db_with_phase, fy, pence};

    fn allocation(phase_id: i64, first: i32, last: i32, amount: i64) -> NewAllocation {
        NewAllocation {
            phase_id,
            first_fy: fy(first),
            last_fy: fy(last),
            amount: pence(amount),
            status: AllocationStatus::Approved,
            decision_id: None,
            profile: None,
            note: String::new(),
        }
    }

    fn profile(a: &Allocation) -> Vec<(i32, i64)> {
        a.profile
            .iter()
            .map(|l| (l.fy.start_year(), l.amount.pence()))
            .collect()
    }

    #[test]
    fn a_range_is_split_evenly_to_the_penny_and_marked_assumed() {
        let (conn, a) = db_with_phase();
        // £100,000.00 over three years: 10,000,000p / 3 = 3,333,333p a year, the last taking the
        // remaining penny (3 x 3,333,333 = 9,999,999).
        let id = add_allocation(&conn, &allocation(a, 2024, 2026, 10_000_000)).unwrap();
        let got = get_allocation(&conn, id).unwrap();
        assert_eq!(
            profile(&got),
            [(2024, 3_333_333), (2025, 3_333_333), (2026, 3_333_334)]
        );
        assert!(got.profile_assumed);
        assert_eq!(
            (got.programme_code.as_str(), got.phase_code.as_str()),
            ("P", "A")
        );
        // One year is its own profile, not an assumption.
        let single = add_allocation(&conn, &allocation(a, 2025, 2025, 50_000)).unwrap();
        let single = get_allocation(&conn, single).unwrap();
        assert_eq!(profile(&single), [(2025, 50_000)]);
        assert!(!single.profile_assumed);
        // Listing by year finds the allocations with a share in it.
        assert_eq!(
            list_allocations(&conn, None, Some(fy(2025))).unwrap().len(),
            2
        );
        assert_eq!(
            list_allocations(&conn, None, Some(fy(2024))).unwrap().len(),
            1
        );
        assert_eq!(
            list_allocations(&conn, None, Some(fy(2027))).unwrap().len(),
            0
        );
    }

    #[test]
    fn an_explicit_profile_must_add_up_and_stay_in_range() {
        let (conn, a) = db_with_phase();
        let mut given = allocation(a, 2024, 2025, 100_000);
        given.profile = Some(vec![(fy(2024), pence(30_000)), (fy(2025), pence(60_000))]);
        let err = add_allocation(&conn, &given).unwrap_err().to_string();
        assert_eq!(
            err,
            "--profile: the years add up to £900.00, not the amount £1,000.00"
        );
        given.profile = Some(vec![(fy(2024), pence(50_000)), (fy(2024), pence(50_000))]);
        let err = add_allocation(&conn, &given).unwrap_err().to_string();
        assert_eq!(err, "--profile: 2024-25 is given twice");
        given.profile = Some(vec![(fy(2024), pence(40_000)), (fy(2025), pence(60_000))]);
        let id = add_allocation(&conn, &given).unwrap();
        assert_eq!(
            profile(&get_allocation(&conn, id).unwrap()),
            [(2024, 40_000), (2025, 60_000)]
        );
    }

    #[test]
    fn reprofiling_replaces_the_years_and_clears_the_assumed_mark() {
        let (conn, a) = db_with_phase();
        let id = add_allocation(&conn, &allocation(a, 2024, 2025, 100_001)).unwrap();
        let before = get_allocation(&conn, id).unwrap();
        assert_eq!(profile(&before), [(2024, 50_000), (2025, 50_001)]);
        set_allocation_profile(
            &conn,
            id,
            before.version,
            &[(fy(2024), pence(1)), (fy(2025), pence(100_000))],
        )
        .unwrap();
        let after = get_allocation(&conn, id).unwrap();
        assert_eq!(profile(&after), [(2024, 1), (2025, 100_000)]);
        assert!(!after.profile_assumed);
        assert_eq!(after.version, before.version + 1);
        let err = set_allocation_profile(&conn, id, after.version, &[(fy(2024), pence(1))])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "--profile: the years add up to £0.01, not the allocation's £1,000.01"
        );
    }
}
