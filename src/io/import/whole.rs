//! The import of a file read whole before it is written (budgets, funding and benefits): open the
//! file, refuse one imported before, check every row, list every problem, then write the rows as
//! one batch in one transaction and finish it (one audit event, the commit). What a kind of row
//! means is its [`RowImporter`]; this file only runs the steps they share.

use crate::store::engine::sql::Sql;
use std::path::Path;

use crate::store::Books;

use super::batches::{self as batch, ImportOutcome, Tally};
use super::header::MappedOptions;
use super::problems::{ImportError, Lock, Problems};
use super::rows::{Cells, Reading, open};
use crate::domain::ledger::HeaderRule;
use crate::store::StoreError;
use crate::store::batches::{self, BatchKind};

/// What one kind of import does with its rows.
pub(super) trait RowImporter {
    /// A checked row.
    type Row;
    /// What is written: a row, or several rows gathered into one record (a benefit).
    type Item;
    /// Reads one row, or records its problems and gives `None`.
    fn parse(
        &mut self,
        cells: &Cells,
        line: u64,
        conn: &impl Sql,
        lock: &Lock,
        problems: &mut Problems,
    ) -> Result<Option<Self::Row>, StoreError>;
    /// Checks the rows together once all are read, into what is written.
    fn gather(&mut self, rows: Vec<Self::Row>, problems: &mut Problems) -> Vec<Self::Item>;
    /// Writes the items as batch `batch_id` of `file_name`, adding each to `tally`; what the
    /// store refuses for a user's reason is recorded in `problems`.
    fn write(
        &mut self,
        conn: &impl Sql,
        batch_id: i64,
        file_name: &str,
        items: &[Self::Item],
        tally: &mut Tally<String>,
        problems: &mut Problems,
    ) -> Result<(), ImportError>;
    /// The outcome, with anything this kind adds to it.
    fn outcome(&self, outcome: ImportOutcome) -> ImportOutcome {
        outcome
    }
}

/// The file an import reads and how: its columns (name, required), the options (`--map`
/// renames, the forced encoding, a profile, the sheet, whether it is a dry run) and the kind of
/// batch.
pub(super) struct WholeFile<'a> {
    pub(super) path: &'a Path,
    pub(super) columns: &'a [(&'a str, bool)],
    pub(super) options: &'a MappedOptions,
    pub(super) kind: BatchKind,
}

/// Imports a file with `importer` into books on either engine: all rows or none.
pub(super) fn import_whole_any<I: RowImporter>(
    books: &mut impl crate::store::engine::Store,
    how: &WholeFile,
    importer: &mut I,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    if let Some(b) = books.sqlite_books() {
        return import_whole(b, how, importer, progress);
    }
    import_whole_on_server(&*books, how, importer, progress)
}

/// Imports a file with `importer` into a SQLite file's books: all rows or none.
fn import_whole<I: RowImporter>(
    conn: &mut Books,
    how: &WholeFile,
    importer: &mut I,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let mut file = open_whole(how)?;
    let tx = conn.begin()?;
    let (outcome, batch_id) = load(&tx, how, &mut file, importer, progress)?;
    batch::finish(tx, batch_id, outcome, how.options.dry_run)
}

/// [`import_whole`] into books on a PostgreSQL server, in one SERIALIZABLE transaction.
fn import_whole_on_server<I: RowImporter>(
    books: &impl Sql,
    how: &WholeFile,
    importer: &mut I,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let mut file = open_whole(how)?;
    let dry_run = how.options.dry_run;
    crate::store::engine::pg_load::bulk_transaction(books, !dry_run, || {
        let (mut outcome, batch_id) = load(books, how, &mut file, importer, progress)?;
        batch::finish_in(books, batch_id, &mut outcome, dry_run, None)?;
        Ok(outcome)
    })
}

/// Opens the file as `how` says, with its profile's mapping, encoding and header rule.
fn open_whole<'a>(how: &WholeFile<'a>) -> Result<super::rows::Opened<'a>, ImportError> {
    let opts = how.options;
    let profile = opts.profile.as_ref();
    let map = match profile {
        Some(p) if opts.map.is_empty() => &p.map,
        _ => &opts.map,
    };
    // These rows' dates are read as without a profile, so a workbook's date cells are given
    // to them as dd/mm/yyyy.
    let reading = Reading {
        encoding: opts
            .encoding
            .as_deref()
            .or(profile.and_then(|p| p.encoding.as_deref())),
        sheet: opts.sheet.as_deref(),
        header: profile.map_or(HeaderRule::Skip(0), |p| p.header),
        ..Reading::default()
    };
    open(how.path, reading, how.columns, map)
}

/// Reads, checks and writes the rows of `file` inside the open transaction `tx`, on either
/// engine; gives the outcome and the batch's id (the caller finishes and commits it).
fn load<I: RowImporter>(
    tx: &impl Sql,
    how: &WholeFile,
    file: &mut super::rows::Opened<'_>,
    importer: &mut I,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(ImportOutcome, i64), ImportError> {
    let profile = how.options.profile.as_ref();
    batch::refuse_reimport(tx, &file.scan.sha256)?;
    let lock = Lock::read(tx)?;
    let mut problems = Problems::default();
    let mut rows = Vec::new();
    while let Some(line) = file.rows.next(&mut problems, progress)? {
        let cells = Cells::new(&file.rows.record, &file.idx);
        rows.extend(importer.parse(&cells, line, tx, &lock, &mut problems)?);
    }
    progress(file.scan.len, file.scan.len);
    let items = importer.gather(rows, &mut problems);
    problems.into_result()?;
    if items.is_empty() {
        return Err(ImportError::no_rows(&file.file_name));
    }
    let file_name = file.file_name.clone();
    let batch_id = batches::insert_batch(tx, how.kind, &file_name, &file.scan.sha256)?;
    if let Some(p) = profile {
        crate::store::profiles::set_batch_profile(tx, batch_id, &p.name)?;
    }
    let mut tally: Tally<String> = Tally::new();
    let mut store_problems = Problems::default();
    importer.write(
        tx,
        batch_id,
        &file_name,
        &items,
        &mut tally,
        &mut store_problems,
    )?;
    store_problems.into_result()?;
    let outcome = importer.outcome(tally.outcome(
        String::clone,
        file_name,
        file.encoding.name(),
        file.detected,
    ));
    Ok((outcome, batch_id))
}
