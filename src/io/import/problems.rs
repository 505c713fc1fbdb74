//! What can go wrong in an import, in the user's terms: a problem names the physical line and the
//! column, quoting the value; the error says that nothing was imported and how to go on. Also the
//! closed-period guard, whose message every kind of row shares.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::calendar::uk_date;
use crate::store::batches::Batch;
use crate::store::{StoreError, locks};

/// How many problems are listed before the rest are only counted.
pub const MAX_LISTED: usize = 50;

/// A bad cell or row: the physical line of the file (the header is line 1) and the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// Physical line in the file where the row starts (header = 1).
    pub line: u64,
    /// The column as Outturn names it (`Amount`); empty for a problem with the whole row.
    pub column: String,
    /// What is wrong, quoting the value, and how to fix it.
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

/// Why an import or undo did nothing. In every case the database is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file as given.
        path: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The database refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Bad rows: the first [`MAX_LISTED`] problems and how many more there are.
    #[error("{} in the file: nothing was imported; correct the rows and import the file again", count_text(problems.len() + more, "problem"))]
    Rows {
        /// The problems listed, in file order.
        problems: Vec<RowProblem>,
        /// Problems found beyond those listed.
        more: usize,
    },
    /// The same file (same SHA-256) is already imported as a batch that has not been undone.
    #[error(
        "this file was already imported as batch {} ({}, {}, {}, by {} at {}): nothing was imported; \
         to load it again, undo that batch first with `outturn import undo {}`",
        batch.id, batch.file_name, crate::domain::text::counted(batch.rows, "row"), batch.total.full(), batch.who, batch.at, batch.id
    )]
    AlreadyImported {
        /// The earlier batch.
        batch: Box<Batch>,
    },
    /// Rows that match actuals already held (same reference, date, phase and amount).
    #[error("{} already in the ledger: nothing was imported; leave them out of the file, or import with --skip-duplicates", count_text(problems.len() + more, "row is"))]
    Duplicates {
        /// The duplicate rows listed, in file order.
        problems: Vec<RowProblem>,
        /// Duplicates beyond those listed.
        more: usize,
    },
    /// The header (or `--map`) is unusable, or the file has no rows.
    #[error("{message}")]
    Header {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The bytes cannot be read in the encoding given or detected.
    #[error("{message}")]
    Encoding {
        /// What is wrong and how to fix it.
        message: String,
    },
}

fn count_text(n: usize, what: &str) -> String {
    match (n, what) {
        (1, w) => format!("1 {w}"),
        (n, "row is") => format!("{n} rows are"),
        (n, w) => format!("{n} {w}s"),
    }
}

impl ImportError {
    /// A file with a header and no rows.
    pub(super) fn no_rows(file_name: &str) -> Self {
        ImportError::Header {
            message: format!("{file_name} has no rows under its header: nothing was imported"),
        }
    }

    /// Every line to show a user: each listed problem, "and N more", then the summary.
    pub fn lines(&self) -> Vec<String> {
        match self {
            ImportError::Rows { problems, more } | ImportError::Duplicates { problems, more } => {
                let mut out: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                if *more > 0 {
                    out.push(format!("and {more} more"));
                }
                out.push(self.to_string());
                out
            }
            other => vec![other.to_string()],
        }
    }

    /// True when the error is in the file or in what was asked (exit status 2), false when the
    /// system failed (the database itself).
    pub fn is_user_error(&self) -> bool {
        match self {
            ImportError::Store(s) => s.is_user_error(),
            _ => true,
        }
    }
}

/// Problems in file order: the first [`MAX_LISTED`] kept, the rest counted.
#[derive(Default)]
pub(super) struct Problems {
    pub(super) listed: Vec<RowProblem>,
    pub(super) more: usize,
}

impl Problems {
    /// Records a problem; the message is only built when it will be listed.
    pub(super) fn add(&mut self, line: u64, column: &str, message: impl FnOnce() -> String) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(RowProblem {
                line,
                column: column.to_string(),
                message: message(),
            });
        } else {
            self.more += 1;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// Nothing when there are no problems, else the error that lists them.
    pub(super) fn into_result(self) -> Result<(), ImportError> {
        if self.is_empty() {
            return Ok(());
        }
        Err(ImportError::Rows {
            problems: self.listed,
            more: self.more,
        })
    }
}

/// The closed-period guard, read once per import.
pub(super) struct Lock {
    pub(super) through: Option<NaiveDate>,
    label: String,
}

impl Lock {
    pub(super) fn read(conn: &impl crate::store::engine::sql::Sql) -> Result<Lock, StoreError> {
        let through = locks::locked_through(conn)?;
        let label = locks::list_closed(conn)?
            .last()
            .map(|c| format!("{} {}", c.fy.label(), c.period.label()))
            .unwrap_or_default();
        Ok(Lock { through, label })
    }

    /// No lock: for rows that closed periods do not lock (funding lines, DOMAIN.md "Financing").
    pub(super) fn none() -> Lock {
        Lock {
            through: None,
            label: String::new(),
        }
    }

    /// The message for a row dated in a closed period; `what` quotes the value.
    pub(super) fn message(&self, what: String) -> String {
        format!(
            "{what} falls in a closed period (closed through {}, {}): reopen it with `outturn period \
             reopen` and a reason, or leave this row out",
            self.through.map(uk_date).unwrap_or_default(),
            self.label
        )
    }
}

/// How many answers a lookup cache keeps: beyond this (a file of millions of different bad codes),
/// further codes are looked up each time they occur, so that the cache does not grow with the file.
pub(super) const LOOKUPS_CACHED: usize = 100_000;

/// The answer `held` for `key`, or else `look`'s, kept for the next row that asks: each code or
/// reference in a file is looked up once (up to [`LOOKUPS_CACHED`] of them), and a bad one's
/// message built once.
pub(super) fn look_up_once<Q, K, V>(
    held: &mut HashMap<K, V>,
    key: &Q,
    look: impl FnOnce() -> Result<V, StoreError>,
) -> Result<V, StoreError>
where
    Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    K: Borrow<Q> + Hash + Eq,
    V: Clone,
{
    if let Some(r) = held.get(key) {
        return Ok(r.clone());
    }
    let r = look()?;
    if held.len() < LOOKUPS_CACHED {
        held.insert(key.to_owned(), r.clone());
    }
    Ok(r)
}
