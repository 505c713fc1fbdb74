//! Milestones of a phase: adding, editing, completing and listing them. Completing one with an
//! actual date in a closed period is refused (closed periods hold), as is any edit of one whose
//! actual date is in a closed period.

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Row, Sql};
use chrono::NaiveDate;
use serde::Serialize;

use super::common::{iso, not_found_in, required, within};
use super::rows::{bad_col, date_at, opt_date_at, rows as collect};
use crate::domain::milestone::{Milestone, MilestoneStatus};
use crate::domain::text::MAX_TEXT;
use crate::store::{Result, StoreError, audit, locks};

/// A milestone to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewMilestone {
    pub phase_id: i64,
    pub name: String,
    pub baseline: NaiveDate,
    pub forecast: Option<NaiveDate>,
    pub status: MilestoneStatus,
}

/// What an edit changes (None: unchanged; `forecast: Some(None)` clears the forecast).
#[derive(Debug, Clone, Default)]
pub struct MilestoneEdit {
    pub name: Option<String>,
    pub baseline: Option<NaiveDate>,
    pub forecast: Option<Option<NaiveDate>>,
    /// `planned` or `in progress` (complete a milestone with [`complete_milestone`]).
    pub status: Option<MilestoneStatus>,
}

/// Refuses a name another milestone of the phase has (checked before the write, the same way on
/// both engines).
fn ensure_unique_name(conn: &impl Sql, phase_id: i64, name: &str, id: i64) -> Result<()> {
    let taken: i64 = conn.query_row(
        "SELECT count(*) FROM milestone WHERE phase_id = ?1 AND name = ?2 AND id <> ?3",
        params![phase_id, name, id],
        |r| r.get(0),
    )?;
    if taken > 0 {
        return Err(StoreError::invalid(
            "--name",
            format!("'{name}': the phase already has a milestone of that name"),
        ));
    }
    Ok(())
}

/// Adds a milestone (not complete: complete it with [`complete_milestone`]); returns its id.
pub fn add_milestone(conn: &impl Sql, m: &NewMilestone) -> Result<i64> {
    required("--name", &m.name)?;
    within("--name", &m.name, MAX_TEXT)?;
    if m.status == MilestoneStatus::Complete {
        return Err(
            StoreError::invalid("--status", "'complete' needs an actual date")
                .with_fix(crate::error::Fix::CompleteMilestone { adding: true }),
        );
    }
    ensure_unique_name(conn, m.phase_id, m.name.trim(), 0)?;
    let id: i64 = conn
        .query_row(
            "INSERT INTO milestone(phase_id, name, baseline_date, forecast_date, status) VALUES (?1, ?2, ?3, ?4, ?5)
             RETURNING id",
            params![m.phase_id, m.name.trim(), iso(m.baseline), m.forecast.map(iso), m.status.as_str()],
            |r| r.get(0),
        )
        ?;
    let after = get_milestone(conn, id)?;
    audit::record(
        conn,
        "add",
        "milestone",
        Some(id),
        None::<&()>,
        Some(&after),
    )?;
    Ok(id)
}

const MILESTONE_SELECT: &str = "SELECT m.id, pr.code, ph.code, ph.name, m.name, m.baseline_date, m.forecast_date,
        m.actual_date, m.status, m.version
    FROM milestone m JOIN phase ph ON ph.id = m.phase_id JOIN programme pr ON pr.id = ph.programme_id";

fn milestone_row(r: &Row<'_>) -> DbResult<Milestone> {
    let status: String = r.get(8)?;
    Ok(Milestone {
        id: r.get(0)?,
        programme_code: r.get(1)?,
        phase_code: r.get(2)?,
        phase_name: r.get(3)?,
        name: r.get(4)?,
        baseline: date_at(r, 5)?,
        forecast: opt_date_at(r, 6)?,
        actual: opt_date_at(r, 7)?,
        status: MilestoneStatus::parse(&status).map_err(|e| bad_col(8, e))?,
        version: r.get(9)?,
        // Lists and screens measure an open milestone to today (DOMAIN.md, "Milestone").
        measured_to: super::today().ok(),
    })
}

/// One milestone by id, or that there is none.
pub fn get_milestone(conn: &impl Sql, id: i64) -> Result<Milestone> {
    collect(
        conn,
        &format!("{MILESTONE_SELECT} WHERE m.id = ?1"),
        [id],
        milestone_row,
    )?
    .into_iter()
    .next()
    .ok_or_else(|| {
        not_found_in(
            "id",
            "milestone",
            &id.to_string(),
            crate::error::Records::Milestones,
        )
    })
}

/// Milestones (of one programme, and one phase, when given), by programme, phase, baseline, name.
pub fn list_milestones(
    conn: &impl Sql,
    programme_id: Option<i64>,
    phase_id: Option<i64>,
) -> Result<Vec<Milestone>> {
    collect(
        conn,
        &format!(
            "{MILESTONE_SELECT} WHERE (CAST(?1 AS BIGINT) IS NULL OR ph.programme_id = ?1) AND (CAST(?2 AS BIGINT) IS NULL OR m.phase_id = ?2)
             ORDER BY pr.code, ph.code, m.baseline_date, m.name"
        ),
        params![programme_id, phase_id],
        milestone_row,
    )
}

fn ensure_actual_open(conn: &impl Sql, m: &Milestone) -> Result<()> {
    match m.actual {
        Some(a) => locks::ensure_open(conn, "a milestone completion", a),
        None => Ok(()),
    }
}

/// Edits a milestone, checked against the version the editor read.
pub fn edit_milestone(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    e: &MilestoneEdit,
) -> Result<Milestone> {
    let before = get_milestone(conn, id)?;
    ensure_actual_open(conn, &before)?;
    if let Some(n) = &e.name {
        required("--name", n)?;
        within("--name", n, MAX_TEXT)?;
    }
    if e.status == Some(MilestoneStatus::Complete) {
        return Err(
            StoreError::invalid("--status", "'complete' needs an actual date")
                .with_fix(crate::error::Fix::CompleteMilestone { adding: false }),
        );
    }
    locks::bump_version(
        conn,
        "milestone",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    // A status set back from complete clears the actual date.
    let reopen = e.status.is_some();
    if let Some(n) = &e.name {
        let phase_id: i64 =
            conn.query_row("SELECT phase_id FROM milestone WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        ensure_unique_name(conn, phase_id, n.trim(), id)?;
    }
    conn.execute(
        "UPDATE milestone SET name = coalesce(?2, name), baseline_date = coalesce(?3, baseline_date),
             forecast_date = CASE WHEN CAST(?4 AS BIGINT) <> 0 THEN ?5 ELSE forecast_date END,
             status = coalesce(?6, status),
             actual_date = CASE WHEN CAST(?7 AS BIGINT) <> 0 THEN NULL ELSE actual_date END
         WHERE id = ?1",
        params![
            id,
            e.name.as_deref().map(str::trim),
            e.baseline.map(iso),
            i64::from(e.forecast.is_some()),
            e.forecast.flatten().map(iso),
            e.status.map(MilestoneStatus::as_str),
            i64::from(reopen)
        ],
    )?;
    let after = get_milestone(conn, id)?;
    audit::record(
        conn,
        "edit",
        "milestone",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// Records a milestone as complete on `actual`. Refused when that date is in a closed period.
pub fn complete_milestone(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    actual: NaiveDate,
) -> Result<Milestone> {
    let before = get_milestone(conn, id)?;
    ensure_actual_open(conn, &before)?;
    locks::ensure_open(conn, "a milestone completion", actual)?;
    locks::bump_version(
        conn,
        "milestone",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE milestone SET status = 'complete', actual_date = ?2 WHERE id = ?1",
        params![id, iso(actual)],
    )?;
    let after = get_milestone(conn, id)?;
    audit::record(
        conn,
        "complete",
        "milestone",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Period;
    use crate::store::entities::test_support::{date, db_with_phase, fy};

    #[test]
    fn add_edit_complete_and_list() {
        let (conn, a) = db_with_phase();
        let new = NewMilestone {
            phase_id: a,
            name: "Go-live".into(),
            baseline: date("2022-12-15"),
            forecast: Some(date("2023-01-14")),
            status: MilestoneStatus::Planned,
        };
        let id = add_milestone(&conn, &new).unwrap();
        let e = add_milestone(&conn, &new).unwrap_err().to_string();
        assert_eq!(
            e,
            "--name: 'Go-live': the phase already has a milestone of that name"
        );
        let m = get_milestone(&conn, id).unwrap();
        // Read as at its baseline: only the forecast makes it late.
        let at_baseline = m.as_at(m.baseline);
        assert_eq!(
            (at_baseline.slippage_days(), m.phase_code.as_str()),
            (30, "A")
        );
        let m = edit_milestone(
            &conn,
            id,
            Some(1),
            &MilestoneEdit {
                forecast: Some(None),
                status: Some(MilestoneStatus::InProgress),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (m.forecast, m.status, m.version),
            (None, MilestoneStatus::InProgress, 2)
        );
        let m = complete_milestone(&conn, id, Some(2), date("2023-01-02")).unwrap();
        assert_eq!(
            (m.status, m.slippage_days()),
            (MilestoneStatus::Complete, 18)
        );
        assert_eq!(list_milestones(&conn, None, Some(a)).unwrap(), vec![m]);
    }

    #[test]
    fn completing_in_a_closed_period_is_refused() {
        let (conn, a) = db_with_phase();
        let id = add_milestone(
            &conn,
            &NewMilestone {
                phase_id: a,
                name: "M".into(),
                baseline: date("2017-08-01"),
                forecast: None,
                status: MilestoneStatus::Planned,
            },
        )
        .unwrap();
        locks::close_period(&conn, fy(2017), Period::new(6).unwrap()).unwrap();
        let e = complete_milestone(&conn, id, None, date("2017-09-30")).unwrap_err();
        assert!(matches!(e.plain(), StoreError::Closed(_)), "{e}");
        complete_milestone(&conn, id, None, date("2017-10-01")).unwrap();
    }
}
