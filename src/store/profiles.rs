//! Saved import profiles: adding, changing, listing and deleting them, each write audited in its
//! transaction, and the profile a batch was imported with. The profile's settings are checked
//! by `domain::ledger` before they reach here; this file only keeps them.

use crate::sql_params as params;
use crate::store::engine::sql::{DbError, DbResult, Optional, Row, Sql};

use crate::domain::ledger::{AmountShape, DateFormat, HeaderRule, ImportProfile};
use crate::domain::text::MAX_TEXT;
use crate::store::entities::common::{required, within};
use crate::store::entities::rows::{bad_col, rows as collect};
use crate::store::{Result, StoreError, audit};

const COLUMNS: &str = "name, column_map, header, encoding, date_format, amount, code_columns";
/// [`COLUMNS`] to read: the name as plain text (PostgreSQL keeps it as citext).
const READ: &str =
    "CAST(name AS TEXT), column_map, header, encoding, date_format, amount, code_columns";

fn parse_map(text: &str) -> Vec<(String, String)> {
    text.split('\u{1f}')
        .filter_map(|p| p.split_once('\u{1e}'))
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect()
}

/// The mapping as kept: unit and record separators, so that any column name survives.
fn map_text(map: &[(String, String)]) -> String {
    map.iter()
        .map(|(f, t)| format!("{f}\u{1e}{t}"))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

fn bad(what: &str) -> impl Fn(String) -> DbError + '_ {
    move |m| bad_col(0, format!("import_profile.{what}: {m}"))
}

fn profile_row(r: &Row<'_>) -> DbResult<ImportProfile> {
    let header: String = r.get(2)?;
    let date: String = r.get(4)?;
    let amount: String = r.get(5)?;
    Ok(ImportProfile {
        name: r.get(0)?,
        map: parse_map(&r.get::<_, String>(1)?),
        header: HeaderRule::parse(&header).map_err(bad("header"))?,
        encoding: r.get(3)?,
        date_format: DateFormat::parse(&date).map_err(bad("date_format"))?,
        amount: AmountShape::parse(&amount).map_err(bad("amount"))?,
        code_columns: r
            .get::<_, String>(6)?
            .split('\u{1f}')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// Every profile, by name.
pub fn list_profiles(conn: &impl Sql) -> Result<Vec<ImportProfile>> {
    collect(
        conn,
        // The name is COLLATE NOCASE in SQLite: compared and sorted with ASCII case folded.
        &format!("SELECT {READ} FROM import_profile ORDER BY lower(name)"),
        [],
        profile_row,
    )
}

/// The profile called `name` (in any case), or a message listing those there are.
pub fn profile(conn: &impl Sql, name: &str) -> Result<ImportProfile> {
    let found = conn
        .query_row(
            &format!("SELECT {READ} FROM import_profile WHERE lower(name) = lower(?1)"),
            [name.trim()],
            profile_row,
        )
        .optional()?;
    found.ok_or_else(|| {
        StoreError::NotFound {
            field: "--profile".into(),
            what: "import profile",
            value: name.trim().to_string(),
            hint: String::new(),
        }
        .with_fix(crate::error::Fix::ListOrAddProfile)
    })
}

fn id_of(conn: &impl Sql, name: &str) -> Result<i64> {
    let id = conn
        .query_row(
            "SELECT id FROM import_profile WHERE lower(name) = lower(?1)",
            [name.trim()],
            |r| r.get(0),
        )
        .optional()?;
    match id {
        Some(id) => Ok(id),
        None => profile(conn, name).map(|_| 0),
    }
}

fn check(p: &ImportProfile) -> Result<()> {
    required("--name", &p.name)?;
    within("--name", &p.name, MAX_TEXT)?;
    Ok(())
}

/// Adds a profile; its name must be new.
pub fn add_profile(conn: &impl Sql, p: &ImportProfile) -> Result<i64> {
    check(p)?;
    if profile(conn, &p.name).is_ok() {
        return Err(StoreError::invalid(
            "--name",
            format!("import profile '{}' already exists", p.name.trim()),
        )
        .with_fix(crate::error::Fix::EditProfile));
    }
    let id: i64 = conn.query_row(
        &format!(
            "INSERT INTO import_profile({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id"
        ),
        params![
            p.name.trim(),
            map_text(&p.map),
            p.header.label(),
            p.encoding,
            p.date_format.name(),
            p.amount.name(),
            p.code_columns.join("\u{1f}")
        ],
        |r| r.get(0),
    )?;
    audit::record(
        conn,
        "add",
        "import_profile",
        Some(id),
        None::<&()>,
        Some(p),
    )?;
    Ok(id)
}

/// Replaces the profile called `name` with `p` (which may rename it).
pub fn edit_profile(conn: &impl Sql, name: &str, p: &ImportProfile) -> Result<()> {
    check(p)?;
    let before = profile(conn, name)?;
    let id = id_of(conn, name)?;
    if !p.name.trim().eq_ignore_ascii_case(name.trim()) && profile(conn, &p.name).is_ok() {
        return Err(StoreError::invalid(
            "--name",
            format!("import profile '{}' already exists", p.name.trim()),
        ));
    }
    conn.execute(
        "UPDATE import_profile SET name = ?2, column_map = ?3, header = ?4, encoding = ?5,
         date_format = ?6, amount = ?7, code_columns = ?8, version = version + 1 WHERE id = ?1",
        params![
            id,
            p.name.trim(),
            map_text(&p.map),
            p.header.label(),
            p.encoding,
            p.date_format.name(),
            p.amount.name(),
            p.code_columns.join("\u{1f}")
        ],
    )?;
    audit::record(
        conn,
        "edit",
        "import_profile",
        Some(id),
        Some(&before),
        Some(p),
    )?;
    Ok(())
}

/// Deletes the profile called `name`; batches keep the name they were imported with.
pub fn delete_profile(conn: &impl Sql, name: &str) -> Result<ImportProfile> {
    let before = profile(conn, name)?;
    let id = id_of(conn, name)?;
    conn.execute("DELETE FROM import_profile WHERE id = ?1", [id])?;
    audit::record(
        conn,
        "delete",
        "import_profile",
        Some(id),
        Some(&before),
        None::<&()>,
    )?;
    Ok(before)
}

/// Records on batch `batch_id` the profile it was imported with.
pub fn set_batch_profile(conn: &impl Sql, batch_id: i64, name: &str) -> Result<()> {
    conn.execute(
        "UPDATE import_batch SET profile = ?2 WHERE id = ?1",
        params![batch_id, name],
    )?;
    Ok(())
}

/// The profile batch `batch_id` was imported with, if any.
pub fn batch_profile(conn: &impl Sql, batch_id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT profile FROM import_batch WHERE id = ?1",
            [batch_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Books;
    use rusqlite::Connection;

    fn unit4() -> ImportProfile {
        ImportProfile {
            name: "unit4".into(),
            map: vec![
                ("Trans Date".into(), "Date".into()),
                ("Net (£), gross".into(), "Amount".into()),
            ],
            header: HeaderRule::Find,
            encoding: Some("windows-1252".into()),
            date_format: DateFormat::DayMonYear,
            amount: AmountShape::Signed,
            code_columns: vec!["Cost Centre".into(), "Project".into()],
        }
    }

    #[test]
    fn a_profile_is_kept_changed_and_deleted_each_audited() {
        let mut books = Books::in_memory().unwrap();
        let tx = books.begin().unwrap();
        let events = |c: &Connection| -> i64 {
            c.query_row(
                "SELECT count(*) FROM audit WHERE entity = 'import_profile'",
                [],
                |r| r.get(0),
            )
            .unwrap()
        };
        add_profile(&tx, &unit4()).unwrap();
        assert_eq!(profile(&tx, "UNIT4").unwrap(), unit4());
        assert!(add_profile(&tx, &unit4()).is_err());
        let mut changed = unit4();
        changed.header = HeaderRule::Skip(1);
        changed.amount = AmountShape::DebitCredit;
        edit_profile(&tx, "unit4", &changed).unwrap();
        assert_eq!(list_profiles(&tx).unwrap(), vec![changed]);
        delete_profile(&tx, "unit4").unwrap();
        assert!(list_profiles(&tx).unwrap().is_empty());
        assert!(
            profile(&tx, "unit4")
                .unwrap_err()
                .to_string()
                .contains("no import profile 'unit4'")
        );
        assert_eq!(events(&tx), 3);
        tx.commit().unwrap();
    }
}
