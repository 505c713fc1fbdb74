//! Budget changes (reprofile, virement, addition, reduction): proposing or recording one,
//! listing them, approving or rejecting, amending and withdrawing a proposed one (`outturn
//! change`, and the TUI's Budget screen). Each write is one audited transaction.

use chrono::NaiveDate;

use super::register::{opt_decision, opt_programme, phase_id};
use crate::domain::model::{BudgetChange, ChangeKind, ChangeStatus};
use crate::domain::{FinancialYear, Money};
use crate::error::Field;
use crate::store;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities as e;

/// A budget change to add. Which phases and years it needs depends on its kind: a reprofile one
/// phase and two years, a virement two phases and a year, an addition or a reduction one phase
/// and a year; `phase` and `fy` stand for either side not given apart.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChange {
    /// Reprofile, virement, addition or reduction.
    pub kind: ChangeKind,
    /// How much moves (more than zero: the kind says which way).
    pub amount: Money,
    /// The programme of phases given by their codes alone.
    pub programme: Option<String>,
    /// The phase of both sides.
    pub phase: Option<String>,
    /// The phase money leaves.
    pub from_phase: Option<String>,
    /// The phase money goes to.
    pub to_phase: Option<String>,
    /// The year of both sides.
    pub fy: Option<FinancialYear>,
    /// The year money leaves.
    pub from_fy: Option<FinancialYear>,
    /// The year money goes to.
    pub to_fy: Option<FinancialYear>,
    /// When it takes effect.
    pub effective: NaiveDate,
    /// Proposed, approved or rejected.
    pub status: ChangeStatus,
    /// The decision's reference.
    pub decision: Option<String>,
    /// Why.
    pub reason: String,
}

/// Proposes or records a budget change; returns its id.
pub fn add(books: &mut impl Store, c: &NewChange) -> store::Result<i64> {
    books.write_step(|tx| add_in(tx, c))
}

/// [`add`] inside a transaction already open.
pub(crate) fn add_in(tx: &impl Sql, c: &NewChange) -> store::Result<i64> {
    let prog = c.programme.as_deref();
    let phase = |p: &Option<String>, field: Field| {
        p.as_deref()
            .map(|p| phase_id(tx, prog, p, field))
            .transpose()
    };
    let both = phase(&c.phase, Field::Phase)?;
    let from_phase = phase(&c.from_phase, Field::FromPhase)?.or(both);
    let to_phase = phase(&c.to_phase, Field::ToPhase)?.or(both);
    let from_fy = c.from_fy.or(c.fy);
    let to_fy = c.to_fy.or(c.fy);
    let (from, to) = match c.kind {
        ChangeKind::Addition => (None, to_phase.zip(to_fy)),
        ChangeKind::Reduction => (from_phase.zip(from_fy), None),
        _ => (from_phase.zip(from_fy), to_phase.zip(to_fy)),
    };
    let change = e::NewChange {
        kind: c.kind,
        amount: c.amount,
        from,
        to,
        effective: c.effective,
        status: c.status,
        decision_id: opt_decision(tx, c.decision.as_deref())?,
        reason: c.reason.clone(),
    };
    e::add_change(tx, &change)
}

/// The budget changes (touching programme `programme` and year `fy`, when given), by effective
/// date.
pub fn list(
    books: &impl Sql,
    programme: Option<&str>,
    fy: Option<FinancialYear>,
) -> store::Result<Vec<BudgetChange>> {
    e::list_changes(books, opt_programme(books, programme)?, fy)
}

/// Approves or rejects (`status`) proposed change `id`, by decision `decision` when given.
pub fn decide(
    books: &mut impl Store,
    id: i64,
    expected: Option<i64>,
    status: ChangeStatus,
    decision: Option<&str>,
) -> store::Result<()> {
    books.write_step(|tx| decide_in(tx, id, expected, status, decision))
}

/// [`decide`] inside a transaction already open.
pub(crate) fn decide_in(
    tx: &impl Sql,
    id: i64,
    expected: Option<i64>,
    status: ChangeStatus,
    decision: Option<&str>,
) -> store::Result<()> {
    let decision = opt_decision(tx, decision)?;
    e::decide_change(tx, id, expected, status, decision)
}

/// An amendment of a proposed change: None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Amendment {
    /// A new amount.
    pub amount: Option<Money>,
    /// A new effective date.
    pub effective: Option<NaiveDate>,
    /// A new reason.
    pub reason: Option<String>,
    /// The decision's reference.
    pub decision: Option<String>,
}

/// Amends proposed change `id`; returns it afterwards.
pub fn amend(
    books: &mut impl Store,
    id: i64,
    expected: Option<i64>,
    a: &Amendment,
) -> store::Result<BudgetChange> {
    books.write_step(|tx| amend_in(tx, id, expected, a))
}

/// [`amend`] inside a transaction already open.
pub(crate) fn amend_in(
    tx: &impl Sql,
    id: i64,
    expected: Option<i64>,
    a: &Amendment,
) -> store::Result<BudgetChange> {
    let amend = e::ChangeAmend {
        amount: a.amount,
        effective: a.effective,
        reason: a.reason.clone(),
        decision_id: opt_decision(tx, a.decision.as_deref())?,
    };
    e::amend_change(tx, id, expected, &amend)
}

/// Withdraws proposed change `id` with `reason`: it leaves Pending approval.
pub fn withdraw(
    books: &mut impl Store,
    id: i64,
    expected: Option<i64>,
    reason: &str,
) -> store::Result<BudgetChange> {
    books.write_step(|tx| withdraw_in(tx, id, expected, reason))
}

/// [`withdraw`] inside a transaction already open.
pub(crate) fn withdraw_in(
    tx: &impl Sql,
    id: i64,
    expected: Option<i64>,
    reason: &str,
) -> store::Result<BudgetChange> {
    e::withdraw_change(tx, id, expected, reason)
}
