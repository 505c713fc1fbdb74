//! [`Books`]: the handle on an Outturn database that everything outside the store holds. The
//! doors (`cli/`, `tui/`), the operations (`ops/`) and `io/` name `Books`, never the engine's
//! connection type: the engine stays a detail of the store.
//!
//! A `Books` is the engine's connection seen through Outturn's type (`#[repr(transparent)]`), so
//! a connection opened by the store (or by a test) can be lent as books without a copy: see
//! [`Handle`] and [`HandleMut`], which public functions outside the store take.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

use ref_cast::RefCast;
use rusqlite::{Connection, Transaction};

use super::Result;

/// An open Outturn database.
#[derive(RefCast)]
#[repr(transparent)]
pub struct Books(Connection);

impl std::fmt::Debug for Books {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Books").field(&self.0.path()).finish()
    }
}

impl Books {
    /// Opens (creating if needed) the database at `path`, bringing its schema up to date (see
    /// [`super::open`](fn@super::open)).
    pub fn open(path: &Path) -> Result<Books> {
        super::open(path).map(Books)
    }

    /// Opens an existing database; refuses a path with nothing there.
    pub fn open_existing(path: &Path) -> Result<Books> {
        super::open_existing(path).map(Books)
    }

    /// A new in-memory database with the current schema.
    pub fn in_memory() -> Result<Books> {
        super::open_in_memory().map(Books)
    }

    /// The file the books are kept in (None in memory).
    pub fn path(&self) -> Option<PathBuf> {
        self.0.path().filter(|p| !p.is_empty()).map(PathBuf::from)
    }

    /// Starts a write transaction (the write lock taken at once): commit it with [`Tx::commit`];
    /// dropped uncommitted, it rolls back and nothing is written.
    pub fn begin(&mut self) -> Result<Tx<'_>> {
        Ok(Tx(super::write_tx(&mut self.0)?))
    }

    /// Runs `step` in one write transaction (the write lock taken at once), committed when it
    /// succeeds and rolled back, leaving nothing half-written, when it fails.
    pub(crate) fn write<T>(
        &mut self,
        step: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = super::write_tx(&mut self.0)?;
        let out = step(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// A write transaction on the books: it reads as [`Books`] (every store function works inside
/// it), and writes nothing until [`Tx::commit`].
pub struct Tx<'a>(Transaction<'a>);

impl Tx<'_> {
    /// Commits the transaction.
    pub fn commit(self) -> Result<()> {
        Ok(self.0.commit()?)
    }
}

impl Deref for Tx<'_> {
    type Target = Books;
    fn deref(&self) -> &Books {
        Books::ref_cast(&self.0)
    }
}

impl Handle for Tx<'_> {
    fn books(&self) -> &Books {
        self
    }
}

impl Deref for Books {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0
    }
}

impl DerefMut for Books {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.0
    }
}

/// Anything that can lend the books to read: [`Books`], or the store's connection or open
/// transaction.
pub trait Handle {
    /// The books, borrowed.
    fn books(&self) -> &Books;
}

/// Anything that can lend the books to write: [`Books`], or the store's connection.
pub trait HandleMut: Handle {
    /// The books, borrowed mutably.
    fn books_mut(&mut self) -> &mut Books;
}

impl Handle for Books {
    fn books(&self) -> &Books {
        self
    }
}

impl HandleMut for Books {
    fn books_mut(&mut self) -> &mut Books {
        self
    }
}

impl Handle for Connection {
    fn books(&self) -> &Books {
        Books::ref_cast(self)
    }
}

impl HandleMut for Connection {
    fn books_mut(&mut self) -> &mut Books {
        Books::ref_cast_mut(self)
    }
}

impl Handle for Transaction<'_> {
    fn books(&self) -> &Books {
        Books::ref_cast(self)
    }
}
