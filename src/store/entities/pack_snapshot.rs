//! The committee pack's part of a period-close snapshot (schema v13): the contracts, benefits and
//! milestones as the pack showed them when the period was closed, kept under the period's
//! `monitoring` snapshot (so reopening, which deletes the snapshot, discards them too). A row
//! carries its programme's id so a pack of one programme can narrow to it. Working the lines out
//! is `store::pack`'s; this file writes and reads them.

use super::common::iso;
use super::rows::{bad_col, date_at, money_at, opt_date_at, rows as collect};
use crate::domain::pack::{BenefitLine, ContractLine, MilestoneLine, OptionLine, PackLines};
use crate::domain::{FinancialYear, Period};
use crate::sql_params as params;
use crate::store::Result;
use crate::store::engine::sql::{DbResult, Optional, Sql};

/// A stored RAG label (`snapshot`'s reader).
fn rag_from_label(i: usize, s: &str) -> DbResult<crate::domain::report::Rag> {
    super::snapshot::rag_from_label(i, s).map_err(|e| bad_col(i, e))
}

/// True when the pack's lines were kept with monitoring snapshot `snapshot_id`.
pub fn pack_lines_kept(conn: &impl Sql, snapshot_id: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT snapshot_id FROM snapshot_pack WHERE snapshot_id = ?1",
            [snapshot_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Keeps `lines` (each with its programme's id) with monitoring snapshot `snapshot_id`.
pub fn insert_pack_lines(
    conn: &impl Sql,
    snapshot_id: i64,
    contracts: &[(Option<i64>, ContractLine)],
    benefits: &[(Option<i64>, BenefitLine)],
    milestones: &[(Option<i64>, MilestoneLine)],
) -> Result<()> {
    conn.execute(
        "INSERT INTO snapshot_pack(snapshot_id) VALUES (?1)",
        [snapshot_id],
    )?;
    let row_sql =
        "INSERT INTO snapshot_contract_row(snapshot_id, seq, programme_id, programme_code,
           phase_code, reference, title, supplier, value_pence, paid_to_date_pence,
           committed_pence, start_date, term_months, end_date, framework, framework_end,
           award_decision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
    let option_sql = "INSERT INTO snapshot_contract_option(snapshot_id, seq, option_seq, months,
           estimate_pence, decision_due, exercised, exercised_value_pence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    for (seq, (programme_id, c)) in contracts.iter().enumerate() {
        conn.execute(
            row_sql,
            params![
                snapshot_id,
                seq as i64,
                programme_id,
                c.programme_code,
                c.phase_code,
                c.reference,
                c.title,
                c.supplier,
                c.value.pence(),
                c.paid_to_date.pence(),
                c.committed.pence(),
                iso(c.start),
                i64::from(c.term_months),
                iso(c.end),
                c.framework,
                c.framework_end.map(iso),
                c.award_decision,
            ],
        )?;
        for (i, x) in c.options.iter().enumerate() {
            conn.execute(
                option_sql,
                params![
                    snapshot_id,
                    seq as i64,
                    i as i64,
                    i64::from(x.months),
                    x.estimate.pence(),
                    x.decision_due.map(iso),
                    i64::from(x.exercised),
                    x.exercised_value.map(|v| v.pence()),
                ],
            )?;
        }
    }
    let row_sql = "INSERT INTO snapshot_benefit_row(snapshot_id, seq, programme_id, benefit_id,
           programme_code, phase_code, description, kind, owner, target_pence, entered_period,
           realised_pence, forecast_pence, expected_pence, variance_pence, rag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
    for (seq, (programme_id, b)) in benefits.iter().enumerate() {
        conn.execute(
            row_sql,
            params![
                snapshot_id,
                seq as i64,
                programme_id,
                b.id,
                b.programme_code,
                b.phase_code,
                b.description,
                b.kind,
                b.owner,
                b.target.pence(),
                b.entered.map(|p| i64::from(p.number())),
                b.realised.pence(),
                b.forecast.pence(),
                b.expected.pence(),
                b.variance.pence(),
                b.rag.label(),
            ],
        )?;
    }
    let row_sql = "INSERT INTO snapshot_milestone_row(snapshot_id, seq, programme_id, milestone_id,
           programme_code, phase_code, phase_name, name, baseline, forecast, actual, status,
           slippage_days, rag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
    for (seq, (programme_id, m)) in milestones.iter().enumerate() {
        conn.execute(
            row_sql,
            params![
                snapshot_id,
                seq as i64,
                programme_id,
                m.id,
                m.programme_code,
                m.phase_code,
                m.phase_name,
                m.name,
                iso(m.baseline),
                m.forecast.map(iso),
                m.actual.map(iso),
                m.status,
                m.slippage_days,
                m.rag.label(),
            ],
        )?;
    }
    Ok(())
}

/// The lines kept with monitoring snapshot `snapshot_id` of `fy` `period`, in the order kept;
/// only those of programme `programme_id` when given.
pub fn kept_pack_lines(
    conn: &impl Sql,
    snapshot_id: i64,
    (fy, period): (FinancialYear, Period),
    programme_id: Option<i64>,
) -> Result<PackLines> {
    let mut options: Vec<(i64, OptionLine)> = collect(
        conn,
        "SELECT o.seq, o.months, o.estimate_pence, o.decision_due, o.exercised,
                o.exercised_value_pence
         FROM snapshot_contract_option o JOIN snapshot_contract_row c
           ON c.snapshot_id = o.snapshot_id AND c.seq = o.seq
         WHERE o.snapshot_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR c.programme_id = ?2)
         ORDER BY o.seq, o.option_seq",
        params![snapshot_id, programme_id],
        |r| {
            Ok((
                r.get(0)?,
                OptionLine {
                    months: r.get(1)?,
                    estimate: money_at(r, 2)?,
                    decision_due: opt_date_at(r, 3)?,
                    exercised: r.get(4)?,
                    exercised_value: r
                        .get::<_, Option<i64>>(5)?
                        .map(crate::domain::Money::from_pence),
                },
            ))
        },
    )?
    .into_iter()
    .rev()
    .collect();
    let contracts = collect(
        conn,
        "SELECT seq, programme_code, phase_code, reference, title, supplier, value_pence,
                paid_to_date_pence, committed_pence, start_date, term_months, end_date,
                framework, framework_end, award_decision
         FROM snapshot_contract_row WHERE snapshot_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR programme_id = ?2)
         ORDER BY seq",
        params![snapshot_id, programme_id],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                ContractLine {
                    programme_code: r.get(1)?,
                    phase_code: r.get(2)?,
                    reference: r.get(3)?,
                    title: r.get(4)?,
                    supplier: r.get(5)?,
                    value: money_at(r, 6)?,
                    paid_to_date: money_at(r, 7)?,
                    committed: money_at(r, 8)?,
                    start: date_at(r, 9)?,
                    term_months: r.get(10)?,
                    end: date_at(r, 11)?,
                    framework: r.get(12)?,
                    framework_end: opt_date_at(r, 13)?,
                    award_decision: r.get(14)?,
                    options: Vec::new(),
                },
            ))
        },
    )?
    .into_iter()
    .map(|(seq, mut c)| {
        // Options come in seq order; popped from the reversed list, so still in order.
        while options.last().is_some_and(|(s, _)| *s == seq) {
            if let Some((_, x)) = options.pop() {
                c.options.push(x);
            }
        }
        c
    })
    .collect();
    let benefits = collect(
        conn,
        "SELECT benefit_id, programme_code, phase_code, description, kind, owner, target_pence,
                entered_period, realised_pence, forecast_pence, expected_pence, variance_pence,
                rag
         FROM snapshot_benefit_row WHERE snapshot_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR programme_id = ?2)
         ORDER BY seq",
        params![snapshot_id, programme_id],
        |r| {
            Ok(BenefitLine {
                id: r.get(0)?,
                programme_code: r.get(1)?,
                phase_code: r.get(2)?,
                description: r.get(3)?,
                kind: r.get(4)?,
                owner: r.get(5)?,
                fy,
                as_at: period,
                target: money_at(r, 6)?,
                entered: r
                    .get::<_, Option<u8>>(7)?
                    .map(|p| Period::new(p).map_err(|e| bad_col(7, e)))
                    .transpose()?,
                realised: money_at(r, 8)?,
                forecast: money_at(r, 9)?,
                expected: money_at(r, 10)?,
                variance: money_at(r, 11)?,
                rag: rag_from_label(12, &r.get::<_, String>(12)?)?,
            })
        },
    )?;
    let milestones = collect(
        conn,
        "SELECT milestone_id, programme_code, phase_code, phase_name, name, baseline, forecast,
                actual, status, slippage_days, rag
         FROM snapshot_milestone_row WHERE snapshot_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR programme_id = ?2)
         ORDER BY seq",
        params![snapshot_id, programme_id],
        |r| {
            Ok(MilestoneLine {
                id: r.get(0)?,
                programme_code: r.get(1)?,
                phase_code: r.get(2)?,
                phase_name: r.get(3)?,
                name: r.get(4)?,
                baseline: date_at(r, 5)?,
                forecast: opt_date_at(r, 6)?,
                actual: opt_date_at(r, 7)?,
                status: r.get(8)?,
                slippage_days: r.get(9)?,
                rag: rag_from_label(10, &r.get::<_, String>(10)?)?,
            })
        },
    )?;
    Ok(PackLines {
        contracts,
        benefits,
        milestones,
    })
}
