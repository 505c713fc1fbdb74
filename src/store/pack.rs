//! The committee pack's contracts, benefits and milestones for a year as at a period: worked out
//! from the records for an open period ([`live`]), and for a closed period as kept when it was
//! closed ([`lines`]): `period close` keeps them with the period's monitoring snapshot, in the
//! closing transaction ([`keep`]), and reopening discards them with it. A period closed before
//! they were kept (schema v13) owes them; the first open of the upgraded database keeps them from
//! the records as they stand then ([`keep_owed`]), so from then on its pack is frozen too.

use std::collections::HashMap;

use serde::Serialize;

use crate::sql_params;
use crate::store::engine::sql::{Params, Sql};

use super::entities::{self as e, MONITORING};
use super::{Result, audit, figures};
use crate::domain::benefit::{Realisation, position};
use crate::domain::pack::{BenefitLine, ContractLine, MilestoneLine, PackLines};
use crate::domain::{FinancialYear, Period};

/// The snapshot kind under which a period's pack lines are owed (schema v13).
pub const PACK: &str = "pack";

/// Each line with the id of its programme.
type WithProgramme<T> = Vec<(Option<i64>, T)>;

/// The lines of every programme (or of one), each with its programme's id.
fn live_with_ids(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<(
    WithProgramme<ContractLine>,
    WithProgramme<BenefitLine>,
    WithProgramme<MilestoneLine>,
)> {
    let programmes: HashMap<String, i64> = e::list_programmes(conn)?
        .into_iter()
        .map(|p| (p.code, p.id))
        .collect();
    let id_of = |code: &str| programmes.get(code).copied();
    let framework_ends = e::framework_ends(conn)?;
    let contracts = figures::contract_figures(conn, fy, period, programme_id)?
        .iter()
        .map(|(c, f)| {
            let end = c
                .framework
                .as_ref()
                .and_then(|n| framework_ends.get(n).copied().flatten());
            (id_of(&c.programme_code), ContractLine::of(c, f, end))
        })
        .collect();
    // Each benefit's realisations by its id, so the positions take one pass, not one per benefit.
    let mut realisations: HashMap<i64, Vec<Realisation>> = HashMap::new();
    for r in e::list_realisations(conn, programme_id, Some(fy))? {
        realisations.entry(r.benefit_id).or_default().push(r);
    }
    let thresholds = figures::rag_thresholds(conn)?;
    // Consumed as they are read: a benefit's texts go once its line is made.
    let benefits = e::list_benefits(conn, programme_id, false)?
        .into_iter()
        .map(|b| {
            let own = realisations.get(&b.id).map_or(&[][..], Vec::as_slice);
            position(&b, fy, period, own, &thresholds)
        })
        .filter(|p| p.has_figures())
        .map(|p| (id_of(&p.benefit.programme_code), BenefitLine::of(&p)))
        .collect();
    let as_at = fy.period_end(period);
    let milestones = e::list_milestones(conn, programme_id, None)?
        .into_iter()
        .map(|m| (id_of(&m.programme_code), MilestoneLine::of(&m, as_at)))
        .collect();
    Ok((contracts, benefits, milestones))
}

/// The lines worked out from the records as they stand, of one programme when given.
pub fn live(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<PackLines> {
    let (c, b, m) = live_with_ids(conn, fy, period, programme_id)?;
    Ok(PackLines {
        contracts: c.into_iter().map(|(_, l)| l).collect(),
        benefits: b.into_iter().map(|(_, l)| l).collect(),
        milestones: m.into_iter().map(|(_, l)| l).collect(),
    })
}

/// The pack's lines of `fy` as at `period` (of one programme when given): as kept at the close
/// when the period is closed and they were kept, worked out live otherwise.
pub fn lines(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<PackLines> {
    if let Some(info) = e::find_snapshot(conn, MONITORING, fy, period)?
        && e::pack_lines_kept(conn, info.id)?
    {
        return e::kept_pack_lines(conn, info.id, (fy, period), programme_id);
    }
    live(conn, fy, period, programme_id)
}

/// How many lines were kept, as the audit log records a keeping owed by an upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Kept {
    pub snapshot_id: i64,
    pub contracts: usize,
    pub benefits: usize,
    pub milestones: usize,
}

/// Keeps the lines of every programme for `fy` `period` with its monitoring snapshot
/// `snapshot_id`, in the caller's transaction (the snapshot's own audit event covers them).
pub fn keep(conn: &impl Sql, snapshot_id: i64, fy: FinancialYear, period: Period) -> Result<Kept> {
    let (c, b, m) = live_with_ids(conn, fy, period, None)?;
    e::insert_pack_lines(conn, snapshot_id, &c, &b, &m)?;
    Ok(Kept {
        snapshot_id,
        contracts: c.len(),
        benefits: b.len(),
        milestones: m.len(),
    })
}

/// Keeps the lines owed by a period closed before they were kept (schema v13) with its
/// monitoring snapshot, from the records as they stand now, audited; in the caller's
/// transaction. Nothing when the period has no monitoring snapshot or already has its lines.
pub fn keep_owed(conn: &impl Sql, fy: FinancialYear, period: Period) -> Result<Option<Kept>> {
    let Some(info) = e::find_snapshot(conn, MONITORING, fy, period)? else {
        return Ok(None);
    };
    if e::pack_lines_kept(conn, info.id)? {
        return Ok(None);
    }
    let kept = keep(conn, info.id, fy, period)?;
    audit::record(
        conn,
        "take",
        "snapshot",
        Some(info.id),
        None::<&()>,
        Some(&kept),
    )?;
    Ok(Some(kept))
}

/// How many lines the pack's contracts, benefits and milestones have (of one programme when
/// given), counted in SQL before any is read, so a pack too long for a sheet can be refused
/// without reading them: as kept at the close when the period is closed and they were kept, as
/// [`live`] would make them otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineCounts {
    pub contracts: usize,
    /// The options of each contract after its first (each gets a row of its own).
    pub further_options: usize,
    pub benefits: usize,
    pub milestones: usize,
}

/// The [`LineCounts`] of `fy` as at `period`.
pub fn line_counts(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
    programme_id: Option<i64>,
) -> Result<LineCounts> {
    let count =
        |sql: &str, p: &dyn Fn() -> Vec<crate::store::engine::sql::Value>| -> Result<usize> {
            let n: i64 = conn.query_row(sql, p(), |r| r.get(0))?;
            Ok(usize::try_from(n).unwrap_or(0))
        };
    if let Some(info) = e::find_snapshot(conn, MONITORING, fy, period)?
        && e::pack_lines_kept(conn, info.id)?
    {
        let p = || sql_params![info.id, programme_id].values();
        let rows = |table: &str| {
            count(
                &format!(
                    "SELECT count(*) FROM {table} WHERE snapshot_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR programme_id = ?2)"
                ),
                &p,
            )
        };
        return Ok(LineCounts {
            contracts: rows("snapshot_contract_row")?,
            further_options: count(
                "SELECT count(*) FROM snapshot_contract_option o JOIN snapshot_contract_row c
                   ON c.snapshot_id = o.snapshot_id AND c.seq = o.seq
                 WHERE o.snapshot_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR c.programme_id = ?2) AND o.option_seq > 0",
                &p,
            )?,
            benefits: rows("snapshot_benefit_row")?,
            milestones: rows("snapshot_milestone_row")?,
        });
    }
    let p = || sql_params![programme_id].values();
    let (y, n) = (i64::from(fy.start_year()), i64::from(period.number()));
    Ok(LineCounts {
        contracts: count(
            "SELECT count(*) FROM contract c JOIN phase ph ON ph.id = c.phase_id
             WHERE CAST(?1 AS BIGINT) IS NULL OR ph.programme_id = ?1",
            &p,
        )?,
        further_options: count(
            "SELECT CAST(coalesce(sum(n - 1), 0) AS BIGINT) FROM (SELECT count(*) AS n FROM extension_option o
               JOIN contract c ON c.id = o.contract_id JOIN phase ph ON ph.id = c.phase_id
               WHERE CAST(?1 AS BIGINT) IS NULL OR ph.programme_id = ?1 GROUP BY o.contract_id) AS per_contract",
            &p,
        )?,
        // What `live` keeps: active benefits with a target or a realisation in the year by then.
        benefits: count(
            "SELECT count(*) FROM benefit b WHERE b.status = 'active'
               AND (CAST(?1 AS BIGINT) IS NULL OR b.programme_id = ?1)
               AND (EXISTS (SELECT 1 FROM benefit_target t
                            WHERE t.benefit_id = b.id AND t.fy = ?2 AND t.amount_pence <> 0)
                    OR EXISTS (SELECT 1 FROM benefit_realisation r
                               WHERE r.benefit_id = b.id AND r.fy = ?2 AND r.as_at_period <= ?3))",
            &|| sql_params![programme_id, y, n].values(),
        )?,
        milestones: count(
            "SELECT count(*) FROM milestone m JOIN phase ph ON ph.id = m.phase_id
             WHERE CAST(?1 AS BIGINT) IS NULL OR ph.programme_id = ?1",
            &p,
        )?,
    })
}
