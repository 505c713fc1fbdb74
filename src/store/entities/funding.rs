//! Funding lines: how a phase's budget for one financial year is paid for (source, amount,
//! approved or projected, funder, spend-by date, decision). Added, edited and withdrawn in the
//! caller's transaction, each audited. Closed periods do not lock them (each close keeps the
//! financing statement as reported); a year whose financing is finalised does.

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Row, Sql};
use chrono::NaiveDate;
use serde::Serialize;

use super::common::{iso, the_one, within};
use super::rows::{bad_col, fy_at, money_at, opt_date_at, rows as collect, word_at};
use crate::domain::financing::{Funding, FundingSource};
use crate::domain::model::AllocationStatus;
use crate::domain::text::{MAX_NOTE, MAX_TEXT};
use crate::domain::{FinancialYear, Money};
use crate::store::{Result, StoreError, audit, locks};

/// A funding line to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewFunding {
    pub phase_id: i64,
    pub fy: FinancialYear,
    pub source: FundingSource,
    pub amount: Money,
    pub status: AllocationStatus,
    pub funder: Option<String>,
    pub spend_by: Option<NaiveDate>,
    pub decision_id: Option<i64>,
    pub note: String,
}

/// What an edit changes (`None`: left as it is; `Some(None)`: cleared).
#[derive(Debug, Clone, Default)]
pub struct FundingEdit {
    pub source: Option<FundingSource>,
    pub amount: Option<Money>,
    pub status: Option<AllocationStatus>,
    pub funder: Option<Option<String>>,
    pub spend_by: Option<Option<NaiveDate>>,
    pub decision_id: Option<Option<i64>>,
    pub note: Option<String>,
}

fn check_amount(amount: Money) -> Result<()> {
    if amount <= Money::ZERO {
        return Err(StoreError::invalid(
            "--amount",
            format!("'{}' must be more than zero", amount.plain()),
        )
        .with_fix(crate::error::Fix::WithdrawFunding));
    }
    Ok(())
}

fn ensure_year_open(conn: &impl Sql, fy: FinancialYear) -> Result<()> {
    crate::store::financing_final::ensure_not_final(conn, fy)
}

/// Adds a funding line; returns its id. Refused when it would take a total of funding past what
/// SQLite holds.
pub fn add_funding(conn: &impl Sql, f: &NewFunding) -> Result<i64> {
    let id = add_funding_unchecked(conn, f)?;
    crate::store::limits::ensure_funding_fits(conn)?;
    Ok(id)
}

/// [`add_funding`] without the check of the totals: an import adds its rows this way, then calls
/// [`crate::store::limits::ensure_funding_fits`] once.
pub fn add_funding_unchecked(conn: &impl Sql, f: &NewFunding) -> Result<i64> {
    check_amount(f.amount)?;
    within("--funder", f.funder.as_deref().unwrap_or(""), MAX_TEXT)?;
    within("--note", &f.note, MAX_NOTE)?;
    ensure_year_open(conn, f.fy)?;
    let id: i64 = conn.query_row(
        "INSERT INTO funding(phase_id, fy, source, amount_pence, status, funder, spend_by, decision_id, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        params![
            f.phase_id,
            i64::from(f.fy.start_year()),
            f.source.as_str(),
            f.amount.pence(),
            f.status.as_str(),
            f.funder.as_deref().filter(|s| !s.trim().is_empty()),
            f.spend_by.map(iso),
            f.decision_id,
            f.note
        ],
        |r| r.get(0),
    )?;
    let after = get_funding(conn, id)?;
    audit::record(conn, "add", "funding", Some(id), None::<&()>, Some(&after))?;
    Ok(id)
}

/// Changes a funding line if it is still at `expected_version`.
pub fn edit_funding(
    conn: &impl Sql,
    id: i64,
    expected_version: i64,
    e: &FundingEdit,
) -> Result<()> {
    let before = get_funding(conn, id)?;
    ensure_year_open(conn, before.fy)?;
    if let Some(a) = e.amount {
        check_amount(a)?;
    }
    if let Some(Some(f)) = &e.funder {
        within("--funder", f, MAX_TEXT)?;
    }
    if let Some(n) = &e.note {
        within("--note", n, MAX_NOTE)?;
    }
    locks::bump_version(conn, "funding", id, expected_version)?;
    let decision_id: Option<i64> = match e.decision_id {
        Some(d) => d,
        None => conn.query_row("SELECT decision_id FROM funding WHERE id = ?1", [id], |r| {
            r.get(0)
        })?,
    };
    let funder = e.funder.clone().unwrap_or(before.funder.clone());
    let spend_by = e.spend_by.unwrap_or(before.spend_by);
    conn.execute(
        "UPDATE funding SET source = ?2, amount_pence = ?3, status = ?4, funder = ?5, spend_by = ?6,
         decision_id = ?7, note = ?8 WHERE id = ?1",
        params![
            id,
            e.source.unwrap_or(before.source).as_str(),
            e.amount.unwrap_or(before.amount).pence(),
            e.status.unwrap_or(before.status).as_str(),
            funder.filter(|s| !s.trim().is_empty()),
            spend_by.map(iso),
            decision_id,
            e.note.clone().unwrap_or_else(|| before.note.clone()),
        ],
    )?;
    crate::store::limits::ensure_funding_fits(conn)?;
    let after = get_funding(conn, id)?;
    audit::record(
        conn,
        "edit",
        "funding",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

/// Withdraws a funding line (it stays listed, counted nowhere). Refused when already withdrawn.
pub fn withdraw_funding(conn: &impl Sql, id: i64, expected_version: i64) -> Result<()> {
    let before = get_funding(conn, id)?;
    if before.status == AllocationStatus::Withdrawn {
        return Err(StoreError::Refused(format!(
            "funding line {id} is already withdrawn: nothing was changed"
        )));
    }
    ensure_year_open(conn, before.fy)?;
    locks::bump_version(conn, "funding", id, expected_version)?;
    conn.execute(
        "UPDATE funding SET status = 'withdrawn' WHERE id = ?1",
        [id],
    )?;
    let after = get_funding(conn, id)?;
    audit::record(
        conn,
        "withdraw",
        "funding",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

const FUNDING_SELECT: &str = "SELECT funding.id, funding.phase_id, programme.code, phase.code, fy, source, amount_pence,
    funding.status, funder, spend_by, decision.reference, note, funding.version
    FROM funding JOIN phase ON phase.id = phase_id JOIN programme ON programme.id = phase.programme_id
    LEFT JOIN decision ON decision.id = decision_id";

fn source_col(r: &Row<'_>, i: usize) -> DbResult<FundingSource> {
    let s: String = r.get(i)?;
    FundingSource::parse(&s).map_err(|e| bad_col(i, e))
}

fn funding_row(r: &Row<'_>) -> DbResult<Funding> {
    Ok(Funding {
        id: r.get(0)?,
        phase_id: r.get(1)?,
        programme_code: r.get(2)?,
        phase_code: r.get(3)?,
        fy: fy_at(r, 4)?,
        source: source_col(r, 5)?,
        amount: money_at(r, 6)?,
        status: word_at(r, 7, AllocationStatus::parse)?,
        funder: r.get(8)?,
        spend_by: opt_date_at(r, 9)?,
        decision_reference: r.get(10)?,
        note: r.get(11)?,
        version: r.get(12)?,
    })
}

/// One funding line by id.
pub fn get_funding(conn: &impl Sql, id: i64) -> Result<Funding> {
    the_one(
        collect(
            conn,
            &format!("{FUNDING_SELECT} WHERE funding.id = ?1"),
            [id],
            funding_row,
        )?,
        "funding line",
        id,
    )
}

/// Funding lines, optionally of one programme or one year: by programme, phase, year, id.
pub fn list_funding(
    conn: &impl Sql,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<Funding>> {
    collect(
        conn,
        &format!(
            "{FUNDING_SELECT} WHERE (CAST(?1 AS BIGINT) IS NULL OR phase.programme_id = ?1) AND (CAST(?2 AS BIGINT) IS NULL OR fy = ?2)
             ORDER BY programme.code, phase.code, fy, funding.id"
        ),
        params![programme_id, fy.map(|f| i64::from(f.start_year()))],
        funding_row,
    )
}

/// Marks a funding line as loaded by a funding batch (so undoing the batch removes it).
pub fn set_funding_batch(conn: &impl Sql, funding_id: i64, batch_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE funding SET batch_id = ?2 WHERE id = ?1",
        params![funding_id, batch_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{db_with_phase, fy, pence};

    fn grant(phase_id: i64, amount: i64) -> NewFunding {
        NewFunding {
            phase_id,
            fy: fy(2024),
            source: FundingSource::Grant,
            amount: pence(amount),
            status: AllocationStatus::Approved,
            funder: Some("DfE".into()),
            spend_by: NaiveDate::from_ymd_opt(2025, 3, 31),
            decision_id: None,
            note: String::new(),
        }
    }

    #[test]
    fn lines_are_added_edited_withdrawn_and_audited() {
        let (conn, a) = db_with_phase();
        let id = add_funding(&conn, &grant(a, 10_000_000)).unwrap();
        let got = get_funding(&conn, id).unwrap();
        assert_eq!(got.amount, pence(10_000_000));
        assert_eq!(got.funder.as_deref(), Some("DfE"));
        assert_eq!(
            (got.programme_code.as_str(), got.phase_code.as_str()),
            ("P", "A")
        );
        edit_funding(
            &conn,
            id,
            got.version,
            &FundingEdit {
                amount: Some(pence(12_500_000)),
                spend_by: Some(None),
                source: Some(FundingSource::S106),
                ..Default::default()
            },
        )
        .unwrap();
        let edited = get_funding(&conn, id).unwrap();
        assert_eq!(edited.amount, pence(12_500_000));
        assert_eq!(edited.spend_by, None);
        assert_eq!(edited.source, FundingSource::S106);
        assert_eq!(edited.funder.as_deref(), Some("DfE"));
        // A stale version is refused.
        let e = withdraw_funding(&conn, id, got.version).unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        withdraw_funding(&conn, id, edited.version).unwrap();
        assert_eq!(
            get_funding(&conn, id).unwrap().status,
            AllocationStatus::Withdrawn
        );
        let e = withdraw_funding(&conn, id, edited.version + 1).unwrap_err();
        assert!(e.to_string().contains("already withdrawn"), "{e}");
        let events: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit WHERE entity = 'funding'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(events, 3);
        assert_eq!(list_funding(&conn, None, Some(fy(2024))).unwrap().len(), 1);
        assert_eq!(list_funding(&conn, None, Some(fy(2025))).unwrap().len(), 0);
    }

    #[test]
    fn a_zero_amount_or_a_finalised_year_is_refused_a_closed_period_is_not() {
        let (conn, a) = db_with_phase();
        let e = add_funding(&conn, &grant(a, 0)).unwrap_err().to_string();
        assert!(
            e.starts_with("--amount: '0.00' must be more than zero"),
            "{e}"
        );
        // Issue 23 item 5: 2024-25 P1 closed, a line for 2024-25 is still added, edited and
        // withdrawn (the close kept the financing statement as reported).
        crate::store::locks::close_period(&conn, fy(2024), crate::domain::Period::new(1).unwrap())
            .unwrap();
        let id = add_funding(&conn, &grant(a, 100)).unwrap();
        let v = get_funding(&conn, id).unwrap().version;
        let more = FundingEdit {
            amount: Some(pence(250)),
            ..Default::default()
        };
        edit_funding(&conn, id, v, &more).unwrap();
        // Finalised, the year's lines are locked; another year's are not.
        let today = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        crate::store::financing_final::finalise(&conn, fy(2024), today).unwrap();
        let e = add_funding(&conn, &grant(a, 100)).unwrap_err();
        assert!(matches!(e, StoreError::Fixable { .. }), "{e}");
        assert!(
            e.to_string().starts_with(
                "the funding lines for 2024-25 are locked: the year's financing was finalised"
            ),
            "{e}"
        );
        assert!(edit_funding(&conn, id, v + 1, &more).is_err());
        assert!(withdraw_funding(&conn, id, v + 1).is_err());
        let next = NewFunding {
            fy: fy(2025),
            ..grant(a, 100)
        };
        add_funding(&conn, &next).unwrap();
        crate::store::financing_final::reopen(&conn, fy(2024), "DfE moved the grant").unwrap();
        withdraw_funding(&conn, id, v + 1).unwrap();
    }
}
