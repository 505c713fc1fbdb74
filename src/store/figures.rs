//! The queries that feed the monitoring report: per-phase sums aggregated in SQLite over INTEGER
//! pence (indexed), never by loading actuals into memory.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use super::{Result, entities};
use crate::domain::profile::profiled_to_end_of;
use crate::domain::report::{ContractFigures, PhaseFigures, RagThresholds, Report, build};
use crate::domain::{FinancialYear, Money, Period};

fn sums_by_phase(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<HashMap<i64, i64>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(p, |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = HashMap::new();
    for r in rows {
        let (k, v) = r?;
        *out.entry(k).or_insert(0) += v;
    }
    Ok(out)
}

/// The figures of every phase (of one programme when given) for `fy` as at `period`, sorted by
/// programme code then phase code, phases without figures included.
pub fn phase_figures(
    conn: &Connection,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<Vec<PhaseFigures>> {
    let f = fy.start_year();
    let end = fy.period_end(period).format("%Y-%m-%d").to_string();
    let allocations = |status: &str| {
        sums_by_phase(
            conn,
            "SELECT a.phase_id, sum(p.amount_pence) FROM allocation_profile p
             JOIN allocation a ON a.id = p.allocation_id
             WHERE p.fy = ?1 AND a.status = ?2 GROUP BY a.phase_id",
            params![f, status],
        )
    };
    let original = allocations("approved")?;
    let projected = allocations("projected")?;
    let changes = |status: &str, dated: bool| -> Result<HashMap<i64, i64>> {
        let date_cond = if dated {
            "AND effective_date <= ?3"
        } else {
            "AND ?3 IS NOT NULL"
        };
        let into = sums_by_phase(
            conn,
            &format!(
                "SELECT to_phase_id, sum(amount_pence) FROM budget_change
                 WHERE to_fy = ?1 AND status = ?2 {date_cond} GROUP BY to_phase_id"
            ),
            params![f, status, end],
        )?;
        let out_of = sums_by_phase(
            conn,
            &format!(
                "SELECT from_phase_id, -sum(amount_pence) FROM budget_change
                 WHERE from_fy = ?1 AND status = ?2 {date_cond} GROUP BY from_phase_id"
            ),
            params![f, status, end],
        )?;
        let mut net = into;
        for (k, v) in out_of {
            *net.entry(k).or_insert(0) += v;
        }
        Ok(net)
    };
    let approved_changes = changes("approved", true)?;
    let proposed_changes = changes("proposed", false)?;

    // Actuals: one pass over the covering index (fy, phase_id, period, amount_pence).
    let mut actual_in_period: HashMap<i64, i64> = HashMap::new();
    let mut actual_to_date: HashMap<i64, i64> = HashMap::new();
    {
        let mut st = conn.prepare_cached(
            "SELECT phase_id, period, sum(amount_pence) FROM actual
             WHERE fy = ?1 AND period <= ?2 GROUP BY phase_id, period",
        )?;
        let rows = st.query_map(params![f, period.number()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?, r.get::<_, i64>(2)?))
        })?;
        for r in rows {
            let (phase, p, s) = r?;
            *actual_to_date.entry(phase).or_insert(0) += s;
            if p == period.number() {
                *actual_in_period.entry(phase).or_insert(0) += s;
            }
        }
    }

    // Forecasts: the latest entered as at P or earlier.
    let mut forecasts: HashMap<i64, (Money, Period)> = HashMap::new();
    {
        let mut st = conn.prepare_cached(
            "SELECT phase_id, as_at_period, amount_pence FROM forecast
             WHERE fy = ?1 AND as_at_period <= ?2 ORDER BY phase_id, as_at_period",
        )?;
        let rows = st.query_map(params![f, period.number()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?, r.get::<_, i64>(2)?))
        })?;
        for r in rows {
            let (phase, p, amount) = r?;
            if let Ok(p) = Period::new(p) {
                forecasts.insert(phase, (Money::from_pence(amount), p));
            }
        }
    }

    // Contracts: profile to the end of F less paid to the end of P.
    let mut contracts: HashMap<i64, Vec<ContractFigures>> = HashMap::new();
    {
        let mut paid_st = conn.prepare_cached(
            "SELECT coalesce(sum(amount_pence), 0) FROM actual WHERE contract_id = ?1 AND date <= ?2",
        )?;
        for c in entities::list_contracts(conn, programme_id, None)? {
            let profile = entities::contract_profile(conn, &c)?;
            let paid: i64 = paid_st.query_row(params![c.id, end], |r| r.get(0))?;
            contracts
                .entry(c.phase_id)
                .or_default()
                .push(ContractFigures {
                    profiled_to_end_of_fy: profiled_to_end_of(&profile, fy),
                    paid_to_date: Money::from_pence(paid),
                });
        }
    }

    let programmes: HashMap<i64, String> = entities::list_programmes(conn)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let get = |m: &HashMap<i64, i64>, id: i64| Money::from_pence(m.get(&id).copied().unwrap_or(0));
    Ok(entities::list_phases(conn, programme_id)?
        .into_iter()
        .map(|ph| PhaseFigures {
            programme_name: programmes
                .get(&ph.programme_id)
                .cloned()
                .unwrap_or_default(),
            programme_code: ph.programme_code,
            phase_code: ph.code,
            phase_name: ph.name,
            original: get(&original, ph.id),
            approved_changes: get(&approved_changes, ph.id),
            pending: get(&projected, ph.id) + get(&proposed_changes, ph.id),
            actual_in_period: get(&actual_in_period, ph.id),
            actual_to_date: get(&actual_to_date, ph.id),
            contracts: contracts.remove(&ph.id).unwrap_or_default(),
            forecast: forecasts.get(&ph.id).copied(),
        })
        .collect())
}

/// The RAG thresholds saved in the database, or the defaults (+5 % red, 10 % underspend amber).
pub fn rag_thresholds(conn: &Connection) -> Result<RagThresholds> {
    let mut t = RagThresholds::default();
    let mut st = conn.prepare("SELECT key, value FROM setting WHERE key IN ('rag.red_overspend_pct', 'rag.amber_underspend_pct')")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for r in rows {
        let (k, v) = r?;
        if let Ok(d) = v.parse() {
            if k == "rag.red_overspend_pct" {
                t.red_overspend_pct = d;
            } else {
                t.amber_underspend_pct = d;
            }
        }
    }
    Ok(t)
}

/// The monitoring report for `fy` as at `period`.
pub fn report(
    conn: &Connection,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<Report> {
    let figures = phase_figures(conn, fy, period, programme_id)?;
    Ok(build(fy, period, &figures, rag_thresholds(conn)?))
}

/// Financial years that have any allocation, change, actual, forecast or contract month.
pub fn years_with_figures(conn: &Connection) -> Result<Vec<FinancialYear>> {
    let mut st = conn.prepare(
        "SELECT fy FROM allocation_profile UNION SELECT to_fy FROM budget_change WHERE to_fy IS NOT NULL
         UNION SELECT from_fy FROM budget_change WHERE from_fy IS NOT NULL
         UNION SELECT DISTINCT fy FROM actual UNION SELECT fy FROM forecast ORDER BY 1",
    )?;
    let rows = st.query_map([], |r| r.get::<_, i32>(0))?;
    let mut out = Vec::new();
    for r in rows {
        if let Ok(fy) = FinancialYear::new(r?) {
            out.push(fy);
        }
    }
    Ok(out)
}
