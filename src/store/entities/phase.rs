//! Phases of a programme: adding, listing and reading one.

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Optional, Row, Sql};
use serde::Serialize;

use super::common::{required, within};
use super::rows::{rows as collect, word_at as word_col};
use crate::domain::model::{DeliveryStatus, Phase};
use crate::domain::text::{MAX_CODE, MAX_TEXT};
use crate::store::{Result, StoreError, audit};

/// A phase to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewPhase {
    pub programme_id: i64,
    pub code: String,
    pub name: String,
    pub status: DeliveryStatus,
    pub officer: Option<String>,
}

/// Adds a phase; its code must be new within the programme.
pub fn add_phase(conn: &impl Sql, p: &NewPhase) -> Result<i64> {
    required("--code", &p.code)?;
    required("--name", &p.name)?;
    within("--code", &p.code, MAX_CODE)?;
    within("--name", &p.name, MAX_TEXT)?;
    within("--officer", p.officer.as_deref().unwrap_or(""), MAX_TEXT)?;
    let exists: Option<i64> = conn
        .query_row(
            "SELECT id FROM phase WHERE programme_id = ?1 AND code = ?2",
            params![p.programme_id, p.code.trim()],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(StoreError::invalid(
            "--code",
            format!("phase '{}' already exists in this programme", p.code.trim()),
        ));
    }
    let id: i64 = conn.query_row(
        "INSERT INTO phase(programme_id, code, name, status, officer) VALUES (?1, ?2, ?3, ?4, ?5)
         RETURNING id",
        params![
            p.programme_id,
            p.code.trim(),
            p.name.trim(),
            p.status.as_str(),
            p.officer
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
        ],
        |r| r.get(0),
    )?;
    audit::record(conn, "add", "phase", Some(id), None::<&()>, Some(p))?;
    Ok(id)
}

const PHASE_SELECT: &str = "SELECT phase.id, programme_id, programme.code, phase.code, phase.name, phase.status, officer, phase.version FROM phase JOIN programme ON programme.id = programme_id";

fn phase_row(r: &Row<'_>) -> DbResult<Phase> {
    Ok(Phase {
        id: r.get(0)?,
        programme_id: r.get(1)?,
        programme_code: r.get(2)?,
        code: r.get(3)?,
        name: r.get(4)?,
        status: word_col(r, 5, DeliveryStatus::parse)?,
        officer: r.get(6)?,
        version: r.get(7)?,
    })
}

/// Phases, optionally of one programme, by programme code and phase code.
pub fn list_phases(conn: &impl Sql, programme_id: Option<i64>) -> Result<Vec<Phase>> {
    collect(
        conn,
        &format!(
            "{PHASE_SELECT} WHERE CAST(?1 AS BIGINT) IS NULL OR programme_id = ?1 ORDER BY programme.code, phase.code"
        ),
        [programme_id],
        phase_row,
    )
}

/// One phase by id.
pub fn get_phase(conn: &impl Sql, id: i64) -> Result<Phase> {
    Ok(conn.query_row(
        &format!("{PHASE_SELECT} WHERE phase.id = ?1"),
        [id],
        phase_row,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{db, phase, programme};

    #[test]
    fn phases_are_listed_by_programme_then_code() {
        let conn = db();
        let school = programme(&conn, "SCH");
        let roads = programme(&conn, "RDS");
        phase(&conn, school, "B");
        let a = phase(&conn, school, "A");
        phase(&conn, roads, "A");
        let all: Vec<String> = list_phases(&conn, None)
            .unwrap()
            .iter()
            .map(|p| format!("{}/{}", p.programme_code, p.code))
            .collect();
        assert_eq!(all, ["RDS/A", "SCH/A", "SCH/B"]);
        let of_school = list_phases(&conn, Some(school)).unwrap();
        assert_eq!(of_school.len(), 2);
        let got = get_phase(&conn, a).unwrap();
        assert_eq!(
            (got.programme_id, got.code.as_str(), got.name.as_str()),
            (school, "A", "A phase")
        );
        assert_eq!(got.officer, None);
    }

    #[test]
    fn a_phase_code_is_new_within_its_programme_only() {
        let conn = db();
        let school = programme(&conn, "SCH");
        let roads = programme(&conn, "RDS");
        phase(&conn, school, "A");
        let again = NewPhase {
            programme_id: school,
            code: "A".into(),
            name: "Again".into(),
            status: DeliveryStatus::Planned,
            officer: Some("  ".into()),
        };
        let err = add_phase(&conn, &again).unwrap_err().to_string();
        assert_eq!(err, "--code: phase 'A' already exists in this programme");
        let id = add_phase(
            &conn,
            &NewPhase {
                programme_id: roads,
                ..again
            },
        )
        .unwrap();
        // A blank officer is stored as none.
        assert_eq!(get_phase(&conn, id).unwrap().officer, None);
    }
}
