//! Programmes: adding and listing.

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Row, Sql};
use serde::Serialize;

use super::common::{required, within};
use super::refs::programme_id;
use super::rows::{rows as collect, word_at as word_col};
use crate::domain::model::{DeliveryStatus, Programme};
use crate::domain::text::{MAX_CODE, MAX_TEXT};
use crate::store::{Result, StoreError, audit};

/// A programme to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewProgramme {
    pub code: String,
    pub name: String,
    pub organisation: String,
    pub status: DeliveryStatus,
}

/// Adds a programme; its code must be new.
pub fn add_programme(conn: &impl Sql, p: &NewProgramme) -> Result<i64> {
    required("--code", &p.code)?;
    required("--name", &p.name)?;
    within("--code", &p.code, MAX_CODE)?;
    within("--name", &p.name, MAX_TEXT)?;
    within("--organisation", &p.organisation, MAX_TEXT)?;
    if programme_id(conn, &p.code).is_ok() {
        return Err(StoreError::invalid(
            "--code",
            format!("programme '{}' already exists", p.code.trim()),
        ));
    }
    let id: i64 = conn.query_row(
        "INSERT INTO programme(code, name, organisation, status) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![
            p.code.trim(),
            p.name.trim(),
            p.organisation.trim(),
            p.status.as_str()
        ],
        |r| r.get(0),
    )?;
    audit::record(conn, "add", "programme", Some(id), None::<&()>, Some(p))?;
    Ok(id)
}

const PROGRAMME_SELECT: &str =
    "SELECT id, code, name, organisation, status, version FROM programme";

fn programme_row(r: &Row<'_>) -> DbResult<Programme> {
    Ok(Programme {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        organisation: r.get(3)?,
        status: word_col(r, 4, DeliveryStatus::parse)?,
        version: r.get(5)?,
    })
}

/// Every programme, by code.
pub fn list_programmes(conn: &impl Sql) -> Result<Vec<Programme>> {
    collect(
        conn,
        &format!("{PROGRAMME_SELECT} ORDER BY code"),
        [],
        programme_row,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{db, programme};

    #[test]
    fn programmes_are_listed_by_code_with_their_fields() {
        let conn = db();
        programme(&conn, "ZED");
        let id = programme(&conn, "ABC");
        let listed = list_programmes(&conn).unwrap();
        let codes: Vec<&str> = listed.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["ABC", "ZED"]);
        assert_eq!(listed[0].id, id);
        assert_eq!(listed[0].name, "ABC programme");
        assert_eq!(listed[0].status, DeliveryStatus::Active);
        assert_eq!(listed[0].version, 1);
        assert_eq!(programme_id(&conn, " ABC ").unwrap(), id);
    }

    #[test]
    fn a_programme_needs_a_new_code_and_a_name() {
        let conn = db();
        programme(&conn, "ABC");
        let again = NewProgramme {
            code: "ABC".into(),
            name: "Again".into(),
            organisation: String::new(),
            status: DeliveryStatus::Planned,
        };
        let err = add_programme(&conn, &again).unwrap_err().to_string();
        assert_eq!(err, "--code: programme 'ABC' already exists");
        let unnamed = NewProgramme {
            code: "NEW".into(),
            name: "  ".into(),
            ..again
        };
        let err = add_programme(&conn, &unnamed).unwrap_err().to_string();
        assert_eq!(err, "--name: is empty: it is required");
        assert_eq!(list_programmes(&conn).unwrap().len(), 1);
    }
}
