//! Books on a PostgreSQL server: telling a connection string from a path, connecting, making the
//! books on an empty database (the DBA's one step), and the team a lead manages. The rules are
//! the server's (roles, row-level security, the append-only log, closed periods): see
//! `docs/postgres.md`.

use std::path::Path;

use crate::store::engine::copy::{self, Copied};
use crate::store::engine::pg::{PgBooks, PgInit, Role};
use crate::store::engine::pg_dump::{self, PgBackup};
use crate::store::locator::{Locator, locate};
use crate::store::{Result, StoreError};

/// The connection string `given` names, when it names a server rather than a file.
pub fn conninfo(given: &Path) -> Option<(String, String)> {
    match locate(given) {
        Locator::Postgres { shown } => Some((given.to_str()?.trim().to_string(), shown)),
        Locator::File => None,
    }
}

/// Connects to the books on the server `conninfo` names (`shown`: the same, password hidden).
/// `plain_tcp` allows an unencrypted connection to another machine.
pub fn connect(conninfo: &str, shown: &str, plain_tcp: bool) -> Result<PgBooks> {
    PgBooks::connect(conninfo, shown, plain_tcp)
}

/// Makes new books on an empty database: the schema, the council (by default named as the
/// database) and its first lead (by default the login running this). Refuses another
/// application's database or a newer Outturn's, untouched.
pub fn init(books: &mut PgBooks, council: Option<&str>, lead: Option<&str>) -> Result<PgInit> {
    let login = books.login()?;
    let council = match council {
        Some(c) if !c.trim().is_empty() => c.trim().to_string(),
        Some(_) => {
            return Err(StoreError::Refused(
                "--council: give the council's name".to_string(),
            ));
        }
        None => books.database()?,
    };
    let lead = lead.map_or(login, |l| l.trim().to_string());
    books.init(&council, &lead)
}

/// Gives `login` the role named `role` in the lead's council.
pub fn team_grant(books: &mut PgBooks, login: &str, role: &str) -> Result<Role> {
    let Some(role) = Role::parse(role) else {
        return Err(StoreError::Refused(format!(
            "--role: '{role}' is not a role; give viewer, officer or lead"
        )));
    };
    books.team_grant(login.trim(), role)?;
    Ok(role)
}

/// The council's team, by login.
pub fn team_list(books: &mut PgBooks) -> Result<Vec<(String, Role)>> {
    books.team_list()
}

/// The login the server knows this session by.
pub fn login(books: &mut PgBooks) -> Result<String> {
    books.login()
}

/// Backs the council's books up to `file` with `pg_dump`, and checks the archive.
pub fn backup(books: &mut PgBooks, conninfo: &str, file: &Path, force: bool) -> Result<PgBackup> {
    pg_dump::backup(books, conninfo, file, force)
}

/// Restores an archive into the empty database `books` is connected to with `pg_restore`, and
/// checks the books restored; returns their audit events.
pub fn restore(books: &mut PgBooks, conninfo: &str, file: &Path) -> Result<i64> {
    pg_dump::restore(books, conninfo, file)
}

/// Copies books between a SQLite file and a server, either way: everything, with the audit log
/// as it was written. Refused between two files or two servers (backup and restore do that).
pub fn copy(from: &Path, to: &Path, plain_tcp: bool) -> Result<Copied> {
    match (conninfo(from), conninfo(to)) {
        (None, Some((to_info, to_shown))) => {
            let mut dest = connect(&to_info, &to_shown, plain_tcp)?;
            copy::file_to_server(from, &mut dest)
        }
        (Some((from_info, from_shown)), None) => {
            let mut source = connect(&from_info, &from_shown, plain_tcp)?;
            copy::server_to_file(&mut source, to)
        }
        (None, None) => Err(StoreError::Refused(
            "--from and --to are both files: copy one file's books to another with backup and restore".to_string(),
        )),
        (Some(_), Some(_)) => Err(StoreError::Refused(
            "--from and --to are both servers: move books between servers with backup and restore (pg_dump and pg_restore)".to_string(),
        )),
    }
}
