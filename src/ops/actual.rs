//! Actuals: adding one (with its warnings, or refused under `--strict`), editing, deleting and
//! listing them. `actual add|edit|delete|list` and the TUI's actual forms and keys call these, so
//! an actual is added, changed or removed the same way from either door.
//!
//! Also how a form's `PROG/PHASE` is read, which the month's steps share.

use chrono::NaiveDate;

use super::register::{named, opt_programme, phase_id};
use crate::domain::model::Actual;
use crate::domain::{FinancialYear, Money, Period};
use crate::error::Field;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities::{self as e, ActualEdit, ActualFilter};
use crate::store::{self, StoreError, edit};

/// `PROG/PHASE` as a form gives it: the programme and the phase code (no programme when there is
/// no `/`).
pub(crate) fn split_phase(text: &str) -> (Option<&str>, &str) {
    match text.split_once('/') {
        Some((p, c)) => (Some(p.trim()), c.trim()),
        None => (None, text.trim()),
    }
}

/// A new actual, as the officer gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActual {
    /// The programme (code) of the phase, when its code is not unique.
    pub programme: Option<String>,
    /// The phase: its code, or `PROG/PHASE`.
    pub phase: String,
    /// The contract's reference, when it is paid against one.
    pub contract: Option<String>,
    pub date: NaiveDate,
    pub supplier: String,
    pub description: String,
    pub reference: String,
    /// Negative for a credit.
    pub amount: Money,
}

/// How a new actual is checked: against `today` (a date after it is warned about, as is a
/// reference already on another date or amount), and whether a warning refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    /// The date the actual is checked against.
    pub today: NaiveDate,
    /// Refuse (nothing written) instead of warning.
    pub strict: bool,
}

/// What adding an actual did.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    /// The new actual's id.
    pub id: i64,
    /// What to warn the officer about, in their words (none when not checked).
    pub warnings: Vec<String>,
}

/// Adds an actual, checked as `checks` says (not at all when None), in its own audited
/// transaction.
pub fn add(
    books: &mut impl Store,
    actual: &NewActual,
    checks: Option<Checks>,
) -> store::Result<Added> {
    books.write_step(|tx| add_in(tx, actual, checks))
}

/// [`add`] inside a transaction already open.
pub(crate) fn add_in(
    tx: &impl Sql,
    actual: &NewActual,
    checks: Option<Checks>,
) -> store::Result<Added> {
    let phase_id = phase_id(tx, actual.programme.as_deref(), &actual.phase, Field::Phase)?;
    let contract_id = actual
        .contract
        .as_deref()
        .map(|r| {
            e::contract_ref(tx, r)
                .map(|c| c.0)
                .map_err(|err| named(err, Field::Contract))
        })
        .transpose()?;
    let new = e::NewActual {
        phase_id,
        contract_id,
        date: actual.date,
        supplier: actual.supplier.clone(),
        description: actual.description.clone(),
        reference: actual.reference.clone(),
        amount: actual.amount,
    };
    // Checked and warned about before it is written: one refused under --strict leaves
    // nothing behind.
    e::check_new_actual(tx, &new)?;
    let warnings = match checks {
        Some(c) => e::new_actual_warnings(tx, &new, c.today)?,
        None => Vec::new(),
    };
    if checks.is_some_and(|c| c.strict) && !warnings.is_empty() {
        return Err(StoreError::Refused(format!(
            "refused under --strict: the actual {}",
            warnings.join("; and ")
        )));
    }
    let id = e::record_new_actual(tx, &new)?;
    Ok(Added { id, warnings })
}

/// What editing an actual did: the actual as it was read and as it was saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    /// Before the edit.
    pub before: Actual,
    /// As saved.
    pub after: Actual,
}

/// Changes actual `id` (refused when it is no longer at `expected_version`, when given), in its
/// own audited transaction.
pub fn edit(
    books: &mut impl Store,
    id: i64,
    expected_version: Option<i64>,
    change: &ActualEdit,
) -> store::Result<Edited> {
    books.write_step(|tx| edit_in(tx, id, expected_version, change))
}

/// [`edit`] inside a transaction already open.
pub(crate) fn edit_in(
    tx: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    change: &ActualEdit,
) -> store::Result<Edited> {
    // Read first for the outcome, but let the edit say what is wrong: it checks what it is
    // asked before it looks the actual up, and fails whenever this read does.
    let before = e::get_actual(tx, id);
    let after = edit::edit_actual(tx, id, expected_version, change)?;
    Ok(Edited {
        before: before?,
        after,
    })
}

/// Deletes actual `id` (refused when it is no longer at `expected_version`, when given), in its
/// own audited transaction. Returns the actual as it was.
pub fn delete(
    books: &mut impl Store,
    id: i64,
    expected_version: Option<i64>,
) -> store::Result<Actual> {
    books.write_step(|tx| delete_in(tx, id, expected_version))
}

/// [`delete`] inside a transaction already open.
pub(crate) fn delete_in(
    tx: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
) -> store::Result<Actual> {
    let before = e::get_actual(tx, id)?;
    e::delete_actual(tx, id, expected_version)?;
    Ok(before)
}

/// Which actuals to list, as the officer names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActualQuery {
    /// Only this programme (code).
    pub programme: Option<String>,
    /// Only this phase (code, within `programme` when given).
    pub phase: Option<String>,
    pub fy: Option<FinancialYear>,
    pub period: Option<Period>,
    /// Supplier contains this (case-insensitive).
    pub supplier: Option<String>,
    /// At most this many.
    pub limit: u64,
}

/// Hands the actuals `query` selects to `each`, by date, one at a time (never all held), until
/// `each` says stop (returns false).
pub fn each(
    books: &impl Sql,
    query: &ActualQuery,
    each: &mut dyn FnMut(Actual) -> bool,
) -> store::Result<()> {
    let filter = ActualFilter {
        programme_id: opt_programme(books, query.programme.as_deref())?,
        phase_id: query
            .phase
            .as_deref()
            .map(|p| phase_id(books, query.programme.as_deref(), p, Field::Phase))
            .transpose()?,
        fy: query.fy,
        period: query.period,
        supplier: query.supplier.clone(),
        ..Default::default()
    };
    e::each_actual(books, &filter, 0, query.limit, each)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Books;

    fn demo() -> Books {
        let mut books = Books::in_memory().unwrap();
        let tx = books.begin().unwrap();
        crate::io::demo::load_all(&*tx).unwrap();
        tx.commit().unwrap();
        books
    }

    fn late(reference: &str) -> NewActual {
        NewActual {
            programme: None,
            phase: "WOL-DTP/PH2".into(),
            contract: None,
            date: NaiveDate::from_ymd_opt(2018, 12, 1).unwrap(),
            supplier: "Acme".into(),
            description: String::new(),
            reference: reference.into(),
            amount: Money::from_pence(10_000),
        }
    }

    fn count(books: &Books) -> usize {
        let mut n = 0;
        let all = ActualQuery {
            limit: 1_000_000,
            ..ActualQuery::default()
        };
        each(books, &all, &mut |_| {
            n += 1;
            true
        })
        .unwrap();
        n
    }

    #[test]
    fn a_late_actual_is_warned_about_or_under_strict_refused_with_nothing_written() {
        let mut books = demo();
        let today = NaiveDate::from_ymd_opt(2018, 1, 15).unwrap();
        let before = count(&books);
        let strict = Checks {
            today,
            strict: true,
        };
        let err = add(&mut books, &late("INV-9"), Some(strict)).unwrap_err();
        assert!(
            err.to_string().starts_with("refused under --strict"),
            "{err}"
        );
        assert_eq!(count(&books), before);
        let warned = Checks {
            today,
            strict: false,
        };
        let added = add(&mut books, &late("INV-9"), Some(warned)).unwrap();
        assert_eq!(added.warnings.len(), 1, "{:?}", added.warnings);
        assert!(
            add(&mut books, &late("INV-10"), None)
                .unwrap()
                .warnings
                .is_empty()
        );
        assert_eq!(count(&books), before + 2);
    }

    #[test]
    fn a_phase_lookup_names_the_phase_field_and_an_edit_says_first_what_it_lacks() {
        let mut books = demo();
        let mut wrong = late("INV-9");
        wrong.programme = Some("NOPE".into());
        wrong.phase = "PH2".into();
        let err = add(&mut books, &wrong, None).unwrap_err().to_string();
        assert!(err.starts_with("--phase: no programme 'NOPE'"), "{err}");
        let err = edit(&mut books, 99_999, None, &ActualEdit::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("edit: nothing to change"),
            "{err}"
        );
        let err = delete(&mut books, 99_999, None).unwrap_err();
        assert_eq!(err.to_string(), "id: no actual '99999'");
    }

    #[test]
    fn an_edit_gives_the_actual_as_read_and_as_saved() {
        let mut books = demo();
        let id = add(&mut books, &late("INV-9"), None).unwrap().id;
        let change = ActualEdit {
            amount: Some(Money::from_pence(5)),
            ..ActualEdit::default()
        };
        let Edited { before, after } = edit(&mut books, id, Some(1), &change).unwrap();
        assert_eq!(
            (before.amount, after.amount),
            (Money::from_pence(10_000), Money::from_pence(5))
        );
        assert_eq!(after.version, 2);
        assert_eq!(
            delete(&mut books, id, Some(2)).unwrap().amount,
            Money::from_pence(5)
        );
    }
}
