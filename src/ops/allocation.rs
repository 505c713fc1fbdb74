//! Allocations, the capital budget lines: adding one for a year or a range, listing them, setting
//! a per-year profile, approving and withdrawing a projected one (`outturn allocation`, and the
//! TUI's Budget screen). Each write is one audited transaction.

use chrono::NaiveDate;

use super::register::{decision_id, named, opt_decision, opt_programme, phase_id};
use crate::domain::model::{Allocation, AllocationStatus};
use crate::domain::{FinancialYear, Money};
use crate::error::Field;
use crate::store;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities as e;

/// An allocation to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAllocation {
    /// The programme of a phase given by its code alone.
    pub programme: Option<String>,
    /// The phase: its code or `PROG/PHASE`.
    pub phase: String,
    /// The first financial year.
    pub first_fy: FinancialYear,
    /// The last financial year (the first for one year).
    pub last_fy: FinancialYear,
    /// The amount over the whole range.
    pub amount: Money,
    /// Approved, projected or withdrawn.
    pub status: AllocationStatus,
    /// The reference of the decision it rests on.
    pub decision: Option<String>,
    /// The per-year split (None: an even split, marked assumed).
    pub profile: Option<Vec<(FinancialYear, Money)>>,
    /// A note.
    pub note: String,
}

/// Adds an allocation; returns it as added.
pub fn add(books: &mut impl Store, a: &NewAllocation) -> store::Result<Allocation> {
    books.write_step(|tx| add_in(tx, a))
}

/// [`add`] inside a transaction already open.
pub(crate) fn add_in(tx: &impl Sql, a: &NewAllocation) -> store::Result<Allocation> {
    let allocation = e::NewAllocation {
        phase_id: phase_id(tx, a.programme.as_deref(), &a.phase, Field::Phase)?,
        first_fy: a.first_fy,
        last_fy: a.last_fy,
        amount: a.amount,
        status: a.status,
        decision_id: opt_decision(tx, a.decision.as_deref())?,
        profile: a.profile.clone(),
        note: a.note.clone(),
    };
    let id = e::add_allocation(tx, &allocation)?;
    e::get_allocation(tx, id)
}

/// The allocations (of programme `programme` and covering `fy`, when given).
pub fn list(
    books: &impl Sql,
    programme: Option<&str>,
    fy: Option<FinancialYear>,
) -> store::Result<Vec<Allocation>> {
    e::list_allocations(books, opt_programme(books, programme)?, fy)
}

/// Sets allocation `id`'s per-year profile (replacing an assumed even split).
/// Returns the allocation with its new profile.
pub fn reprofile(
    books: &mut impl Store,
    id: i64,
    profile: &[(FinancialYear, Money)],
) -> store::Result<Allocation> {
    books.write_step(|tx| reprofile_in(tx, id, profile))
}

/// [`reprofile`] inside a transaction already open.
pub(crate) fn reprofile_in(
    tx: &impl Sql,
    id: i64,
    profile: &[(FinancialYear, Money)],
) -> store::Result<Allocation> {
    let before = e::get_allocation(tx, id).map_err(|err| named(err, Field::Id))?;
    e::set_allocation_profile(tx, id, before.version, profile)?;
    e::get_allocation(tx, id)
}

/// An approval of a projected allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Approve {
    /// The allocation.
    pub id: i64,
    /// The approving decision's reference.
    pub decision: String,
    /// The date of approval (None: the decision's date).
    pub date: Option<NaiveDate>,
    /// Refuse if the allocation is no longer at this version.
    pub expected_version: Option<i64>,
}

/// What an approval did.
#[derive(Debug, Clone, PartialEq)]
pub struct Approved {
    /// The allocation afterwards.
    pub allocation: Allocation,
    /// The date it was approved on.
    pub on: NaiveDate,
}

/// Approves a projected allocation: it moves from Pending approval to Original budget.
pub fn approve(books: &mut impl Store, a: &Approve) -> store::Result<Approved> {
    books.write_step(|tx| approve_in(tx, a))
}

/// [`approve`] inside a transaction already open.
pub(crate) fn approve_in(tx: &impl Sql, a: &Approve) -> store::Result<Approved> {
    let d = decision_id(tx, &a.decision, Field::Decision)?;
    let on = match a.date {
        Some(on) => on,
        None => e::list_decisions(tx)?
            .into_iter()
            .find(|x| x.id == d)
            .map(|x| x.date)
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    let allocation = e::approve_allocation(tx, a.id, a.expected_version, d, on)?;
    Ok(Approved { allocation, on })
}

/// Withdraws projected allocation `id` as of `on`, with `reason` in the audit log: it leaves
/// Pending approval.
pub fn withdraw(
    books: &mut impl Store,
    id: i64,
    expected: Option<i64>,
    reason: &str,
    on: NaiveDate,
) -> store::Result<Allocation> {
    books.write_step(|tx| withdraw_in(tx, id, expected, reason, on))
}

/// [`withdraw`] inside a transaction already open.
pub(crate) fn withdraw_in(
    tx: &impl Sql,
    id: i64,
    expected: Option<i64>,
    reason: &str,
    on: NaiveDate,
) -> store::Result<Allocation> {
    e::withdraw_allocation(tx, id, expected, reason, on)
}
