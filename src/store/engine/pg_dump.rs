//! Backing up and restoring books on a PostgreSQL server with the server's own tools, as a DBA
//! would: `pg_dump --format=custom` (consistent while officers write, with
//! `--serializable-deferrable`; every council's rows, so run by the DBA) and
//! `pg_restore` into an empty database. Outturn runs them, then checks what they made: a backup
//! that `pg_restore --list` reads and that holds the audit log; restored books that are
//! Outturn's, with their audit log whole.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::pg::{Holds, PgBooks};
use super::pgpass;
use crate::io::output_file::{OutputFile, folder_of, remove_stale_partials};
use crate::store::{Result, StoreError};

fn refused(message: String) -> StoreError {
    StoreError::Refused(message)
}

/// PostgreSQL's client tool `name`, from PATH or Debian's folders.
fn tool(name: &str) -> Result<PathBuf> {
    let exe = if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_string()
    };
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = entries.flatten().map(|e| e.path().join("bin")).collect();
        versions.sort();
        versions.reverse();
        dirs.extend(versions);
    }
    dirs.into_iter()
        .map(|d| d.join(&exe))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            refused(format!(
                "{name} was not found: install PostgreSQL's client tools (the same version as the server or newer) and put them on PATH"
            ))
        })
}

/// Runs a client tool with the password from the password command (the tool reads the password
/// file itself), failing with what it printed.
fn run(mut cmd: Command, what: &str) -> Result<String> {
    if let Some(pw) = pgpass::from_command() {
        cmd.env("PGPASSWORD", pw.map_err(refused)?);
    }
    let out = cmd
        .output()
        .map_err(|e| refused(format!("{what} could not be run: {e}")))?;
    if !out.status.success() {
        return Err(refused(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What a backup on a server wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBackup {
    /// The audit events of the council in the books backed up.
    pub audit_events: i64,
    /// The tables whose rows the backup holds.
    pub tables: usize,
}

/// Backs up the council's books on the server to `file` (a `pg_dump` custom-format archive,
/// readable by the owner only), replacing an existing file only when `force`; written beside
/// the file and moved into place, so a failed backup leaves nothing half-written.
pub fn backup(books: &mut PgBooks, conninfo: &str, file: &Path, force: bool) -> Result<PgBackup> {
    books.ensure_books()?;
    if !books.reads_everything()? {
        return Err(refused(format!(
            "a backup of the books at {} is taken by the server's DBA, whose role reads every council's rows (superuser, or BYPASSRLS): run outturn backup with that login",
            books.shown()
        )));
    }
    let out = OutputFile::check("backup", file, force).map_err(|e| refused(e.0))?;
    remove_stale_partials(&folder_of(out.target()));
    let partial = out.partial();
    let mut cmd = Command::new(tool("pg_dump")?);
    cmd.arg("--format=custom")
        .arg("--serializable-deferrable")
        .arg("--no-password")
        .arg(format!("--file={}", partial.display()))
        .arg(format!("--dbname={conninfo}"));
    let dumped = run(cmd, "pg_dump");
    let checked = dumped.and_then(|_| list(&partial));
    let tables = match checked {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    if let Err(e) = crate::io::platform::owner_only::restrict(&partial) {
        let _ = std::fs::remove_file(&partial);
        return Err(refused(format!(
            "{}: could not make the backup readable by you only: {e}",
            file.display()
        )));
    }
    out.replace_with(&partial).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        refused(e.0)
    })?;
    let audit_events = books.audit_events()?;
    Ok(PgBackup {
        audit_events,
        tables,
    })
}

/// Reads an archive's table of contents: the tables whose rows it holds; refused when it is not
/// an archive `pg_restore` reads or holds no audit log.
fn list(archive: &Path) -> Result<usize> {
    let mut cmd = Command::new(tool("pg_restore")?);
    cmd.arg("--list").arg(archive);
    let toc = run(cmd, "pg_restore --list")?;
    let data: Vec<&str> = toc.lines().filter(|l| l.contains(" TABLE DATA ")).collect();
    if !data.iter().any(|l| l.contains(" audit ")) {
        return Err(refused(format!(
            "{} holds no audit log: it is not a backup of Outturn's books",
            archive.display()
        )));
    }
    Ok(data.len())
}

/// Restores the archive `file` into the empty database `books` is connected to (all or nothing:
/// one transaction), then checks that the books restored are Outturn's and their audit log
/// whole. A database that holds anything is refused untouched.
pub fn restore(books: &mut PgBooks, conninfo: &str, file: &Path) -> Result<i64> {
    if !file.is_file() {
        return Err(refused(format!("no backup file at {}", file.display())));
    }
    match books.holds()? {
        Holds::Nothing => {}
        _ => {
            return Err(refused(format!(
                "the database at {} is not empty: restore into a new, empty database (CREATE DATABASE), then point --db at it",
                books.shown()
            )));
        }
    }
    if !books.reads_everything()? {
        return Err(refused(format!(
            "a restore into {} is made by the server's DBA (superuser): run outturn restore with that login",
            books.shown()
        )));
    }
    list(file)?;
    // The rows come back as they were: the triggers that keep running totals and guard closed
    // periods would otherwise run again on them (a total counted twice).
    let mut cmd = Command::new(tool("pg_restore")?);
    cmd.arg("--exit-on-error")
        .arg("--disable-triggers")
        .arg("--single-transaction")
        .arg("--no-password")
        .arg(format!("--dbname={conninfo}"))
        .arg(file);
    run(cmd, "pg_restore")?;
    books.ensure_books()?;
    let findings = books.verify_audit_chain()?;
    if let Some(first) = findings.first() {
        return Err(refused(format!(
            "the books restored at {} from {} fail their check ({first}): do not use them; drop that database and restore another backup",
            books.shown(),
            file.display()
        )));
    }
    books.audit_events()
}
