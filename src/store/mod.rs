//! The store: the only module that imports rusqlite. It owns opening the database (WAL, foreign keys,
//! busy timeout, owner-only file mode), the versioned migrations, and plain query functions over a
//! `&Connection` that return domain types. Every write path runs in one transaction and records an
//! audit event in that same transaction.

pub mod actual_digest;
pub mod audit;
pub mod backup;
pub mod batches;
pub mod books;
pub mod browse;
pub mod browse_reload;
pub mod cabinet;
pub mod capture;
pub mod check;
mod check_locked;
pub mod edit;
pub mod engine;
pub mod entities;
pub mod figures;
pub mod financing;
pub mod financing_final;
mod holders;
pub mod ledger_codes;
pub mod limits;
pub mod locator;
pub mod locks;
pub mod open;
pub mod pack;
pub mod profiles;
pub mod replay;
pub mod settings;
pub mod today;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use crate::error::Field;

pub use rusqlite::Connection as Db;

pub use books::{Books, Handle, HandleMut, Tx};

/// Migration steps: entry `i` upgrades a database from `user_version` i to i + 1.
const MIGRATIONS: &[&str] = &[
    include_str!("schema_v1.sql"),
    include_str!("schema_v2.sql"),
    include_str!("schema_v3.sql"),
    include_str!("schema_v4.sql"),
    include_str!("schema_v5.sql"),
    include_str!("schema_v6.sql"),
    include_str!("schema_v7.sql"),
    include_str!("schema_v8.sql"),
    include_str!("schema_v9.sql"),
    include_str!("schema_v10.sql"),
    include_str!("schema_v11.sql"),
    include_str!("schema_v12.sql"),
    include_str!("schema_v13.sql"),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// What can go wrong in the store, each with a message a finance officer can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite itself failed (locked, disk full, corrupt).
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A value given by the user is wrong: names the field and the value.
    #[error("{field}: {message}")]
    Invalid {
        /// The field the value was given for.
        field: Field,
        /// What is wrong, quoting the value.
        message: String,
    },
    /// A referenced record does not exist.
    #[error("{field}: no {what} '{value}'{hint}")]
    NotFound {
        /// The field the reference was given for.
        field: Field,
        /// What kind of record ("phase").
        what: &'static str,
        /// The reference as given.
        value: String,
        /// Extra help, starting with "; " when present.
        hint: String,
    },
    /// The record was changed by someone else since it was read.
    #[error("{0}")]
    Conflict(String),
    /// The change touches a closed period.
    #[error("{0}")]
    Closed(String),
    /// The database refuses the operation (already holds data, newer schema, ...).
    #[error("{0}")]
    Refused(String),
    /// A step refused until the officer does something first: what is wrong, and what to do
    /// (each door says that in its own words).
    #[error("{message}")]
    Fixable {
        /// What is wrong, naming the records.
        message: String,
        /// What to do about it.
        fix: crate::error::Fix,
    },
    /// A refusal and what fixes it: `error` says what is wrong without naming a command or a
    /// key; each door adds the fix in its own words ([`StoreError::fix`]).
    #[error("{error}")]
    Fixed {
        /// What is wrong.
        error: Box<StoreError>,
        /// What to do about it.
        fix: crate::error::Fix,
    },
    /// A record could not be written to the audit log.
    #[error("audit record: {0}")]
    Json(#[from] serde_json::Error),
    /// The PostgreSQL server failed (not a refusal by its rules).
    #[error("database server: {0}")]
    Server(String),
}

impl From<engine::sql::DbError> for StoreError {
    fn from(e: engine::sql::DbError) -> Self {
        use engine::sql::DbError;
        match e {
            DbError::Sqlite(e) => StoreError::Sqlite(e),
            DbError::Postgres(e) => engine::pg_error::from_pg(e),
            DbError::NoRows => StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows),
            DbError::Conversion { column, message } => {
                StoreError::Server(format!("column {column}: {message}"))
            }
        }
    }
}

impl StoreError {
    /// A user-input error (exit status 2 on the command line) rather than a system failure.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self.plain(),
            StoreError::Sqlite(_) | StoreError::Json(_) | StoreError::Server(_)
        )
    }

    /// True when a record looked up was not there (someone else deleted it).
    pub fn is_missing_row(&self) -> bool {
        matches!(
            self.plain(),
            StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows)
        )
    }

    /// This refusal with what fixes it, for the doors to word.
    pub fn with_fix(self, fix: crate::error::Fix) -> Self {
        StoreError::Fixed {
            error: Box::new(self),
            fix,
        }
    }

    /// What fixes this refusal, when the store knows.
    pub fn fix(&self) -> Option<&crate::error::Fix> {
        match self {
            StoreError::Fixed { fix, .. } | StoreError::Fixable { fix, .. } => Some(fix),
            _ => None,
        }
    }

    /// The refusal itself, without what fixes it.
    pub fn plain(&self) -> &StoreError {
        match self {
            StoreError::Fixed { error, .. } => error.plain(),
            other => other,
        }
    }

    /// The refusal itself, dropping what fixes it (for a message that says it another way).
    pub fn into_plain(self) -> StoreError {
        match self {
            StoreError::Fixed { error, .. } => error.into_plain(),
            other => other,
        }
    }

    /// `f` applied to the refusal itself, keeping what fixes it.
    pub fn map_plain(self, f: impl FnOnce(StoreError) -> StoreError) -> StoreError {
        match self {
            StoreError::Fixed { error, fix } => error.map_plain(f).with_fix(fix),
            other => f(other),
        }
    }

    /// Shorthand for [`StoreError::Invalid`].
    pub fn invalid(field: impl Into<Field>, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A condition of the database a person can act on, told apart from the engine's own codes so
/// that the doors can say what to do without naming the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// The disk of the database or of the temporary folder is full (or over its quota).
    DiskFull,
    /// Another program held the database locked past the busy timeout.
    Busy,
    /// The file, its folder or its file system is read-only.
    ReadOnly,
    /// The file cannot be opened (path or permissions).
    CannotOpen,
    /// The file is not a database.
    NotADatabase,
    /// The disk reported an input/output error.
    DiskError,
    /// The database file is damaged.
    Corrupt,
}

/// The condition `err` reports, when it is an engine failure a person can act on (a
/// [`StoreError`] or the engine's own error, found anywhere in a chain of causes).
pub fn condition(err: &(dyn std::error::Error + 'static)) -> Option<Condition> {
    use rusqlite::ErrorCode as C;
    // A file of Outturn's own (an import's temporary file) on a full disk, or over a quota.
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        return matches!(
            io.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        )
        .then_some(Condition::DiskFull);
    }
    let e = match err.downcast_ref::<StoreError>() {
        Some(e) => match e.plain() {
            StoreError::Sqlite(e) => e,
            _ => return None,
        },
        None => err.downcast_ref::<rusqlite::Error>()?,
    };
    Some(match e.sqlite_error_code()? {
        C::DiskFull => Condition::DiskFull,
        C::DatabaseBusy | C::DatabaseLocked => Condition::Busy,
        C::ReadOnly => Condition::ReadOnly,
        C::CannotOpen | C::PermissionDenied => Condition::CannotOpen,
        C::NotADatabase => Condition::NotADatabase,
        C::SystemIoFailure => Condition::DiskError,
        C::DatabaseCorrupt => Condition::Corrupt,
        _ => return None,
    })
}

#[cfg(test)]
mod condition_tests {
    use super::*;

    #[test]
    fn the_engines_codes_become_conditions_through_a_chain() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        );
        let err = anyhow::Error::new(StoreError::Sqlite(full)).context("opening x");
        assert_eq!(err.chain().find_map(condition), Some(Condition::DiskFull));
        let ro = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            None,
        );
        assert_eq!(
            condition(&StoreError::Sqlite(ro)),
            Some(Condition::ReadOnly)
        );
        assert_eq!(condition(&StoreError::Refused("no".into())), None);
        // The import's temporary file on a full disk (ENOSPC).
        let io = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let err = anyhow::Error::new(io).context("writing the temporary file");
        assert_eq!(err.chain().find_map(condition), Some(Condition::DiskFull));
        let other = std::io::Error::other("x");
        assert_eq!(condition(&other), None);
    }
}

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where the database lives when neither `--db` nor `OUTTURN_DB` says: the user's data directory
/// (`~/.local/share/outturn/outturn.db` on Linux).
pub fn default_path() -> PathBuf {
    directories::ProjectDirs::from("uk", "Outturn", "outturn")
        .map(|d| d.data_dir().join("outturn.db"))
        .unwrap_or_else(|| PathBuf::from("outturn.db"))
}

/// Opens (creating if needed) the database at `path` and brings its schema up to date. The file
/// is identified first by reading only (see [`open`](mod@open)): another application's database,
/// or one written by a newer Outturn, is refused with not a byte changed. A file this process may
/// not write is opened read-only (reading commands work; a write is refused).
pub fn open(path: &Path) -> Result<Connection> {
    open::check_database_path(path)?;
    let path = open::resolve_path(path);
    let path = path.as_path();
    // A restore holds the file while it writes the backup in: say so rather than wait for it.
    if let Some(pid) = open::restore_under_way(path) {
        return Err(open::restoring(path, pid));
    }
    crate::io::output_file::protect_database(path);
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Refused(format!("cannot create folder {}: {e}", dir.display()))
        })?;
    }
    if !path.exists() {
        create_owner_only(path)?;
    } else if open::read_only_file(path) {
        return open_read_only_checked(path);
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(30))?;
    // Read-only inspection first: nothing below runs on a file that is not ours.
    let marked = match open::identify(&conn)? {
        open::Identity::Foreign(why) => return Err(open::not_outturn(path, &why)),
        open::Identity::Outturn { version, .. } if version > SCHEMA_VERSION => {
            return Err(open::newer(path, version));
        }
        open::Identity::Outturn { marked, .. } => marked,
        open::Identity::Empty => false,
    };
    configure(&conn)?;
    migrate(&conn)?;
    if !marked {
        conn.pragma_update(None, "application_id", open::APPLICATION_ID)?;
    }
    capture::install(&conn)?;
    Ok(conn)
}

/// Opens a database this process may only read: identified, not upgraded, not changed.
fn open_read_only_checked(path: &Path) -> Result<Connection> {
    let conn = open::open_read_only(path)?;
    match open::identify(&conn)? {
        open::Identity::Foreign(why) => Err(open::not_outturn(path, &why)),
        open::Identity::Empty => Err(StoreError::Refused(format!(
            "{} is empty and read-only: Outturn cannot create its tables there; make it \
             writable (chmod u+w) or give another --db",
            path.display()
        ))),
        open::Identity::Outturn { version, .. } if version > SCHEMA_VERSION => {
            Err(open::newer(path, version))
        }
        open::Identity::Outturn { version, .. } if version < SCHEMA_VERSION => {
            Err(StoreError::Refused(format!(
                "{} is read-only and needs upgrading to schema version {SCHEMA_VERSION} \
                 (it has {version}): make it writable (chmod u+w) and run the command again",
                path.display()
            )))
        }
        open::Identity::Outturn { .. } => {
            conn.pragma_update(None, "foreign_keys", "ON")?;
            Ok(conn)
        }
    }
}

/// Opens an existing database without creating it.
pub fn open_existing(path: &Path) -> Result<Connection> {
    open::check_database_path(path)?;
    if !path.exists() {
        return Err(
            StoreError::Refused(format!("no database at {}", path.display()))
                .with_fix(crate::error::Fix::CreateDatabase),
        );
    }
    open(path)
}

/// An in-memory database with the current schema (tests, previews).
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&conn)?;
    copy_fresh_schema(&mut conn)?;
    conn.pragma_update(None, "application_id", open::APPLICATION_ID)?;
    capture::install(&conn)?;
    Ok(conn)
}

/// Gives `conn` (empty, in memory) the current schema: copied page by page from a database
/// migrated once per process, rather than running every migration again each time.
fn copy_fresh_schema(conn: &mut Connection) -> Result<()> {
    static TEMPLATE: std::sync::OnceLock<std::sync::Mutex<Connection>> = std::sync::OnceLock::new();
    let template = match TEMPLATE.get() {
        Some(t) => t,
        None => {
            let fresh = Connection::open_in_memory()?;
            configure(&fresh)?;
            migrate(&fresh)?;
            TEMPLATE.get_or_init(|| std::sync::Mutex::new(fresh))
        }
    };
    // A panic elsewhere while the lock was held cannot leave the template half-copied: it is
    // only ever read.
    let template = template
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    rusqlite::backup::Backup::new(&template, conn)?.run_to_completion(
        i32::MAX,
        std::time::Duration::ZERO,
        None,
    )?;
    Ok(())
}

/// Creates the new file `path` readable and writable by its owner only (0600 on Unix, an access
/// list on Windows: see [`crate::io::platform::owner_only`]).
pub(crate) fn create_owner_only(path: &Path) -> Result<()> {
    crate::io::platform::owner_only::create_new(path)
        .map(|_| ())
        .map_err(|e| StoreError::Refused(format!("cannot create {}: {e}", path.display())))
}

/// The page size of a new database, in bytes.
pub const PAGE_SIZE: i64 = 16_384;

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(30))?;
    // 16 KiB pages for a new database (an existing one keeps its own; this must come before
    // WAL): a million-line import writes, spills and checkpoints a quarter as many pages as at
    // SQLite's default 4 KiB, and the B-trees are shallower.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // WAL: readers never block the writer; a writer waits (busy timeout) rather than fails.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    // FULL: a commit is on disk (the write-ahead log synced) before it is reported done, so a
    // power cut never loses a committed change. The cost is measured in the README.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// The schema version recorded in the database.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies each pending migration step in its own transaction.
pub fn migrate(conn: &Connection) -> Result<()> {
    let current = schema_version(conn)?;
    if current > SCHEMA_VERSION {
        let path = conn.path().unwrap_or("this database");
        return Err(open::newer(Path::new(path), current));
    }
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    // A step may rebuild a table that others refer to (SQLite's way to change a constraint), so
    // steps run with foreign keys off, as SQLite's documentation prescribes, and every reference
    // is checked before the step commits.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // Upgrading a database (or a step that wrote rows): the last step records the whole of the
    // books as a baseline event, from which `check` replays (older events carry no row images, and
    // a step may have reshaped rows).
    let result = MIGRATIONS
        .iter()
        .enumerate()
        .skip(current as usize)
        .try_for_each(|(i, step)| {
            let last = i + 1 == MIGRATIONS.len();
            migrate_step(conn, i, step, last.then_some(current))
        });
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result
}

/// Applies migration `i` (to version i + 1) in one transaction; refuses if it broke a reference.
/// With `baseline_from`, the step ends by recording the upgrade's baseline audit event.
fn migrate_step(conn: &Connection, i: usize, step: &str, baseline_from: Option<i64>) -> Result<()> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    tx.execute_batch(step)?;
    // (Nothing to baseline in a database that holds no rows and no events.)
    if let Some(from) = baseline_from
        && (books_hold_rows(&tx)? || audit::count(&tx)? > 0)
    {
        audit::record_baseline(
            &tx,
            &format!("schema upgraded from version {from} to {}", i + 1),
        )?;
    }
    let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if broken > 0 {
        return Err(StoreError::Refused(format!(
            "upgrading the database to schema version {} would break {broken} references; \
             the database was not changed",
            i + 1
        )));
    }
    tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    tx.commit()?;
    Ok(())
}

/// True when any table of the books holds a row.
fn books_hold_rows(conn: &Connection) -> Result<bool> {
    for t in capture::tables(conn)? {
        let n: i64 = conn.query_row(
            &format!(
                "SELECT count(*) FROM (SELECT 1 FROM main.\"{}\" LIMIT 1)",
                t.name
            ),
            [],
            |r| r.get(0),
        )?;
        if n > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Starts a write transaction that takes the write lock at once (so it waits on the busy timeout
/// instead of failing half-way).
pub fn write_tx(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// SQLite's `PRAGMA data_version`: a number that changes when another connection (another
/// Outturn, the command line, `sqlite3`) commits a change to the database; this connection's own
/// commits leave it as it is. The TUI polls it to reload what another process changed.
pub fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
}

/// A number that changes when another officer commits a change to these books, on either
/// engine: SQLite's [`data_version`], or on a server the count of changes heard by `LISTEN`
/// (`engine::pg_listen`), which begins with the first call.
pub fn changes_seen(conn: &impl engine::sql::Sql) -> Result<i64> {
    match (conn.as_sqlite(), conn.as_pg()) {
        (Some(c), _) => data_version(c),
        (None, Some(pg)) => Ok(pg.changes_heard()?),
        (None, None) => Ok(0),
    }
}

/// True when the database holds any programme, framework or actual.
pub fn holds_data(conn: &Connection) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM programme) + (SELECT count(*) FROM framework) \
         + (SELECT count(*) FROM actual) + (SELECT count(*) FROM decision)",
        [],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Who is acting, as recorded in the batch and closed-period tables: the operating-system login,
/// with the name given by `OUTTURN_USER` beside it when there is one (`jsmith (as officer-a)`).
/// The environment never replaces the login.
pub fn current_user() -> String {
    match acting_name() {
        Some(name) => format!("{} (as {name})", os_login()),
        None => os_login(),
    }
}

/// Who is writing, as [`current_user`] says it, on either engine: on a PostgreSQL server the
/// login the server knows (`session_user`), with the name given beside it.
pub fn current_user_on(conn: &impl engine::sql::Sql) -> Result<String> {
    if conn.as_pg().is_none() {
        return Ok(current_user());
    }
    let login: String = conn.query_row("SELECT session_user::text", crate::sql_params![], |r| {
        r.get(0)
    })?;
    Ok(match acting_name() {
        Some(name) => format!("{login} (as {name})"),
        None => login,
    })
}

/// The operating-system login of this process (the user list on Unix, `GetUserNameW` on Windows;
/// see [`crate::io::platform::login`]), or `unknown` when the system gives none.
pub fn os_login() -> String {
    crate::io::platform::login::os_user().unwrap_or_else(|| "unknown".to_string())
}

/// The name given by `OUTTURN_USER`, recorded beside the login (never instead of it).
pub fn acting_name() -> Option<String> {
    std::env::var("OUTTURN_USER")
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Now, as stored in the audit log and batches: UTC, RFC 3339 to the second.
pub fn now_stamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(conn: &Connection) -> Vec<(String, String)> {
        let mut st = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn migrations_validate_and_are_idempotent() {
        let conn = open_in_memory().unwrap();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        let before = schema_of(&conn);
        migrate(&conn).unwrap();
        assert_eq!(schema_of(&conn), before);
        let fk: Vec<(String,)> = conn
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?,)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(fk.is_empty());
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }

    #[test]
    fn upgraded_database_has_the_schema_of_a_fresh_one() {
        // Apply the steps one by one on a blank database, as an upgrade would.
        let conn = Connection::open_in_memory().unwrap();
        configure(&conn).unwrap();
        migrate(&conn).unwrap();
        let fresh = open_in_memory().unwrap();
        assert_eq!(schema_of(&conn), schema_of(&fresh));
    }

    #[test]
    fn version_2_keeps_import_batches_and_what_refers_to_them() {
        let conn = Connection::open_in_memory().unwrap();
        configure(&conn).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A');
             INSERT INTO import_batch(id, kind, file_name, sha256, rows, total_pence, who, at)
                 VALUES (7, 'actuals', 'a.csv', 'abc', 1, 1250, 'me', '2026-01-01T00:00:00Z');
             INSERT INTO actual(phase_id, date, fy, period, amount_pence, batch_id)
                 VALUES (1, '2025-04-02', 2025, 1, 1250, 7);",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let (kind, batch): (String, i64) = conn
            .query_row(
                "SELECT b.kind, a.batch_id FROM actual a JOIN import_batch b ON b.id = a.batch_id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((kind.as_str(), batch), ("actuals", 7));
        let violations: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);
        conn.execute(
            "INSERT INTO import_batch(kind, file_name, sha256, rows, total_pence, who, at)
             VALUES ('funding', 'f.csv', 'def', 0, 0, 'me', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    }

    /// A database in memory as version `n` of the schema left it.
    fn at_version(n: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        configure(&conn).unwrap();
        for (i, step) in MIGRATIONS.iter().enumerate().take(n) {
            conn.execute_batch(step).unwrap();
            conn.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
        }
        conn
    }

    #[test]
    fn version_6_adds_funding_and_keeps_what_was_there() {
        let conn = at_version(5);
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A');",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let phase: String = conn
            .query_row("SELECT code FROM phase WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(phase, "A");
        conn.execute(
            "INSERT INTO funding(phase_id, fy, source, amount_pence, status) VALUES (1, 2024, 'capital receipts', 100, 'approved')",
            [],
        )
        .unwrap();
        assert!(
            conn.execute(
                "INSERT INTO funding(phase_id, fy, source, amount_pence, status) VALUES (1, 2024, 'loan', 100, 'approved')",
                [],
            )
            .is_err(),
            "an unknown source is refused by the schema"
        );
    }

    #[test]
    fn version_13_owes_the_pack_lines_and_a_discarded_snapshot_takes_them_with_it() {
        let conn = at_version(12);
        conn.execute_batch(
            "INSERT INTO closed_period(fy, period, through_date, who, at)
                 VALUES (2017, 7, '2017-10-31', 'me', '2026-01-01T00:00:00Z');
             INSERT INTO snapshot(id, kind, fy, period, rag_red_pct, rag_amber_pct, source, who, at)
                 VALUES (1, 'monitoring', 2017, 7, '5', '10', 'close', 'me', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let owed: (String, i64, i64) = conn
            .query_row("SELECT kind, fy, period FROM snapshot_owed", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(owed, ("pack".to_string(), 2017, 7));
        conn.execute_batch(
            "INSERT INTO snapshot_pack(snapshot_id) VALUES (1);
             INSERT INTO snapshot_contract_row(snapshot_id, seq, programme_id, programme_code,
               phase_code, reference, title, supplier, value_pence, paid_to_date_pence,
               committed_pence, start_date, term_months, end_date)
               VALUES (1, 0, 1, 'P', 'A', 'K', '', 'S', 100, 0, 100, '2017-10-01', 12, '2018-09-30');
             INSERT INTO snapshot_contract_option(snapshot_id, seq, option_seq, months,
               estimate_pence, exercised) VALUES (1, 0, 0, 6, 50, 0);
             INSERT INTO snapshot_milestone_row(snapshot_id, seq, milestone_id, programme_code,
               phase_code, phase_name, name, baseline, status, slippage_days, rag)
               VALUES (1, 0, 1, 'P', 'A', 'A', 'M', '2017-10-01', 'in progress', 30, 'Amber');
             DELETE FROM snapshot WHERE id = 1;",
        )
        .unwrap();
        for table in [
            "snapshot_pack",
            "snapshot_contract_row",
            "snapshot_contract_option",
            "snapshot_milestone_row",
        ] {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0, "{table} goes with its snapshot");
        }
    }

    #[test]
    fn version_8_owes_the_financing_snapshot_of_each_closed_period_and_keeps_the_report_one() {
        let conn = at_version(7);
        conn.execute_batch(
            "INSERT INTO closed_period(fy, period, through_date, who, at)
                 VALUES (2017, 6, '2017-09-30', 'me', '2026-01-01T00:00:00Z');
             INSERT INTO snapshot(id, kind, fy, period, rag_red_pct, rag_amber_pct, source, who, at)
                 VALUES (1, 'monitoring', 2017, 6, '5', '10', 'close', 'me', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let owed: Vec<(String, i64, i64)> = conn
            .prepare("SELECT kind, fy, period FROM snapshot_owed ORDER BY kind")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // Version 12 owes the pack's lines of the same period too.
        assert_eq!(
            owed,
            vec![
                ("financing".to_string(), 2017, 6),
                ("pack".to_string(), 2017, 6)
            ]
        );
        let kept: String = conn
            .query_row("SELECT kind FROM snapshot WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, "monitoring");
    }

    #[test]
    fn newer_database_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        {
            let conn = open(&path).unwrap();
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
        }
        let err = open(&path).unwrap_err().to_string();
        assert!(err.contains("newer than this Outturn"), "{err}");
        let conn = Connection::open(&path).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION + 1);
    }

    #[test]
    fn a_new_database_has_16k_pages_and_an_existing_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |conn: &Connection| -> i64 {
            conn.query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap()
        };
        let new = dir.path().join("new.db");
        assert_eq!(page_size(&open(&new).unwrap()), PAGE_SIZE);
        let old = dir.path().join("old.db");
        {
            let conn = Connection::open(&old).unwrap();
            // An Outturn database from before 16 KiB pages (schema version 1, no mark).
            conn.execute_batch("PRAGMA page_size = 4096;").unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
        }
        let conn = open(&old).unwrap();
        assert_eq!(page_size(&conn), 4096);
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[cfg(unix)]
    #[test]
    fn new_database_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn check_constraints_refuse_bad_rows() {
        let conn = open_in_memory().unwrap();
        assert!(
            conn.execute(
                "INSERT INTO programme(code, name, status) VALUES ('X', 'X', 'bogus')",
                []
            )
            .is_err()
        );
        assert!(
            conn.execute(
                "INSERT INTO phase(programme_id, code, name) VALUES (999, 'P', 'P')",
                []
            )
            .is_err(),
            "foreign keys are on"
        );
    }

    #[test]
    fn version_13_indexes_the_references_of_the_actuals_it_keeps() {
        // Every step before the references' index, then the actuals, then the rest.
        let conn = Connection::open_in_memory().unwrap();
        configure(&conn).unwrap();
        let before = MIGRATIONS.len() - 1;
        for (i, step) in MIGRATIONS.iter().enumerate().take(before) {
            conn.execute_batch(step).unwrap();
            conn.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A');
             INSERT INTO actual(id, phase_id, date, fy, period, reference, amount_pence) VALUES
               (1, 1, '2025-04-02', 2025, 1, 'INV-1', 100),
               (2, 1, '2025-04-03', 2025, 1, '', 200),
               (3, 1, '2025-04-04', 2025, 1, 'INV-1', 300);",
        )
        .unwrap();
        migrate(&conn).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        // The actuals are kept; the index holds the two non-blank references, and a lookup by
        // reference reads it rather than every actual.
        let ids: Vec<i64> = conn
            .prepare(
                "SELECT id FROM actual INDEXED BY actual_reference
                 WHERE reference = 'INV-1' AND reference <> '' ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(ids, vec![1, 3]);
        let plan: Vec<String> = conn
            .prepare(
                "EXPLAIN QUERY PLAN
                 SELECT id FROM actual WHERE reference = 'INV-1' AND reference <> ''",
            )
            .unwrap()
            .query_map([], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("; ");
        assert!(plan.contains("actual_reference"), "{plan}");
    }
}
