//! Importing from CSV extracts (ledger actuals, budget lines, funding lines, benefit targets), the
//! batches imported, and undoing one. Each import reads and checks the whole file and writes all of
//! it or nothing, in its own audited transaction (see `io::import`); an undo removes a batch's rows
//! in one.

use std::path::Path;

use crate::domain::ledger::{ImportProfile, ProfileChange};
use crate::io::import::{
    self as io_import, ActualsOptions, BenefitsOptions, BudgetsOptions, FundingOptions,
    ImportError, ImportOutcome,
};
use crate::store;
use crate::store::batches::{self, Batch};
use crate::store::engine::Store;
use crate::store::ledger_codes::{self, LedgerCode};
use crate::store::profiles;

/// What an import of actuals did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActualsImported {
    /// The file was imported (or, in a dry run, checked: nothing written).
    Imported(ImportOutcome),
    /// Refused because the file was to be imported only without warnings and the check found
    /// some (listed in the outcome): nothing was written.
    Warned(ImportOutcome),
}

/// Imports ledger actuals from `file`: every row checked first, one bad row and nothing is
/// written. With `strict` (and not a dry run), the file is checked first, writing nothing, and
/// imported only when no row has a warning. `progress` is told (bytes read, file size) as the
/// file is imported.
pub fn actuals(
    books: &mut impl Store,
    file: &Path,
    opts: &ActualsOptions,
    strict: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ActualsImported, ImportError> {
    if strict && !opts.dry_run {
        let check = ActualsOptions {
            dry_run: true,
            ..opts.clone()
        };
        let o = import_actuals(books, file, &check, &mut |_, _| {})?;
        if !o.warnings.is_empty() {
            return Ok(ActualsImported::Warned(o));
        }
    }
    import_actuals(books, file, opts, progress).map(ActualsImported::Imported)
}

/// One import of actuals on the books' engine: SQLite's tuned bulk load, or `COPY` on a server.
fn import_actuals(
    books: &mut impl Store,
    file: &Path,
    opts: &ActualsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    if let Some(b) = books.sqlite_books() {
        return io_import::import_actuals(b, file, opts, progress);
    }
    io_import::import_actuals_on_server(&*books, file, opts, progress)
}

/// [`actuals`] read with the saved profile called `profile` (its mapping, header rule,
/// encoding, date format and amount shape); the batch records the profile's name.
pub fn actuals_with_profile(
    books: &mut impl Store,
    file: &Path,
    profile: &str,
    opts: &ActualsOptions,
    strict: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ActualsImported, ImportError> {
    let opts = ActualsOptions {
        profile: Some(profiles::profile(&*books, profile)?),
        ..opts.clone()
    };
    actuals(books, file, &opts, strict, progress)
}

/// Saves a new import profile, audited; gives its id.
pub fn add_profile(
    books: &mut impl crate::store::engine::Store,
    profile: &ImportProfile,
) -> store::Result<i64> {
    books.write_step(|tx| profiles::add_profile(tx, profile))
}

/// Changes the saved profile called `name`, audited; gives it as it now is.
pub fn edit_profile(
    books: &mut impl crate::store::engine::Store,
    name: &str,
    change: &ProfileChange,
) -> store::Result<ImportProfile> {
    books.write_step(|tx| {
        let now = change.applied_to(&profiles::profile(tx, name)?);
        profiles::edit_profile(tx, name, &now)?;
        Ok(now)
    })
}

/// Deletes the saved profile called `name`, audited; gives it as it was.
pub fn delete_profile(
    books: &mut impl crate::store::engine::Store,
    name: &str,
) -> store::Result<ImportProfile> {
    books.write_step(|tx| profiles::delete_profile(tx, name))
}

/// Every saved import profile, by name.
pub fn list_profiles(
    books: &impl crate::store::engine::sql::Sql,
) -> store::Result<Vec<ImportProfile>> {
    profiles::list_profiles(books)
}

/// The profile batch `batch_id` was imported with, if any.
pub fn batch_profile(
    books: &impl crate::store::engine::sql::Sql,
    batch_id: i64,
) -> store::Result<Option<String>> {
    profiles::batch_profile(books, batch_id)
}

/// Maps ledger `code` to `phase` (`PROG/PHASE`) and optionally a contract, audited.
pub fn add_code(
    books: &mut impl crate::store::engine::Store,
    code: &str,
    phase: &str,
    contract: Option<&str>,
) -> store::Result<LedgerCode> {
    books.write_step(|tx| ledger_codes::add_code(tx, code, phase, contract))
}

/// Maps every (code, phase) pair of a two-column CSV in one transaction, each audited: all or
/// none. Gives how many were mapped.
pub fn load_codes(
    books: &mut impl crate::store::engine::Store,
    file: &Path,
) -> Result<u64, ImportError> {
    let pairs = io_import::read_code_pairs(file)?;
    let n = books.write_step(|tx| {
        for (line, code, phase) in &pairs {
            ledger_codes::add_code(tx, code, phase, None).map_err(|e| {
                store::StoreError::invalid("code", format!("{}, line {line}: {e}", file.display()))
            })?;
        }
        Ok(pairs.len() as u64)
    })?;
    Ok(n)
}

/// The code map, by code.
pub fn list_codes(books: &impl crate::store::engine::sql::Sql) -> store::Result<Vec<LedgerCode>> {
    ledger_codes::list_codes(books)
}

/// Removes ledger `code` from the map, audited.
pub fn delete_code(
    books: &mut impl crate::store::engine::Store,
    code: &str,
) -> store::Result<LedgerCode> {
    books.write_step(|tx| ledger_codes::delete_code(tx, code))
}

/// Imports budget lines from `file` (one allocation per row for one financial year): all rows
/// or none; phases not there yet are created when the options ask.
pub fn budgets(
    books: &mut impl Store,
    file: &Path,
    opts: &BudgetsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    io_import::import_budgets(books, file, opts, progress)
}

/// [`budgets`] read with the saved profile called `profile`, when one is named (its column
/// renames, header rule and encoding); the batch records the profile's name.
pub fn budgets_with_profile(
    books: &mut impl Store,
    file: &Path,
    opts: &BudgetsOptions,
    profile: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let opts = BudgetsOptions {
        profile: saved(books, profile)?,
        ..opts.clone()
    };
    budgets(books, file, &opts, progress)
}

/// The saved profile called `name`, if one is named.
fn saved(books: &impl Store, name: Option<&str>) -> Result<Option<ImportProfile>, ImportError> {
    Ok(name.map(|n| profiles::profile(books, n)).transpose()?)
}

/// Imports benefit targets from `file` (one row per benefit and year): all rows or none.
pub fn benefits(
    books: &mut impl Store,
    file: &Path,
    opts: &BenefitsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    io_import::import_benefits(books, file, opts, progress)
}

/// Imports funding lines from `file` (one per row): all rows or none.
pub fn funding(
    books: &mut impl Store,
    file: &Path,
    opts: &FundingOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    io_import::import_funding(books, file, opts, progress)
}

/// [`funding`] read with the saved profile called `profile`, when one is named (its column
/// renames, header rule and encoding); the batch records the profile's name.
pub fn funding_with_profile(
    books: &mut impl Store,
    file: &Path,
    opts: &FundingOptions,
    profile: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let opts = FundingOptions {
        profile: saved(books, profile)?,
        ..opts.clone()
    };
    funding(books, file, &opts, progress)
}

/// Every import batch, oldest first.
pub fn list(books: &impl crate::store::engine::sql::Sql) -> store::Result<Vec<Batch>> {
    batches::list_batches(books)
}

/// Undoes import batch `id` in its own audited transaction: its rows removed, the batch kept as
/// undone. Refused when it was undone already or any of its rows lies in a closed period.
pub fn undo(books: &mut impl Store, id: i64) -> store::Result<Batch> {
    books.write_step(|tx| undo_in(tx, id))
}

/// [`undo`] inside a transaction already open.
pub(crate) fn undo_in(tx: &impl crate::store::engine::sql::Sql, id: i64) -> store::Result<Batch> {
    batches::undo(tx, id)
}
