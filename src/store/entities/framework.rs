//! Procurement frameworks: adding and listing.

use std::collections::HashMap;

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Row, Sql};
use chrono::NaiveDate;
use serde::Serialize;

use super::common::{iso, required, within};
use super::refs::framework_id;
use super::rows::{opt_date_at as opt_date_col, rows as collect};
use crate::domain::model::Framework;
use crate::domain::text::MAX_TEXT;
use crate::store::{Result, StoreError, audit};

/// A framework to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewFramework {
    pub name: String,
    pub reference: String,
    pub planned_end: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
}

/// Adds a framework; its name must be new.
pub fn add_framework(conn: &impl Sql, f: &NewFramework) -> Result<i64> {
    required("--name", &f.name)?;
    within("--name", &f.name, MAX_TEXT)?;
    within("--reference", &f.reference, MAX_TEXT)?;
    if framework_id(conn, &f.name).is_ok() {
        return Err(StoreError::invalid(
            "--name",
            format!("framework '{}' already exists", f.name.trim()),
        ));
    }
    let id: i64 = conn.query_row(
        "INSERT INTO framework(name, reference, planned_end, actual_end) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![
            f.name.trim(),
            f.reference.trim(),
            f.planned_end.map(iso),
            f.actual_end.map(iso)
        ],
        |r| r.get(0),
    )?;
    audit::record(conn, "add", "framework", Some(id), None::<&()>, Some(f))?;
    Ok(id)
}

fn framework_row(r: &Row<'_>) -> DbResult<Framework> {
    Ok(Framework {
        id: r.get(0)?,
        name: r.get(1)?,
        reference: r.get(2)?,
        planned_end: opt_date_col(r, 3)?,
        actual_end: opt_date_col(r, 4)?,
        version: r.get(5)?,
    })
}

/// Every framework, by name.
pub fn list_frameworks(conn: &impl Sql) -> Result<Vec<Framework>> {
    collect(
        conn,
        "SELECT id, name, reference, planned_end, actual_end, version FROM framework ORDER BY name",
        [],
        framework_row,
    )
}

/// The date each framework ends (the actual end when known, else the planned one), by name.
pub fn framework_ends(conn: &impl Sql) -> Result<HashMap<String, Option<NaiveDate>>> {
    Ok(list_frameworks(conn)?
        .into_iter()
        .map(|f| (f.name.clone(), f.end()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{date, db};

    #[test]
    fn frameworks_are_listed_by_name_with_their_end_dates() {
        let conn = db();
        let add = |name: &str, end: Option<NaiveDate>| {
            add_framework(
                &conn,
                &NewFramework {
                    name: name.into(),
                    reference: format!("{name}-REF"),
                    planned_end: end,
                    actual_end: None,
                },
            )
        };
        let scape = add("SCAPE", Some(date("2027-03-31"))).unwrap();
        add("Constructing West Midlands", None).unwrap();
        let listed = list_frameworks(&conn).unwrap();
        let names: Vec<&str> = listed.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Constructing West Midlands", "SCAPE"]);
        assert_eq!(listed[1].planned_end, Some(date("2027-03-31")));
        assert_eq!(listed[1].actual_end, None);
        assert_eq!(listed[0].planned_end, None);
        assert_eq!(framework_id(&conn, "SCAPE").unwrap(), scape);
        let err = add("SCAPE", None).unwrap_err().to_string();
        assert_eq!(err, "--name: framework 'SCAPE' already exists");
    }
}
