//! Row images for the audit log. Every table of the books (all but `audit`, the derived
//! `actual_total` and the `snapshot_owed` queue) gets connection-local (TEMP) triggers that note the image of each row written,
//! as `json_object(column, value, ...)` built from `pragma_table_info`, into `temp.audit_capture`.
//! `audit::record` drains that table into the event it writes, so every audited write
//! carries the rows it changed, before and after, whatever the write path. A bulk load pauses the
//! capture on `actual` and records a digest of its batch instead ([`batch_digest`]).
//!
//! The triggers are TEMP: they live in this connection only, never in the database file, so the
//! schema `check` compares stays the one the migrations wrote. A write made by another program
//! (the sqlite3 shell) has no images in the log, and `check`'s replay finds it.

use crate::store::engine::sql::Sql;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Result;

/// Tables whose rows are not replayed: the log itself, running totals recomputed by `check`, and
/// the queue of snapshots an upgraded database still owes (filled by a migration step, emptied
/// as the snapshots are taken; the snapshots themselves are replayed).
const NOT_REPLAYED: &[&str] = &["audit", "actual_total", "snapshot_owed"];

/// One table of the books: its name, its key columns and all its columns.
#[derive(Debug, Clone)]
pub struct TableShape {
    pub name: String,
    pub key: Vec<String>,
    pub columns: Vec<String>,
}

/// A name quoted for SQL (`"name"`, inner quotes doubled): the same on both engines.
pub(crate) fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl TableShape {
    /// `json_array(<prefix>.k1, ...)`: the key of a row as JSON text.
    pub fn key_sql(&self, prefix: &str) -> String {
        let cols: Vec<String> = self
            .key
            .iter()
            .map(|c| format!("{prefix}{}", quote(c)))
            .collect();
        // engine: SQLite only (json_array; PostgreSQL builds images with to_jsonb)
        format!("json_array({})", cols.join(", "))
    }

    /// `json_object('c1', <prefix>.c1, ...)`: the image of a row as JSON text.
    pub fn image_sql(&self, prefix: &str) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{}, {prefix}{}", literal(c), quote(c)))
            .collect();
        // engine: SQLite only (json_object; PostgreSQL builds images with to_jsonb)
        format!("json_object({})", cols.join(", "))
    }

    /// Every row of the table as (key, image), in key order.
    pub fn select_sql(&self) -> String {
        // engine: SQLite only (json_* images, the `main.` schema name)
        format!(
            "SELECT {}, {} FROM main.{} ORDER BY {}",
            self.key_sql(""),
            self.image_sql(""),
            quote(&self.name),
            self.key
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// The tables of the books in `conn`'s main schema, by name.
pub fn tables(conn: &Connection) -> Result<Vec<TableShape>> {
    let names: Vec<String> = {
        // engine: SQLite only (sqlite_master)
        let mut st = conn.prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )?;
        st.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut out = Vec::new();
    for name in names {
        if NOT_REPLAYED.contains(&name.as_str()) {
            continue;
        }
        // engine: SQLite only (pragma_table_info)
        let mut st = conn.prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?;
        let cols: Vec<(String, i64)> = st
            .query_map([&name], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut key: Vec<(i64, String)> = cols
            .iter()
            .filter(|(_, pk)| *pk > 0)
            .map(|(c, pk)| (*pk, c.clone()))
            .collect();
        key.sort();
        // engine: SQLite only (rowid as the key of a table without a primary key)
        let key: Vec<String> = if key.is_empty() {
            vec!["rowid".to_string()]
        } else {
            key.into_iter().map(|(_, c)| c).collect()
        };
        out.push(TableShape {
            name,
            key,
            columns: cols.into_iter().map(|(c, _)| c).collect(),
        });
    }
    Ok(out)
}

fn trigger_names(table: &str) -> [String; 3] {
    ["ins", "upd", "del"].map(|k| quote(&format!("audit_capture_{table}_{k}")))
}

fn create_triggers(conn: &Connection, t: &TableShape) -> Result<()> {
    let [ins, upd, del] = trigger_names(&t.name);
    let table = quote(&t.name);
    let name = literal(&t.name);
    let (kn, ko, inew, iold) = (
        t.key_sql("NEW."),
        t.key_sql("OLD."),
        t.image_sql("NEW."),
        t.image_sql("OLD."),
    );
    // engine: SQLite only (TEMP triggers, json_* images)
    conn.execute_batch(&format!(
        "CREATE TEMP TRIGGER {ins} AFTER INSERT ON main.{table} BEGIN
             INSERT INTO temp.audit_capture(tbl, key, old, new) VALUES ({name}, {kn}, NULL, {inew});
         END;
         CREATE TEMP TRIGGER {upd} AFTER UPDATE ON main.{table} BEGIN
             INSERT INTO temp.audit_capture(tbl, key, old, new)
                 SELECT {name}, {ko}, {iold}, NULL WHERE {ko} IS NOT {kn};
             INSERT INTO temp.audit_capture(tbl, key, old, new)
                 SELECT {name}, {kn}, CASE WHEN {ko} IS {kn} THEN {iold} END, {inew};
         END;
         CREATE TEMP TRIGGER {del} AFTER DELETE ON main.{table} BEGIN
             INSERT INTO temp.audit_capture(tbl, key, old, new) VALUES ({name}, {ko}, {iold}, NULL);
         END;"
    ))?;
    Ok(())
}

fn drop_triggers(conn: &Connection, table: &str) -> Result<()> {
    for t in trigger_names(table) {
        // engine: SQLite only (TEMP triggers)
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS temp.{t}"))?;
    }
    Ok(())
}

/// Creates the capture table (if needed) in this connection.
pub fn ensure_table(conn: &Connection) -> Result<()> {
    // engine: SQLite only (TEMP table)
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS audit_capture (
             seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, key TEXT NOT NULL, old TEXT, new TEXT)",
    )?;
    Ok(())
}

/// Installs (or refreshes, after a migration changed a table) the capture triggers on every table
/// of the books, for this connection.
pub fn install(conn: &Connection) -> Result<()> {
    ensure_table(conn)?;
    for t in tables(conn)? {
        drop_triggers(conn, &t.name)?;
        create_triggers(conn, &t)?;
    }
    Ok(())
}

/// Stops noting rows of `table` (a bulk load that records a digest instead); inside the caller's
/// transaction, so a rollback restores the capture.
pub fn pause(conn: &impl Sql, table: &str) -> Result<()> {
    let Some(conn) = conn.as_sqlite() else {
        // On a server the capture triggers test this setting, local to the transaction.
        conn.query_row(
            "SELECT set_config('outturn.capture_paused', ?1, true)",
            [table],
            |r| r.get::<_, String>(0),
        )?;
        return Ok(());
    };
    drop_triggers(conn, table)
}

/// Notes rows of `table` again after [`pause`].
pub fn resume(conn: &impl Sql, table: &str) -> Result<()> {
    let Some(conn) = conn.as_sqlite() else {
        conn.query_row(
            "SELECT set_config('outturn.capture_paused', '', true)",
            [],
            |r| r.get::<_, String>(0),
        )?;
        return Ok(());
    };
    if let Some(t) = tables(conn)?.into_iter().find(|t| t.name == table) {
        drop_triggers(conn, table)?;
        create_triggers(conn, &t)?;
    }
    Ok(())
}

/// One entry of an event's `images`: a row written (before and after, JSON text of the row, or
/// `None` where it did not or no longer exists), or a bulk batch of actuals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Image {
    /// A row of `t` with key `k` (JSON array text).
    Row {
        t: String,
        k: String,
        b: Option<String>,
        a: Option<String>,
    },
    /// The actuals of import batch `batch`: `n` rows whose images, in id order, one per line,
    /// hash to `sha256`; or, with `undone`, all of that batch's actuals removed.
    Batch {
        t: String,
        batch: i64,
        n: i64,
        sha256: String,
        undone: bool,
    },
}

/// Drains what this connection noted since the last event: one entry per row, in the order first
/// written, with the image before the first write and after the last.
pub fn drain(conn: &Connection) -> Result<Vec<Image>> {
    // engine: SQLite only (temp.sqlite_master)
    let exists: i64 = conn.query_row(
        "SELECT count(*) FROM temp.sqlite_master WHERE name = 'audit_capture'",
        [],
        |r| r.get(0),
    )?;
    if exists == 0 {
        return Ok(Vec::new());
    }
    let noted: Vec<(String, String, Option<String>, Option<String>)> = {
        // engine: SQLite only (TEMP table)
        let mut st =
            conn.prepare_cached("SELECT tbl, key, old, new FROM temp.audit_capture ORDER BY seq")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    // engine: SQLite only (TEMP table)
    conn.execute("DELETE FROM temp.audit_capture", [])?;
    let mut out: Vec<Image> = Vec::new();
    let mut at: std::collections::HashMap<(String, String), usize> = Default::default();
    for (t, k, old, new) in noted {
        match at.get(&(t.clone(), k.clone())) {
            Some(&i) => {
                if let Image::Row { a, .. } = &mut out[i] {
                    *a = new;
                }
            }
            None => {
                at.insert((t.clone(), k.clone()), out.len());
                out.push(Image::Row {
                    t,
                    k,
                    b: old,
                    a: new,
                });
            }
        }
    }
    Ok(out)
}

/// The count and SHA-256 of images (JSON text), one per line, in the order given.
#[derive(Default)]
pub struct RowDigest {
    n: i64,
    hash: Sha256,
}

impl RowDigest {
    pub fn add(&mut self, image: &str) {
        self.n += 1;
        self.hash.update(image.as_bytes());
        self.hash.update(b"\n");
    }

    pub fn finish(self) -> (i64, String) {
        let h = self.hash.finalize();
        (self.n, h.iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// The shape of `actual`.
pub fn actual_shape(conn: &Connection) -> Result<Option<TableShape>> {
    Ok(tables(conn)?.into_iter().find(|t| t.name == "actual"))
}

/// The digest entry of the actuals of batch `batch` as they stand now.
pub fn batch_digest(conn: &Connection, batch: i64) -> Result<Image> {
    let mut d = RowDigest::default();
    if let Some(shape) = actual_shape(conn)? {
        // engine: SQLite only (json_* images, the `main.` schema name)
        let mut st = conn.prepare(&format!(
            "SELECT {} FROM main.actual WHERE batch_id = ?1 ORDER BY id",
            shape.image_sql("")
        ))?;
        let mut rows = st.query([batch])?;
        while let Some(r) = rows.next()? {
            d.add(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
        }
    }
    let (n, sha256) = d.finish();
    Ok(Image::Batch {
        t: "actual".into(),
        batch,
        n,
        sha256,
        undone: false,
    })
}

/// The entry saying every actual of batch `batch` was removed.
pub fn batch_undone(batch: i64) -> Image {
    Image::Batch {
        t: "actual".into(),
        batch,
        n: 0,
        sha256: String::new(),
        undone: true,
    }
}

/// The whole of the books as entries: a baseline from which `check` replays (written when a
/// database is upgraded). Actuals of an import batch are given as the batch's digest.
pub fn baseline(conn: &Connection) -> Result<Vec<Image>> {
    let mut out = Vec::new();
    for t in tables(conn)? {
        let filter = if t.name == "actual" {
            " WHERE batch_id IS NULL"
        } else {
            ""
        };
        // engine: SQLite only (json_* images, the `main.` schema name)
        let mut st = conn.prepare(&format!(
            "SELECT {}, {} FROM main.{}{filter}",
            t.key_sql(""),
            t.image_sql(""),
            quote(&t.name)
        ))?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (k, a) = row?;
            out.push(Image::Row {
                t: t.name.clone(),
                k,
                b: None,
                a: Some(a),
            });
        }
        if t.name == "actual" {
            let batches: Vec<i64> = {
                // engine: SQLite only (the `main.` schema name)
                let mut st = conn.prepare(
                    "SELECT DISTINCT batch_id FROM main.actual WHERE batch_id IS NOT NULL ORDER BY 1",
                )?;
                st.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            for b in batches {
                out.push(batch_digest(conn, b)?);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_noted_with_before_and_after_and_drained_once() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute("INSERT INTO programme(code, name) VALUES ('P', 'Prog')", [])
            .unwrap();
        conn.execute(
            "UPDATE programme SET name = 'Programme' WHERE code = 'P'",
            [],
        )
        .unwrap();
        let got = drain(&conn).unwrap();
        // Inserted then renamed in one event: no before, the after is the renamed row.
        assert_eq!(
            got,
            vec![Image::Row {
                t: "programme".into(),
                k: "[1]".into(),
                b: None,
                a: Some(
                    r#"{"id":1,"code":"P","name":"Programme","organisation":"","status":"active","version":1}"#
                        .into()
                ),
            }]
        );
        assert!(drain(&conn).unwrap().is_empty());
        conn.execute("DELETE FROM programme", []).unwrap();
        let got = drain(&conn).unwrap();
        assert!(matches!(
            &got[0],
            Image::Row {
                b: Some(_),
                a: None,
                ..
            }
        ));
    }

    #[test]
    fn a_paused_table_is_not_noted() {
        let conn = crate::store::open_in_memory().unwrap();
        pause(&conn, "programme").unwrap();
        conn.execute("INSERT INTO programme(code, name) VALUES ('P', 'Prog')", [])
            .unwrap();
        assert!(drain(&conn).unwrap().is_empty());
        resume(&conn, "programme").unwrap();
        conn.execute("INSERT INTO programme(code, name) VALUES ('Q', 'Q')", [])
            .unwrap();
        assert_eq!(drain(&conn).unwrap().len(), 1);
    }
}
