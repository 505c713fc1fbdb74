//! The queries that feed the monitoring report: per-phase sums aggregated in the database over
//! integer pence (indexed), never by loading actuals into memory. Shared SQL: they run on either
//! engine.

use std::collections::HashMap;

use super::entities::rows::rows;
use super::{Result, entities};
use crate::domain::model::Contract;
use crate::domain::profile::{Month, profiled_to_end_of};
use crate::domain::report::{ContractFigures, PhaseFigures, RagThresholds, Report, build};
use crate::domain::{FinancialYear, Money, Period};
use crate::sql_params as params;
use crate::store::engine::sql::{Params, Sql};

/// Runs a `SELECT key, sum` query into a map (keys repeated across rows are added up).
fn sums_by_phase(conn: &impl Sql, sql: &str, p: impl Params) -> Result<HashMap<i64, i64>> {
    let mut out = HashMap::new();
    for (k, v) in rows(conn, sql, p, |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })? {
        *out.entry(k).or_insert(0) += v;
    }
    Ok(out)
}

/// The figures of every phase (of one programme when given) for `fy` as at `period`, sorted by
/// programme code then phase code, phases without figures included.
pub fn phase_figures(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<Vec<PhaseFigures>> {
    let f = i64::from(fy.start_year());
    let end = fy.period_end(period).format("%Y-%m-%d").to_string();
    // An allocation entered as approved (no approval date) counts in every period; one approved
    // later counts from its approval date and is pending before it.
    let allocations = |approved: bool| {
        sums_by_phase(
            conn,
            "SELECT a.phase_id, CAST(sum(p.amount_pence) AS BIGINT) FROM allocation_profile p
             JOIN allocation a ON a.id = p.allocation_id
             WHERE p.fy = ?1 AND (CASE WHEN a.status = 'approved'
                                         AND (a.status_date IS NULL OR a.status_date <= ?2)
                                       THEN 1
                                       WHEN a.status IN ('approved', 'projected') THEN 0 END)
                   = CAST(?3 AS BIGINT)
             GROUP BY a.phase_id",
            params![f, end, i64::from(approved)],
        )
    };
    let original = allocations(true)?;
    let projected = allocations(false)?;
    let changes = |status: &str, dated: bool| -> Result<HashMap<i64, i64>> {
        let date_cond = if dated {
            "AND effective_date <= ?3"
        } else {
            "AND CAST(?3 AS TEXT) IS NOT NULL"
        };
        let into = sums_by_phase(
            conn,
            &format!(
                "SELECT to_phase_id, CAST(sum(amount_pence) AS BIGINT) FROM budget_change
                 WHERE to_fy = ?1 AND status = ?2 {date_cond} GROUP BY to_phase_id"
            ),
            params![f, status, end],
        )?;
        let out_of = sums_by_phase(
            conn,
            &format!(
                "SELECT from_phase_id, CAST(-sum(amount_pence) AS BIGINT) FROM budget_change
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

    // Actuals: from the running totals per (fy, phase, period, contract) that the schema's
    // triggers keep, a few rows per phase whatever the number of actuals.
    let mut actual_in_period: HashMap<i64, i64> = HashMap::new();
    let mut actual_to_date: HashMap<i64, i64> = HashMap::new();
    for (phase, p, s) in rows(
        conn,
        "SELECT phase_id, period, CAST(sum(amount_pence) AS BIGINT) FROM actual_total
         WHERE fy = ?1 AND period <= ?2 GROUP BY phase_id, period",
        params![f, i64::from(period.number())],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?, r.get::<_, i64>(2)?)),
    )? {
        *actual_to_date.entry(phase).or_insert(0) += s;
        if p == period.number() {
            *actual_in_period.entry(phase).or_insert(0) += s;
        }
    }

    // Forecasts: the latest as-at date on or before the end of P, withdrawn ones ignored; the
    // basis names the as-at's own year when it is earlier than F.
    let mut forecasts: HashMap<i64, (Money, Period, Option<FinancialYear>)> = HashMap::new();
    for (phase, at, amount) in rows(
        conn,
        "SELECT phase_id, as_at_date, amount_pence FROM forecast
         WHERE fy = ?1 AND as_at_date <= ?2 AND withdrawn_on IS NULL
         ORDER BY phase_id, as_at_date, id",
        params![f, end],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )? {
        if let Ok(at) = chrono::NaiveDate::parse_from_str(&at, "%Y-%m-%d") {
            let year = FinancialYear::containing(at);
            let earlier = (year != fy).then_some(year);
            forecasts.insert(
                phase,
                (Money::from_pence(amount), Period::of_date(at), earlier),
            );
        }
    }

    let mut contracts: HashMap<i64, Vec<ContractFigures>> = HashMap::new();
    for (c, figures) in contract_figures(conn, fy, period, programme_id)? {
        contracts.entry(c.phase_id).or_default().push(figures);
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
            forecast: forecasts.get(&ph.id).map(|(m, p, _)| (*m, *p)),
            forecast_entered_in: forecasts.get(&ph.id).and_then(|(_, _, y)| *y),
        })
        .collect())
}

/// What has been paid against each contract to the end of `period` of `fy` (every year up to P
/// of F: a date is on or before the end of P exactly when its (fy, period) is).
fn paid_by_contract(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
) -> Result<HashMap<i64, i64>> {
    sums_by_phase(
        conn,
        "SELECT contract_id, CAST(sum(amount_pence) AS BIGINT) FROM actual_total
         WHERE contract_id <> 0 AND (fy < ?1 OR (fy = ?1 AND period <= ?2))
         GROUP BY contract_id",
        params![i64::from(fy.start_year()), i64::from(period.number())],
    )
}

/// True for a year that starts after today: the profile before it belongs to the years before.
fn later_year(fy: FinancialYear) -> bool {
    entities::today()
        .map(|today| fy.start() > today)
        .unwrap_or(false)
}

/// A contract's contribution to its phase's commitments for `fy`.
fn figures_of(
    profile: &[(Month, Money)],
    paid: i64,
    fy: FinancialYear,
    later_year: bool,
) -> ContractFigures {
    ContractFigures {
        profiled_to_end_of_fy: profiled_to_end_of(profile, fy),
        paid_to_date: Money::from_pence(paid),
        profiled_before_fy: later_year.then(|| profiled_to_end_of(profile, fy.prev())),
    }
}

/// Every contract (of one programme when given), by reference, with what it contributes to its
/// phase's commitments for `fy` as at `period`: its profile to the end of F and what has been paid
/// against it to the end of P. The one place the report and the committee pack get them.
pub fn contract_figures(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<Vec<(Contract, ContractFigures)>> {
    let paid_by_contract = paid_by_contract(conn, fy, period)?;
    let later_year = later_year(fy);
    let mut out = Vec::new();
    for c in entities::list_contracts(conn, programme_id, None)? {
        let profile = entities::contract_profile(conn, &c)?;
        let paid = paid_by_contract.get(&c.id).copied().unwrap_or(0);
        let figures = figures_of(&profile, paid, fy, later_year);
        out.push((c, figures));
    }
    Ok(out)
}

/// The RAG thresholds saved in the database, or the defaults (+5 % red, 10 % underspend amber).
pub fn rag_thresholds(conn: &impl Sql) -> Result<RagThresholds> {
    let mut t = RagThresholds::default();
    for (k, v) in rows(
        conn,
        "SELECT key, value FROM setting WHERE key IN ('rag.red_overspend_pct', 'rag.amber_underspend_pct')",
        [],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
    )? {
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
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<Report> {
    let figures = phase_figures(conn, fy, period, programme_id)?;
    Ok(build(fy, period, &figures, rag_thresholds(conn)?))
}

/// Financial years that have any allocation, change, actual, forecast or contract month. The
/// actuals' years come from their running totals (a few thousand rows), never from a scan of the
/// actuals themselves (seconds at ten million).
pub fn years_with_figures(conn: &impl Sql) -> Result<Vec<FinancialYear>> {
    let years = rows(
        conn,
        "SELECT fy FROM allocation_profile UNION SELECT to_fy FROM budget_change WHERE to_fy IS NOT NULL
         UNION SELECT from_fy FROM budget_change WHERE from_fy IS NOT NULL
         UNION SELECT fy FROM actual_total UNION SELECT fy FROM forecast ORDER BY 1",
        [],
        |r| r.get::<_, i32>(0),
    )?;
    Ok(years
        .into_iter()
        .filter_map(|y| FinancialYear::new(y).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use crate::store::open_in_memory;
    use rusqlite::Connection;

    /// (fy, phase, period, contract or 0, sum of pence, count of actuals).
    type Total = (i64, i64, i64, i64, i64, i64);

    /// The trigger-kept totals, and the same sums worked out from the actuals themselves.
    fn totals(conn: &Connection) -> (Vec<Total>, Vec<Total>) {
        let q = |sql: &str| {
            let mut st = conn.prepare(sql).unwrap();
            st.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
        };
        (
            q("SELECT fy, phase_id, period, contract_id, amount_pence, n FROM actual_total ORDER BY 1, 2, 3, 4"),
            q("SELECT fy, phase_id, period, coalesce(contract_id, 0), CAST(sum(amount_pence) AS BIGINT), count(*) FROM actual
               GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"),
        )
    }

    #[test]
    fn running_totals_follow_every_insert_update_and_delete() {
        let conn = open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A'), (2, 1, 'B', 'B');
             INSERT INTO contract(id, reference, title, supplier, phase_id, value_pence, original_value_pence, start_date, term_months)
               VALUES (7, 'C', 'C', 'S', 1, 100000, 100000, '2017-04-01', 12);
             INSERT INTO actual(id, phase_id, contract_id, date, fy, period, amount_pence) VALUES
               (1, 1, 7,    '2017-04-10', 2017, 1, 1000),
               (2, 1, 7,    '2017-04-20', 2017, 1, 250),
               (3, 1, NULL, '2017-04-20', 2017, 1, -50),
               (4, 2, NULL, '2018-01-05', 2017, 10, 999);",
        )
        .unwrap();
        let (kept, worked) = totals(&conn);
        // Phase 1 contract 7 in P1: 1000 + 250 = 1250 over 2 actuals; phase 1 no contract: -50.
        assert_eq!(kept[0], (2017, 1, 1, 0, -50, 1));
        assert_eq!(kept[1], (2017, 1, 1, 7, 1250, 2));
        assert_eq!(kept, worked);
        // Move actual 2 to phase 2, period 2, no contract, and change its amount.
        conn.execute(
            "UPDATE actual SET phase_id = 2, contract_id = NULL, period = 2, date = '2017-05-01', amount_pence = 300 WHERE id = 2",
            [],
        )
        .unwrap();
        let (kept, worked) = totals(&conn);
        assert_eq!(kept[1], (2017, 1, 1, 7, 1000, 1));
        assert_eq!(kept, worked);
        // Deleting the last actual of a total removes the total; a zero sum of two actuals stays.
        conn.execute("DELETE FROM actual WHERE id = 3", []).unwrap();
        conn.execute(
            "INSERT INTO actual(phase_id, date, fy, period, amount_pence) VALUES (2, '2018-01-09', 2017, 10, -999)",
            [],
        )
        .unwrap();
        let (kept, worked) = totals(&conn);
        assert!(!kept.iter().any(|t| t.1 == 1 && t.3 == 0));
        assert!(kept.contains(&(2017, 2, 10, 0, 0, 2)));
        assert_eq!(kept, worked);
        conn.execute("DELETE FROM actual", []).unwrap();
        assert_eq!(totals(&conn).0, vec![]);
    }
}
