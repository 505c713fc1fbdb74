//! Snapshots: the frozen report of a closed period, stored as typed rows (money in pence) with the
//! budget lines each phase's revised budget was made of. This file reads and writes them; taking
//! one (working out the report) is `store::cabinet`'s. A snapshot has a `kind` ("monitoring"
//! today); another report kind adds its own row table and reuses the header, list and discard.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::rows::{bad_col, fy_at, money_at, period_at, rows as collect};
use crate::domain::cabinet::{AfterRag, CabinetReport};
use crate::domain::model::ChangeKind;
use crate::domain::movement::{BudgetLine, LineSource};
use crate::domain::report::{ForecastBasis, Rag, RagThresholds, Report, ReportRow, RowKind};
use crate::domain::{FinancialYear, Money, Period};
use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Optional, Row, Sql};
use crate::store::{Result, StoreError};

/// The kind of the monthly monitoring report's snapshots.
pub const MONITORING: &str = "monitoring";

/// A snapshot as listed: what, when it was taken and by whom, and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotInfo {
    pub id: i64,
    pub kind: String,
    pub fy: FinancialYear,
    pub period: Period,
    pub thresholds: RagThresholds,
    /// `close`, or `upgrade` (owed by a period closed before snapshots were kept).
    pub source: String,
    pub who: String,
    pub at: String,
    /// Programmes with a row.
    pub programmes: i64,
    /// Rows in all (phases and totals).
    pub rows: i64,
}

/// The programme and phase a stored row belongs to (none for the grand total; no phase for a
/// programme total).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RowIds {
    pub programme_id: Option<i64>,
    pub phase_id: Option<i64>,
}

const INFO_SELECT: &str = "SELECT s.id, s.kind, s.fy, s.period, s.rag_red_pct, s.rag_amber_pct, s.source, s.who, s.at,
    (SELECT count(DISTINCT programme_id) FROM snapshot_report_row r WHERE r.snapshot_id = s.id AND r.row_kind = 'phase')
      + (SELECT count(DISTINCT programme_id) FROM snapshot_financing_row r WHERE r.snapshot_id = s.id AND r.row_kind = 'phase'),
    (SELECT count(*) FROM snapshot_report_row r WHERE r.snapshot_id = s.id)
      + (SELECT count(*) FROM snapshot_financing_row r WHERE r.snapshot_id = s.id)
    FROM snapshot s";

fn decimal_col(r: &Row<'_>, i: usize) -> DbResult<Decimal> {
    let s: String = r.get(i)?;
    s.parse().map_err(|e| bad_col(i, e))
}

fn info_row(r: &Row<'_>) -> DbResult<SnapshotInfo> {
    Ok(SnapshotInfo {
        id: r.get(0)?,
        kind: r.get(1)?,
        fy: fy_at(r, 2)?,
        period: period_at(r, 3)?,
        thresholds: RagThresholds {
            red_overspend_pct: decimal_col(r, 4)?,
            amber_underspend_pct: decimal_col(r, 5)?,
        },
        source: r.get(6)?,
        who: r.get(7)?,
        at: r.get(8)?,
        programmes: r.get(9)?,
        rows: r.get(10)?,
    })
}

pub(super) fn row_kind_word(k: RowKind) -> &'static str {
    match k {
        RowKind::Phase => "phase",
        RowKind::ProgrammeTotal => "programme total",
        RowKind::GrandTotal => "grand total",
    }
}

/// The programme and phase ids of report rows given as (kind, programme code, phase code), as
/// named today (none for a grand total; no phase for a programme total).
pub fn row_ids<'a>(
    conn: &impl Sql,
    rows: impl Iterator<Item = (RowKind, &'a str, &'a str)>,
) -> Result<Vec<RowIds>> {
    let phases: HashMap<(String, String), i64> = super::list_phases(conn, None)?
        .into_iter()
        .map(|p| ((p.programme_code, p.code), p.id))
        .collect();
    let programmes: HashMap<String, i64> = super::list_programmes(conn)?
        .into_iter()
        .map(|p| (p.code, p.id))
        .collect();
    Ok(rows
        .map(|(kind, programme, phase)| RowIds {
            programme_id: (kind != RowKind::GrandTotal)
                .then(|| programmes.get(programme).copied())
                .flatten(),
            phase_id: (kind == RowKind::Phase)
                .then(|| {
                    phases
                        .get(&(programme.to_string(), phase.to_string()))
                        .copied()
                })
                .flatten(),
        })
        .collect())
}

/// A stored row kind (`phase`, `programme total`, `grand total`).
pub(super) fn row_kind_col(r: &Row<'_>, i: usize) -> DbResult<RowKind> {
    let kind: String = r.get(i)?;
    Ok(match kind.as_str() {
        "phase" => RowKind::Phase,
        "programme total" => RowKind::ProgrammeTotal,
        _ => RowKind::GrandTotal,
    })
}

/// Stores a snapshot's header (of any kind) and returns its id.
pub(super) fn insert_header(
    conn: &impl Sql,
    kind: &str,
    (fy, period): (FinancialYear, Period),
    thresholds: RagThresholds,
    source: &str,
    who: &str,
    at: &str,
) -> Result<i64> {
    Ok(conn.query_row(
        "INSERT INTO snapshot(kind, fy, period, rag_red_pct, rag_amber_pct, source, who, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        params![
            kind,
            i64::from(fy.start_year()),
            i64::from(period.number()),
            thresholds.red_overspend_pct.to_string(),
            thresholds.amber_underspend_pct.to_string(),
            source,
            who,
            at
        ],
        |r| r.get(0),
    )?)
}

/// Stores a monitoring snapshot: the header, every row with its ids, and the budget lines.
#[allow(clippy::too_many_arguments)]
pub fn insert_snapshot(
    conn: &impl Sql,
    source: &str,
    who: &str,
    at: &str,
    report: &CabinetReport,
    ids: &[RowIds],
    lines: &[BudgetLine],
) -> Result<SnapshotInfo> {
    let r = &report.report;
    let id = insert_header(
        conn,
        MONITORING,
        (r.fy, r.period),
        r.thresholds,
        source,
        who,
        at,
    )?;
    {
        let sql =
            "INSERT INTO snapshot_report_row(snapshot_id, seq, row_kind, programme_id, phase_id,
               programme_code, programme_name, phase_code, phase_name, original_pence,
               approved_changes_pence, revised_pence, pending_pence, actual_in_period_pence,
               actual_to_date_pence, commitments_pence, headroom_pence, forecast_pence,
               forecast_basis, variance_pence, variance_pct, spent_pct, rag, last_revised_pence,
               budget_movement_pence, last_forecast_pence, forecast_movement_pence, commentary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
               ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)";
        let none = AfterRag::default();
        for (seq, row) in r.rows.iter().enumerate() {
            let a = report.after_rag.get(seq).unwrap_or(&none);
            let rid = ids.get(seq).copied().unwrap_or_default();
            let p = |m: Option<Money>| m.map(Money::pence);
            conn.execute(
                sql,
                params![
                    id,
                    seq as i64,
                    row_kind_word(row.kind),
                    rid.programme_id,
                    rid.phase_id,
                    row.programme_code,
                    row.programme_name,
                    row.phase_code,
                    row.phase_name,
                    row.original.pence(),
                    row.approved_changes.pence(),
                    row.revised.pence(),
                    row.pending.pence(),
                    row.actual_in_period.pence(),
                    row.actual_to_date.pence(),
                    row.commitments.pence(),
                    row.headroom.pence(),
                    row.forecast.pence(),
                    row.basis.label(),
                    row.variance.pence(),
                    row.variance_pct.map(|d| d.to_string()),
                    row.spent_pct.map(|d| d.to_string()),
                    row.rag.label(),
                    p(a.last_revised),
                    p(a.budget_movement),
                    p(a.last_forecast),
                    p(a.forecast_movement),
                    a.commentary,
                ],
            )?;
        }
    }
    {
        let sql = "INSERT INTO snapshot_budget_line(snapshot_id, phase_id, source, record_id, change_kind, amount_pence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (snapshot_id, phase_id, source, record_id)
             DO UPDATE SET amount_pence = snapshot_budget_line.amount_pence + excluded.amount_pence";
        for l in lines {
            let (source, kind) = match l.source {
                LineSource::Allocation => ("allocation", None),
                LineSource::Change(k) => ("change", Some(k.as_str())),
            };
            conn.execute(
                sql,
                params![id, l.phase_id, source, l.record_id, kind, l.amount.pence()],
            )?;
        }
    }
    get_snapshot(conn, id)
}

/// One snapshot's header by id.
pub fn get_snapshot(conn: &impl Sql, id: i64) -> Result<SnapshotInfo> {
    Ok(conn.query_row(&format!("{INFO_SELECT} WHERE s.id = ?1"), [id], info_row)?)
}

/// The snapshot of `kind` for `fy` `period`, if one is held.
pub fn find_snapshot(
    conn: &impl Sql,
    kind: &str,
    fy: FinancialYear,
    period: Period,
) -> Result<Option<SnapshotInfo>> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM snapshot WHERE kind = ?1 AND fy = ?2 AND period = ?3",
            params![kind, i64::from(fy.start_year()), i64::from(period.number())],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| get_snapshot(conn, id)).transpose()
}

/// The latest snapshot of `kind` in `fy` before `period` (the "last report").
pub fn last_snapshot_before(
    conn: &impl Sql,
    kind: &str,
    fy: FinancialYear,
    period: Period,
) -> Result<Option<SnapshotInfo>> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM snapshot WHERE kind = ?1 AND fy = ?2 AND period < ?3
             ORDER BY period DESC LIMIT 1",
            params![kind, i64::from(fy.start_year()), i64::from(period.number())],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| get_snapshot(conn, id)).transpose()
}

/// Every snapshot held, by year and period; the report's before the financing statement's.
pub fn list_snapshots(conn: &impl Sql) -> Result<Vec<SnapshotInfo>> {
    collect(
        conn,
        &format!(
            "{INFO_SELECT} ORDER BY s.fy, s.period, CASE WHEN s.kind = 'monitoring' THEN 0 ELSE 1 END, s.kind"
        ),
        [],
        info_row,
    )
}

/// Deletes every snapshot (of any kind) of `fy` `period` or later, returning their headers.
pub fn delete_snapshots_from(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
) -> Result<Vec<SnapshotInfo>> {
    let gone = collect(
        conn,
        &format!(
            "{INFO_SELECT} WHERE s.fy > ?1 OR (s.fy = ?1 AND s.period >= ?2) ORDER BY s.kind, s.fy, s.period"
        ),
        params![i64::from(fy.start_year()), i64::from(period.number())],
        info_row,
    )?;
    for s in &gone {
        conn.execute("DELETE FROM snapshot WHERE id = ?1", [s.id])?;
    }
    conn.execute(
        "DELETE FROM snapshot_owed WHERE fy > ?1 OR (fy = ?1 AND period >= ?2)",
        params![i64::from(fy.start_year()), i64::from(period.number())],
    )?;
    Ok(gone)
}

fn basis_from_label(i: usize, s: &str) -> DbResult<ForecastBasis> {
    match s {
        "" => Ok(ForecastBasis::Total),
        "derived" => Ok(ForecastBasis::Derived),
        _ => s
            .strip_prefix("entered ")
            .and_then(|rest| match rest.split_once(' ') {
                // `entered 2026-27 P8`: as at a period of an earlier year.
                Some((fy, p)) => Some(ForecastBasis::EnteredEarlier(
                    FinancialYear::parse(fy).ok()?,
                    Period::parse(p).ok()?,
                )),
                None => Period::parse(rest).ok().map(ForecastBasis::Entered),
            })
            .ok_or_else(|| {
                bad_col(
                    i,
                    StoreError::Refused(format!("'{s}' is not a forecast basis")),
                )
            }),
    }
}

pub(super) fn rag_from_label(i: usize, s: &str) -> DbResult<Rag> {
    [Rag::Red, Rag::Amber, Rag::Green]
        .into_iter()
        .find(|r| r.label() == s)
        .ok_or_else(|| bad_col(i, StoreError::Refused(format!("'{s}' is not a RAG"))))
}

fn pct_col(r: &Row<'_>, i: usize) -> DbResult<Option<Decimal>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| s.parse().map_err(|e| bad_col(i, e))).transpose()
}

fn opt_money(r: &Row<'_>, i: usize) -> DbResult<Option<Money>> {
    Ok(r.get::<_, Option<i64>>(i)?.map(Money::from_pence))
}

/// A monitoring snapshot's rows, as stored: the report with its columns after RAG, and each row's
/// programme and phase ids.
pub fn snapshot_report(
    conn: &impl Sql,
    info: &SnapshotInfo,
) -> Result<(CabinetReport, Vec<RowIds>)> {
    let rows = collect(
        conn,
        "SELECT row_kind, programme_id, phase_id, programme_code, programme_name, phase_code,
           phase_name, original_pence, approved_changes_pence, revised_pence, pending_pence,
           actual_in_period_pence, actual_to_date_pence, commitments_pence, headroom_pence,
           forecast_pence, forecast_basis, variance_pence, variance_pct, spent_pct, rag,
           last_revised_pence, budget_movement_pence, last_forecast_pence,
           forecast_movement_pence, commentary
         FROM snapshot_report_row WHERE snapshot_id = ?1 ORDER BY seq",
        [info.id],
        |r| {
            let kind = row_kind_col(r, 0)?;
            let basis: String = r.get(16)?;
            let rag: String = r.get(20)?;
            let row = ReportRow {
                kind,
                programme_code: r.get(3)?,
                programme_name: r.get(4)?,
                phase_code: r.get(5)?,
                phase_name: r.get(6)?,
                original: money_at(r, 7)?,
                approved_changes: money_at(r, 8)?,
                revised: money_at(r, 9)?,
                pending: money_at(r, 10)?,
                actual_in_period: money_at(r, 11)?,
                actual_to_date: money_at(r, 12)?,
                commitments: money_at(r, 13)?,
                headroom: money_at(r, 14)?,
                forecast: money_at(r, 15)?,
                basis: basis_from_label(16, &basis)?,
                variance: money_at(r, 17)?,
                variance_pct: pct_col(r, 18)?,
                spent_pct: pct_col(r, 19)?,
                rag: rag_from_label(20, &rag)?,
            };
            let after = AfterRag {
                last_revised: opt_money(r, 21)?,
                budget_movement: opt_money(r, 22)?,
                last_forecast: opt_money(r, 23)?,
                forecast_movement: opt_money(r, 24)?,
                commentary: r.get(25)?,
            };
            let ids = RowIds {
                programme_id: r.get(1)?,
                phase_id: r.get(2)?,
            };
            Ok((row, after, ids))
        },
    )?;
    let mut report = Report {
        fy: info.fy,
        period: info.period,
        thresholds: info.thresholds,
        rows: Vec::with_capacity(rows.len()),
    };
    let mut after_rag = Vec::with_capacity(rows.len());
    let mut ids = Vec::with_capacity(rows.len());
    for (row, a, i) in rows {
        report.rows.push(row);
        after_rag.push(a);
        ids.push(i);
    }
    Ok((CabinetReport { report, after_rag }, ids))
}

/// A budget line from (phase id, change kind or NULL for an allocation, record id, pence).
fn line_row(r: &Row<'_>) -> DbResult<BudgetLine> {
    let kind: Option<String> = r.get(1)?;
    let source = match kind {
        None => LineSource::Allocation,
        Some(k) => LineSource::Change(ChangeKind::parse(&k).map_err(|e| bad_col(1, e))?),
    };
    Ok(BudgetLine {
        phase_id: r.get(0)?,
        source,
        record_id: r.get(2)?,
        amount: money_at(r, 3)?,
    })
}

/// The budget lines of a snapshot.
pub fn snapshot_lines(conn: &impl Sql, snapshot_id: i64) -> Result<Vec<BudgetLine>> {
    collect(
        conn,
        "SELECT phase_id, change_kind, record_id, amount_pence FROM snapshot_budget_line
         WHERE snapshot_id = ?1 ORDER BY phase_id, source, record_id",
        [snapshot_id],
        line_row,
    )
}

/// The budget lines of every phase's revised budget in `fy` as at `period`, from the live records:
/// each approved allocation's profile for the year (one approved after the end of the period does
/// not count yet), and each side in the year of each approved
/// change effective on or before the end of the period (exactly what the report adds up).
pub fn live_budget_lines(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
) -> Result<Vec<BudgetLine>> {
    let end = fy.period_end(period).format("%Y-%m-%d").to_string();
    let f = i64::from(fy.start_year());
    collect(
        conn,
        "SELECT a.phase_id, CAST(NULL AS TEXT), a.id, p.amount_pence FROM allocation_profile p
           JOIN allocation a ON a.id = p.allocation_id
           WHERE p.fy = ?1 AND a.status = 'approved'
             AND (a.status_date IS NULL OR a.status_date <= ?2)
         UNION ALL
         SELECT to_phase_id, kind, id, amount_pence FROM budget_change
           WHERE to_fy = ?1 AND status = 'approved' AND effective_date <= ?2
         UNION ALL
         SELECT from_phase_id, kind, id, -amount_pence FROM budget_change
           WHERE from_fy = ?1 AND status = 'approved' AND effective_date <= ?2",
        params![f, end],
        line_row,
    )
}

/// Snapshots owed by periods closed before snapshots were kept, oldest first.
pub fn owed_snapshots(conn: &impl Sql) -> Result<Vec<(String, FinancialYear, Period)>> {
    collect(
        conn,
        "SELECT kind, fy, period FROM snapshot_owed ORDER BY kind, fy, period",
        [],
        |r| Ok((r.get(0)?, fy_at(r, 1)?, period_at(r, 2)?)),
    )
}

/// Records a snapshot of `kind` as owed by `fy` `period`.
pub fn owe(conn: &impl Sql, kind: &str, fy: FinancialYear, period: Period) -> Result<()> {
    conn.execute(
        "INSERT INTO snapshot_owed(kind, fy, period) VALUES (?1, ?2, ?3)",
        params![kind, i64::from(fy.start_year()), i64::from(period.number())],
    )?;
    Ok(())
}

/// Clears one owed snapshot.
pub fn clear_owed(conn: &impl Sql, kind: &str, fy: FinancialYear, period: Period) -> Result<()> {
    conn.execute(
        "DELETE FROM snapshot_owed WHERE kind = ?1 AND fy = ?2 AND period = ?3",
        params![kind, i64::from(fy.start_year()), i64::from(period.number())],
    )?;
    Ok(())
}

#[cfg(test)]
mod basis_tests {
    use super::*;

    #[test]
    fn every_forecast_basis_reads_back_from_its_label() {
        let p8 = Period::new(8).unwrap();
        for b in [
            ForecastBasis::Total,
            ForecastBasis::Derived,
            ForecastBasis::Entered(p8),
            ForecastBasis::EnteredEarlier(FinancialYear::parse("2026-27").unwrap(), p8),
        ] {
            assert_eq!(basis_from_label(0, &b.label()).unwrap(), b, "{}", b.label());
        }
        assert!(basis_from_label(0, "entered soon").is_err());
    }
}
