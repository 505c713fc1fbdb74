//! The codes and references people type, turned into the records they name: programme and phase
//! codes and decision references. A reference that names
//! nothing is refused with the field it was given for and how to list what there is; a door
//! renames the field to the way it asked for it.

use crate::store;
use crate::store::engine::sql::Sql;
use crate::store::entities as e;

/// The id of the programme with `code`.
pub fn programme(books: &impl Sql, code: &str) -> store::Result<i64> {
    e::programme_id(books, code)
}

/// The id of the phase `code` (`PHASE`, or `PROG/PHASE`), within the programme with code
/// `programme` when given.
pub fn phase(books: &impl Sql, programme: Option<&str>, code: &str) -> store::Result<i64> {
    Ok(e::phase_ref(books, programme, code)?.id)
}

/// The id of the decision with `reference`.
pub fn decision(books: &impl Sql, reference: &str) -> store::Result<i64> {
    e::decision_id(books, reference)
}
