//! Milestones of a phase: adding, changing, completing and listing them, with slippage in days
//! and RAG (`outturn milestone`, and the TUI's Phases screen). Each write is one audited
//! transaction. A milestone is never deleted.

use chrono::NaiveDate;

use super::register::{opt_programme, phase_id};
use crate::domain::milestone::{Milestone, MilestoneStatus};
use crate::error::Field;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities::{self as e, MilestoneEdit};
use crate::store::{self};

/// A milestone to add (not complete: complete it with [`complete`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NewMilestone {
    /// The programme of a phase given by its code alone.
    pub programme: Option<String>,
    /// The phase: its code or `PROG/PHASE`.
    pub phase: String,
    /// Its name, new within the phase.
    pub name: String,
    /// The baseline date.
    pub baseline: NaiveDate,
    /// The forecast date, if it differs from the baseline.
    pub forecast: Option<NaiveDate>,
    /// Planned or in progress.
    pub status: MilestoneStatus,
}

/// Adds a milestone; returns it as added.
pub fn add(books: &mut impl Store, m: &NewMilestone) -> store::Result<Milestone> {
    books.write_step(|tx| add_in(tx, m))
}

/// [`add`] inside a transaction already open.
pub(crate) fn add_in(tx: &impl Sql, m: &NewMilestone) -> store::Result<Milestone> {
    let milestone = e::NewMilestone {
        phase_id: phase_id(tx, m.programme.as_deref(), &m.phase, Field::Phase)?,
        name: m.name.clone(),
        baseline: m.baseline,
        forecast: m.forecast,
        status: m.status,
    };
    let id = e::add_milestone(tx, &milestone)?;
    e::get_milestone(tx, id)
}

/// Changes milestone `id` (only what is given); setting the status reopens a completed one.
pub fn edit(
    books: &mut impl Store,
    id: i64,
    expected: Option<i64>,
    edit: &MilestoneEdit,
) -> store::Result<Milestone> {
    books.write_step(|tx| edit_in(tx, id, expected, edit))
}

/// [`edit`] inside a transaction already open.
pub(crate) fn edit_in(
    tx: &impl Sql,
    id: i64,
    expected: Option<i64>,
    edit: &MilestoneEdit,
) -> store::Result<Milestone> {
    e::edit_milestone(tx, id, expected, edit)
}

/// Records milestone `id` as complete on `actual`.
pub fn complete(
    books: &mut impl Store,
    id: i64,
    expected: Option<i64>,
    actual: NaiveDate,
) -> store::Result<Milestone> {
    books.write_step(|tx| complete_in(tx, id, expected, actual))
}

/// [`complete`] inside a transaction already open.
pub(crate) fn complete_in(
    tx: &impl Sql,
    id: i64,
    expected: Option<i64>,
    actual: NaiveDate,
) -> store::Result<Milestone> {
    e::complete_milestone(tx, id, expected, actual)
}

/// The milestones (of programme `programme`, and of phase `phase` within it, when given).
pub fn list(
    books: &impl Sql,
    programme: Option<&str>,
    phase: Option<&str>,
) -> store::Result<Vec<Milestone>> {
    let programme_id = opt_programme(books, programme)?;
    let phase_id = phase
        .map(|p| phase_id(books, programme, p, Field::Phase))
        .transpose()?;
    e::list_milestones(books, programme_id, phase_id)
}
