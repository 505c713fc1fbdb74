//! Variance comments (why a phase's variance is what it is, and what is being done): adding one
//! for a phase, year and period, changing its text, setting it either way, and listing them.
//! Carrying them forward from one period to the next. `comment add|edit|carry|list` and the TUI's
//! comment form and carry key call these; closing a period asks for them.

use super::actual::split_phase;
use super::register::phase_id;
use crate::domain::{FinancialYear, Period};
use crate::error::Field;
use crate::store;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities::{self as e, Comment};

/// Adds the comment of phase `phase` (a code, or `PROG/PHASE`; within `programme` when given)
/// for `fy` as at `period`, in its own audited transaction; returns its id. Refused when the
/// phase already has one for that period, or the period is closed.
pub fn add(
    books: &mut impl Store,
    programme: Option<&str>,
    phase: &str,
    fy: FinancialYear,
    period: Period,
    text: &str,
) -> store::Result<i64> {
    books.write_step(|tx| {
        let phase_id = phase_id(tx, programme, phase, Field::Phase)?;
        e::add_comment(tx, phase_id, fy, period, text)
    })
}

/// Changes the text of comment `id` (refused when it is no longer at `expected_version`, when
/// given), in its own audited transaction; returns it as saved.
pub fn edit(
    books: &mut impl Store,
    id: i64,
    expected_version: Option<i64>,
    text: &str,
) -> store::Result<Comment> {
    books.write_step(|tx| e::edit_comment(tx, id, expected_version, text))
}

/// What setting a comment did.
#[derive(Debug, Clone, PartialEq)]
pub enum SetComment {
    /// A new comment, with its id.
    Added(i64),
    /// The phase's comment for the period was changed; as it was before.
    Changed(Comment),
}

/// Adds the comment of `phase` (`PROG/PHASE`, as a form gives it) for `fy` as at `period`, or
/// changes the one it has, in its own audited transaction.
pub fn set(
    books: &mut impl Store,
    phase: &str,
    fy: FinancialYear,
    period: Period,
    text: &str,
) -> store::Result<SetComment> {
    books.write_step(|tx| set_in(tx, phase, fy, period, text))
}

/// [`set`] inside a transaction already open.
pub(crate) fn set_in(
    tx: &impl Sql,
    phase: &str,
    fy: FinancialYear,
    period: Period,
    text: &str,
) -> store::Result<SetComment> {
    let (programme, code) = split_phase(phase);
    let phase_id = phase_id(tx, programme, code, Field::Phase)?;
    let existing = e::list_comments(tx, Some(fy), Some(period))?
        .into_iter()
        .find(|c| c.phase_id == phase_id);
    match existing {
        Some(c) => {
            e::edit_comment(tx, c.id, Some(c.version), text)?;
            Ok(SetComment::Changed(c))
        }
        None => Ok(SetComment::Added(e::add_comment(
            tx, phase_id, fy, period, text,
        )?)),
    }
}

/// The comments, of one year and period when given.
pub fn list(
    books: &impl Sql,
    fy: Option<FinancialYear>,
    period: Option<Period>,
) -> store::Result<Vec<Comment>> {
    e::list_comments(books, fy, period)
}

/// What carrying comments forward did.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    pub fy: FinancialYear,
    pub from: Period,
    pub to: Period,
    /// The comments added to `to`, each marked "(carried from P7)".
    pub added: Vec<Comment>,
    /// How many comments of `from` were not carried, their phase having one for `to` already.
    pub kept: usize,
}

/// Carries the comments of `fy` `from` forward to `to` (the period after `from` when None):
/// each phase with a comment for `from` and none for `to` gets it, marked "(carried from P7)"
/// and editable; one audited transaction. Refused when `to` is not after `from` or is closed.
pub fn carry(
    books: &mut impl Store,
    fy: FinancialYear,
    from: Period,
    to: Option<Period>,
) -> store::Result<Carried> {
    books.write_step(|tx| carry_in(tx, fy, from, to))
}

/// [`carry`] inside a transaction already open.
pub(crate) fn carry_in(
    tx: &impl Sql,
    fy: FinancialYear,
    from: Period,
    to: Option<Period>,
) -> store::Result<Carried> {
    let to = match to.or_else(|| from.next()) {
        Some(to) if to > from => to,
        Some(to) => {
            return Err(store::StoreError::invalid(
                Field::from("--to"),
                format!(
                    "{} is not after {}: comments are carried forward, to a later period",
                    to.label(),
                    from.label()
                ),
            ));
        }
        None => {
            return Err(store::StoreError::invalid(
                Field::from("--to"),
                format!(
                    "{} is the last period of {}: there is no later period of the year to carry its comments to",
                    from.label(),
                    fy.label()
                ),
            ));
        }
    };
    let before = e::list_comments(tx, Some(fy), Some(from))?.len();
    let added = e::carry_comments(tx, fy, from, to)?;
    Ok(Carried {
        fy,
        from,
        to,
        kept: before - added.len(),
        added,
    })
}
