//! Programmes: adding and listing.

use rusqlite::{Connection, Row, params};
use serde::Serialize;

use super::common::{collect, required, word_col};
use super::refs::programme_id;
use crate::domain::model::{DeliveryStatus, Programme};
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
pub fn add_programme(conn: &Connection, p: &NewProgramme) -> Result<i64> {
    required("--code", &p.code)?;
    required("--name", &p.name)?;
    if programme_id(conn, &p.code).is_ok() {
        return Err(StoreError::invalid(
            "--code",
            format!("programme '{}' already exists", p.code.trim()),
        ));
    }
    conn.execute(
        "INSERT INTO programme(code, name, organisation, status) VALUES (?1, ?2, ?3, ?4)",
        params![
            p.code.trim(),
            p.name.trim(),
            p.organisation.trim(),
            p.status.as_str()
        ],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(conn, "add", "programme", Some(id), None::<&()>, Some(p))?;
    Ok(id)
}

const PROGRAMME_SELECT: &str =
    "SELECT id, code, name, organisation, status, version FROM programme";

fn programme_row(r: &Row) -> rusqlite::Result<Programme> {
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
pub fn list_programmes(conn: &Connection) -> Result<Vec<Programme>> {
    collect(
        conn,
        &format!("{PROGRAMME_SELECT} ORDER BY code"),
        [],
        programme_row,
    )
}
