//! Allocations of budget to a phase over a range of financial years, with their per-FY profile.

use rusqlite::{Connection, Row, params};
use serde::Serialize;

use super::common::{collect, fy_col, money_col, not_found, word_col};
use crate::domain::model::{Allocation, AllocationStatus, ProfileLine};
use crate::domain::profile::even_fy_profile;
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
pub fn add_allocation(conn: &Connection, a: &NewAllocation) -> Result<i64> {
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
            format!(
                "'{}' must be more than zero (reduce a budget with `outturn change add --kind reduction`)",
                a.amount.plain()
            ),
        ));
    }
    locks::ensure_open(conn, "an allocation for a year", a.first_fy.start())?;
    let (profile, assumed) = match &a.profile {
        Some(p) => {
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
    conn.execute(
        "INSERT INTO allocation(phase_id, first_fy, last_fy, amount_pence, status, decision_id, profile_assumed, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            a.phase_id,
            a.first_fy.start_year(),
            a.last_fy.start_year(),
            a.amount.pence(),
            a.status.as_str(),
            a.decision_id,
            assumed,
            a.note
        ],
    )?;
    let id = conn.last_insert_rowid();
    for (fy, amount) in &profile {
        insert_profile_line(conn, id, *fy, *amount).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
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

/// Writes one year of an allocation's profile.
fn insert_profile_line(
    conn: &Connection,
    allocation_id: i64,
    fy: FinancialYear,
    amount: Money,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO allocation_profile(allocation_id, fy, amount_pence) VALUES (?1, ?2, ?3)",
        params![allocation_id, fy.start_year(), amount.pence()],
    )
}

const ALLOCATION_SELECT: &str = "SELECT allocation.id, programme.code, phase.code, first_fy, last_fy, amount_pence, allocation.status, decision.reference, profile_assumed, note, allocation.version
    FROM allocation JOIN phase ON phase.id = phase_id JOIN programme ON programme.id = phase.programme_id
    LEFT JOIN decision ON decision.id = decision_id";

/// An allocation row of [`ALLOCATION_SELECT`], its profile still empty.
fn allocation_row(r: &Row) -> rusqlite::Result<Allocation> {
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
    })
}

fn profile_line_row(r: &Row) -> rusqlite::Result<ProfileLine> {
    Ok(ProfileLine {
        fy: fy_col(r, 0)?,
        amount: money_col(r, 1)?,
    })
}

fn allocation_rows(
    conn: &Connection,
    filter: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Allocation>> {
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
pub fn get_allocation(conn: &Connection, id: i64) -> Result<Allocation> {
    allocation_rows(conn, "WHERE allocation.id = ?1", [id])?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("allocation", "allocation", &id.to_string(), String::new()))
}

/// Allocations, optionally only those with a share in `fy` or of one programme.
pub fn list_allocations(
    conn: &Connection,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<Allocation>> {
    allocation_rows(
        conn,
        "WHERE (?1 IS NULL OR phase.programme_id = ?1) AND (?2 IS NULL OR (first_fy <= ?2 AND last_fy >= ?2))",
        params![programme_id, fy.map(|f| f.start_year())],
    )
}

/// Replaces an allocation's per-FY profile (reprofiling an assumed split); clears the assumed mark.
pub fn set_allocation_profile(
    conn: &Connection,
    id: i64,
    expected_version: i64,
    profile: &[(FinancialYear, Money)],
) -> Result<()> {
    let before = get_allocation(conn, id)?;
    locks::ensure_open(conn, "an allocation for a year", before.first_fy.start())?;
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
