//! Import batches: the record of each ledger or budget file loaded (file name, SHA-256, rows,
//! total, who, when), the duplicate check of a batch's actuals against the ledger already held,
//! and undoing a batch in one transaction. Parsing the files is `io::import`'s job, not this
//! module's; this module only reads and writes the tables.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::engine::sql::{DbResult, Optional, Row, Sql};
use super::{Result, StoreError, audit, current_user_on, locks, now_stamp};
use crate::domain::calendar::uk_date;
use crate::domain::{FinancialYear, Money};
use crate::sql_params;

/// What a batch loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    /// Ledger lines into `actual`.
    Actuals,
    /// Budget lines into `allocation`.
    Budgets,
    /// Benefits with their targets into `benefit`.
    Benefits,
    /// Funding lines into `funding`.
    Funding,
}

impl BatchKind {
    /// The word stored in `import_batch.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::Actuals => "actuals",
            BatchKind::Budgets => "budgets",
            BatchKind::Benefits => "benefits",
            BatchKind::Funding => "funding",
        }
    }
}

/// One imported file, as listed by `outturn import list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub id: i64,
    /// `actuals` or `budgets`.
    pub kind: String,
    pub file_name: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub rows: u64,
    pub total: Money,
    pub who: String,
    /// When it was imported (UTC, RFC 3339).
    pub at: String,
    /// When it was undone, if it was.
    pub undone_at: Option<String>,
    /// The import profile the file was read with, if any (its name then).
    pub profile: Option<String>,
}

const BATCH_SELECT: &str = "SELECT id, kind, file_name, sha256, rows, total_pence, who, at, undone_at, profile FROM import_batch";

fn batch_row(r: &Row<'_>) -> DbResult<Batch> {
    Ok(Batch {
        id: r.get(0)?,
        kind: r.get(1)?,
        file_name: r.get(2)?,
        sha256: r.get(3)?,
        rows: r.get::<_, i64>(4)?.max(0) as u64,
        total: Money::from_pence(r.get(5)?),
        who: r.get(6)?,
        at: r.get(7)?,
        undone_at: r.get(8)?,
        profile: r.get(9)?,
    })
}

/// Records a new batch with no rows yet (see [`finish_batch`]); returns its id.
pub fn insert_batch(
    conn: &impl Sql,
    kind: BatchKind,
    file_name: &str,
    sha256: &str,
) -> Result<i64> {
    Ok(conn.query_row(
        "INSERT INTO import_batch(kind, file_name, sha256, rows, total_pence, who, at)
         VALUES (?1, ?2, ?3, 0, 0, ?4, ?5) RETURNING id",
        sql_params![
            kind.as_str(),
            file_name,
            sha256,
            current_user_on(conn)?,
            now_stamp()
        ],
        |r| r.get(0),
    )?)
}

/// Sets the row count and total of a batch once its rows are in.
pub fn finish_batch(conn: &impl Sql, id: i64, rows: u64, total: Money) -> Result<()> {
    conn.execute(
        "UPDATE import_batch SET rows = ?2, total_pence = ?3 WHERE id = ?1",
        sql_params![id, rows as i64, total.pence()],
    )?;
    Ok(())
}

/// One batch by id.
pub fn get_batch(conn: &impl Sql, id: i64) -> Result<Batch> {
    conn.query_row(&format!("{BATCH_SELECT} WHERE id = ?1"), [id], batch_row)
        .optional()?
        .ok_or_else(|| {
            StoreError::NotFound {
                field: "batch".into(),
                what: "import batch",
                value: id.to_string(),
                hint: String::new(),
            }
            .with_fix(crate::error::Fix::ListThem(
                crate::error::Records::ImportBatches,
            ))
        })
}

/// The earliest batch (not undone) of a file with this SHA-256, if the file was imported before.
pub fn active_batch_with_sha(conn: &impl Sql, sha256: &str) -> Result<Option<Batch>> {
    Ok(conn
        .query_row(
            &format!("{BATCH_SELECT} WHERE sha256 = ?1 AND undone_at IS NULL ORDER BY id LIMIT 1"),
            [sha256],
            batch_row,
        )
        .optional()?)
}

/// Every batch, oldest first.
pub fn list_batches(conn: &impl Sql) -> Result<Vec<Batch>> {
    Ok(conn.query_map(&format!("{BATCH_SELECT} ORDER BY id"), [], batch_row)?)
}

/// Marks an allocation as loaded by a budgets batch (so undoing the batch removes it).
pub fn set_allocation_batch(conn: &impl Sql, allocation_id: i64, batch_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE allocation SET batch_id = ?2 WHERE id = ?1",
        sql_params![allocation_id, batch_id],
    )?;
    Ok(())
}

/// The largest actual id so far (0 when there are none): rows of a batch inserted afterwards have
/// larger ids.
pub fn last_actual_id(conn: &impl Sql) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM actual", [], |r| r.get(0))?)
}

/// A row of a new batch that matches an actual already held (same reference, date, phase and
/// amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateActual {
    /// The new row.
    pub new_id: i64,
    /// The earliest matching actual held before the batch.
    pub existing_id: i64,
    pub reference: String,
    pub date: NaiveDate,
    pub phase_id: i64,
    pub amount: Money,
}

/// Calls `found` with each row of batch `batch_id` that duplicates an actual with id up to
/// `held_through` (the last id before the batch), in id order, holding none of them in memory.
/// O(n log n) however many rows share a phase and date: the batch's keys (phase, date,
/// reference, amount) and the older rows of the same (phase, date) are copied once into two
/// indexed temporary tables, and each new row then finds its earliest match by one index seek (a
/// join on the (phase, date) index alone compared every pair of a crowded day). `found` may
/// delete the row it is given.
pub fn each_duplicate_of_batch(
    conn: &impl Sql,
    batch_id: i64,
    held_through: i64,
    found: &mut dyn FnMut(DuplicateActual) -> Result<()>,
) -> Result<()> {
    let Some(conn) = conn.as_sqlite() else {
        return each_duplicate_on_server(conn, batch_id, held_through, found);
    };
    const COLUMNS: &str = "(id INTEGER PRIMARY KEY, reference TEXT, date TEXT, phase_id INTEGER, amount_pence INTEGER)";
    conn.execute_batch(&format!(
        "DROP TABLE IF EXISTS temp.dup_new; DROP TABLE IF EXISTS temp.dup_old;
         CREATE TEMP TABLE dup_new {COLUMNS}; CREATE TEMP TABLE dup_old {COLUMNS};"
    ))?;
    conn.execute(
        "INSERT INTO temp.dup_new SELECT id, reference, date, phase_id, amount_pence
         FROM main.actual WHERE batch_id = ?1 AND id > ?2",
        params![batch_id, held_through],
    )?;
    conn.execute_batch("CREATE INDEX temp.dup_new_day ON dup_new(phase_id, date);")?;
    conn.execute(
        "INSERT INTO temp.dup_old SELECT o.id, o.reference, o.date, o.phase_id, o.amount_pence
         FROM (SELECT DISTINCT phase_id, date FROM temp.dup_new) AS g
         CROSS JOIN main.actual AS o ON o.phase_id = g.phase_id AND o.date = g.date
         WHERE o.id <= ?1",
        params![held_through],
    )?;
    conn.execute_batch(
        "CREATE INDEX temp.dup_old_key ON dup_old(phase_id, date, reference, amount_pence, id);",
    )?;
    {
        let mut st = conn.prepare(
            "SELECT n.id, (SELECT min(o.id) FROM temp.dup_old o
                           WHERE o.phase_id = n.phase_id AND o.date = n.date
                             AND o.reference = n.reference AND o.amount_pence = n.amount_pence) AS existing,
                    n.reference, n.date, n.phase_id, n.amount_pence
             FROM temp.dup_new n WHERE existing IS NOT NULL ORDER BY n.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let new_id: i64 = r.get(0)?;
            let date: String = r.get(3)?;
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|e| {
                StoreError::Refused(format!(
                    "actual {new_id} has an unreadable date '{date}': {e}"
                ))
            })?;
            found(DuplicateActual {
                new_id,
                existing_id: r.get(1)?,
                reference: r.get(2)?,
                date,
                phase_id: r.get(4)?,
                amount: Money::from_pence(r.get(5)?),
            })?;
        }
    }
    conn.execute_batch("DROP TABLE temp.dup_new; DROP TABLE temp.dup_old;")?;
    Ok(())
}

/// [`each_duplicate_of_batch`] on a PostgreSQL server: one join of the batch's rows with the
/// ledger held before it, which the server plans by its own statistics (an index seek per new
/// row into a large ledger, a hash join for a large batch).
fn each_duplicate_on_server(
    conn: &impl Sql,
    batch_id: i64,
    held_through: i64,
    found: &mut dyn FnMut(DuplicateActual) -> Result<()>,
) -> Result<()> {
    let rows = conn.query_map(
        "SELECT n.id, min(o.id), n.reference, n.date, n.phase_id, n.amount_pence
         FROM actual n JOIN actual o
           ON o.phase_id = n.phase_id AND o.date = n.date AND o.reference = n.reference
          AND o.amount_pence = n.amount_pence AND o.id <= ?2
         WHERE n.id > ?2 AND n.batch_id = ?1
         GROUP BY n.id, n.reference, n.date, n.phase_id, n.amount_pence ORDER BY n.id",
        sql_params![batch_id, held_through],
        |r| {
            Ok(DuplicateActual {
                new_id: r.get(0)?,
                existing_id: r.get(1)?,
                reference: r.get(2)?,
                date: crate::store::entities::rows::date_at(r, 3)?,
                phase_id: r.get(4)?,
                amount: Money::from_pence(r.get(5)?),
            })
        },
    )?;
    for d in rows {
        found(d)?;
    }
    Ok(())
}

/// Deletes actuals by id (the duplicates skipped from a batch still being written).
pub fn delete_actual_rows(conn: &impl Sql, ids: &[i64]) -> Result<()> {
    for id in ids {
        conn.execute("DELETE FROM actual WHERE id = ?1", [*id])?;
    }
    Ok(())
}

/// What an undo removed, for the audit log.
#[derive(Debug, Serialize)]
struct Undone<'a> {
    batch: &'a Batch,
    actuals_removed: usize,
    allocations_removed: usize,
    benefits_removed: usize,
    funding_removed: usize,
}

/// Undoes a batch inside the caller's transaction: removes its actuals or allocations, marks it
/// undone and records one audit event. Refused when it is already undone or when any of its rows
/// lies in a closed period (a funding line: for a year whose financing is finalised).
pub fn undo(conn: &impl Sql, id: i64) -> Result<Batch> {
    let before = get_batch(conn, id)?;
    if let Some(at) = &before.undone_at {
        return Err(StoreError::Refused(format!(
            "batch {id} ({}) was already undone at {at}: nothing was changed",
            before.file_name
        )));
    }
    let funding = before.kind == BatchKind::Funding.as_str();
    if funding {
        // Funding lines are not locked by closed periods, only by a year's finalised financing.
        let years: Vec<i32> = conn.query_map(
            "SELECT DISTINCT fy FROM funding WHERE batch_id = ?1 ORDER BY fy",
            [id],
            |r| r.get(0),
        )?;
        for y in years {
            if let Ok(fy) = FinancialYear::new(y) {
                super::financing_final::ensure_not_final(conn, fy)?;
            }
        }
    }
    if let Some(lock) = locks::locked_through(conn)?
        && !funding
    {
        let (locked, first): (i64, Option<String>) = if before.kind == BatchKind::Actuals.as_str() {
            conn.query_row(
                "SELECT count(*), min(date) FROM actual WHERE batch_id = ?1 AND date <= ?2",
                sql_params![id, lock.format("%Y-%m-%d").to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
        } else if before.kind == BatchKind::Funding.as_str() {
            conn.query_row(
                "SELECT count(*), min(fy) FROM funding WHERE batch_id = ?1 AND fy <= ?2",
                sql_params![id, FinancialYear::containing(lock).start_year()],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, Option<i32>>(1)?.map(|y| y.to_string()),
                    ))
                },
            )?
        } else {
            conn.query_row(
                "SELECT count(*), min(first_fy) FROM allocation WHERE batch_id = ?1 AND first_fy <= ?2",
                sql_params![id, FinancialYear::containing(lock).start_year()],
                |r| Ok((r.get(0)?, r.get::<_, Option<i32>>(1)?.map(|y| y.to_string()))),
            )?
        };
        if locked > 0 {
            let what = if before.kind == BatchKind::Actuals.as_str() {
                format!("{locked} of its actuals are dated")
            } else if before.kind == BatchKind::Funding.as_str() {
                format!("{locked} of its funding lines are for years")
            } else {
                format!("{locked} of its allocations are for years")
            };
            let first = first.unwrap_or_default();
            return Err(StoreError::Closed(format!(
                "batch {id} ({}) cannot be undone: {what} in a closed period (closed through {}; \
                 earliest {first})",
                before.file_name,
                uk_date(lock)
            ))
            .with_fix(crate::error::Fix::ReopenPeriod));
        }
    }
    // The actuals of a batch go as one entry of the event (its rows are known from the import's
    // digest); allocations and their profiles with their row images.
    super::capture::pause(conn, "actual")?;
    let actuals_removed = conn.execute("DELETE FROM actual WHERE batch_id = ?1", [id])?;
    super::capture::resume(conn, "actual")?;
    let allocations_removed = conn.execute("DELETE FROM allocation WHERE batch_id = ?1", [id])?;
    let benefits_removed = super::entities::delete_batch_benefits(conn, id)?;
    let funding_removed = conn.execute("DELETE FROM funding WHERE batch_id = ?1", [id])?;
    conn.execute(
        "UPDATE import_batch SET undone_at = ?2 WHERE id = ?1",
        sql_params![id, now_stamp()],
    )?;
    if allocations_removed > 0 {
        // Its budgets may be what an approved reduction or virement drew on.
        super::check::refuse_overdrawn(conn, "batch", &format!("undoing batch {id}"))?;
    }
    let after = get_batch(conn, id)?;
    audit::record_with(
        conn,
        "undo",
        "import_batch",
        Some(id),
        Some(&before),
        Some(&Undone {
            batch: &after,
            actuals_removed,
            allocations_removed,
            benefits_removed,
            funding_removed,
        }),
        vec![super::capture::batch_undone(id)],
    )?;
    Ok(after)
}

/// Cache for SQLite during a bulk load, in KiB (negative `cache_size` is KiB): 32 MiB. It also
/// sets how much of a sort SQLite holds in memory before spilling a sorted run to a temporary
/// file when it builds an index, and both are held at once at the end of a large import: 64 MiB
/// took a 10,000,000-line import past 200 MB, for no measurable gain in speed.
const BULK_CACHE_KIB: i64 = 32_768;

/// Runs a bulk load `f` with a bigger SQLite page cache, temporary tables and sorts in files
/// when `large` (bounded memory; a small load's sorts are small), and without SQLite's
/// row-by-row foreign key checks, restoring all three afterwards. The load must resolve every
/// phase, contract and batch id it writes inside its own write transaction, so that the
/// references hold by construction.
pub fn with_bulk_settings<T, E: From<StoreError>>(
    conn: &mut Connection,
    large: bool,
    f: impl FnOnce(&mut Connection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    let cache: i64 = conn
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    let foreign_keys: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    let temp_store: i64 = conn
        .query_row("PRAGMA temp_store", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)
        .map_err(StoreError::from)?;
    conn.pragma_update(None, "foreign_keys", 0)
        .map_err(StoreError::from)?;
    if large {
        set_temp_store(conn, TEMP_STORE_FILE)?;
    }
    let out = f(conn);
    set_temp_store(conn, temp_store)?;
    conn.pragma_update(None, "foreign_keys", foreign_keys)
        .map_err(StoreError::from)?;
    conn.pragma_update(None, "cache_size", cache)
        .map_err(StoreError::from)?;
    out
}

/// Runs a load `f` (`when` it is larger than the ledger it joins) with SQLite's rollback journal in
/// place of its write-ahead log, when this connection is the only one open on the file, and
/// puts the write-ahead log back afterwards. A load into a mostly new file writes its pages into
/// the file once, as `sqlite3`'s own `.import` does; through the log it writes each page twice
/// (the log, then the checkpoint that copies the log into the file), which measured a sixth of
/// a 1,000,000-line import. The rollback journal is as safe against a crash or a power cut (at
/// `synchronous = FULL`); while it is in use, other processes wait (their busy timeout) instead
/// of reading beside the load. When another connection is open, or the switch fails, the load
/// runs in the log as usual: the switch only ever changes the speed.
pub fn with_rollback_journal<T, E: From<StoreError>>(
    conn: &mut Connection,
    when: bool,
    f: impl FnOnce(&mut Connection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    let journal = |conn: &Connection, mode: &str| -> Result<String> {
        Ok(conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get(0))?)
    };
    if !when {
        return f(conn);
    }
    // Never wait for the switch: someone reading now keeps the log.
    conn.busy_timeout(std::time::Duration::ZERO)
        .map_err(StoreError::from)?;
    let switched = journal(conn, "DELETE").is_ok_and(|m| m.eq_ignore_ascii_case("delete"));
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(StoreError::from)?;
    let out = f(conn);
    if switched {
        // Back to the log (waiting, as any writer does, for a reader that came meanwhile).
        journal(conn, "WAL")?;
    }
    out
}

/// `PRAGMA temp_store = FILE`.
const TEMP_STORE_FILE: i64 = 1;

/// Sets where SQLite keeps temporary tables and sorts, outside any transaction. The bundled
/// SQLite keeps them in memory by default, where sorting the keys of a 10,000,000-row index (and
/// the temporary tables of [`each_duplicate_of_batch`]) would take memory in proportion to the
/// file; in files, a sort uses at most the page cache and spills the rest to disk. Changing the
/// setting drops the connection's TEMP objects, so the audit capture is installed again.
fn set_temp_store(conn: &Connection, value: i64) -> Result<()> {
    let now: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
    if now != value {
        conn.pragma_update(None, "temp_store", value)?;
        super::capture::install(conn)?;
    }
    Ok(())
}

/// How many actuals are held.
pub fn actual_count(conn: &impl Sql) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM actual", [], |r| r.get(0))?)
}

/// Drops the indexes of `actual` inside the caller's transaction, returning the exact SQL that
/// created them so [`recreate_indexes`] can build them again once a large batch is in: SQLite
/// builds an index from sorted rows far faster than it maintains one row by row. If the
/// transaction rolls back, the indexes were never gone. A PostgreSQL server keeps its indexes
/// (officers read and write beside the load): nothing is dropped there.
pub fn drop_actual_indexes(conn: &impl Sql) -> Result<Vec<String>> {
    let Some(conn) = conn.as_sqlite() else {
        return Ok(Vec::new());
    };
    let mut st = conn.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'actual' AND sql IS NOT NULL ORDER BY name",
    )?;
    let indexes = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

/// Recreates indexes dropped by [`drop_actual_indexes`], with the same SQL.
pub fn recreate_indexes(conn: &impl Sql, sql: &[String]) -> Result<()> {
    for s in sql {
        conn.execute_batch(s)?;
    }
    Ok(())
}

/// Suspends the trigger that keeps `actual_total` as rows are inserted (inside the caller's
/// transaction), returning its SQL. For a large load, [`resume_actual_totals`] then adds the batch's
/// totals in one grouped pass, far faster than one upsert per row. A rollback restores the trigger.
/// A PostgreSQL server keeps its totals per statement already: nothing is suspended there.
pub fn suspend_actual_totals(conn: &impl Sql) -> Result<Option<String>> {
    let Some(conn) = conn.as_sqlite() else {
        return Ok(None);
    };
    let sql: Option<String> = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'actual_total_insert'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if sql.is_some() {
        conn.execute_batch("DROP TRIGGER actual_total_insert")?;
    }
    Ok(sql)
}

/// Running totals of a load, keyed by (FY start year, phase id, period, contract id or 0), as
/// (pence, rows).
pub type ActualTotals = std::collections::HashMap<(i32, i64, u8, i64), (i128, i64)>;

/// Adds a load's running totals to `actual_total` and restores the insert trigger suspended by
/// [`suspend_actual_totals`].
pub fn resume_actual_totals(
    conn: &impl Sql,
    trigger_sql: &str,
    totals: &ActualTotals,
) -> Result<()> {
    let Some(conn) = conn.as_sqlite() else {
        return Ok(());
    };
    let mut st = conn.prepare(
        "INSERT INTO actual_total(fy, phase_id, period, contract_id, amount_pence, n)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (fy, phase_id, period, contract_id)
         DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, n = n + excluded.n",
    )?;
    for (&(fy, phase, period, contract), &(pence, n)) in totals {
        let pence = i64::try_from(pence).map_err(|_| {
            StoreError::Refused(format!(
                "the actuals of phase {phase} for P{period} of the year from April {fy} add up to more than \
                 £92,233,720,368,547,758.07, more than Outturn can hold: nothing was imported"
            ))
        })?;
        st.execute(params![fy, phase, period, contract, pence, n])?;
    }
    conn.execute_batch(trigger_sql)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_alone_on_the_file_uses_the_rollback_journal_and_puts_the_log_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.db");
        let mut conn = crate::store::open(&path).unwrap();
        let mode = |c: &Connection| -> String {
            c.query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(mode(&conn), "wal");
        for (when, fail, inside) in [
            (true, false, "delete"),
            (true, true, "delete"),
            (false, false, "wal"),
        ] {
            let got: std::result::Result<String, StoreError> =
                with_rollback_journal(&mut conn, when, |c| {
                    let m = mode(c);
                    if fail {
                        Err(StoreError::Refused("no".into()))
                    } else {
                        Ok(m)
                    }
                });
            match got {
                Ok(m) => assert_eq!(m, inside),
                Err(e) => assert!(fail, "{e}"),
            }
            assert_eq!(mode(&conn), "wal");
        }
        // Another connection open on the file: the load stays in the log, and nothing fails.
        let other = crate::store::open(&path).unwrap();
        let m: std::result::Result<String, StoreError> =
            with_rollback_journal(&mut conn, true, |c| Ok(mode(c)));
        assert_eq!(m.unwrap(), "wal");
        assert_eq!((mode(&conn), mode(&other)), ("wal".into(), "wal".into()));
    }

    #[test]
    fn a_large_load_sorts_in_files_and_restores_the_settings_and_the_audit_capture() {
        let mut conn = crate::store::open_in_memory().unwrap();
        let read = |c: &Connection, p: &str| -> i64 {
            c.query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                .unwrap()
        };
        let before = ["temp_store", "cache_size", "foreign_keys"].map(|p| read(&conn, p));
        for large in [false, true] {
            for fail in [false, true] {
                let got: std::result::Result<i64, StoreError> =
                    with_bulk_settings(&mut conn, large, |c| {
                        let inside = read(c, "temp_store");
                        assert_eq!(read(c, "cache_size"), -BULK_CACHE_KIB);
                        assert_eq!(read(c, "foreign_keys"), 0);
                        if fail {
                            Err(StoreError::Refused("no".into()))
                        } else {
                            Ok(inside)
                        }
                    });
                match got {
                    Ok(inside) if large => assert_eq!(inside, TEMP_STORE_FILE),
                    Ok(inside) => assert_eq!(inside, before[0]),
                    Err(_) => assert!(fail),
                }
                let after = ["temp_store", "cache_size", "foreign_keys"].map(|p| read(&conn, p));
                assert_eq!(after, before, "large {large}, fail {fail}");
            }
        }
        // The audit capture (TEMP triggers, dropped when temp_store changes) is back: an added
        // programme carries its row image, so `check`'s replay of the log matches the tables.
        let tx = crate::store::write_tx(&mut conn).unwrap();
        crate::store::entities::add_programme(
            &tx,
            &crate::store::entities::NewProgramme {
                code: "Q".into(),
                name: "Another".into(),
                organisation: String::new(),
                status: crate::domain::model::DeliveryStatus::Active,
            },
        )
        .unwrap();
        tx.commit().unwrap();
        let report = crate::store::check::run(&conn).unwrap();
        assert!(report.is_clean(), "{:?}", report.findings);
    }

    #[test]
    fn totals_beyond_what_sqlite_holds_are_refused_not_clamped() {
        let mut conn = crate::store::open_in_memory().unwrap();
        let tx = crate::store::write_tx(&mut conn).unwrap();
        let trigger = suspend_actual_totals(&tx).unwrap().unwrap();
        let mut totals = ActualTotals::new();
        totals.insert((2022, 1, 7, 0), (i128::from(i64::MAX) + 1, 100_000));
        let err = resume_actual_totals(&tx, &trigger, &totals)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("P7 of the year from April 2022 add up to more than"),
            "{err}"
        );
        let held: i64 = tx
            .query_row("SELECT count(*) FROM actual_total", [], |r| r.get(0))
            .unwrap();
        assert_eq!(held, 0);
    }
}
