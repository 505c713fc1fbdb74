//! The engines the books can be kept in. SQLite, the embedded default, is the rest of `store/`.
//! PostgreSQL, a team's shared server, is here: reaching it ([`pg_connect`], with
//! [`pgpass`]), its errors in Outturn's words ([`pg_error`]), and its books ([`pg`]): the
//! migrations in `postgres/*.sql`, the login, the team.

pub mod copy;
pub mod pg;
pub mod pg_connect;
pub mod pg_dump;
pub mod pg_error;
pub mod pg_listen;
pub mod pg_load;
pub mod pgpass;
pub mod sql;

use crate::store::Result;

/// Books an operation can write, on either engine: each step runs in one transaction, committed
/// when it succeeds and rolled back, leaving nothing half-written, when it fails. On a server the
/// transaction is SERIALIZABLE, steps of one council take turns, and a step that lost a race
/// with a change written outside Outturn runs again
/// ([`pg::PgBooks::write`]), so a step must do nothing outside the books it could not do twice.
pub trait Store: sql::Sql {
    /// The open transaction a step is given.
    type Tx<'t>: sql::Sql
    where
        Self: 't;

    /// Runs `step` in one write transaction.
    fn write_step<T>(&mut self, step: impl FnMut(&Self::Tx<'_>) -> Result<T>) -> Result<T>;

    /// A SQLite file's books, for the bulk load that tunes SQLite itself around its one
    /// transaction (its journal, indexes and totals); None on a server, whose bulk load is
    /// `COPY` inside a transaction of its own.
    fn sqlite_books(&mut self) -> Option<&mut crate::store::Books> {
        None
    }
}

impl Store for crate::store::Books {
    type Tx<'t> = rusqlite::Transaction<'t>;

    fn write_step<T>(&mut self, mut step: impl FnMut(&Self::Tx<'_>) -> Result<T>) -> Result<T> {
        self.write(|tx| step(tx))
    }

    fn sqlite_books(&mut self) -> Option<&mut crate::store::Books> {
        Some(self)
    }
}

impl Store for rusqlite::Connection {
    type Tx<'t> = rusqlite::Transaction<'t>;

    fn write_step<T>(&mut self, mut step: impl FnMut(&Self::Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = crate::store::write_tx(self)?;
        let out = step(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn sqlite_books(&mut self) -> Option<&mut crate::store::Books> {
        Some(crate::store::HandleMut::books_mut(self))
    }
}

impl Store for pg::PgBooks {
    type Tx<'t> = sql::PgConn;

    fn write_step<T>(&mut self, step: impl FnMut(&Self::Tx<'_>) -> Result<T>) -> Result<T> {
        self.write(step)
    }
}
