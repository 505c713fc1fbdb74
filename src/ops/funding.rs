//! Funding lines (how each phase's budget for a year is paid for): adding, changing, withdrawing
//! and listing them; finalising a year's financing with its outturn (which locks its lines) and
//! reopening it with a reason. `funding add|edit|withdraw|list|finalise|reopen` and the TUI's
//! Financing view call these.

use chrono::NaiveDate;

use super::register::{named, opt_decision, opt_programme, phase_id};
use crate::domain::financing::{Funding, FundingSource};
use crate::domain::model::AllocationStatus;
use crate::domain::{FinancialYear, Money};
use crate::error::Field;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities as e;
use crate::store::financing_final::{self as fin, FinalFinancing};
use crate::store::{self};

/// A new funding line, as the officer gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFunding {
    /// The programme (code) of the phase, when its code is not unique.
    pub programme: Option<String>,
    /// The phase: its code, or `PROG/PHASE`.
    pub phase: String,
    pub fy: FinancialYear,
    pub source: FundingSource,
    /// More than zero.
    pub amount: Money,
    /// Approved (counts as funding) or projected (shown beside it).
    pub status: AllocationStatus,
    pub funder: Option<String>,
    /// The date a grant or contribution must be spent by.
    pub spend_by: Option<NaiveDate>,
    /// The reference of the decision it rests on.
    pub decision: Option<String>,
    pub note: String,
}

/// What a change to a funding line changes (`None`: left as it is; `Some(None)`: cleared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FundingChange {
    pub source: Option<FundingSource>,
    pub amount: Option<Money>,
    pub status: Option<AllocationStatus>,
    pub funder: Option<Option<String>>,
    pub spend_by: Option<Option<NaiveDate>>,
    /// The decision's reference.
    pub decision: Option<Option<String>>,
    pub note: Option<String>,
}

/// Funding line `id` as it is now; a missing one is refused naming the id.
fn line(tx: &impl Sql, id: i64) -> store::Result<Funding> {
    e::get_funding(tx, id).map_err(|err| named(err, Field::Id))
}

/// Adds a funding line, in its own audited transaction; returns it as added.
pub fn add(books: &mut impl Store, line: &NewFunding) -> store::Result<Funding> {
    books.write_step(|tx| add_in(tx, line))
}

/// [`add`] inside a transaction already open.
pub(crate) fn add_in(tx: &impl Sql, l: &NewFunding) -> store::Result<Funding> {
    let phase_id = phase_id(tx, l.programme.as_deref(), &l.phase, Field::Phase)?;
    let id = e::add_funding(
        tx,
        &e::NewFunding {
            phase_id,
            fy: l.fy,
            source: l.source,
            amount: l.amount,
            status: l.status,
            funder: l.funder.clone(),
            spend_by: l.spend_by,
            decision_id: opt_decision(tx, l.decision.as_deref())?,
            note: l.note.clone(),
        },
    )?;
    e::get_funding(tx, id)
}

/// Changes funding line `id` (refused when it is no longer at `expected_version`; None: as it is
/// now), in its own audited transaction.
pub fn edit(
    books: &mut impl Store,
    id: i64,
    expected_version: Option<i64>,
    change: &FundingChange,
) -> store::Result<()> {
    books.write_step(|tx| edit_in(tx, id, expected_version, change))
}

/// [`edit`] inside a transaction already open.
pub(crate) fn edit_in(
    tx: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    change: &FundingChange,
) -> store::Result<()> {
    let before = line(tx, id)?;
    let decision_id = match &change.decision {
        None => None,
        Some(None) => Some(None),
        Some(Some(d)) => Some(opt_decision(tx, Some(d))?),
    };
    let edit = e::FundingEdit {
        source: change.source,
        amount: change.amount,
        status: change.status,
        funder: change.funder.clone(),
        spend_by: change.spend_by,
        decision_id,
        note: change.note.clone(),
    };
    e::edit_funding(tx, id, expected_version.unwrap_or(before.version), &edit)
}

/// Withdraws funding line `id` (refused when it is no longer at `expected_version`; None: as it
/// is now), in its own audited transaction: it stays listed and counts nowhere. Returns the line
/// as it was.
pub fn withdraw(
    books: &mut impl Store,
    id: i64,
    expected_version: Option<i64>,
) -> store::Result<Funding> {
    books.write_step(|tx| withdraw_in(tx, id, expected_version))
}

/// [`withdraw`] inside a transaction already open.
pub(crate) fn withdraw_in(
    tx: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
) -> store::Result<Funding> {
    let before = line(tx, id)?;
    e::withdraw_funding(tx, id, expected_version.unwrap_or(before.version))?;
    Ok(before)
}

/// The funding lines (withdrawn ones too), of one programme (code) and year when given.
pub fn list(
    books: &impl Sql,
    programme: Option<&str>,
    fy: Option<FinancialYear>,
) -> store::Result<Vec<Funding>> {
    e::list_funding(books, opt_programme(books, programme)?, fy)
}

/// Finalises `fy`'s financing with its outturn, in its own audited transaction: from now on its
/// funding lines are locked. Refused before the year has ended and when it is finalised already.
pub fn finalise(books: &mut impl Store, fy: FinancialYear) -> store::Result<FinalFinancing> {
    books.write_step(|tx| finalise_in(tx, fy))
}

/// [`finalise`] inside a transaction already open.
pub(crate) fn finalise_in(tx: &impl Sql, fy: FinancialYear) -> store::Result<FinalFinancing> {
    let today = store::today::today().map_err(store::StoreError::Refused)?;
    fin::finalise(tx, fy, today)
}

/// Reopens `fy`'s financing so its funding lines can be changed again, with `reason` in the
/// audit log, in its own transaction. Returns the finalisation it undid.
pub fn reopen(
    books: &mut impl Store,
    fy: FinancialYear,
    reason: &str,
) -> store::Result<FinalFinancing> {
    books.write_step(|tx| reopen_in(tx, fy, reason))
}

/// [`reopen`] inside a transaction already open.
pub(crate) fn reopen_in(
    tx: &impl Sql,
    fy: FinancialYear,
    reason: &str,
) -> store::Result<FinalFinancing> {
    fin::reopen(tx, fy, reason)
}
