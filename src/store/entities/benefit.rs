//! Benefits of a programme: adding, editing and withdrawing them with their targets per FY, and
//! entering what was realised as at a period with a forecast. A target for a year that has begun
//! by the lock date, and a realisation as at a closed period, are refused (closed periods hold).

use std::collections::BTreeMap;

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Optional, Row, Sql};
use serde::Serialize;

use super::common::{not_found_in, required, within};
use super::rows::{bad_col, fy_at, money_at, period_at, rows as collect};
use crate::domain::benefit::{Benefit, BenefitKind, BenefitStatus, Realisation};
use crate::domain::model::ProfileLine;
use crate::domain::text::MAX_TEXT;
use crate::domain::{FinancialYear, Money, Period};
use crate::store::{Result, StoreError, audit, locks};

/// A benefit to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewBenefit {
    pub programme_id: i64,
    pub phase_id: Option<i64>,
    pub description: String,
    pub kind: BenefitKind,
    pub owner: String,
    pub targets: Vec<(FinancialYear, Money)>,
}

/// What an edit changes (None: unchanged). `phase: Some(None)` detaches the benefit from a phase;
/// `targets: Some(..)` replaces every target.
#[derive(Debug, Clone, Default)]
pub struct BenefitEdit {
    pub phase_id: Option<Option<i64>>,
    pub description: Option<String>,
    pub kind: Option<BenefitKind>,
    pub owner: Option<String>,
    pub targets: Option<Vec<(FinancialYear, Money)>>,
}

/// Realised to date in a FY as at a period, and the further amount forecast by year end.
#[derive(Debug, Clone, Serialize)]
pub struct NewRealisation {
    pub benefit_id: i64,
    pub fy: FinancialYear,
    pub as_at: Period,
    pub realised: Money,
    pub forecast: Money,
}

fn check_phase(conn: &impl Sql, programme_id: i64, phase_id: Option<i64>) -> Result<()> {
    let Some(phase_id) = phase_id else {
        return Ok(());
    };
    let of: Option<i64> = conn
        .query_row(
            "SELECT programme_id FROM phase WHERE id = ?1",
            [phase_id],
            |r| r.get(0),
        )
        .optional()?;
    if of != Some(programme_id) {
        return Err(StoreError::invalid(
            "--phase",
            "the phase is not in the benefit's programme: give a phase of that programme",
        ));
    }
    Ok(())
}

fn check_targets(targets: &[(FinancialYear, Money)]) -> Result<BTreeMap<FinancialYear, Money>> {
    let mut out = BTreeMap::new();
    for (fy, amount) in targets {
        if amount.is_negative() {
            return Err(StoreError::invalid(
                "--target",
                format!(
                    "'{}' for {} is below zero: a target is what is to be achieved",
                    amount.plain(),
                    fy.label()
                ),
            ));
        }
        if out.insert(*fy, *amount).is_some() {
            return Err(StoreError::invalid(
                "--target",
                format!("{} is given twice: give one target per year", fy.label()),
            ));
        }
    }
    Ok(out)
}

/// Refuses a change of target in a year that has begun by the lock date.
fn ensure_targets_open(
    conn: &impl Sql,
    before: &[ProfileLine],
    after: &BTreeMap<FinancialYear, Money>,
) -> Result<()> {
    let old: BTreeMap<FinancialYear, Money> = before.iter().map(|t| (t.fy, t.amount)).collect();
    for fy in old.keys().chain(after.keys()) {
        if old.get(fy) != after.get(fy) {
            locks::ensure_open(conn, "a benefit target for the year", fy.start())?;
        }
    }
    Ok(())
}

fn write_targets(conn: &impl Sql, id: i64, targets: &BTreeMap<FinancialYear, Money>) -> Result<()> {
    conn.execute("DELETE FROM benefit_target WHERE benefit_id = ?1", [id])?;
    for (fy, amount) in targets {
        conn.execute(
            "INSERT INTO benefit_target(benefit_id, fy, amount_pence) VALUES (?1, ?2, ?3)",
            params![id, i64::from(fy.start_year()), amount.pence()],
        )?;
    }
    Ok(())
}

/// Adds a benefit with its targets; returns its id.
pub fn add_benefit(conn: &impl Sql, b: &NewBenefit) -> Result<i64> {
    required("--description", &b.description)?;
    within("--description", &b.description, MAX_TEXT)?;
    within("--owner", &b.owner, MAX_TEXT)?;
    check_phase(conn, b.programme_id, b.phase_id)?;
    let targets = check_targets(&b.targets)?;
    ensure_targets_open(conn, &[], &targets)?;
    let id: i64 = conn.query_row(
        "INSERT INTO benefit(programme_id, phase_id, description, kind, owner) VALUES (?1, ?2, ?3, ?4, ?5)
         RETURNING id",
        params![b.programme_id, b.phase_id, b.description.trim(), b.kind.as_str(), b.owner.trim()],
        |r| r.get(0),
    )?;
    write_targets(conn, id, &targets)?;
    let after = get_benefit(conn, id)?;
    audit::record(conn, "add", "benefit", Some(id), None::<&()>, Some(&after))?;
    Ok(id)
}

const BENEFIT_SELECT: &str = "SELECT b.id, pr.code, ph.code, b.description, b.kind, b.owner, b.status, b.version,
        (SELECT string_agg(t.fy || ':' || t.amount_pence, ',' ORDER BY t.fy) FROM benefit_target t
          WHERE t.benefit_id = b.id)
    FROM benefit b JOIN programme pr ON pr.id = b.programme_id LEFT JOIN phase ph ON ph.id = b.phase_id";

fn targets_col(r: &Row<'_>, i: usize) -> DbResult<Vec<ProfileLine>> {
    let s: Option<String> = r.get(i)?;
    let Some(s) = s else { return Ok(Vec::new()) };
    s.split(',')
        .map(|part| {
            let (y, p) = part.split_once(':').unwrap_or((part, "0"));
            let fy = FinancialYear::new(y.parse().map_err(|e| bad_col(i, e))?)
                .map_err(|e| bad_col(i, e))?;
            let amount = Money::from_pence(p.parse().map_err(|e| bad_col(i, e))?);
            Ok(ProfileLine { fy, amount })
        })
        .collect()
}

fn benefit_row(r: &Row<'_>) -> DbResult<Benefit> {
    let kind: String = r.get(4)?;
    let status: String = r.get(6)?;
    Ok(Benefit {
        id: r.get(0)?,
        programme_code: r.get(1)?,
        phase_code: r.get(2)?,
        description: r.get(3)?,
        kind: BenefitKind::parse(&kind).map_err(|e| bad_col(4, e))?,
        owner: r.get(5)?,
        status: BenefitStatus::parse(&status).map_err(|e| bad_col(6, e))?,
        version: r.get(7)?,
        targets: targets_col(r, 8)?,
    })
}

/// One benefit by id, or that there is none.
pub fn get_benefit(conn: &impl Sql, id: i64) -> Result<Benefit> {
    collect(
        conn,
        &format!("{BENEFIT_SELECT} WHERE b.id = ?1"),
        [id],
        benefit_row,
    )?
    .into_iter()
    .next()
    .ok_or_else(|| {
        not_found_in(
            "id",
            "benefit",
            &id.to_string(),
            crate::error::Records::Benefits,
        )
    })
}

/// Benefits (of one programme when given), withdrawn ones only when asked, by programme then id.
pub fn list_benefits(
    conn: &impl Sql,
    programme_id: Option<i64>,
    include_withdrawn: bool,
) -> Result<Vec<Benefit>> {
    collect(
        conn,
        &format!(
            "{BENEFIT_SELECT} WHERE (CAST(?1 AS BIGINT) IS NULL OR b.programme_id = ?1)
               AND (CAST(?2 AS BIGINT) <> 0 OR b.status = 'active')
             ORDER BY pr.code, b.id"
        ),
        params![programme_id, i64::from(include_withdrawn)],
        benefit_row,
    )
}

fn programme_of(conn: &impl Sql, id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT programme_id FROM benefit WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

/// Edits a benefit, checked against the version the editor read.
pub fn edit_benefit(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    e: &BenefitEdit,
) -> Result<Benefit> {
    let before = get_benefit(conn, id)?;
    if let Some(d) = &e.description {
        required("--description", d)?;
        within("--description", d, MAX_TEXT)?;
    }
    if let Some(o) = &e.owner {
        within("--owner", o, MAX_TEXT)?;
    }
    let programme_id = programme_of(conn, id)?;
    if let Some(phase) = e.phase_id {
        check_phase(conn, programme_id, phase)?;
    }
    locks::bump_version(
        conn,
        "benefit",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    if let Some(targets) = &e.targets {
        let targets = check_targets(targets)?;
        // Targets given as they are (a form sends every field) are not rewritten: the audit
        // event then shows only what changed, whichever door asked.
        let unchanged = before.targets.len() == targets.len()
            && before
                .targets
                .iter()
                .all(|l| targets.get(&l.fy) == Some(&l.amount));
        if !unchanged {
            ensure_targets_open(conn, &before.targets, &targets)?;
            write_targets(conn, id, &targets)?;
        }
    }
    conn.execute(
        "UPDATE benefit SET phase_id = CASE WHEN CAST(?2 AS BIGINT) <> 0 THEN ?3 ELSE phase_id END,
             description = coalesce(?4, description), kind = coalesce(?5, kind),
             owner = coalesce(?6, owner) WHERE id = ?1",
        params![
            id,
            i64::from(e.phase_id.is_some()),
            e.phase_id.flatten(),
            e.description.as_deref().map(str::trim),
            e.kind.map(BenefitKind::as_str),
            e.owner.as_deref().map(str::trim)
        ],
    )?;
    let after = get_benefit(conn, id)?;
    audit::record(
        conn,
        "edit",
        "benefit",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// Withdraws a benefit: kept (and audited), left out of lists and reports.
pub fn withdraw_benefit(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
) -> Result<Benefit> {
    let before = get_benefit(conn, id)?;
    if before.status == BenefitStatus::Withdrawn {
        return Err(StoreError::Refused(format!(
            "benefit {id} is already withdrawn: nothing was changed"
        )));
    }
    locks::bump_version(
        conn,
        "benefit",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE benefit SET status = 'withdrawn' WHERE id = ?1",
        [id],
    )?;
    let after = get_benefit(conn, id)?;
    audit::record(
        conn,
        "withdraw",
        "benefit",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

const REALISATION_SELECT: &str =
    "SELECT r.id, r.benefit_id, r.fy, r.as_at_period, r.realised_pence, r.forecast_pence, r.version
    FROM benefit_realisation r JOIN benefit b ON b.id = r.benefit_id";

fn realisation_row(r: &Row<'_>) -> DbResult<Realisation> {
    Ok(Realisation {
        id: r.get(0)?,
        benefit_id: r.get(1)?,
        fy: fy_at(r, 2)?,
        as_at: period_at(r, 3)?,
        realised: money_at(r, 4)?,
        forecast: money_at(r, 5)?,
        version: r.get(6)?,
    })
}

fn get_realisation(conn: &impl Sql, id: i64) -> Result<Realisation> {
    Ok(conn.query_row(
        &format!("{REALISATION_SELECT} WHERE r.id = ?1"),
        [id],
        realisation_row,
    )?)
}

/// Enters what a benefit realised in a FY to the end of a period, and the further amount forecast
/// by year end; a second entry for the same benefit, FY and period replaces the first (audited).
/// Refused for a withdrawn benefit and as at a closed period.
pub fn set_realisation(conn: &impl Sql, r: &NewRealisation) -> Result<i64> {
    let benefit = get_benefit(conn, r.benefit_id)?;
    if benefit.status == BenefitStatus::Withdrawn {
        return Err(StoreError::Refused(format!(
            "benefit {} is withdrawn: nothing was changed",
            r.benefit_id
        )));
    }
    locks::ensure_open(conn, "a benefit realisation", r.fy.period_end(r.as_at))?;
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM benefit_realisation WHERE benefit_id = ?1 AND fy = ?2 AND as_at_period = ?3",
            params![
                r.benefit_id,
                i64::from(r.fy.start_year()),
                i64::from(r.as_at.number())
            ],
            |x| x.get(0),
        )
        .optional()?;
    let (id, before) = match existing {
        Some(id) => {
            let before = get_realisation(conn, id)?;
            conn.execute(
                "UPDATE benefit_realisation SET realised_pence = ?2, forecast_pence = ?3, version = version + 1 WHERE id = ?1",
                params![id, r.realised.pence(), r.forecast.pence()],
            )?;
            (id, Some(before))
        }
        None => {
            let id: i64 = conn.query_row(
                "INSERT INTO benefit_realisation(benefit_id, fy, as_at_period, realised_pence, forecast_pence)
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                params![
                    r.benefit_id,
                    i64::from(r.fy.start_year()),
                    i64::from(r.as_at.number()),
                    r.realised.pence(),
                    r.forecast.pence()
                ],
                |x| x.get(0),
            )?;
            (id, None)
        }
    };
    let after = get_realisation(conn, id)?;
    let action = if before.is_some() { "edit" } else { "add" };
    audit::record(
        conn,
        action,
        "benefit_realisation",
        Some(id),
        before.as_ref(),
        Some(&after),
    )?;
    Ok(id)
}

/// Realisations (of one programme's benefits, and one FY, when given), by benefit, FY and period.
pub fn list_realisations(
    conn: &impl Sql,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<Realisation>> {
    collect(
        conn,
        &format!(
            "{REALISATION_SELECT} WHERE (CAST(?1 AS BIGINT) IS NULL OR b.programme_id = ?1)
               AND (CAST(?2 AS BIGINT) IS NULL OR r.fy = ?2)
             ORDER BY r.benefit_id, r.fy, r.as_at_period"
        ),
        params![programme_id, fy.map(|y| i64::from(y.start_year()))],
        realisation_row,
    )
}

/// Marks a benefit as loaded by an import batch (so undoing the batch removes it).
pub fn set_benefit_batch(conn: &impl Sql, benefit_id: i64, batch_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE benefit SET batch_id = ?2 WHERE id = ?1",
        params![benefit_id, batch_id],
    )?;
    Ok(())
}

/// Removes the benefits an import batch loaded, with their targets and realisations; returns how
/// many. Refused when one has a target for a year begun by the lock date or a realisation as at a
/// closed period.
pub fn delete_batch_benefits(conn: &impl Sql, batch_id: i64) -> Result<usize> {
    if let Some(lock) = locks::locked_through(conn)? {
        let lock_fy = i64::from(FinancialYear::containing(lock).start_year());
        let (targets, realisations): (i64, i64) = conn.query_row(
            "SELECT (SELECT count(*) FROM benefit_target t JOIN benefit b ON b.id = t.benefit_id
                     WHERE b.batch_id = ?1 AND t.fy <= ?2),
                    (SELECT count(*) FROM benefit_realisation r JOIN benefit b ON b.id = r.benefit_id
                     WHERE b.batch_id = ?1 AND (r.fy < ?2 OR (r.fy = ?2 AND r.as_at_period <= ?3)))",
            params![
                batch_id,
                lock_fy,
                i64::from(crate::domain::Period::of_date(lock).number())
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if targets + realisations > 0 {
            return Err(locks::closed_error(
                conn,
                "a benefit of this batch with a target or realisation",
                lock,
            ));
        }
    }
    Ok(conn.execute("DELETE FROM benefit WHERE batch_id = ?1", [batch_id])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{db, fy, pence, phase, programme};
    use rusqlite::Connection;

    fn new(programme_id: i64, phase_id: Option<i64>) -> NewBenefit {
        NewBenefit {
            programme_id,
            phase_id,
            description: "Fewer printed forms".into(),
            kind: BenefitKind::Cashable,
            owner: "Head of ICT".into(),
            targets: vec![(fy(2018), pence(25_000_000)), (fy(2017), pence(10_000_000))],
        }
    }

    #[test]
    fn add_edit_withdraw_and_realise() {
        let conn = db();
        let p = programme(&conn, "P");
        let a = phase(&conn, p, "A");
        let id = add_benefit(&conn, &new(p, Some(a))).unwrap();
        let b = get_benefit(&conn, id).unwrap();
        assert_eq!(b.targets_text(), "2017-18=100000.00,2018-19=250000.00");
        assert_eq!((b.phase_code.as_deref(), b.version), (Some("A"), 1));
        let edited = edit_benefit(
            &conn,
            id,
            Some(1),
            &BenefitEdit {
                owner: Some("Director of Resources".into()),
                targets: Some(vec![(fy(2019), pence(1))]),
                phase_id: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(edited.targets_text(), "2019-20=0.01");
        assert_eq!(
            (edited.owner.as_str(), edited.phase_code, edited.version),
            ("Director of Resources", None, 2)
        );
        // A stale version is refused.
        assert!(edit_benefit(&conn, id, Some(1), &BenefitEdit::default()).is_err());
        let r = NewRealisation {
            benefit_id: id,
            fy: fy(2019),
            as_at: Period::new(6).unwrap(),
            realised: pence(100),
            forecast: pence(50),
        };
        let first = set_realisation(&conn, &r).unwrap();
        let again = set_realisation(
            &conn,
            &NewRealisation {
                realised: pence(120),
                ..r.clone()
            },
        )
        .unwrap();
        assert_eq!(first, again);
        let listed = list_realisations(&conn, Some(p), Some(fy(2019))).unwrap();
        assert_eq!(
            (listed.len(), listed[0].realised, listed[0].version),
            (1, pence(120), 2)
        );
        withdraw_benefit(&conn, id, None).unwrap();
        assert!(list_benefits(&conn, Some(p), false).unwrap().is_empty());
        assert_eq!(list_benefits(&conn, Some(p), true).unwrap().len(), 1);
        assert!(set_realisation(&conn, &r).is_err());
    }

    #[test]
    fn a_phase_of_another_programme_or_a_target_twice_is_refused() {
        let conn = db();
        let p = programme(&conn, "P");
        let q = programme(&conn, "Q");
        let other = phase(&conn, q, "B");
        let e = add_benefit(&conn, &new(p, Some(other)))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("--phase: the phase is not in the benefit's programme"),
            "{e}"
        );
        let mut twice = new(p, None);
        twice.targets.push((fy(2017), pence(1)));
        let e = add_benefit(&conn, &twice).unwrap_err().to_string();
        assert_eq!(
            e,
            "--target: 2017-18 is given twice: give one target per year"
        );
    }

    #[test]
    fn closed_periods_hold_for_targets_and_realisations() {
        let conn = db();
        let p = programme(&conn, "P");
        locks::close_period(&conn, fy(2017), Period::new(6).unwrap()).unwrap();
        // 2017-18 began before the lock (30/09/2017): a target for it is refused, 2018-19 is not.
        assert!(add_benefit(&conn, &new(p, None)).is_err());
        let id = add_benefit(
            &conn,
            &NewBenefit {
                targets: vec![(fy(2018), pence(5))],
                ..new(p, None)
            },
        )
        .unwrap();
        let r = |per| NewRealisation {
            benefit_id: id,
            fy: fy(2017),
            as_at: Period::new(per).unwrap(),
            realised: pence(1),
            forecast: pence(0),
        };
        assert!(set_realisation(&conn, &r(6)).is_err());
        assert!(set_realisation(&conn, &r(7)).is_ok());
    }

    #[test]
    fn step_7_keeps_the_data_of_a_version_6_database() {
        let conn = Connection::open_in_memory().unwrap();
        for (i, step) in crate::store::MIGRATIONS.iter().take(6).enumerate() {
            conn.execute_batch(step).unwrap();
            // engine: SQLite only (the SQLite migration steps and their user_version pragma)
            conn.pragma_update(None, "user_version", i as i64 + 1)
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A');
             INSERT INTO actual(phase_id, date, fy, period, amount_pence) VALUES (1, '2025-04-02', 2025, 1, 1250);",
        )
        .unwrap();
        crate::store::migrate(&conn).unwrap();
        let kept: (i64, i64) = conn
            .query_row("SELECT count(*), sum(amount_pence) FROM actual", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(kept, (1, 1250));
        let id = add_benefit(&conn, &new(1, Some(1))).unwrap();
        assert_eq!(get_benefit(&conn, id).unwrap().targets.len(), 2);
    }
}
