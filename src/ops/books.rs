//! The books as a whole: where they are kept, opening them for a door (the snapshots owed by
//! periods closed before snapshots were kept taken once, here), creating them (empty or with the
//! demo programmes), backing them up and restoring them, checking them, and sealing the audit log.
//! Each door says what happened in its own words; nothing here names a command or a key.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::domain::{FinancialYear, Period};
use crate::store::audit::{self, Seal};
use crate::store::backup::{self as store_backup, BackupSummary};
use crate::store::check::{self as store_check, CheckReport};
use crate::store::entities::{self as e, FINANCING};
use crate::store::{self, Books, Condition, Handle, HandleMut, StoreError, cabinet};

/// The database to work on: `given` (from the door's option or the environment) or the default
/// place in the user's data directory, with a symbolic link followed to the real file, which is
/// then opened, backed up or replaced.
pub fn db_path(given: Option<&Path>) -> PathBuf {
    let path = given.map_or_else(store::default_path, Path::to_path_buf);
    store::open::resolve_path(&path)
}

/// Refuses a `--db` that cannot be a database file (a connection string, a folder, a device
/// name, a loop of links) before anything is offered or created there.
pub fn check_path(given: &Path) -> Result<(), StoreError> {
    store::open::check_database_path(given)
}

/// The books' location as shown to people: a path as given, a connection string with its
/// password hidden.
pub fn shown(given: &Path) -> String {
    match store::locator::locate(given) {
        store::locator::Locator::Postgres { shown } => shown,
        store::locator::Locator::File => given.display().to_string(),
    }
}

/// "Today": `OUTTURN_TODAY` (ISO or UK date) when set, to see the books as of a date; otherwise
/// the local date. The error says what is wrong with the date given.
pub fn today() -> Result<NaiveDate, String> {
    e::today()
}

/// The condition of the database `err` reports, when it is one a person can act on (disk full,
/// locked, read-only, ...): each door says what to do about it.
pub fn condition(err: &(dyn std::error::Error + 'static)) -> Option<Condition> {
    store::condition(err)
}

/// The snapshots taken on opening books closed before snapshots were kept.
#[derive(Debug, Clone, PartialEq)]
pub struct OwedTaken {
    /// The periods they were taken for, oldest first, each named once.
    pub periods: Vec<(FinancialYear, Period)>,
    /// True when every snapshot taken was a financing statement (the reports were kept already).
    pub financing_only: bool,
}

/// Books opened for a door, and the owed snapshots taken on opening them (if any).
#[derive(Debug)]
pub struct Opened {
    /// The books.
    pub books: Books,
    /// The snapshots owed and taken now, from the live figures; None when none were owed.
    pub owed: Option<OwedTaken>,
}

/// Opens the existing books at `path`. Books upgraded from before snapshots were kept have their
/// closed periods' snapshots taken here, once, from the live figures, in one audited transaction.
pub fn open(path: &Path) -> store::Result<Opened> {
    let mut books = Books::open_existing(path)?;
    let mut owed = None;
    if cabinet::snapshots_owed(&books)? {
        let taken = books.write(|tx| cabinet::take_owed(tx))?;
        if !taken.is_empty() {
            // A period owed both its report and its financing statement is named once.
            let mut periods: Vec<(FinancialYear, Period)> = Vec::new();
            for s in &taken {
                if !periods.contains(&(s.fy, s.period)) {
                    periods.push((s.fy, s.period));
                }
            }
            owed = Some(OwedTaken {
                periods,
                financing_only: taken.iter().all(|s| s.kind == FINANCING),
            });
        }
    }
    Ok(Opened { books, owed })
}

/// What [`init`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Init {
    /// The books are ready (with the demo programmes when asked).
    Created,
    /// The books already hold data: nothing was changed.
    HoldsData,
}

/// Readies new books: refuses books that already hold data (any programme, framework, actual or
/// decision), and loads the demo programmes when `demo` is asked, in one audited transaction.
pub fn init(books: &mut impl HandleMut, demo: bool) -> store::Result<Init> {
    let books = books.books_mut();
    if store::holds_data(books)? {
        return Ok(Init::HoldsData);
    }
    if demo {
        books.write(|tx| crate::io::demo::load_all(tx.books()))?;
    }
    Ok(Init::Created)
}

/// New books at `path` (a file that does not exist yet) holding the demo programmes.
pub fn create_demo(path: &Path) -> store::Result<Books> {
    let mut books = Books::open(path)?;
    books.write(|tx| crate::io::demo::load_all(tx.books()))?;
    Ok(books)
}

/// What a backup wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackedUp {
    /// The number of audit events in the books backed up.
    pub audit_events: i64,
}

/// Backs the books up to `file` (readable by the owner only; safe while they are in use);
/// refuses to replace an existing file unless `force`.
pub fn backup(books: &impl Handle, file: &Path, force: bool) -> store::Result<BackedUp> {
    let books = books.books();
    store_backup::backup(books, file, force)?;
    Ok(BackedUp {
        audit_events: audit::count(books)?,
    })
}

/// Replaces the books at `target` with the backup at `file`, after checking the backup; refused
/// while they are in use, or when they hold data and `force` is not given. The books restored are
/// brought to this Outturn's schema at once, so that their first user is not the one to.
pub fn restore(file: &Path, target: &Path, force: bool) -> store::Result<BackupSummary> {
    let summary = store_backup::restore(file, target, force)?;
    drop(Books::open_existing(target)?);
    Ok(summary)
}

/// Checks the books (integrity, references, the budget rules, the schema, the audit chain and
/// the replay of the audit log) and, given a `seal`, that the log up to it is the one sealed.
/// On a PostgreSQL server the checks of SQLite's own file are not run (the report names them).
pub fn check(books: &impl crate::ops::Sql, seal: Option<&Seal>) -> store::Result<CheckReport> {
    let mut report = store_check::run(books)?;
    if let Some(seal) = seal {
        report.checks += 1;
        report.findings.extend(audit::verify_seal(books, seal)?);
    }
    Ok(report)
}

/// The seal of the audit log as it stands (None when the log is empty): on a server, the
/// council's log.
pub fn seal(books: &impl crate::ops::Sql) -> store::Result<Option<Seal>> {
    audit::seal(books)
}

/// The login the audit log records on books in a file: the officer's login on this machine.
pub fn login() -> String {
    store::os_login()
}
