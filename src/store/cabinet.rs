//! The report as it goes to Cabinet: a closed period's report is its snapshot; an open period's is
//! worked out live with the columns after RAG (the last report's figures and the commentary).
//! Closing takes the snapshot in the closing transaction (refused while rows beyond the comment
//! threshold have no comment, unless allowed); reopening discards it, audited. Periods closed
//! before snapshots were kept are owed one, taken from the live figures by [`take_owed`].

use std::collections::HashMap;

use serde::Serialize;

use super::entities::{self as e, FINANCING, MONITORING, RowIds, SnapshotInfo};
use super::{Result, StoreError, audit, figures, financing, locks, now_stamp, settings};
use crate::domain::cabinet::{
    AfterRag, CabinetReport, LastFigures, PhaseKey, after_rag, rows_needing_comment,
};
use crate::domain::movement::{Bridge, MovementRow, Position, bridge, with_totals};
use crate::domain::report::{RagThresholds, Report, ReportRow, RowKind, build};
use crate::domain::{FinancialYear, Money, Period};
use crate::store::engine::sql::Sql;

/// On a server, refuses `verb` (close, reopen) to a login that is not a lead, in words, before
/// anything is written (the server's grants on `closed_period` refuse it anyway).
fn lead_only(conn: &impl Sql, verb: &str) -> Result<()> {
    if conn.as_pg().is_none() {
        return Ok(());
    }
    let (login, lead): (String, bool) = conn.query_row(
        "SELECT CAST(session_user AS TEXT), pg_has_role(session_user, 'outturn_lead', 'MEMBER')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if lead {
        return Ok(());
    }
    Err(StoreError::Refused(format!(
        "only a lead can {verb} a period: {login} is not a lead; ask a lead of your team to {verb} it"
    )))
}

/// Each phase's (programme code, phase code) and programme id, by phase id, as named today.
fn phase_keys(conn: &impl Sql) -> Result<HashMap<i64, (PhaseKey, i64)>> {
    Ok(e::list_phases(conn, None)?
        .into_iter()
        .map(|p| (p.id, ((p.programme_code, p.code), p.programme_id)))
        .collect())
}

/// The live report of `fy` as at `period` with its columns after RAG: "last report" is the
/// snapshot of the latest closed period of the same year before `period`.
pub fn live_report(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
    thresholds: RagThresholds,
) -> Result<CabinetReport> {
    let phases = figures::phase_figures(conn, fy, period, programme_id)?;
    report_of(conn, fy, period, &phases, thresholds)
}

/// [`live_report`] from phase figures already read (the TUI reads them once for the report and
/// the financing statement).
pub fn report_of(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    phases: &[crate::domain::report::PhaseFigures],
    thresholds: RagThresholds,
) -> Result<CabinetReport> {
    let report = build(fy, period, phases, thresholds);
    let keys = phase_keys(conn)?;
    let last = match e::last_snapshot_before(conn, MONITORING, fy, period)? {
        Some(info) => {
            let (snap, ids) = e::snapshot_report(conn, &info)?;
            let mut m = HashMap::new();
            for (row, id) in snap.report.rows.iter().zip(&ids) {
                if let (RowKind::Phase, Some(pid)) = (row.kind, id.phase_id)
                    && let Some((key, _)) = keys.get(&pid)
                {
                    m.insert(
                        key.clone(),
                        LastFigures {
                            revised: row.revised,
                            forecast: row.forecast,
                        },
                    );
                }
            }
            Some(m)
        }
        None => None,
    };
    let comments: HashMap<PhaseKey, String> = e::comments_for(conn, fy, period)?
        .into_iter()
        .filter_map(|(pid, text)| keys.get(&pid).map(|(k, _)| (k.clone(), text)))
        .collect();
    let after_rag = after_rag(&report, last.as_ref(), &comments);
    Ok(CabinetReport { report, after_rag })
}

/// The rows of a snapshot for one programme, its total, and a grand total equal to that total
/// (what a live report narrowed to the programme shows).
fn narrow(c: CabinetReport, ids: &[RowIds], programme_id: i64) -> CabinetReport {
    let CabinetReport { report, after_rag } = c;
    let mut kept = CabinetReport {
        report: Report {
            rows: Vec::new(),
            ..report.clone()
        },
        after_rag: Vec::new(),
    };
    let mut grand_after = after_rag.last().cloned().unwrap_or_default();
    let mut grand = None;
    for ((row, a), id) in report.rows.into_iter().zip(after_rag).zip(ids) {
        if row.kind == RowKind::GrandTotal || id.programme_id != Some(programme_id) {
            continue;
        }
        if row.kind == RowKind::ProgrammeTotal {
            grand = Some(ReportRow {
                kind: RowKind::GrandTotal,
                programme_code: String::new(),
                programme_name: String::new(),
                phase_code: "Grand total".into(),
                ..row.clone()
            });
            grand_after = a.clone();
        }
        kept.report.rows.push(row);
        kept.after_rag.push(a);
    }
    // No row of the programme: the grand total of nothing, as a live report would show it.
    let grand = grand.or_else(|| {
        let zero = |m: Option<Money>| m.map(|_| Money::ZERO);
        grand_after = AfterRag {
            last_revised: zero(grand_after.last_revised),
            budget_movement: zero(grand_after.budget_movement),
            last_forecast: zero(grand_after.last_forecast),
            forecast_movement: zero(grand_after.forecast_movement),
            commentary: String::new(),
        };
        build(report.fy, report.period, &[], report.thresholds)
            .rows
            .pop()
    });
    if let Some(g) = grand {
        kept.report.rows.push(g);
        kept.after_rag.push(grand_after);
    }
    kept
}

/// A refusal to recompute a snapshot with other RAG thresholds.
fn thresholds_refused(info: &SnapshotInfo) -> StoreError {
    StoreError::invalid(
        "--rag-red/--rag-amber",
        format!(
            "{} {} is closed: its report is the snapshot taken on {} by {} with Red over +{} % and Amber beyond {} %; reopen the period to work it out again with other thresholds",
            info.fy.label(),
            info.period.label(),
            info.at,
            info.who,
            info.thresholds.red_overspend_pct,
            info.thresholds.amber_underspend_pct
        ),
    )
}

/// The report of `fy` as at `period`: the snapshot when the period was closed (narrowed to a
/// programme when asked), otherwise live with the stored thresholds or `overrides`. Also says
/// which snapshot it is, if any.
pub fn report(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
    overrides: Option<RagThresholds>,
) -> Result<(CabinetReport, Option<SnapshotInfo>)> {
    if let Some(info) = e::find_snapshot(conn, MONITORING, fy, period)? {
        if overrides.is_some_and(|t| t != info.thresholds) {
            return Err(thresholds_refused(&info));
        }
        let (c, ids) = e::snapshot_report(conn, &info)?;
        let c = match programme_id {
            Some(p) => narrow(c, &ids, p),
            None => c,
        };
        return Ok((c, Some(info)));
    }
    let t = match overrides {
        Some(t) => t,
        None => figures::rag_thresholds(conn)?,
    };
    Ok((live_report(conn, fy, period, programme_id, t)?, None))
}

/// The position the movement bridge starts or ends at: the snapshot's lines and revised budgets
/// when the period has one, the live ones otherwise.
pub fn position(conn: &impl Sql, fy: FinancialYear, period: Period) -> Result<Position> {
    let keys = phase_keys(conn)?;
    let by_code: HashMap<&PhaseKey, i64> = keys.iter().map(|(id, (k, _))| (k, *id)).collect();
    if let Some(info) = e::find_snapshot(conn, MONITORING, fy, period)? {
        let (c, ids) = e::snapshot_report(conn, &info)?;
        let revised = c
            .report
            .rows
            .iter()
            .zip(&ids)
            .filter_map(|(r, i)| (r.kind == RowKind::Phase).then_some((i.phase_id?, r.revised)))
            .collect();
        return Ok(Position {
            revised,
            lines: e::snapshot_lines(conn, info.id)?,
        });
    }
    let t = figures::rag_thresholds(conn)?;
    let live = build(
        fy,
        period,
        &figures::phase_figures(conn, fy, period, None)?,
        t,
    );
    let revised = live
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Phase)
        .filter_map(|r| {
            by_code
                .get(&(r.programme_code.clone(), r.phase_code.clone()))
                .map(|id| (*id, r.revised))
        })
        .collect();
    Ok(Position {
        revised,
        lines: e::live_budget_lines(conn, fy, period)?,
    })
}

/// Takes the monitoring snapshot of `fy` `period` from the live figures, audited.
fn take(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    source: &str,
    report: &CabinetReport,
) -> Result<SnapshotInfo> {
    let ids = e::row_ids(
        conn,
        report
            .report
            .rows
            .iter()
            .map(|r| (r.kind, r.programme_code.as_str(), r.phase_code.as_str())),
    )?;
    let lines = e::live_budget_lines(conn, fy, period)?;
    let info = e::insert_snapshot(
        conn,
        source,
        &super::current_user_on(conn)?,
        &now_stamp(),
        report,
        &ids,
        &lines,
    )?;
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

/// What closing a period did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closed {
    pub snapshot: SnapshotInfo,
    /// The financing statement's snapshot, taken beside the report's.
    pub financing: SnapshotInfo,
    /// Rows beyond the comment threshold closed without a comment (with `--allow-missing-comments`).
    pub uncommented: Vec<String>,
}

/// How a row needing a comment is named in messages: `WOL-DTP/PH2 (variance £-400,000.00)`.
fn needing_label(r: &ReportRow) -> String {
    format!(
        "{}/{} (variance {}{})",
        r.programme_code,
        r.phase_code,
        r.variance.full(),
        r.variance_pct
            .map(|p| format!(", {} %", crate::domain::report::percent_text(Some(p))))
            .unwrap_or_default()
    )
}

/// The phase rows of the live report of `fy` `period` beyond the comment threshold with no comment.
pub fn rows_without_comment(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
) -> Result<Vec<String>> {
    let live = live_report(conn, fy, period, None, figures::rag_thresholds(conn)?)?;
    let t = settings::comment_thresholds(conn)?;
    Ok(rows_needing_comment(&live.report, &live.after_rag, &t)
        .into_iter()
        .map(needing_label)
        .collect())
}

/// Closes `fy` `period` and takes its snapshot, in the caller's transaction. Refused while a row
/// beyond the comment threshold has no comment, unless `allow_missing_comments`.
pub fn close(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    allow_missing_comments: bool,
) -> Result<Closed> {
    lead_only(conn, "close")?;
    locks::close_period(conn, fy, period)?;
    let live = live_report(conn, fy, period, None, figures::rag_thresholds(conn)?)?;
    let t = settings::comment_thresholds(conn)?;
    let uncommented: Vec<String> = rows_needing_comment(&live.report, &live.after_rag, &t)
        .into_iter()
        .map(needing_label)
        .collect();
    if !uncommented.is_empty() && !allow_missing_comments {
        return Err(StoreError::Fixable {
            message: format!(
                "{} {} was not closed: {} row{} beyond the comment threshold (|variance| over {} % of the revised budget or over {}) ha{} no comment: {}",
                fy.label(),
                period.label(),
                uncommented.len(),
                if uncommented.len() == 1 { "" } else { "s" },
                t.pct,
                t.amount.full(),
                if uncommented.len() == 1 { "s" } else { "ve" },
                uncommented.join("; "),
            ),
            fix: crate::error::Fix::AddComments {
                fy: fy.label(),
                period: period.label(),
            },
        });
    }
    let snapshot = take(conn, fy, period, "close", &live)?;
    // The pack's contracts, benefits and milestones, kept with the report (schema v13).
    super::pack::keep(conn, snapshot.id, fy, period)?;
    let financing = financing::take(conn, fy, period, "close", live.report.thresholds)?;
    Ok(Closed {
        snapshot,
        financing,
        uncommented,
    })
}

/// Reopens `fy` `period` (and every later closed period) and discards their snapshots, each
/// discard audited with the snapshot's header. Returns the number of periods reopened and the
/// snapshots discarded.
pub fn reopen(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    reason: &str,
) -> Result<(usize, Vec<SnapshotInfo>)> {
    lead_only(conn, "reopen")?;
    let n = locks::reopen_period(conn, fy, period, reason)?;
    let gone = e::delete_snapshots_from(conn, fy, period)?;
    #[derive(Serialize)]
    struct Discard<'a> {
        reason: &'a str,
    }
    for s in &gone {
        audit::record(
            conn,
            "discard",
            "snapshot",
            Some(s.id),
            Some(s),
            Some(&Discard { reason }),
        )?;
    }
    Ok((n, gone))
}

/// Takes the snapshots owed by periods closed before snapshots were kept (oldest first, so each
/// one's "last report" is the one before), from the live figures, audited; in the caller's
/// transaction. A period reopened since owes nothing.
pub fn take_owed(conn: &impl Sql) -> Result<Vec<SnapshotInfo>> {
    let mut taken = Vec::new();
    let closed = locks::list_closed(conn)?;
    for (kind, fy, period) in e::owed_snapshots(conn)? {
        let still_closed = closed.iter().any(|c| c.fy == fy && c.period == period);
        if kind == MONITORING
            && still_closed
            && e::find_snapshot(conn, MONITORING, fy, period)?.is_none()
        {
            let live = live_report(conn, fy, period, None, figures::rag_thresholds(conn)?)?;
            taken.push(take(conn, fy, period, "upgrade", &live)?);
        }
        if kind == FINANCING
            && still_closed
            && e::find_snapshot(conn, FINANCING, fy, period)?.is_none()
        {
            let t = figures::rag_thresholds(conn)?;
            taken.push(financing::take(conn, fy, period, "upgrade", t)?);
        }
        // The pack's lines are kept beside the report's snapshot (taken above when owed too);
        // they add no snapshot of their own, so say nothing more.
        if kind == super::pack::PACK && still_closed {
            super::pack::keep_owed(conn, fy, period)?;
        }
        if kind == MONITORING || kind == FINANCING || kind == super::pack::PACK {
            e::clear_owed(conn, &kind, fy, period)?;
        }
    }
    Ok(taken)
}

/// True when some snapshot is owed (cheap: the caller then opens a write transaction).
pub fn snapshots_owed(conn: &impl Sql) -> Result<bool> {
    Ok(!e::owed_snapshots(conn)?.is_empty())
}

/// What a report of `fy` at `p` is read from: `P6 (snapshot of <when>)` when the period has a
/// snapshot, `P6 (live)` otherwise (the words `report movement` and the TUI show).
pub fn report_basis(conn: &impl Sql, fy: FinancialYear, p: Period) -> Result<String> {
    Ok(match e::find_snapshot(conn, MONITORING, fy, p)? {
        Some(s) => format!("{} (snapshot of {})", p.label(), s.at),
        None => format!("{} (live)", p.label()),
    })
}

/// How a phase is named in a bridge, and its programme.
struct PhaseName {
    programme_id: Option<i64>,
    programme_code: String,
    phase_code: String,
    phase_name: String,
}

/// Each phase's name by id: as named today, unless a snapshot of `periods` (later ones win)
/// named it, so a bridge to a closed period names its phases as that report did.
fn phase_names(
    conn: &impl Sql,
    fy: FinancialYear,
    periods: &[Period],
) -> Result<HashMap<i64, PhaseName>> {
    let mut names: HashMap<i64, PhaseName> = e::list_phases(conn, None)?
        .into_iter()
        .map(|p| {
            let name = PhaseName {
                programme_id: Some(p.programme_id),
                programme_code: p.programme_code,
                phase_code: p.code,
                phase_name: p.name,
            };
            (p.id, name)
        })
        .collect();
    for p in periods {
        if let Some(info) = e::find_snapshot(conn, MONITORING, fy, *p)? {
            let (c, ids) = e::snapshot_report(conn, &info)?;
            for (row, id) in c.report.rows.into_iter().zip(ids) {
                if let (RowKind::Phase, Some(pid)) = (row.kind, id.phase_id) {
                    let name = PhaseName {
                        programme_id: id.programme_id,
                        programme_code: row.programme_code,
                        phase_code: row.phase_code,
                        phase_name: row.phase_name,
                    };
                    names.insert(pid, name);
                }
            }
        }
    }
    Ok(names)
}

/// The movement bridge of `fy` from `from` to `to` (each the snapshot when the period has one,
/// live otherwise): per phase (of one programme when given), named as the latest of the two
/// snapshots named it (as today when neither has it), then totals.
pub fn movement(
    conn: &impl Sql,
    fy: FinancialYear,
    from: Period,
    to: Period,
    programme_id: Option<i64>,
) -> Result<Vec<MovementRow>> {
    let bridges = bridge(&position(conn, fy, from)?, &position(conn, fy, to)?);
    let names = phase_names(conn, fy, &[from, to])?;
    let mut rows: Vec<MovementRow> = bridges
        .into_iter()
        .filter(|(_, b)| *b != Bridge::default())
        .filter_map(|(id, b)| {
            let p = names.get(&id);
            if programme_id.is_some() && p.and_then(|p| p.programme_id) != programme_id {
                return None;
            }
            Some(MovementRow {
                kind: RowKind::Phase,
                programme_code: p.map(|p| p.programme_code.clone()).unwrap_or_default(),
                phase_code: p.map_or_else(|| format!("#{id}"), |p| p.phase_code.clone()),
                phase_name: p.map(|p| p.phase_name.clone()).unwrap_or_default(),
                bridge: b,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.programme_code, &a.phase_code).cmp(&(&b.programme_code, &b.phase_code))
    });
    Ok(with_totals(rows))
}
