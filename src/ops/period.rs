//! Closing and reopening periods: the whole step each time (the lock, the comment gate, the
//! report and financing snapshots; or the unlock and the snapshots discarded), never its pieces.

use crate::domain::{FinancialYear, Period};
use crate::store;
use crate::store::cabinet::{self, Closed};
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities::SnapshotInfo;
use crate::store::locks::{self, ClosedPeriod};

/// What a reopen did.
#[derive(Debug, Clone, PartialEq)]
pub struct Reopened {
    /// How many closed periods were removed (the one named and every later one).
    pub periods: usize,
    /// The snapshots discarded with them.
    pub discarded: Vec<SnapshotInfo>,
    /// The date still locked through afterwards, if any period is still closed.
    pub locked_through: Option<chrono::NaiveDate>,
}

/// Closes `period` of `fy` (see [`cabinet::close`]), in its own audited transaction.
pub fn close(
    books: &mut impl Store,
    fy: FinancialYear,
    period: Period,
    allow_missing_comments: bool,
) -> store::Result<Closed> {
    books.write_step(|tx| close_in(tx, fy, period, allow_missing_comments))
}

/// [`close`] inside a transaction already open.
pub(crate) fn close_in(
    tx: &impl Sql,
    fy: FinancialYear,
    period: Period,
    allow_missing_comments: bool,
) -> store::Result<Closed> {
    cabinet::close(tx, fy, period, allow_missing_comments)
}

/// Reopens `period` of `fy` and every later closed period, discarding their snapshots, with
/// `reason` in the audit log.
pub fn reopen(
    books: &mut impl Store,
    fy: FinancialYear,
    period: Period,
    reason: &str,
) -> store::Result<Reopened> {
    books.write_step(|tx| reopen_in(tx, fy, period, reason))
}

/// [`reopen`] inside a transaction already open.
pub(crate) fn reopen_in(
    tx: &impl Sql,
    fy: FinancialYear,
    period: Period,
    reason: &str,
) -> store::Result<Reopened> {
    let (periods, discarded) = cabinet::reopen(tx, fy, period, reason)?;
    Ok(Reopened {
        periods,
        discarded,
        locked_through: locks::locked_through(tx)?,
    })
}

/// The closed periods, oldest first.
pub fn list_closed(books: &impl Sql) -> store::Result<Vec<ClosedPeriod>> {
    locks::list_closed(books)
}
