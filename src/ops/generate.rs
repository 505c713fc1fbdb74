//! Synthetic books for trying the import or benchmarking it: creating the programmes that the
//! generated extracts name (their phases come from the budgets import).

use crate::io::synthetic::{self, GenProgramme};
use crate::store;

/// Creates the generated `programmes` that are not there yet, in one audited transaction;
/// gives how many were created.
pub fn create_programmes(
    books: &mut impl crate::store::engine::Store,
    programmes: &[GenProgramme],
) -> store::Result<usize> {
    books.write_step(|tx| synthetic::create_programmes(tx, programmes))
}
