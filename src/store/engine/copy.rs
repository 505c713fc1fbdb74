//! Moving the books between engines: `outturn copy --from FILE.db --to postgres://…` and back.
//! Everything is carried: every record, the snapshots, the import batches and the audit log, its
//! events as they were written (each checked, on the server, to follow the one before with the
//! right hash). Ids are kept, since the log's row images name them. The running totals are not
//! copied but kept again by the engine from the actuals. The whole copy is one transaction on the
//! destination: all or nothing.

use std::collections::BTreeMap;
use std::path::Path;

use super::pg::PgBooks;
use super::sql::{Sql, Value};
use crate::store::capture::quote;
use crate::store::{Books, Result, StoreError};

/// Tables not copied as rows: the audit log (copied event by event) and the running totals
/// (kept again from the actuals by each engine).
const NOT_AS_ROWS: &[&str] = &["audit", "actual_total"];

/// Tables copied after every other: their rows lock what is dated before them (a closed period,
/// a year's financing finalised), so the rows they lock come first.
const LAST: &[&str] = &["financing_final", "closed_period"];

/// What a copy carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// Rows copied, by table, in table order.
    pub rows: BTreeMap<String, usize>,
    /// Audit events copied.
    pub events: usize,
}

fn refused(message: String) -> StoreError {
    StoreError::Refused(message)
}

/// The tables of SQLite books in an order that puts every table after those it refers to, with
/// their columns.
fn sqlite_tables(conn: &rusqlite::Connection) -> Result<Vec<(String, Vec<String>)>> {
    // engine: SQLite only (sqlite_master, pragma_table_info, pragma_foreign_key_list)
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut refs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &names {
        let parents: Vec<String> = conn
            .prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")?
            .query_map([t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        refs.insert(t.clone(), parents);
        let cols: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        columns.insert(t.clone(), cols);
    }
    let mut order: Vec<String> = Vec::new();
    let mut pending: Vec<String> = names
        .iter()
        .filter(|n| !NOT_AS_ROWS.contains(&n.as_str()) && !LAST.contains(&n.as_str()))
        .cloned()
        .collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|t| {
            let ready = refs[t]
                .iter()
                .all(|p| p == t || order.contains(p) || !names.contains(p));
            if ready {
                order.push(t.clone());
            }
            !ready
        });
        if pending.len() == before {
            // A cycle of references: the rest in name order (none today).
            order.append(&mut pending);
        }
    }
    order.extend(
        LAST.iter()
            .filter(|t| names.iter().any(|n| n == *t))
            .map(|t| t.to_string()),
    );
    Ok(order
        .into_iter()
        .map(|t| {
            let cols = columns.remove(&t).unwrap_or_default();
            (t, cols)
        })
        .collect())
}

/// The query reading every row of `table` (these columns, by the first column).
fn select_all(table: &str, cols: &[String]) -> String {
    let list = cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
    format!("SELECT {list} FROM {} ORDER BY 1", quote(table))
}

/// The statement inserting one row into `table` (these columns).
fn insert_sql(table: &str, cols: &[String]) -> String {
    let list = cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
    let marks = (1..=cols.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("INSERT INTO {} ({list}) VALUES ({marks})", quote(table))
}

/// One audit event as stored, in column order.
const EVENT_COLUMNS: &str =
    "id, at, who, action, entity, entity_id, before, after, prev_hash, hash, as_name, images";

fn events_of(conn: &impl Sql) -> Result<Vec<Vec<Value>>> {
    Ok(conn.query_map(
        &format!("SELECT {EVENT_COLUMNS} FROM audit ORDER BY id"),
        crate::sql_params![],
        |r| (0..12).map(|i| r.get::<_, Value>(i)).collect(),
    )?)
}

/// Copies the books in the SQLite file `from` to the empty books on the server (a lead's
/// login: the server lets only a lead copy an audit log in). The file is checked first: a broken
/// audit chain is refused before anything is written.
pub fn file_to_server(from: &Path, to: &mut PgBooks) -> Result<Copied> {
    let source = Books::open_existing(from)?;
    let findings = crate::store::audit::verify_chain(&source)?;
    if let Some(first) = findings.first() {
        return Err(refused(format!(
            "{} fails its check ({first}): nothing was copied",
            from.display()
        )));
    }
    to.ensure_books()?;
    let holds = to.query_row(
        "SELECT CAST((SELECT count(*) FROM programme) + (SELECT count(*) FROM framework)
                + (SELECT count(*) FROM actual) + (SELECT count(*) FROM decision)
                + (SELECT count(*) FROM audit) AS BIGINT)",
        crate::sql_params![],
        |r| r.get::<_, i64>(0),
    )?;
    if holds > 0 {
        return Err(refused(format!(
            "the books at {} already hold records: a copy goes into books that hold none (a new database made with init)",
            to.shown()
        )));
    }
    let Some(sqlite) = source.as_sqlite() else {
        return Err(refused("the source is not a SQLite file".to_string()));
    };
    let tables = sqlite_tables(sqlite)?;
    let events = events_of(&source)?;
    to.write(|tx| {
        // The rows are the file's, written by the events copied below: none is noted again.
        let names = tables.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>();
        crate::store::capture::pause(tx, &names.join(","))?;
        let mut copied = Copied {
            rows: BTreeMap::new(),
            events: events.len(),
        };
        for (t, cols) in &tables {
            // Each table in one COPY, streamed from the file as it is read.
            let n = super::pg_load::copy_rows_in(tx, t, cols, |push| {
                source.query_each(&select_all(t, cols), crate::sql_params![], |r| {
                    let row = (0..cols.len())
                        .map(|i| r.get::<_, Value>(i))
                        .collect::<super::sql::DbResult<Vec<_>>>()?;
                    push(&row);
                    Ok(true)
                })?;
                Ok(())
            })?;
            copied.rows.insert(t.clone(), n);
        }
        for e in &events {
            tx.execute(
                "SELECT outturn_audit_import(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                e.clone(),
            )?;
        }
        tx.execute("SELECT outturn_identity_resync()", crate::sql_params![])?;
        Ok(copied)
    })
}

/// Copies the council's books on the server to a new SQLite file `to` (refused if it exists).
/// The file is made whole beside `to` and moved into place: a failed copy leaves nothing.
pub fn server_to_file(from: &mut PgBooks, to: &Path) -> Result<Copied> {
    from.ensure_books()?;
    if to.exists() {
        return Err(refused(format!(
            "{} already exists: a copy goes into a new file",
            to.display()
        )));
    }
    let partial = crate::io::output_file::partial_beside(to);
    let result = (|| -> Result<Copied> {
        let mut dest = Books::open(&partial)?;
        let Some(sqlite) = dest.as_sqlite() else {
            return Err(refused("the destination is not a SQLite file".to_string()));
        };
        let tables = sqlite_tables(sqlite)?;
        // The server's books read in one snapshot: a step committed meanwhile is in all of
        // them or in none.
        from.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        let events = events_of(from)?;
        let source = &*from;
        let copied = dest.write(|tx| {
            let mut copied = Copied {
                rows: BTreeMap::new(),
                events: events.len(),
            };
            // Each table streamed from the server into the file as it is read, not held.
            // The rows are the server's, written by the events copied below: none is noted
            // again (each table's capture paused while it is filled).
            for (t, cols) in tables.iter() {
                let sql = insert_sql(t, cols);
                let mut n = 0;
                crate::store::capture::pause(tx, t)?;
                source.query_each(&select_all(t, cols), crate::sql_params![], |r| {
                    let row = (0..cols.len())
                        .map(|i| r.get::<_, Value>(i))
                        .collect::<super::sql::DbResult<Vec<_>>>()?;
                    tx.execute(&sql, row)?;
                    n += 1;
                    Ok(true)
                })?;
                crate::store::capture::resume(tx, t)?;
                copied.rows.insert(t.clone(), n);
            }
            let cols: Vec<String> = EVENT_COLUMNS.split(", ").map(str::to_string).collect();
            let sql = insert_sql("audit", &cols);
            for e in &events {
                tx.execute(&sql, e.clone())?;
            }
            Ok(copied)
        });
        let ended = from.execute_batch("COMMIT");
        let copied = copied?;
        ended?;
        let findings = crate::store::audit::verify_chain(&dest)?;
        if let Some(first) = findings.first() {
            return Err(refused(format!(
                "the copy fails its check ({first}): nothing was kept"
            )));
        }
        drop(dest);
        Ok(copied)
    })();
    match result {
        Ok(copied) => {
            std::fs::rename(&partial, to).map_err(|e| {
                refused(format!(
                    "{}: the copy could not be moved into place: {e}",
                    to.display()
                ))
            })?;
            Ok(copied)
        }
        Err(e) => {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = partial.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
            Err(e)
        }
    }
}
