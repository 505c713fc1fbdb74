//! Opening a database file safely: the path resolved once (a symbolic link followed to the real
//! file), the file identified by reading only, and nothing written to a file that is not an
//! Outturn database or is newer than this Outturn.
//!
//! Outturn marks its databases with `PRAGMA application_id` = [`APPLICATION_ID`] ("OUTT"). On
//! opening: an empty or new file is initialised and marked; a database with Outturn's tables and
//! no mark (made before the mark existed) is marked on this open; any other non-empty SQLite file
//! (another application's id, or tables that are not Outturn's) is refused before a byte is
//! written: no page size, journal mode, synchronous setting or migration touches it. A database
//! the user may only read (file mode 0444, a read-only folder or file system) is opened read-only,
//! so lists, reports, `check` and `backup` still work; a write is refused with one line.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{Result, SCHEMA_VERSION, StoreError};

/// The `application_id` in the header of every Outturn database: the ASCII bytes "OUTT".
pub const APPLICATION_ID: i32 = 0x4F55_5454;

/// The path a database path names: a symbolic link (or a chain of them) is followed to its
/// target, even when the target does not exist yet, so every command opens, backs up and replaces
/// the same real file and the link stays a link.
pub fn resolve_path(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                Ok(target) => {
                    let target = dunce::simplified(&target).to_path_buf();
                    p = match p.parent() {
                        Some(dir) if target.is_relative() => dir.join(target),
                        _ => target,
                    };
                }
                Err(_) => break,
            },
            _ => break,
        }
    }
    // The folder may itself be reached through links: name the real one, as the officer would
    // write it (`C:\Users\...`, not Windows' `\\?\C:\Users\...`: dunce keeps the plain form
    // whenever it means the same file).
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => {
            dunce::canonicalize(dir).map(|d| d.join(name)).unwrap_or(p)
        }
        _ => p,
    }
}

/// What a database file holds, read without writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// No tables: a new database.
    Empty,
    /// Outturn's tables; `marked` when it carries [`APPLICATION_ID`].
    Outturn { marked: bool, version: i64 },
    /// Another application's file: why we think so.
    Foreign(String),
}

/// Reads the file's header and table names (no write).
pub fn identify(conn: &Connection) -> Result<Identity> {
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: Vec<String> = {
        let mut st = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )?;
        st.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    if app != 0 && app != APPLICATION_ID {
        return Ok(Identity::Foreign(format!(
            "it belongs to another application (application id {app:#x})"
        )));
    }
    if tables.is_empty() {
        return Ok(if app == APPLICATION_ID && version > 0 {
            Identity::Outturn {
                marked: true,
                version,
            }
        } else {
            Identity::Empty
        });
    }
    let ours = ["programme", "phase", "audit"]
        .iter()
        .all(|t| tables.iter().any(|n| n == t));
    if app == APPLICATION_ID || (ours && version >= 1) {
        return Ok(Identity::Outturn {
            marked: app == APPLICATION_ID,
            version,
        });
    }
    let sample: Vec<&str> = tables.iter().take(3).map(String::as_str).collect();
    Ok(Identity::Foreign(format!(
        "it holds {} table{} not Outturn's, e.g. {}",
        tables.len(),
        if tables.len() == 1 { "" } else { "s" },
        sample.join(", ")
    )))
}

/// Refuses a `--db` that is a folder, a Windows device name (`NUL`, `COM1`: on Windows), or a
/// chain of symbolic links that never reaches a file (a loop, or more than 40 links), before
/// SQLite is asked to open it: SQLite would report an input/output error, and creating it would
/// say "File exists".
pub fn check_database_path(given: &Path) -> Result<()> {
    if let super::locator::Locator::Postgres { shown } = super::locator::locate(given) {
        return Err(StoreError::invalid(
            "--db",
            format!(
                "'{shown}' is a PostgreSQL connection string, and the TUI does not run on a \
                 PostgreSQL server yet (docs/postgres.md lists what does): give the path of a \
                 database file; nothing was created"
            ),
        ));
    }
    if cfg!(windows)
        && given
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(crate::io::platform::device_names::is_reserved)
    {
        return Err(StoreError::invalid(
            "--db",
            format!(
                "{} is a Windows device name, not a database file: give a file, e.g. outturn.db",
                given.display()
            ),
        ));
    }
    let resolved = resolve_path(given);
    match std::fs::symlink_metadata(&resolved) {
        Ok(m) if m.file_type().is_symlink() => Err(StoreError::invalid(
            "--db",
            format!(
                "{} is a loop of symbolic links (or a chain of more than 40) that never reaches a \
                 file: give the database file itself",
                given.display()
            ),
        )),
        Ok(m) if m.is_dir() => Err(StoreError::invalid(
            "--db",
            format!(
                "{} is a folder, not a database file: give a file, e.g. {}",
                given.display(),
                given.join("outturn.db").display()
            ),
        )),
        _ => Ok(()),
    }
}

/// The refusal for a file that is not an Outturn database.
pub fn not_outturn(path: &Path, why: &str) -> StoreError {
    StoreError::Refused(format!(
        "{} is not an Outturn database ({why}): nothing was changed; give another --db",
        path.display()
    ))
}

/// The refusal for a database written by a newer Outturn.
pub fn newer(path: &Path, version: i64) -> StoreError {
    StoreError::Refused(format!(
        "{} has schema version {version}, newer than this Outturn understands \
         ({SCHEMA_VERSION}): upgrade Outturn; the database was not changed",
        path.display()
    ))
}

/// True when this process may not write the file (its mode has no write bit, or opening it for
/// writing is refused), or its folder (where SQLite keeps its journal) is not writable.
pub fn read_only_file(path: &Path) -> bool {
    let file_ro = match std::fs::metadata(path) {
        Ok(m) => {
            m.permissions().readonly()
                || std::fs::OpenOptions::new().write(true).open(path).is_err()
        }
        Err(_) => false,
    };
    file_ro || folder_read_only(path)
}

fn folder_read_only(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Creating a file is the only sure test (permissions, read-only mounts, root).
    tempfile::Builder::new()
        .prefix(".outturn-probe-")
        .tempfile_in(&dir)
        .is_err()
}

/// Opens `path` read-only. A WAL database in a folder where SQLite cannot create its shared
/// memory file is opened as immutable (nobody can be writing it there either).
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    if conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .is_ok()
    {
        return Ok(conn);
    }
    drop(conn);
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'.' | b'-' | b'_' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    let conn = Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)?;
    Ok(conn)
}

pub use crate::io::output_file::remove_stale_partials;

/// The process of a restore writing into the database at `path` now: another running process
/// whose partial copy (`.NAME.partial-PID`, the checked copy a restore writes beside its target)
/// is beside it. A backup never writes there (a backup onto the database itself is refused).
/// Only where it can be told that the process still runs (Linux's /proc, Windows' process
/// API): a partial copy left by a restore that was killed must never hold the database.
pub fn restore_under_way(path: &Path) -> Option<u32> {
    if cfg!(not(windows)) && !Path::new("/proc/self").exists() {
        return None;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
        let pid = crate::io::output_file::partial_pid(&entry.file_name().to_string_lossy())?;
        (pid != std::process::id()
            && entry.path() == crate::io::output_file::partial_of(path, pid)
            && crate::io::platform::process::running(pid))
        .then_some(pid)
    })
}

/// The refusal of anything but reading while a restore replaces the database at `path`.
pub fn restoring(path: &Path, pid: u32) -> StoreError {
    StoreError::Refused(format!(
        "{} is being restored from a backup (a restore, process {pid}): run the command \
         again when the restore has finished; nothing was changed",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_symlinked_path_resolves_to_its_target_even_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap().join("real.db");
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink("real.db", &link).unwrap();
        assert_eq!(resolve_path(&link), real);
        std::fs::write(&real, "").unwrap();
        assert_eq!(resolve_path(&link), real);
        assert_eq!(resolve_path(&real), real);
    }
}
