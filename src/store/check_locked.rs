//! `check`'s comparison of each closed period's report with the rows its close locked. What a
//! close locks (actuals dated on or before its last day, budget changes effective by then) can
//! only change through a reopen, which discards the snapshot; so each kept snapshot's actual in
//! period, actual to date and approved changes, phase by phase, must equal what those rows add up
//! to today. A difference means a locked row was changed outside Outturn, even by an event forged
//! with the right chain hash. The actuals are read through their running totals, which the
//! `actual totals` check compares with the actuals themselves. Reads only.

use super::engine::sql::Sql;

use super::Result;
use crate::domain::{FinancialYear, Money, Period};

/// The figures of one phase row of a kept snapshot beside the same figures recomputed.
struct Compared {
    fy: i64,
    period: i64,
    phase: String,
    /// (what, in the snapshot, recomputed).
    figures: [(&'static str, i64, i64); 3],
}

fn label(fy: i64, period: i64) -> String {
    let fy = i32::try_from(fy)
        .ok()
        .and_then(|y| FinancialYear::new(y).ok())
        .map_or_else(|| format!("year {fy}"), |f| f.label());
    let p = u8::try_from(period)
        .ok()
        .and_then(|p| Period::new(p).ok())
        .map_or_else(|| format!("P{period}"), |p| p.label());
    format!("{fy} {p}")
}

fn finding(at: &str, phase: &str, what: &str, kept: i64, now: i64) -> String {
    format!(
        "snapshot {at}: {phase} {what} is {} from the rows its close locked, {} in the report kept at the close: a locked row was changed outside Outturn",
        Money::from_pence(now).full(),
        Money::from_pence(kept).full()
    )
}

/// Every phase row of every kept monitoring snapshot of a closed period, with its figures
/// recomputed from the locked rows; then the phases whose locked actuals have no row there.
pub fn snapshots_match_locked_rows(conn: &impl Sql) -> Result<Vec<String>> {
    let rows = conn.query_map(
        "SELECT s.fy, s.period, r.programme_code || '/' || r.phase_code,
                r.actual_in_period_pence, r.actual_to_date_pence, r.approved_changes_pence,
                (SELECT CAST(coalesce(sum(t.amount_pence), 0) AS BIGINT) FROM actual_total t
                  WHERE t.fy = s.fy AND t.phase_id = r.phase_id AND t.period = s.period),
                (SELECT CAST(coalesce(sum(t.amount_pence), 0) AS BIGINT) FROM actual_total t
                  WHERE t.fy = s.fy AND t.phase_id = r.phase_id AND t.period <= s.period),
                (SELECT CAST(coalesce(sum(CASE WHEN b.to_phase_id = r.phase_id AND b.to_fy = s.fy
                                          THEN b.amount_pence ELSE 0 END)
                               - sum(CASE WHEN b.from_phase_id = r.phase_id AND b.from_fy = s.fy
                                          THEN b.amount_pence ELSE 0 END), 0) AS BIGINT)
                  FROM budget_change b
                  WHERE b.status = 'approved' AND b.effective_date <= c.through_date)
         FROM snapshot s
         JOIN closed_period c ON c.fy = s.fy AND c.period = s.period
         JOIN snapshot_report_row r ON r.snapshot_id = s.id AND r.row_kind = 'phase'
         WHERE s.kind = 'monitoring' AND r.phase_id IS NOT NULL
         ORDER BY s.fy, s.period, r.seq",
        [],
        |r| {
            Ok(Compared {
                fy: r.get(0)?,
                period: r.get(1)?,
                phase: r.get(2)?,
                figures: [
                    ("actual in period", r.get(3)?, r.get(6)?),
                    ("actual to date", r.get(4)?, r.get(7)?),
                    ("approved changes", r.get(5)?, r.get(8)?),
                ],
            })
        },
    )?;
    let mut out = Vec::new();
    for c in rows {
        for (what, kept, now) in c.figures {
            if kept != now {
                out.push(finding(&label(c.fy, c.period), &c.phase, what, kept, now));
            }
        }
    }
    // A phase with locked actuals that the report kept at the close did not show at all.
    let rows = conn.query_map(
        "SELECT s.fy, s.period, coalesce(pr.code || '/' || ph.code, 'phase id ' || t.phase_id),
                CAST(sum(t.amount_pence) AS BIGINT)
         FROM snapshot s
         JOIN closed_period c ON c.fy = s.fy AND c.period = s.period
         JOIN actual_total t ON t.fy = s.fy AND t.period <= s.period
         LEFT JOIN phase ph ON ph.id = t.phase_id
         LEFT JOIN programme pr ON pr.id = ph.programme_id
         WHERE s.kind = 'monitoring'
           AND NOT EXISTS (SELECT 1 FROM snapshot_report_row r
                           WHERE r.snapshot_id = s.id AND r.phase_id = t.phase_id
                             AND r.row_kind = 'phase')
         GROUP BY s.id, s.fy, s.period, t.phase_id, pr.code, ph.code HAVING sum(t.amount_pence) <> 0
         ORDER BY s.fy, s.period, t.phase_id",
        [],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        },
    )?;
    for (fy, period, phase, now) in rows {
        out.push(finding(
            &label(fy, period),
            &phase,
            "actual to date",
            0,
            now,
        ));
    }
    Ok(out)
}
