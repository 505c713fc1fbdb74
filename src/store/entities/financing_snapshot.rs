//! The financing statement's part of a period-close snapshot (kind `financing`, beside the
//! `monitoring` one): the order of application used and every row of the statement as
//! `report financing` printed it, money in pence, approved and applied per source. Taking one
//! (working out the statement) is `store::cabinet`'s; this file reads and writes the rows.

use super::rows::{bad_col, money_at, rows as collect};
use super::snapshot::{
    RowIds, SnapshotInfo, get_snapshot, insert_header, row_kind_col, row_kind_word,
};
use crate::domain::Money;
use crate::domain::financing::{
    FinancingOrder, FinancingRow, FinancingStatement, FundingSource, SOURCES,
};
use crate::domain::report::RagThresholds;
use crate::sql_params as params;
use crate::store::Result;
use crate::store::engine::sql::Sql;

/// The kind of the financing statement's snapshots.
pub const FINANCING: &str = "financing";

/// Who took a snapshot, when, and how (`close` or `upgrade`).
#[derive(Debug, Clone, Copy)]
pub struct Taking<'a> {
    pub source: &'a str,
    pub who: &'a str,
    pub at: &'a str,
}

/// Stores the financing statement `s` as the financing snapshot of its year and period, with each
/// row's programme and phase ids and the RAG thresholds of the report it was closed with.
pub fn insert_financing_snapshot(
    conn: &impl Sql,
    taking: Taking<'_>,
    thresholds: RagThresholds,
    s: &FinancingStatement,
    ids: &[RowIds],
) -> Result<SnapshotInfo> {
    let id = insert_header(
        conn,
        FINANCING,
        (s.fy, s.period),
        thresholds,
        taking.source,
        taking.who,
        taking.at,
    )?;
    conn.execute(
        "INSERT INTO snapshot_financing(snapshot_id, financing_order) VALUES (?1, ?2)",
        params![id, s.order.text()],
    )?;
    let row_sql =
        "INSERT INTO snapshot_financing_row(snapshot_id, seq, row_kind, programme_id, phase_id,
           programme_code, programme_name, phase_code, phase_name, revised_pence,
           total_funding_pence, gap_pence, projected_pence, actual_to_date_pence, unfunded_pence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
    let source_sql = "INSERT INTO snapshot_financing_source(snapshot_id, seq, source, approved_pence, applied_pence)
         VALUES (?1, ?2, ?3, ?4, ?5)";
    for (seq, r) in s.rows.iter().enumerate() {
        let rid = ids.get(seq).copied().unwrap_or_default();
        conn.execute(
            row_sql,
            params![
                id,
                seq as i64,
                row_kind_word(r.kind),
                rid.programme_id,
                rid.phase_id,
                r.programme_code,
                r.programme_name,
                r.phase_code,
                r.phase_name,
                r.revised.pence(),
                r.total_funding.pence(),
                r.gap.pence(),
                r.projected.pence(),
                r.actual_to_date.pence(),
                r.unfunded.pence(),
            ],
        )?;
        for (i, f) in FundingSource::ALL.iter().enumerate() {
            let (approved, applied) = (r.approved[i], r.applied[i]);
            if !approved.is_zero() || !applied.is_zero() {
                conn.execute(
                    source_sql,
                    params![
                        id,
                        seq as i64,
                        f.as_str(),
                        approved.pence(),
                        applied.pence()
                    ],
                )?;
            }
        }
    }
    get_snapshot(conn, id)
}

/// A financing snapshot's statement, as stored, and each row's programme and phase ids. The rows
/// carry no per-line application (`applied_lines` is empty): the statement prints per source.
pub fn snapshot_financing(
    conn: &impl Sql,
    info: &SnapshotInfo,
) -> Result<(FinancingStatement, Vec<RowIds>)> {
    let order: String = conn.query_row(
        "SELECT financing_order FROM snapshot_financing WHERE snapshot_id = ?1",
        [info.id],
        |r| r.get(0),
    )?;
    let order = FinancingOrder::parse(&order).map_err(|e| {
        crate::store::StoreError::Refused(format!("financing snapshot {}: {e}", info.id))
    })?;
    let mut rows = collect(
        conn,
        "SELECT row_kind, programme_id, phase_id, programme_code, programme_name, phase_code,
           phase_name, revised_pence, total_funding_pence, gap_pence, projected_pence,
           actual_to_date_pence, unfunded_pence
         FROM snapshot_financing_row WHERE snapshot_id = ?1 ORDER BY seq",
        [info.id],
        |r| {
            let row = FinancingRow {
                kind: row_kind_col(r, 0)?,
                programme_code: r.get(3)?,
                programme_name: r.get(4)?,
                phase_code: r.get(5)?,
                phase_name: r.get(6)?,
                revised: money_at(r, 7)?,
                approved: [Money::ZERO; SOURCES],
                total_funding: money_at(r, 8)?,
                gap: money_at(r, 9)?,
                projected: money_at(r, 10)?,
                actual_to_date: money_at(r, 11)?,
                applied: [Money::ZERO; SOURCES],
                unfunded: money_at(r, 12)?,
                applied_lines: Vec::new(),
            };
            let ids = RowIds {
                programme_id: r.get(1)?,
                phase_id: r.get(2)?,
            };
            Ok((row, ids))
        },
    )?;
    let sources = collect(
        conn,
        "SELECT seq, source, approved_pence, applied_pence FROM snapshot_financing_source
         WHERE snapshot_id = ?1",
        [info.id],
        |r| {
            let seq: i64 = r.get(0)?;
            let s: String = r.get(1)?;
            let f = FundingSource::parse(&s).map_err(|e| bad_col(1, e))?;
            Ok((seq, f, money_at(r, 2)?, money_at(r, 3)?))
        },
    )?;
    for (seq, f, approved, applied) in sources {
        if let Some((row, _)) = usize::try_from(seq).ok().and_then(|i| rows.get_mut(i)) {
            row.approved[f.index()] = approved;
            row.applied[f.index()] = applied;
        }
    }
    let (rows, ids) = rows.into_iter().unzip();
    Ok((
        FinancingStatement {
            fy: info.fy,
            period: info.period,
            order,
            rows,
        },
        ids,
    ))
}
