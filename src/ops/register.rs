//! The register of what figures rest on: adding, correcting, deleting and listing programmes,
//! phases, decisions and frameworks (`outturn programme|phase|decision|framework`, and the TUI's
//! Phases and Contracts screens). Also how a door names a record ([`Which`]) and the lookups of
//! the references an officer types, each refusal naming the field the reference was given in.
//!
//! Each write is one audited transaction; its `_in` body runs inside a transaction already open
//! (the TUI's `ops::apply`). The store's pieces stay below: a door calls these, never them.

use chrono::NaiveDate;

use crate::domain::model::{Decision, DeliveryStatus, Framework, Phase, Programme};
use crate::error::Field;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities::{self as e, FrameworkEdit, NewFramework, NewProgramme, ProgrammeEdit};
use crate::store::entities::{DecisionEdit, PhaseEdit};
use crate::store::{self, StoreError};

/// The record a step is on, as a door names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which<'a> {
    /// By id: the row the officer selected.
    Id(i64),
    /// As typed: a programme code, decision reference, framework name or contract reference; a
    /// phase's code or `PROG/PHASE`, within `programme` when that is given apart.
    Named {
        /// The code, reference or name.
        name: &'a str,
        /// The programme of a phase given by its code alone.
        programme: Option<&'a str>,
    },
}

impl<'a> Which<'a> {
    /// A record named by what the officer typed.
    pub fn named(name: &'a str) -> Self {
        Which::Named {
            name,
            programme: None,
        }
    }

    /// The id of the programme meant (a code typed is looked up; its refusal names `field`).
    pub(crate) fn programme(self, tx: &impl Sql, field: Field) -> store::Result<i64> {
        match self {
            Which::Id(id) => Ok(id),
            Which::Named { name, .. } => programme_id(tx, name, field),
        }
    }

    /// The id of the phase meant.
    pub(crate) fn phase(self, tx: &impl Sql, field: Field) -> store::Result<i64> {
        match self {
            Which::Id(id) => Ok(id),
            Which::Named { name, programme } => phase_id(tx, programme, name, field),
        }
    }

    /// The id of the decision meant.
    pub(crate) fn decision(self, tx: &impl Sql, field: Field) -> store::Result<i64> {
        match self {
            Which::Id(id) => Ok(id),
            Which::Named { name, .. } => decision_id(tx, name, field),
        }
    }

    /// The id of the framework meant.
    pub(crate) fn framework(self, tx: &impl Sql, field: Field) -> store::Result<i64> {
        match self {
            Which::Id(id) => Ok(id),
            Which::Named { name, .. } => framework_id(tx, name, field),
        }
    }
}

/// A store refusal about a reference, renamed to the field it was given in.
pub(crate) fn named(err: StoreError, field: Field) -> StoreError {
    err.map_plain(|err| match err {
        StoreError::NotFound {
            what, value, hint, ..
        } => StoreError::NotFound {
            field,
            what,
            value,
            hint,
        },
        StoreError::Invalid { message, .. } => StoreError::Invalid { field, message },
        other => other,
    })
}

/// The id of programme `code`.
pub(crate) fn programme_id(tx: &impl Sql, code: &str, field: Field) -> store::Result<i64> {
    e::programme_id(tx, code).map_err(|err| named(err, field))
}

/// The id of phase `phase` (a code or `PROG/PHASE`), within `programme` when given.
pub(crate) fn phase_id(
    tx: &impl Sql,
    programme: Option<&str>,
    phase: &str,
    field: Field,
) -> store::Result<i64> {
    e::phase_ref(tx, programme, phase)
        .map(|p| p.id)
        .map_err(|err| named(err, field))
}

/// The id of decision `reference`.
pub(crate) fn decision_id(tx: &impl Sql, reference: &str, field: Field) -> store::Result<i64> {
    e::decision_id(tx, reference).map_err(|err| named(err, field))
}

/// The id of framework `name`.
pub(crate) fn framework_id(tx: &impl Sql, name: &str, field: Field) -> store::Result<i64> {
    e::framework_id(tx, name).map_err(|err| named(err, field))
}

/// The id of an optional programme code.
pub(crate) fn opt_programme(tx: &impl Sql, code: Option<&str>) -> store::Result<Option<i64>> {
    code.map(|c| programme_id(tx, c, Field::Programme))
        .transpose()
}

/// The id of an optional decision reference.
pub(crate) fn opt_decision(tx: &impl Sql, reference: Option<&str>) -> store::Result<Option<i64>> {
    reference
        .map(|r| decision_id(tx, r, Field::Decision))
        .transpose()
}

/// Adds a programme; returns its id.
pub fn add_programme(books: &mut impl Store, p: &NewProgramme) -> store::Result<i64> {
    books.write_step(|tx| add_programme_in(tx, p))
}

/// [`add_programme`] inside a transaction already open.
pub(crate) fn add_programme_in(tx: &impl Sql, p: &NewProgramme) -> store::Result<i64> {
    e::add_programme(tx, p)
}

/// Corrects programme `which` (refused if it is no longer at version `expected`).
pub fn edit_programme(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
    edit: &ProgrammeEdit,
) -> store::Result<Programme> {
    books.write_step(|tx| edit_programme_in(tx, which, expected, edit))
}

/// [`edit_programme`] inside a transaction already open.
pub(crate) fn edit_programme_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
    edit: &ProgrammeEdit,
) -> store::Result<Programme> {
    let id = which.programme(tx, Field::Programme)?;
    e::edit_programme(tx, id, expected, edit)
}

/// Deletes programme `which` while nothing refers to it.
pub fn delete_programme(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
) -> store::Result<()> {
    books.write_step(|tx| delete_programme_in(tx, which, expected))
}

/// [`delete_programme`] inside a transaction already open.
pub(crate) fn delete_programme_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
) -> store::Result<()> {
    let id = which.programme(tx, Field::Programme)?;
    e::delete_programme(tx, id, expected)
}

/// Every programme, by code.
pub fn list_programmes(books: &impl Sql) -> store::Result<Vec<Programme>> {
    e::list_programmes(books)
}

/// A phase to add to a programme.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPhase {
    /// The programme's code.
    pub programme: String,
    /// The phase's code, new within the programme.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Planned, active, delivered or closed.
    pub status: DeliveryStatus,
    /// The responsible officer.
    pub officer: Option<String>,
}

/// Adds a phase; returns its id.
pub fn add_phase(books: &mut impl Store, p: &NewPhase) -> store::Result<i64> {
    books.write_step(|tx| add_phase_in(tx, p))
}

/// [`add_phase`] inside a transaction already open.
pub(crate) fn add_phase_in(tx: &impl Sql, p: &NewPhase) -> store::Result<i64> {
    let phase = e::NewPhase {
        programme_id: programme_id(tx, &p.programme, Field::Programme)?,
        code: p.code.clone(),
        name: p.name.clone(),
        status: p.status,
        officer: p.officer.clone(),
    };
    e::add_phase(tx, &phase)
}

/// Corrects phase `which`; its status only moves forward.
pub fn edit_phase(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
    edit: &PhaseEdit,
) -> store::Result<Phase> {
    books.write_step(|tx| edit_phase_in(tx, which, expected, edit))
}

/// [`edit_phase`] inside a transaction already open.
pub(crate) fn edit_phase_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
    edit: &PhaseEdit,
) -> store::Result<Phase> {
    let id = which.phase(tx, Field::Phase)?;
    e::edit_phase(tx, id, expected, edit)
}

/// Deletes phase `which` while nothing refers to it.
pub fn delete_phase(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
) -> store::Result<()> {
    books.write_step(|tx| delete_phase_in(tx, which, expected))
}

/// [`delete_phase`] inside a transaction already open.
pub(crate) fn delete_phase_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
) -> store::Result<()> {
    let id = which.phase(tx, Field::Phase)?;
    e::delete_phase(tx, id, expected)
}

/// The phases (of programme `programme` when given), by programme code and phase code.
pub fn list_phases(books: &impl Sql, programme: Option<&str>) -> store::Result<Vec<Phase>> {
    e::list_phases(books, opt_programme(books, programme)?)
}

/// A decision to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDecision {
    /// A unique reference.
    pub reference: String,
    /// The code of the programme it concerns.
    pub programme: Option<String>,
    /// Council, Cabinet, a committee, or an officer under delegation.
    pub body: String,
    /// The meeting or decision date.
    pub date: NaiveDate,
    /// The item or minute reference.
    pub item: Option<String>,
    /// A key decision.
    pub key_decision: bool,
    /// Subject to call-in.
    pub call_in: bool,
    /// Approved, deferred, ...
    pub outcome: String,
    /// A link or document reference.
    pub link: Option<String>,
    /// What it decided.
    pub summary: String,
}

/// Records a decision; returns its id.
pub fn add_decision(books: &mut impl Store, d: &NewDecision) -> store::Result<i64> {
    books.write_step(|tx| add_decision_in(tx, d))
}

/// [`add_decision`] inside a transaction already open.
pub(crate) fn add_decision_in(tx: &impl Sql, d: &NewDecision) -> store::Result<i64> {
    let decision = e::NewDecision {
        reference: d.reference.clone(),
        programme_id: opt_programme(tx, d.programme.as_deref())?,
        body: d.body.clone(),
        date: d.date,
        item: d.item.clone(),
        key_decision: d.key_decision,
        call_in: d.call_in,
        outcome: d.outcome.clone(),
        link: d.link.clone(),
        summary: d.summary.clone(),
    };
    e::add_decision(tx, &decision)
}

/// Corrects decision `which`.
pub fn edit_decision(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
    edit: &DecisionEdit,
) -> store::Result<Decision> {
    books.write_step(|tx| edit_decision_in(tx, which, expected, edit))
}

/// [`edit_decision`] inside a transaction already open.
pub(crate) fn edit_decision_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
    edit: &DecisionEdit,
) -> store::Result<Decision> {
    let id = which.decision(tx, Field::Decision)?;
    e::edit_decision(tx, id, expected, edit)
}

/// Deletes decision `which` while nothing rests on it.
pub fn delete_decision(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
) -> store::Result<()> {
    books.write_step(|tx| delete_decision_in(tx, which, expected))
}

/// [`delete_decision`] inside a transaction already open.
pub(crate) fn delete_decision_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
) -> store::Result<()> {
    let id = which.decision(tx, Field::Decision)?;
    e::delete_decision(tx, id, expected)
}

/// Every decision.
pub fn list_decisions(books: &impl Sql) -> store::Result<Vec<Decision>> {
    e::list_decisions(books)
}

/// Adds a framework; returns its id.
pub fn add_framework(books: &mut impl Store, f: &NewFramework) -> store::Result<i64> {
    books.write_step(|tx| add_framework_in(tx, f))
}

/// [`add_framework`] inside a transaction already open.
pub(crate) fn add_framework_in(tx: &impl Sql, f: &NewFramework) -> store::Result<i64> {
    e::add_framework(tx, f)
}

/// Corrects framework `which` (its actual end included).
pub fn edit_framework(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
    edit: &FrameworkEdit,
) -> store::Result<Framework> {
    books.write_step(|tx| edit_framework_in(tx, which, expected, edit))
}

/// [`edit_framework`] inside a transaction already open.
pub(crate) fn edit_framework_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
    edit: &FrameworkEdit,
) -> store::Result<Framework> {
    let id = which.framework(tx, Field::Framework)?;
    e::edit_framework(tx, id, expected, edit)
}

/// Deletes framework `which` while no contract is let under it.
pub fn delete_framework(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
) -> store::Result<()> {
    books.write_step(|tx| delete_framework_in(tx, which, expected))
}

/// [`delete_framework`] inside a transaction already open.
pub(crate) fn delete_framework_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
) -> store::Result<()> {
    let id = which.framework(tx, Field::Framework)?;
    e::delete_framework(tx, id, expected)
}

/// Every framework.
pub fn list_frameworks(books: &impl Sql) -> store::Result<Vec<Framework>> {
    e::list_frameworks(books)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Books;

    fn books() -> Books {
        let mut books = Books::in_memory().unwrap();
        for code in ["P", "Q"] {
            add_programme(
                &mut books,
                &NewProgramme {
                    code: code.into(),
                    name: format!("Programme {code}"),
                    organisation: String::new(),
                    status: DeliveryStatus::Active,
                },
            )
            .unwrap();
            add_phase(
                &mut books,
                &NewPhase {
                    programme: code.into(),
                    code: "A".into(),
                    name: "Phase A".into(),
                    status: DeliveryStatus::Active,
                    officer: Some("  ".into()),
                },
            )
            .unwrap();
        }
        books
    }

    #[test]
    fn a_phase_is_named_by_its_code_within_a_programme_or_as_prog_slash_phase() {
        let mut books = books();
        let edit = PhaseEdit {
            name: Some("Renamed".into()),
            ..PhaseEdit::default()
        };
        let err = edit_phase(&mut books, Which::named("A"), None, &edit).unwrap_err();
        assert!(err.to_string().contains("several programmes"), "{err}");
        let within = Which::Named {
            name: "A",
            programme: Some("Q"),
        };
        assert_eq!(
            edit_phase(&mut books, within, None, &edit).unwrap().name,
            "Renamed"
        );
        let phase = edit_phase(&mut books, Which::named("P/A"), None, &edit).unwrap();
        assert_eq!((phase.programme_code.as_str(), phase.officer), ("P", None));
        // An unknown programme is refused as the phase it was given for.
        let unknown = Which::Named {
            name: "A",
            programme: Some("NOPE"),
        };
        let err = delete_phase(&mut books, unknown, None).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    field: Field::Phase,
                    what: "programme",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(list_phases(&books, Some("P")).unwrap().len(), 1);
    }

    #[test]
    fn a_programme_is_deleted_only_when_nothing_refers_to_it() {
        let mut books = books();
        let err = delete_programme(&mut books, Which::named("P"), None).unwrap_err();
        assert!(err.to_string().contains("1 phase(s)"), "{err}");
        delete_phase(&mut books, Which::named("P/A"), None).unwrap();
        delete_programme(&mut books, Which::named("P"), None).unwrap();
        let codes: Vec<String> = list_programmes(&books)
            .unwrap()
            .into_iter()
            .map(|p| p.code)
            .collect();
        assert_eq!(codes, ["Q"]);
    }
}
