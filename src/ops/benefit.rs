//! Benefits a programme promised: adding, changing and withdrawing them with their targets per
//! year, entering what was realised as at a period, and listing them with their position in a
//! year (`outturn benefit`, and the TUI's Phases screen). Each write is one audited transaction.
//! A benefit is never deleted: it is withdrawn, kept and audited.

use super::register::{opt_programme, phase_id, programme_id};
use crate::domain::benefit::{Benefit, BenefitKind, BenefitPosition, position};
use crate::domain::{FinancialYear, Money, Period};
use crate::error::Field;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities::{self as e, NewRealisation};
use crate::store::{self, figures};

/// A benefit to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBenefit {
    /// The programme's code.
    pub programme: String,
    /// The code of the phase of that programme it comes from, if one.
    pub phase: Option<String>,
    /// What it is.
    pub description: String,
    /// Cashable, non-cashable or income.
    pub kind: BenefitKind,
    /// Who answers for it.
    pub owner: String,
    /// Its targets per year.
    pub targets: Vec<(FinancialYear, Money)>,
}

/// Adds a benefit; returns its id.
pub fn add(books: &mut impl Store, b: &NewBenefit) -> store::Result<i64> {
    books.write_step(|tx| add_in(tx, b))
}

/// [`add`] inside a transaction already open.
pub(crate) fn add_in(tx: &impl Sql, b: &NewBenefit) -> store::Result<i64> {
    let benefit = e::NewBenefit {
        programme_id: programme_id(tx, &b.programme, Field::Programme)?,
        phase_id: b
            .phase
            .as_deref()
            .map(|p| phase_id(tx, Some(&b.programme), p, Field::Phase))
            .transpose()?,
        description: b.description.clone(),
        kind: b.kind,
        owner: b.owner.clone(),
        targets: b.targets.clone(),
    };
    e::add_benefit(tx, &benefit)
}

/// A change to a benefit: None leaves a field as it is; `phase: Some(None)` detaches it from its
/// phase, `targets: Some(..)` replaces every target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BenefitChange {
    /// The code of a phase of the benefit's programme.
    pub phase: Option<Option<String>>,
    /// What it is.
    pub description: Option<String>,
    /// Cashable, non-cashable or income.
    pub kind: Option<BenefitKind>,
    /// Who answers for it.
    pub owner: Option<String>,
    /// Its targets per year.
    pub targets: Option<Vec<(FinancialYear, Money)>>,
}

/// Changes benefit `id`; returns it afterwards.
pub fn edit(
    books: &mut impl Store,
    id: i64,
    expected: Option<i64>,
    c: &BenefitChange,
) -> store::Result<Benefit> {
    books.write_step(|tx| edit_in(tx, id, expected, c))
}

/// [`edit`] inside a transaction already open.
pub(crate) fn edit_in(
    tx: &impl Sql,
    id: i64,
    expected: Option<i64>,
    c: &BenefitChange,
) -> store::Result<Benefit> {
    let phase_id = match &c.phase {
        Some(Some(p)) => {
            let current = e::get_benefit(tx, id)?;
            Some(Some(phase_id(
                tx,
                Some(&current.programme_code),
                p,
                Field::Phase,
            )?))
        }
        Some(None) => Some(None),
        None => None,
    };
    let edit = e::BenefitEdit {
        phase_id,
        description: c.description.clone(),
        kind: c.kind,
        owner: c.owner.clone(),
        targets: c.targets.clone(),
    };
    e::edit_benefit(tx, id, expected, &edit)
}

/// Withdraws benefit `id`: kept and audited, left out of lists and reports.
pub fn withdraw(books: &mut impl Store, id: i64, expected: Option<i64>) -> store::Result<Benefit> {
    books.write_step(|tx| withdraw_in(tx, id, expected))
}

/// [`withdraw`] inside a transaction already open.
pub(crate) fn withdraw_in(tx: &impl Sql, id: i64, expected: Option<i64>) -> store::Result<Benefit> {
    e::withdraw_benefit(tx, id, expected)
}

/// Enters what a benefit realised in a year to the end of a period, and the further amount
/// forecast by year end (a second entry for the same period replaces the first); returns the
/// entry's id.
pub fn realise(books: &mut impl Store, r: &NewRealisation) -> store::Result<i64> {
    books.write_step(|tx| realise_in(tx, r))
}

/// [`realise`] inside a transaction already open.
pub(crate) fn realise_in(tx: &impl Sql, r: &NewRealisation) -> store::Result<i64> {
    e::set_realisation(tx, r)
}

/// The benefits (of programme `programme` when given; withdrawn ones only when `all`).
pub fn list(books: &impl Sql, programme: Option<&str>, all: bool) -> store::Result<Vec<Benefit>> {
    e::list_benefits(books, opt_programme(books, programme)?, all)
}

/// The benefits as [`list`] gives them, each with its target, realised, forecast and RAG in `fy`
/// as at `as_at`.
pub fn positions(
    books: &impl Sql,
    programme: Option<&str>,
    all: bool,
    fy: FinancialYear,
    as_at: Period,
) -> store::Result<Vec<BenefitPosition>> {
    let programme_id = opt_programme(books, programme)?;
    let benefits = e::list_benefits(books, programme_id, all)?;
    let realisations = e::list_realisations(books, programme_id, Some(fy))?;
    let t = figures::rag_thresholds(books)?;
    Ok(benefits
        .iter()
        .map(|b| position(b, fy, as_at, &realisations, &t))
        .collect())
}
