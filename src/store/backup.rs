//! Backing up and restoring the whole database with SQLite's online backup API.
//!
//! A backup copies a consistent snapshot of the live database (one read transaction: in WAL mode
//! writers carry on meanwhile) into a new owner-only (0600) file, written beside the destination
//! under a temporary name and renamed into place, so a half-written backup never carries the
//! final name.
//!
//! A restore first checks the backup (SQLite integrity, schema version not newer than this
//! Outturn, audit chain unbroken), then refuses to replace a database that anyone has open. The
//! test: open the target with a zero busy timeout in exclusive locking mode and take an exclusive
//! lock. In WAL mode every open connection keeps a shared lock on the database file for as long as
//! it is open (not only while it reads), so the exclusive lock fails while any other process
//! (the TUI, a command, the `sqlite3` shell) has the file open. The lock is then held while the
//! old write-ahead log is folded in and removed, and the checked copy is written into the target
//! through that same connection with the backup API: one SQLite transaction in rollback-journal
//! mode, so an interrupted restore is rolled back to the old database whole. A program that has
//! the file open without SQLite (and so without a lock) is found through the system's list of
//! open files ([`super::holders`]), before the checks and again before the copy. No file is renamed
//! over the open database (Windows refuses that: SQLite opens files without FILE_SHARE_DELETE).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::open::{Identity, identify, not_outturn, remove_stale_partials};
use super::{Result, SCHEMA_VERSION, StoreError, audit, check, create_owner_only, holds_data};
use crate::io::output_file::{OutputFile, folder_of, partial_beside, protect_database};

/// The sibling file SQLite keeps beside `path` (`-wal`, `-shm`, `-journal`).
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn refused(msg: String) -> StoreError {
    StoreError::Refused(msg)
}

/// The refusal for a target database another process has open.
fn target_in_use(target: &Path) -> StoreError {
    refused(format!(
        "{} is in use (Outturn or another program has it open): close it there and run the \
         restore again; nothing was restored",
        target.display()
    ))
}

/// Refuses while another program (not only a SQLite connection, which the lock finds) has the
/// target or a file beside it open: it would go on reading the old database, or write over the
/// restored one.
fn refuse_other_holders(target: &Path) -> Result<()> {
    let holders = super::holders::other_holders(target);
    if holders.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = holders.iter().map(ToString::to_string).collect();
    Err(refused(format!(
        "{} is open in another program ({}): close it there and run the restore again; nothing \
         was restored",
        target.display(),
        named.join("; ")
    )))
}

fn busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    refused(format!("cannot {what} {}: {e}", path.display()))
}

/// Removes `path` and its SQLite side files, ignoring ones that are not there.
fn remove_with_sidecars(path: &Path) {
    for p in [
        path.to_path_buf(),
        sidecar(path, "-journal"),
        sidecar(path, "-wal"),
        sidecar(path, "-shm"),
    ] {
        let _ = std::fs::remove_file(p);
    }
}

/// Copies every page of `from` into the (new, empty) database file at `to`, as one snapshot, and
/// leaves `to` as a single self-contained file (rollback journal mode, nothing beside it).
fn copy_into_new_file(from: &Connection, to: &Path) -> Result<()> {
    remove_with_sidecars(to);
    create_owner_only(to)?;
    let result = (|| -> Result<()> {
        let mut dst = Connection::open(to)?;
        {
            let b = Backup::new(from, &mut dst)?;
            let mut waits = 0;
            loop {
                // -1: every page in one step, so the copy is one consistent snapshot.
                match b.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    StepResult::Busy | StepResult::Locked => {
                        waits += 1;
                        if waits > 300 {
                            return Err(refused(
                                "the database stayed locked for 30 seconds: try again".into(),
                            ));
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    _ => {
                        return Err(refused("the backup stopped unexpectedly: try again".into()));
                    }
                }
            }
        }
        let _mode: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        let ok: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(refused(format!("the copy failed its check: {ok}")));
        }
        drop(dst);
        // Opened for writing: Windows flushes (FlushFileBuffers) only through a handle that may
        // write, and refuses a read-only one with "Access denied".
        std::fs::OpenOptions::new()
            .write(true)
            .open(to)
            .and_then(|f| f.sync_all())
            .map_err(|e| io_err("flush", to, e))?;
        Ok(())
    })();
    if result.is_err() {
        remove_with_sidecars(to);
    }
    result
}

/// Writes a backup of the database open on `conn` to `dest` (0600). Refuses to replace an
/// existing file unless `force`. Safe while others read and write the database.
pub fn backup(conn: &Connection, dest: &Path, force: bool) -> Result<()> {
    if let Some(live) = conn.path().filter(|p| !p.is_empty()) {
        protect_database(Path::new(live));
    }
    let out = OutputFile::check_database("backup", dest, force).map_err(|e| refused(e.0))?;
    remove_stale_partials(&folder_of(out.target()));
    let tmp = out.partial();
    copy_into_new_file(conn, &tmp)?;
    out.replace_with(&tmp).map_err(|e| {
        remove_with_sidecars(&tmp);
        refused(e.0)
    })?;
    Ok(())
}

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// Its schema version.
    pub schema_version: i64,
    /// The number of audit events in it.
    pub audit_events: i64,
}

/// Opens a backup read-only and checks it: SQLite integrity, a schema this Outturn understands,
/// an unbroken audit chain.
pub fn check_backup(path: &Path) -> Result<(Connection, BackupSummary)> {
    if !path.is_file() {
        return Err(refused(format!("no backup file at {}", path.display()))
            .with_fix(crate::error::Fix::GiveBackup));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(30))?;
    let not_outturn = |why: String| {
        refused(format!(
            "{} is not a usable Outturn backup ({why}): nothing was restored",
            path.display()
        ))
    };
    let integrity: Vec<String> = match conn.prepare("PRAGMA integrity_check") {
        Ok(mut st) => st
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| not_outturn(e.to_string()))?,
        Err(e) => return Err(not_outturn(e.to_string())),
    };
    if integrity != ["ok"] {
        return Err(not_outturn(format!(
            "integrity check: {}",
            integrity.join("; ")
        )));
    }
    if let Identity::Foreign(why) = identify(&conn)? {
        return Err(super::open::not_outturn(path, &why));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(refused(format!(
            "{} has schema version {version}, newer than this Outturn understands ({SCHEMA_VERSION}): \
             restore it with a newer Outturn; nothing was restored",
            path.display()
        )));
    }
    let has_audit: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'audit'",
        [],
        |r| r.get(0),
    )?;
    if version < 1 || !has_audit {
        return Err(not_outturn("it has no Outturn tables".into()));
    }
    let broken = audit::verify_chain(&conn)?;
    if !broken.is_empty() {
        return Err(not_outturn(format!(
            "its audit log was altered: {}",
            broken.join("; ")
        )));
    }
    let audit_events = audit::count(&conn)?;
    Ok((
        conn,
        BackupSummary {
            schema_version: version,
            audit_events,
        },
    ))
}

/// Takes the target database for ourselves: an exclusive lock with no waiting. Fails with a
/// message when anyone else has the file open. The returned connection holds the lock until it is
/// dropped, with the write-ahead log folded in and removed: the database is in rollback-journal
/// mode (`DELETE`) while it is held.
fn lock_target(target: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        target,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::ZERO)?;
    let take = || -> rusqlite::Result<String> {
        let _mode: String = conn.query_row("PRAGMA locking_mode = EXCLUSIVE", [], |r| r.get(0))?;
        conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")?;
        // Leaving WAL mode needs every other connection gone; it checkpoints and deletes the -wal.
        conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
            r.get::<_, String>(0)
        })
    };
    match take() {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => Ok(conn),
        // SQLite answers with the mode it kept when it could not leave WAL mode.
        Ok(_) => Err(target_in_use(target)),
        Err(e) if busy(&e) => Err(target_in_use(target)),
        Err(e) => Err(e.into()),
    }
}

/// True when another connection has the database at `path` open.
pub fn in_use(path: &Path) -> Result<bool> {
    if !path.exists() {
        return Ok(false);
    }
    match lock_target(path) {
        Ok(conn) => {
            // Put it back in WAL mode as Outturn keeps it.
            let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            Ok(false)
        }
        Err(StoreError::Refused(_)) => Ok(true),
        Err(e) => Err(e),
    }
}

/// Replaces the database at `target` with the backup at `from`, after checking the backup.
/// Refused when the target is in use, or holds data and `force` is not given.
pub fn restore(from: &Path, target: &Path, force: bool) -> Result<BackupSummary> {
    let target = super::open::resolve_path(target);
    let target = target.as_path();
    let (src, summary) = check_backup(from)?;
    remove_stale_partials(&folder_of(target));
    roll_back_interrupted_restore(target)?;
    refuse_foreign_target(target)?;
    let guard = if target.exists() {
        let guard = lock_target(target)?;
        refuse_other_holders(target)?;
        if !force && guard_holds_data(&guard)? {
            return Err(refused(format!("{} already holds data", target.display()))
                .with_fix(crate::error::Fix::ForceRestore));
        }
        Some(guard)
    } else {
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io_err("create folder", dir, e))?;
        }
        None
    };
    let tmp = partial_beside(target);
    copy_into_new_file(&src, &tmp)?;
    drop(src);
    if let Err(e) = check_copy(from, &tmp) {
        remove_with_sidecars(&tmp);
        return Err(e);
    }
    let placed = match guard {
        // An existing database: written in place under the lock held since the checks.
        Some(mut guard) => {
            refuse_other_holders(target).and_then(|()| copy_into_locked(&tmp, &mut guard))
        }
        // A new one: nothing has it open, so the checked copy takes its name.
        None => std::fs::rename(&tmp, target).map_err(|e| io_err("replace", target, e)),
    };
    remove_with_sidecars(&tmp);
    placed?;
    Ok(summary)
}

/// Copies the checked copy at `copy` into the database held by `guard` (see [`lock_target`])
/// with SQLite's backup API, in one step: one write transaction in rollback-journal mode, so the
/// target ends up either the whole copy or, if this is interrupted (an error, a kill, a power
/// cut), the old database, rolled back from its journal by the next connection.
fn copy_into_locked(copy: &Path, guard: &mut Connection) -> Result<()> {
    let src = Connection::open_with_flags(
        copy,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let step = {
        let b = Backup::new(&src, guard)?;
        // -1: every page in one step, one transaction. The target is ours alone (the lock), so
        // it can be neither busy nor locked; anything but Done is given up and rolled back.
        b.step(-1)?
    };
    if step != StepResult::Done {
        return Err(refused(
            "the restore stopped unexpectedly: try again; nothing was restored".into(),
        ));
    }
    if let Some(path) = guard.path().filter(|p| !p.is_empty()) {
        // As a new file would be: readable by its owner only (0600, or Windows' access list). The
        // data is in place by now, so a file this user may write but not restrict keeps its own.
        let _ = crate::io::platform::owner_only::restrict(std::path::Path::new(path));
    }
    Ok(())
}

/// A restore killed while it wrote into the target leaves the target half-written with its
/// rollback journal beside it (a "hot" journal). A read-only look cannot roll it back (it would
/// see the half-written file), so any such journal is rolled back first, as SQLite does on the
/// next read-write open: the target is then the old database again, whole. Refused, as in use,
/// when another process holds the database (a restore still running).
fn roll_back_interrupted_restore(target: &Path) -> Result<()> {
    if !target.is_file() || !sidecar(target, "-journal").is_file() {
        return Ok(());
    }
    // A file this process cannot open for writing, or not a database SQLite can read: the
    // read-only look that follows, and the lock, say so.
    let Ok(conn) = Connection::open_with_flags(
        target,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return Ok(());
    };
    conn.busy_timeout(Duration::ZERO)?;
    // Any read takes a shared lock, and taking it rolls a hot journal back.
    match conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0)) {
        Err(e) if busy(&e) => Err(target_in_use(target)),
        _ => Ok(()),
    }
}

/// Refuses to restore over a file that is not an Outturn database (read-only look, no write).
fn refuse_foreign_target(target: &Path) -> Result<()> {
    let size = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    if size == 0 {
        return Ok(());
    }
    let conn = super::open::open_read_only(target)?;
    match identify(&conn) {
        Ok(Identity::Foreign(why)) => Err(not_outturn(target, &why)),
        Ok(_) => Ok(()),
        Err(_) => Err(not_outturn(target, "it is not a SQLite database")),
    }
}

/// Brings the copy of the backup at `copy` to this Outturn's schema and runs the whole `check`
/// on it: any finding refuses the restore, naming the findings.
fn check_copy(from: &Path, copy: &Path) -> Result<()> {
    let conn = super::open(copy)?;
    let report = check::run(&conn)?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    drop(conn);
    if report.is_clean() {
        return Ok(());
    }
    let n = report.findings.len();
    let mut named: Vec<String> = report.findings.iter().take(5).cloned().collect();
    if n > 5 {
        named.push(format!("and {} more", n - 5));
    }
    Err(refused(format!(
        "{} fails the books' check ({n} finding{}): {}; nothing was restored",
        from.display(),
        if n == 1 { "" } else { "s" },
        named.join("; ")
    )))
}

fn guard_holds_data(conn: &Connection) -> Result<bool> {
    let has_tables: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'programme'",
        [],
        |r| r.get(0),
    )?;
    if !has_tables {
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        return Ok(pages > 0);
    }
    holds_data(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{open, write_tx};

    fn demo(path: &Path) -> Connection {
        let mut conn = open(path).unwrap();
        let tx = write_tx(&mut conn).unwrap();
        crate::io::demo::load_all(&tx).unwrap();
        tx.commit().unwrap();
        conn
    }

    #[test]
    fn another_open_connection_counts_as_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("live.db");
        let other = demo(&path);
        // `other` is idle (no transaction), yet holds the file open in WAL mode.
        assert!(in_use(&path).unwrap());
        drop(other);
        assert!(!in_use(&path).unwrap());
        // The probe leaves the database usable in WAL mode.
        let conn = open(&path).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[cfg(unix)]
    #[test]
    fn backup_is_owner_only_and_restores() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.db");
        let conn = demo(&live);
        let file = dir.path().join("b.db");
        backup(&conn, &file, false).unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let err = backup(&conn, &file, false).unwrap_err().to_string();
        assert!(err.contains("--force"), "{err}");
        let err = backup(&conn, &live, true).unwrap_err().to_string();
        assert!(err.contains("the database itself"), "{err}");
        let events: i64 = conn
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap();
        let target = dir.path().join("restored.db");
        let s = restore(&file, &target, false).unwrap();
        assert_eq!(s.audit_events, events);
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // The live database is open here, so restoring over it is refused.
        let err = restore(&file, &live, true).unwrap_err().to_string();
        assert!(err.contains("is in use"), "{err}");
        drop(conn);
        let err = restore(&file, &live, false).unwrap_err().to_string();
        assert!(err.contains("already holds data"), "{err}");
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
        let before = inode(&live);
        restore(&file, &live, true).unwrap();
        // Written into the database file in place, not a new file renamed over it.
        assert_eq!(inode(&live), before);
        let mode = std::fs::metadata(&live).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let conn = open(&live).unwrap();
        assert!(crate::store::check::run(&conn).unwrap().is_clean());
    }

    fn count(path: &Path, sql: &str) -> i64 {
        open(path)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_restore_over_a_half_written_target_rolls_it_back_first() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.db");
        let conn = demo(&live);
        let file = dir.path().join("b.db");
        backup(&conn, &file, false).unwrap();
        drop(conn);
        let actuals = count(&live, "SELECT count(*) FROM actual");
        // A restore killed mid-copy: the target half-written, its rollback journal beside it.
        // Made by copying both files while a big write transaction has spilled into the file.
        let half = dir.path().join("half.db");
        {
            let w = Connection::open(&live).unwrap();
            let _: String = w
                .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
                .unwrap();
            w.execute_batch(
                "PRAGMA cache_size = 10; BEGIN; CREATE TABLE junk(b BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                 INSERT INTO junk SELECT randomblob(20000) FROM n;",
            )
            .unwrap();
            std::fs::copy(&live, &half).unwrap();
            std::fs::copy(sidecar(&live, "-journal"), sidecar(&half, "-journal")).unwrap();
            w.execute_batch("ROLLBACK").unwrap();
        }
        assert!(std::fs::metadata(sidecar(&half, "-journal")).unwrap().len() > 0);
        assert_ne!(std::fs::read(&half).unwrap(), std::fs::read(&live).unwrap());
        // Refused without --force: the rolled-back target is the old database, which holds data.
        let err = restore(&file, &half, false).unwrap_err().to_string();
        assert!(err.contains("already holds data"), "{err}");
        assert!(!sidecar(&half, "-journal").exists());
        assert_eq!(count(&half, "SELECT count(*) FROM actual"), actuals);
        restore(&file, &half, true).unwrap();
        let conn = open(&half).unwrap();
        assert!(crate::store::check::run(&conn).unwrap().is_clean());
        let junk: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'junk'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(junk, 0);
    }
}
