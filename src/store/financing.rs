//! The figures the financing statement is built from: each phase's revised budget and actual to
//! date (the monitoring report's own figures), its approved funding lines and projected funding
//! for the year, and the order of application (`financing.order`). The statement itself is
//! worked out by `domain::financing`. A closed period's statement is its snapshot (kind
//! `financing`), taken by `period close` beside the report's ([`take`], [`report`]).

use std::collections::HashMap;

use crate::sql_params as params;
use crate::store::engine::sql::{Optional, Sql};
use crate::store::entities::rows::rows;

use super::{Result, audit, figures, now_stamp};
use crate::domain::financing::{
    ApprovedLine, FinancingOrder, FinancingRow, FinancingStatement, FundingSource, PhaseFinancing,
    RowKind, financing_statement,
};
use crate::domain::report::RagThresholds;
use crate::domain::{FinancialYear, Money, Period};
use crate::store::entities::{self as e, RowIds, SnapshotInfo, iso};

/// The setting that holds the order of application.
pub const ORDER_KEY: &str = "financing.order";

/// The order of application saved in the database, or the default (grants first, borrowing last).
pub fn financing_order(conn: &impl Sql) -> Result<FinancingOrder> {
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [ORDER_KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.and_then(|v| FinancingOrder::parse(&v).ok())
        .unwrap_or_default())
}

/// Approved lines and projected funding of every phase with funding in `fy`.
fn funding_of_year(
    conn: &impl Sql,
    fy: FinancialYear,
) -> Result<HashMap<i64, (Vec<ApprovedLine>, Money)>> {
    let lines = rows(
        conn,
        "SELECT phase_id, id, source, amount_pence, status, spend_by FROM funding
         WHERE fy = ?1 AND status <> 'withdrawn' ORDER BY phase_id, id",
        [i64::from(fy.start_year())],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        },
    )?;
    let mut out: HashMap<i64, (Vec<ApprovedLine>, Money)> = HashMap::new();
    for (phase, id, source, pence, status, spend_by) in lines {
        let entry = out.entry(phase).or_default();
        if status == "projected" {
            entry.1 += Money::from_pence(pence);
            continue;
        }
        let source = FundingSource::parse(&source)
            .map_err(|err| super::StoreError::Refused(format!("funding line {id}: {err}")))?;
        let spend_by = spend_by
            .map(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d"))
            .transpose()
            .map_err(|err| {
                super::StoreError::Refused(format!("funding line {id}: spend-by date: {err}"))
            })?;
        entry.0.push(ApprovedLine {
            id,
            source,
            amount: Money::from_pence(pence),
            spend_by,
        });
    }
    Ok(out)
}

/// What the statement needs of every phase (of one programme when given) for `fy` as at
/// `period`, sorted by programme code then phase code.
pub fn phase_financing(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<Vec<PhaseFinancing>> {
    let figures = figures::phase_figures(conn, fy, period, programme_id)?;
    financing_of(conn, fy, programme_id, figures)
}

fn financing_of(
    conn: &impl Sql,
    fy: FinancialYear,
    programme_id: Option<i64>,
    figures: Vec<crate::domain::report::PhaseFigures>,
) -> Result<Vec<PhaseFinancing>> {
    let mut funding = funding_of_year(conn, fy)?;
    let ids: HashMap<(String, String), i64> = e::list_phases(conn, programme_id)?
        .into_iter()
        .map(|p| ((p.programme_code, p.code), p.id))
        .collect();
    Ok(figures
        .into_iter()
        .map(|f| {
            let (approved, projected) = ids
                .get(&(f.programme_code.clone(), f.phase_code.clone()))
                .and_then(|id| funding.remove(id))
                .unwrap_or_default();
            PhaseFinancing {
                in_report: f.has_figures(),
                revised: f.original + f.approved_changes,
                actual_to_date: f.actual_to_date,
                programme_code: f.programme_code,
                programme_name: f.programme_name,
                phase_code: f.phase_code,
                phase_name: f.phase_name,
                approved,
                projected,
            }
        })
        .collect())
}

/// The financing statement for `fy` as at `period` (of one programme when given), in the order of
/// application saved in the database.
pub fn statement(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<FinancingStatement> {
    let phases = phase_financing(conn, fy, period, programme_id)?;
    Ok(financing_statement(
        fy,
        period,
        &phases,
        &financing_order(conn)?,
    ))
}

/// [`statement`] of every programme from the phase figures of `fy` `period` already read.
pub fn statement_of(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    figures: Vec<crate::domain::report::PhaseFigures>,
) -> Result<FinancingStatement> {
    let phases = financing_of(conn, fy, None, figures)?;
    Ok(financing_statement(
        fy,
        period,
        &phases,
        &financing_order(conn)?,
    ))
}

/// Financial years of approved grants and contributions whose spend-by date falls between `from`
/// and `to` (inclusive): the years whose statements the spend-by alert needs.
pub fn years_with_spend_by_between(
    conn: &impl Sql,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<FinancialYear>> {
    let years = rows(
        conn,
        "SELECT DISTINCT fy FROM funding WHERE status = 'approved' AND source IN ('grant', 's106', 'cil')
         AND spend_by BETWEEN ?1 AND ?2 ORDER BY fy",
        params![iso(from), iso(to)],
        |r| r.get::<_, i32>(0),
    )?;
    Ok(years
        .into_iter()
        .filter_map(|y| FinancialYear::new(y).ok())
        .collect())
}

/// Takes the financing snapshot of `fy` `period` (every programme, as `report financing` prints
/// it) from the live figures, audited, in the caller's transaction; `thresholds` are those of the
/// report snapshot taken beside it.
pub fn take(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    source: &str,
    thresholds: RagThresholds,
) -> Result<SnapshotInfo> {
    let s = statement(conn, fy, period, None)?;
    let ids = e::row_ids(
        conn,
        s.rows
            .iter()
            .map(|r| (r.kind, r.programme_code.as_str(), r.phase_code.as_str())),
    )?;
    let taking = e::Taking {
        source,
        who: &super::current_user_on(conn)?,
        at: &now_stamp(),
    };
    let info = e::insert_financing_snapshot(conn, taking, thresholds, &s, &ids)?;
    audit::record(
        conn,
        "take",
        "snapshot",
        Some(info.id),
        None::<&()>,
        Some(&info),
    )?;
    Ok(info)
}

/// The rows of a stored statement for one programme: its phases, its total, and a grand total
/// equal to that total (what the live statement narrowed to the programme shows).
fn narrow(s: FinancingStatement, ids: &[RowIds], programme_id: i64) -> FinancingStatement {
    let mut grand = financing_statement(s.fy, s.period, &[], &s.order).rows;
    let mut rows = Vec::new();
    for (r, id) in s.rows.into_iter().zip(ids) {
        if r.kind == RowKind::GrandTotal || id.programme_id != Some(programme_id) {
            continue;
        }
        if r.kind == RowKind::ProgrammeTotal {
            grand = vec![FinancingRow {
                kind: RowKind::GrandTotal,
                programme_code: String::new(),
                programme_name: String::new(),
                phase_code: "Grand total".into(),
                phase_name: String::new(),
                applied_lines: Vec::new(),
                ..r.clone()
            }];
        }
        rows.push(r);
    }
    rows.extend(grand);
    FinancingStatement { rows, ..s }
}

/// The financing statement of `fy` as at `period` (of one programme when given): the snapshot
/// taken when the period was closed, otherwise live. Also says which snapshot it is, if any.
pub fn report(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<(FinancingStatement, Option<SnapshotInfo>)> {
    if let Some(info) = e::find_snapshot(conn, e::FINANCING, fy, period)? {
        let (s, ids) = e::snapshot_financing(conn, &info)?;
        let s = match programme_id {
            Some(p) => narrow(s, &ids, p),
            None => s,
        };
        return Ok((s, Some(info)));
    }
    Ok((statement(conn, fy, period, programme_id)?, None))
}
