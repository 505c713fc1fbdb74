//! Correcting and retiring programmes, phases, decisions and frameworks: every edit is checked
//! against the version the editor read and audited with the record before and after; a delete is
//! refused while anything refers to the record, with a message naming what does.

use crate::store::engine::sql::{DbError, Sql, Value};
use chrono::NaiveDate;
use serde::Serialize;

use super::common::{iso, not_found_in};
use super::decision::list_decisions;
use super::framework::list_frameworks;
use super::phase::get_phase;
use super::programme::list_programmes;
use crate::domain::model::{DeliveryStatus, Phase};
use crate::store::{Result, StoreError, audit, locks};

/// Text options: `None` leaves the field, `Some("")` clears an optional one.
fn text(v: &str) -> Value {
    Value::Text(v.trim().to_string())
}

fn opt_text(v: &str) -> Value {
    if crate::domain::text::is_blank(v) {
        Value::Null
    } else {
        text(v)
    }
}

fn not_empty(field: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) if crate::domain::text::is_blank(s) => {
            Err(StoreError::invalid(field, "is empty: it is required"))
        }
        _ => Ok(()),
    }
}

/// Bumps the version and applies `sets` (column, value) to row `id` of `table`, auditing the
/// record as `get` reads it before and after.
fn apply<T: Serialize, C: Sql>(
    conn: &C,
    table: &str,
    id: i64,
    expected: Option<i64>,
    get: impl Fn(&C) -> Result<(T, i64)>,
    sets: Vec<(&str, Value)>,
) -> Result<T> {
    let (before, version) = get(conn)?;
    if sets.is_empty() {
        return Err(StoreError::invalid(
            "edit",
            "nothing to change: give at least one field to change",
        ));
    }
    locks::bump_version(conn, table, id, expected.unwrap_or(version))?;
    let assignments: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{c} = ?{}", i + 2))
        .collect();
    let values = std::iter::once(Value::Int(id))
        .chain(sets.into_iter().map(|(_, v)| v))
        .collect::<Vec<_>>();
    conn.execute(
        &format!(
            "UPDATE {table} SET {} WHERE id = ?1",
            assignments.join(", ")
        ),
        values,
    )
    .map_err(|e| match e {
        e if is_constraint(&e) => StoreError::invalid(
            "edit",
            format!("another {table} already has that code, reference or name"),
        ),
        e => e.into(),
    })?;
    let (after, _) = get(conn)?;
    audit::record(conn, "edit", table, Some(id), Some(&before), Some(&after))?;
    Ok(after)
}

/// Refuses deleting `what` while any of `refs` (a count query on ?1, what it counts) finds rows;
/// otherwise deletes it and audits the record as it was.
fn delete_unreferenced<T: Serialize, C: Sql>(
    conn: &C,
    table: &str,
    what: &str,
    id: i64,
    expected: Option<i64>,
    get: impl Fn(&C) -> Result<(T, i64)>,
    refs: &[(&str, &str)],
) -> Result<()> {
    let (before, version) = get(conn)?;
    let mut using = Vec::new();
    for (sql, label) in refs {
        let n: i64 = conn.query_row(sql, [id], |r| r.get(0))?;
        if n > 0 {
            using.push(format!("{n} {label}"));
        }
    }
    if !using.is_empty() {
        return Err(StoreError::Refused(format!(
            "{what} cannot be deleted: {} refer to it",
            using.join(", ")
        )));
    }
    locks::bump_version(conn, table, id, expected.unwrap_or(version))?;
    conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
    audit::record(conn, "delete", table, Some(id), Some(&before), None::<&()>)?;
    Ok(())
}

/// True for a statement refused by a constraint (a code, reference or name already used), on
/// either engine.
pub(crate) fn is_constraint(e: &DbError) -> bool {
    match e {
        DbError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
            f.code == rusqlite::ErrorCode::ConstraintViolation
        }
        DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
        _ => false,
    }
}

fn found<T>(
    item: Option<T>,
    what: &'static str,
    id: i64,
    list: crate::error::Records,
) -> Result<T> {
    item.ok_or_else(|| not_found_in("id", what, &id.to_string(), list))
}

/// What `programme edit` may change.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeEdit {
    pub code: Option<String>,
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub status: Option<DeliveryStatus>,
}

fn programme_by_id(conn: &impl Sql, id: i64) -> Result<(crate::domain::model::Programme, i64)> {
    let p = found(
        list_programmes(conn)?.into_iter().find(|p| p.id == id),
        "programme",
        id,
        crate::error::Records::Programmes,
    )?;
    let v = p.version;
    Ok((p, v))
}

/// Edits a programme.
pub fn edit_programme(
    conn: &impl Sql,
    id: i64,
    expected: Option<i64>,
    e: &ProgrammeEdit,
) -> Result<crate::domain::model::Programme> {
    not_empty("--code", &e.code)?;
    not_empty("--name", &e.name)?;
    let mut sets = Vec::new();
    if let Some(v) = &e.code {
        sets.push(("code", text(v)));
    }
    if let Some(v) = &e.name {
        sets.push(("name", text(v)));
    }
    if let Some(v) = &e.organisation {
        sets.push(("organisation", text(v)));
    }
    if let Some(v) = e.status {
        sets.push(("status", text(v.as_str())));
    }
    apply(
        conn,
        "programme",
        id,
        expected,
        |c| programme_by_id(c, id),
        sets,
    )
}

/// Deletes a programme while no phase or decision refers to it.
pub fn delete_programme(conn: &impl Sql, id: i64, expected: Option<i64>) -> Result<()> {
    let (p, _) = programme_by_id(conn, id)?;
    delete_unreferenced(
        conn,
        "programme",
        &format!("programme {}", p.code),
        id,
        expected,
        |c| programme_by_id(c, id),
        &[
            (
                "SELECT count(*) FROM phase WHERE programme_id = ?1",
                "phase(s)",
            ),
            (
                "SELECT count(*) FROM decision WHERE programme_id = ?1",
                "decision(s)",
            ),
        ],
    )
}

/// What `phase edit` may change. The status moves planned -> active -> delivered -> closed.
#[derive(Debug, Clone, Default)]
pub struct PhaseEdit {
    pub code: Option<String>,
    pub name: Option<String>,
    pub status: Option<DeliveryStatus>,
    /// `Some("")` clears the officer.
    pub officer: Option<String>,
}

fn phase_by_id(conn: &impl Sql, id: i64) -> Result<(Phase, i64)> {
    let p = get_phase(conn, id).map_err(|e| match e {
        StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows) => not_found_in(
            "id",
            "phase",
            &id.to_string(),
            crate::error::Records::Phases,
        ),
        e => e,
    })?;
    let v = p.version;
    Ok((p, v))
}

/// Edits a phase; its status only moves forward (planned, active, delivered, closed).
pub fn edit_phase(conn: &impl Sql, id: i64, expected: Option<i64>, e: &PhaseEdit) -> Result<Phase> {
    not_empty("--code", &e.code)?;
    not_empty("--name", &e.name)?;
    let (before, _) = phase_by_id(conn, id)?;
    let mut sets = Vec::new();
    if let Some(s) = e.status {
        if s < before.status {
            return Err(StoreError::invalid(
                "--status",
                format!(
                    "'{s}': a phase moves planned -> active -> delivered -> closed, and {}/{} is already {}",
                    before.programme_code, before.code, before.status
                ),
            ));
        }
        sets.push(("status", text(s.as_str())));
    }
    if let Some(v) = &e.code {
        sets.push(("code", text(v)));
    }
    if let Some(v) = &e.name {
        sets.push(("name", text(v)));
    }
    if let Some(v) = &e.officer {
        sets.push(("officer", opt_text(v)));
    }
    apply(conn, "phase", id, expected, |c| phase_by_id(c, id), sets)
}

/// Deletes a phase while nothing refers to it.
pub fn delete_phase(conn: &impl Sql, id: i64, expected: Option<i64>) -> Result<()> {
    let (p, _) = phase_by_id(conn, id)?;
    delete_unreferenced(
        conn,
        "phase",
        &format!("phase {}/{}", p.programme_code, p.code),
        id,
        expected,
        |c| phase_by_id(c, id),
        &[
            (
                "SELECT count(*) FROM allocation WHERE phase_id = ?1",
                "allocation(s)",
            ),
            (
                "SELECT count(*) FROM budget_change WHERE from_phase_id = ?1 OR to_phase_id = ?1",
                "budget change(s)",
            ),
            (
                "SELECT count(*) FROM contract WHERE phase_id = ?1",
                "contract(s)",
            ),
            (
                "SELECT count(*) FROM actual WHERE phase_id = ?1",
                "actual(s)",
            ),
            (
                "SELECT count(*) FROM forecast WHERE phase_id = ?1",
                "forecast(s)",
            ),
        ],
    )
}

/// What `decision edit` may change; `Some("")` clears an optional text.
#[derive(Debug, Clone, Default)]
pub struct DecisionEdit {
    pub reference: Option<String>,
    pub body: Option<String>,
    pub date: Option<NaiveDate>,
    pub item: Option<String>,
    pub key_decision: Option<bool>,
    pub call_in: Option<bool>,
    pub outcome: Option<String>,
    pub link: Option<String>,
    pub summary: Option<String>,
}

fn decision_by_id(conn: &impl Sql, id: i64) -> Result<(crate::domain::model::Decision, i64)> {
    let d = found(
        list_decisions(conn)?.into_iter().find(|d| d.id == id),
        "decision",
        id,
        crate::error::Records::Decisions,
    )?;
    let v = d.version;
    Ok((d, v))
}

/// Edits a decision.
pub fn edit_decision(
    conn: &impl Sql,
    id: i64,
    expected: Option<i64>,
    e: &DecisionEdit,
) -> Result<crate::domain::model::Decision> {
    not_empty("--reference", &e.reference)?;
    not_empty("--body", &e.body)?;
    let mut sets = Vec::new();
    if let Some(v) = &e.reference {
        sets.push(("reference", text(v)));
    }
    if let Some(v) = &e.body {
        sets.push(("body", text(v)));
    }
    if let Some(v) = e.date {
        sets.push(("decision_date", Value::Text(iso(v))));
    }
    if let Some(v) = &e.item {
        sets.push(("item", opt_text(v)));
    }
    if let Some(v) = e.key_decision {
        sets.push(("key_decision", Value::Int(v.into())));
    }
    if let Some(v) = e.call_in {
        sets.push(("call_in", Value::Int(v.into())));
    }
    if let Some(v) = &e.outcome {
        sets.push(("outcome", text(v)));
    }
    if let Some(v) = &e.link {
        sets.push(("link", opt_text(v)));
    }
    if let Some(v) = &e.summary {
        sets.push(("summary", text(v)));
    }
    apply(
        conn,
        "decision",
        id,
        expected,
        |c| decision_by_id(c, id),
        sets,
    )
}

/// Deletes a decision while no allocation, change, contract, option or variation rests on it.
pub fn delete_decision(conn: &impl Sql, id: i64, expected: Option<i64>) -> Result<()> {
    let (d, _) = decision_by_id(conn, id)?;
    delete_unreferenced(
        conn,
        "decision",
        &format!("decision {}", d.reference),
        id,
        expected,
        |c| decision_by_id(c, id),
        &[
            (
                "SELECT count(*) FROM allocation WHERE decision_id = ?1",
                "allocation(s)",
            ),
            (
                "SELECT count(*) FROM budget_change WHERE decision_id = ?1",
                "budget change(s)",
            ),
            (
                "SELECT count(*) FROM contract WHERE award_decision_id = ?1",
                "contract(s)",
            ),
            (
                "SELECT count(*) FROM extension_option WHERE decision_id = ?1",
                "extension option(s)",
            ),
            (
                "SELECT count(*) FROM contract_variation WHERE decision_id = ?1",
                "contract variation(s)",
            ),
        ],
    )
}

/// What `framework edit` may change; `Some(None)` clears a date.
#[derive(Debug, Clone, Default)]
pub struct FrameworkEdit {
    pub name: Option<String>,
    pub reference: Option<String>,
    pub planned_end: Option<Option<NaiveDate>>,
    pub actual_end: Option<Option<NaiveDate>>,
}

fn framework_by_id(conn: &impl Sql, id: i64) -> Result<(crate::domain::model::Framework, i64)> {
    let f = found(
        list_frameworks(conn)?.into_iter().find(|f| f.id == id),
        "framework",
        id,
        crate::error::Records::Frameworks,
    )?;
    let v = f.version;
    Ok((f, v))
}

/// Edits a framework (its actual end included).
pub fn edit_framework(
    conn: &impl Sql,
    id: i64,
    expected: Option<i64>,
    e: &FrameworkEdit,
) -> Result<crate::domain::model::Framework> {
    not_empty("--name", &e.name)?;
    let date = |d: Option<NaiveDate>| d.map(|d| Value::Text(iso(d))).unwrap_or(Value::Null);
    let mut sets = Vec::new();
    if let Some(v) = &e.name {
        sets.push(("name", text(v)));
    }
    if let Some(v) = &e.reference {
        sets.push(("reference", text(v)));
    }
    if let Some(v) = e.planned_end {
        sets.push(("planned_end", date(v)));
    }
    if let Some(v) = e.actual_end {
        sets.push(("actual_end", date(v)));
    }
    apply(
        conn,
        "framework",
        id,
        expected,
        |c| framework_by_id(c, id),
        sets,
    )
}

/// Deletes a framework while no contract is let under it.
pub fn delete_framework(conn: &impl Sql, id: i64, expected: Option<i64>) -> Result<()> {
    let (f, _) = framework_by_id(conn, id)?;
    delete_unreferenced(
        conn,
        "framework",
        &format!("framework {}", f.name),
        id,
        expected,
        |c| framework_by_id(c, id),
        &[(
            "SELECT count(*) FROM contract WHERE framework_id = ?1",
            "contract(s)",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{db, phase, programme};

    #[test]
    fn a_phase_moves_forward_and_is_deleted_only_when_unused() {
        let conn = db();
        let p = programme(&conn, "P");
        let a = phase(&conn, p, "A");
        let status = |s| PhaseEdit {
            status: Some(s),
            ..PhaseEdit::default()
        };
        let after = edit_phase(&conn, a, Some(1), &status(DeliveryStatus::Delivered)).unwrap();
        assert_eq!(
            (after.status, after.version),
            (DeliveryStatus::Delivered, 2)
        );
        let err = edit_phase(&conn, a, None, &status(DeliveryStatus::Active))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "--status: 'active': a phase moves planned -> active -> delivered -> closed, and P/A is already delivered"
        );
        let stale = edit_phase(&conn, a, Some(1), &status(DeliveryStatus::Closed)).unwrap_err();
        assert!(matches!(stale, StoreError::Conflict(_)), "{stale}");
        let err = delete_programme(&conn, p, None).unwrap_err().to_string();
        assert_eq!(err, "programme P cannot be deleted: 1 phase(s) refer to it");
        conn.execute(
            "INSERT INTO forecast(phase_id, fy, as_at_period, as_at_date, amount_pence) VALUES (?1, 2025, 1, '2025-04-30', 5)",
            [a],
        )
        .unwrap();
        let err = delete_phase(&conn, a, None).unwrap_err().to_string();
        assert_eq!(
            err,
            "phase P/A cannot be deleted: 1 forecast(s) refer to it"
        );
        conn.execute("DELETE FROM forecast", []).unwrap();
        delete_phase(&conn, a, None).unwrap();
        delete_programme(&conn, p, None).unwrap();
        assert!(list_programmes(&conn).unwrap().is_empty());
    }
}
