//! Decisions (cabinet and delegated): adding and listing.

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Row, Sql};
use chrono::NaiveDate;
use serde::Serialize;

use super::common::{iso, required, within};
use super::refs::decision_id;
use super::rows::{date_at as date_col, rows as collect};
use crate::domain::model::Decision;
use crate::domain::text::{MAX_NOTE, MAX_TEXT};
use crate::store::{Result, StoreError, audit};

/// A decision to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewDecision {
    pub reference: String,
    pub programme_id: Option<i64>,
    pub body: String,
    pub date: NaiveDate,
    pub item: Option<String>,
    pub key_decision: bool,
    pub call_in: bool,
    pub outcome: String,
    pub link: Option<String>,
    pub summary: String,
}

/// Adds a decision; its reference must be new.
pub fn add_decision(conn: &impl Sql, d: &NewDecision) -> Result<i64> {
    required("--reference", &d.reference)?;
    required("--body", &d.body)?;
    within("--reference", &d.reference, MAX_TEXT)?;
    within("--body", &d.body, MAX_TEXT)?;
    within("--item", d.item.as_deref().unwrap_or(""), MAX_TEXT)?;
    within("--link", d.link.as_deref().unwrap_or(""), MAX_TEXT)?;
    within("--outcome", &d.outcome, MAX_NOTE)?;
    within("--summary", &d.summary, MAX_NOTE)?;
    if decision_id(conn, &d.reference).is_ok() {
        return Err(StoreError::invalid(
            "--reference",
            format!("decision '{}' already exists", d.reference.trim()),
        ));
    }
    let id: i64 = conn.query_row(
        "INSERT INTO decision(reference, programme_id, body, decision_date, item, key_decision, call_in, outcome, link, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        params![
            d.reference.trim(),
            d.programme_id,
            d.body.trim(),
            iso(d.date),
            d.item,
            i64::from(d.key_decision),
            i64::from(d.call_in),
            d.outcome.trim(),
            d.link,
            d.summary
        ],
        |r| r.get(0),
    )?;
    audit::record(conn, "add", "decision", Some(id), None::<&()>, Some(d))?;
    Ok(id)
}

const DECISION_SELECT: &str = "SELECT decision.id, reference, programme.code, body, decision_date, item, key_decision, call_in, outcome, link, summary, decision.version
         FROM decision LEFT JOIN programme ON programme.id = programme_id";

fn decision_row(r: &Row<'_>) -> DbResult<Decision> {
    Ok(Decision {
        id: r.get(0)?,
        reference: r.get(1)?,
        programme_code: r.get(2)?,
        body: r.get(3)?,
        date: date_col(r, 4)?,
        item: r.get(5)?,
        key_decision: r.get(6)?,
        call_in: r.get(7)?,
        outcome: r.get(8)?,
        link: r.get(9)?,
        summary: r.get(10)?,
        version: r.get(11)?,
    })
}

/// Every decision, oldest first.
pub fn list_decisions(conn: &impl Sql) -> Result<Vec<Decision>> {
    collect(
        conn,
        &format!("{DECISION_SELECT} ORDER BY decision_date, decision.id"),
        [],
        decision_row,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{date, db, programme};

    fn decision(reference: &str, on: &str, programme_id: Option<i64>) -> NewDecision {
        NewDecision {
            reference: reference.into(),
            programme_id,
            body: "Cabinet".into(),
            date: date(on),
            item: Some("7".into()),
            key_decision: true,
            call_in: false,
            outcome: "approved".into(),
            link: None,
            summary: "Capital programme".into(),
        }
    }

    #[test]
    fn decisions_are_listed_oldest_first_and_resolved_by_reference() {
        let conn = db();
        let p = programme(&conn, "SCH");
        let later = add_decision(&conn, &decision("CAB-2", "2024-09-01", None)).unwrap();
        let earlier = add_decision(&conn, &decision("CAB-1", "2024-06-30", Some(p))).unwrap();
        let listed = list_decisions(&conn).unwrap();
        let ids: Vec<i64> = listed.iter().map(|d| d.id).collect();
        assert_eq!(ids, [earlier, later]);
        assert_eq!(listed[0].programme_code.as_deref(), Some("SCH"));
        assert_eq!(listed[0].date, date("2024-06-30"));
        assert!(listed[0].key_decision && !listed[0].call_in);
        assert_eq!(listed[1].programme_code, None);
        assert_eq!(decision_id(&conn, "CAB-2").unwrap(), later);
    }

    #[test]
    fn a_decision_reference_is_new() {
        let conn = db();
        add_decision(&conn, &decision("CAB-1", "2024-06-30", None)).unwrap();
        let err = add_decision(&conn, &decision(" CAB-1", "2024-07-01", None))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "--reference: decision 'CAB-1' already exists");
    }
}
