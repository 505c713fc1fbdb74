//! Importing ledger actuals: the columns of a ledger extract, checking a row into a
//! `NewActual` (phases and contracts resolved from an in-memory `Directory`), and the import
//! itself. It runs on two threads: one reads and checks the rows, away from the database, and
//! hands the good ones on in sorted chunks ([`Pending`]); the caller's thread writes them in the
//! write transaction, then refuses (or with `--skip-duplicates` leaves out) rows already held.

use crate::domain::text::{MAX_TEXT, check_length};
use crate::store::HandleMut;
use crate::store::engine::sql::Sql;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc;

use crate::store::Books;
use chrono::NaiveDate;

use super::actual_lookups::{A_CODE, ActualLookups};
use super::batches::{self as batch, ImportOutcome, Tally};
use super::lines::LineLog;
use super::pending::{Noted, Pending};
use super::problems::{ImportError, Lock, Problems};
use super::rows::{Cells, Reading, Rows, open, require_cells};
use crate::domain::Money;
use crate::domain::calendar::parse_date;
use crate::domain::ledger::{
    AmountShape, DateFormat, HeaderRule, ImportProfile, MAX_CODE_COLUMNS, row_amount,
};
use crate::store::actual_digest::ActualDigest;
use crate::store::batches::{self, BatchKind};
use crate::store::{self, StoreError, entities as e};

/// A generous guess at the bytes in one ledger line, to estimate a file's rows from its size.
const BYTES_PER_ROW_ESTIMATE: u64 = 120;

/// How an actuals import writes: below `bulk_min_rows` (estimated) rows it maintains the indexes
/// and running totals row by row; checked rows are written in chunks of at most `chunk_rows` rows
/// (or [`CHUNK_TEXT_BYTES`](super::pending::CHUNK_TEXT_BYTES) of text). Tests use small values to cover what big files do.
#[derive(Debug, Clone, Copy)]
struct Tuning {
    bulk_min_rows: u64,
    chunk_rows: usize,
}

const TUNING: Tuning = Tuning {
    bulk_min_rows: 20_000,
    chunk_rows: 1 << 17,
};

/// An import of at least this many rows (estimated from the file's size) keeps SQLite's sorts
/// and temporary tables in files, so that its memory stays flat however large the file.
const LARGE_ROWS: u64 = 100_000;

/// How often in time progress is reported while actuals are checked on one thread and written on another.
/// The ids of rows whose references may repeat are sent in groups of at most this many.
const WARN_IDS_AT_ONCE: usize = 65_536;
const PROGRESS_TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// Options for [`import_actuals`].
#[derive(Debug, Clone, Default)]
pub struct ActualsOptions {
    /// Renames the file's columns to Outturn's: `("Trans Date", "Date")`. See [`parse_map`](super::parse_map).
    pub map: Vec<(String, String)>,
    /// Check everything and report what would be imported, writing nothing.
    pub dry_run: bool,
    /// Leave out rows that match an actual already held instead of refusing the file.
    pub skip_duplicates: bool,
    /// `utf-8` or `windows-1252` to force the encoding (default: detect).
    pub encoding: Option<String>,
    /// The saved profile the file is read with: its mapping, header rule, encoding, date format
    /// and amount shape (used where `map` and `encoding` are not given). Recorded on the batch.
    pub profile: Option<ImportProfile>,
    /// The sheet of a workbook to read (None: its first sheet); refused for a CSV.
    pub sheet: Option<String>,
}

/// How a row's date and amount are read: by the profile, or as without one.
#[derive(Debug, Clone, Copy)]
struct RowRules {
    /// None: the dates Outturn reads without a profile (`26/08/2022` or `2022-08-26`).
    date: Option<DateFormat>,
    amount: AmountShape,
    /// How many file columns make the ledger code (0: the file has a Phase column).
    codes: usize,
}

impl RowRules {
    fn of(profile: Option<&ImportProfile>) -> Self {
        RowRules {
            date: profile.map(|p| p.date_format),
            amount: profile.map_or(AmountShape::Signed, |p| p.amount),
            codes: profile.map_or(0, |p| p.code_columns.len().min(MAX_CODE_COLUMNS)),
        }
    }

    /// The columns read, each required or not in this shape.
    fn columns(&self) -> Vec<(&'static str, bool)> {
        let needed = self.amount.columns();
        ACTUAL_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, &(name, required))| {
                let money = matches!(name, "Amount" | "Debit" | "Credit" | "Sign");
                let required = if money {
                    needed.contains(&name)
                } else if i == A_PHASE {
                    self.codes == 0
                } else if i >= A_CODE {
                    i < A_CODE + self.codes
                } else {
                    required
                };
                (name, required)
            })
            .collect()
    }
}

const ACTUAL_COLUMNS: &[(&str, bool)] = &[
    ("Date", true),
    ("Phase", true),
    ("Supplier", true),
    ("Description", true),
    ("Reference", true),
    ("Amount", true),
    ("Programme", false),
    ("Contract", false),
    ("Debit", false),
    ("Credit", false),
    ("Sign", false),
    ("Ledger code 1", false),
    ("Ledger code 2", false),
    ("Ledger code 3", false),
];
const A_DATE: usize = 0;
const A_PHASE: usize = 1;
const A_SUPPLIER: usize = 2;
const A_DESCRIPTION: usize = 3;
const A_REFERENCE: usize = 4;
const A_AMOUNT: usize = 5;
const A_PROGRAMME: usize = 6;
const A_CONTRACT: usize = 7;
const A_DEBIT: usize = 8;
const A_CREDIT: usize = 9;
const A_SIGN: usize = 10;
/// The cells no ledger line may leave empty (and Phase, unless the phase comes from a code).
const ACTUAL_REQUIRED_CELLS: &[(usize, &str)] = &[(A_DATE, "Date"), (A_REFERENCE, "Reference")];

/// Reads one actuals row into `out`, or records its problems. Returns false when it is bad.
fn parse_actual(
    cells: &Cells,
    line: u64,
    rules: RowRules,
    lookups: &mut ActualLookups,
    lock: &Lock,
    problems: &mut Problems,
    out: &mut e::NewActual,
) -> Result<bool, StoreError> {
    let mut ok = require_cells(cells, line, ACTUAL_REQUIRED_CELLS, "ledger line", problems);
    if rules.codes == 0 {
        ok &= require_cells(cells, line, &[(A_PHASE, "Phase")], "ledger line", problems);
    }
    for c in [(A_AMOUNT, "Amount"), (A_SIGN, "Sign")] {
        if rules.amount.columns().contains(&c.1) {
            ok &= require_cells(cells, line, &[c], "ledger line", problems);
        }
    }
    for (c, column) in [
        (A_SUPPLIER, "Supplier"),
        (A_DESCRIPTION, "Description"),
        (A_REFERENCE, "Reference"),
    ] {
        if let Err(m) = check_length(cells.get(c), MAX_TEXT) {
            problems.add(line, column, || m);
            ok = false;
        }
    }
    let date_text = cells.get(A_DATE);
    if !date_text.is_empty() {
        let date = match rules.date {
            Some(format) => format.parse_date(date_text),
            None => parse_date(date_text).map_err(|e| e.to_string()),
        };
        match date {
            Ok(d) => {
                if lock.through.is_some_and(|l| d <= l) {
                    problems.add(line, "Date", || lock.message(format!("'{date_text}'")));
                    ok = false;
                }
                out.date = d;
            }
            Err(err) => {
                problems.add(line, "Date", || err);
                ok = false;
            }
        }
    }
    let amount_text = cells.get(A_AMOUNT);
    let amount_needed = rules.amount.columns().contains(&"Amount");
    if !(amount_needed && amount_text.is_empty()) {
        match row_amount(
            rules.amount,
            amount_text,
            cells.get(A_DEBIT),
            cells.get(A_CREDIT),
            cells.get(A_SIGN),
        ) {
            Ok(m) => out.amount = m,
            Err((column, message)) => {
                problems.add(line, column, || message);
                ok = false;
            }
        }
    }
    let code = cells.get(A_PHASE);
    let mut phase_id = None;
    let mut code_contract = None;
    if rules.codes > 0 {
        match lookups.ledger_code(cells, line, rules.codes, problems) {
            Some((pid, cid)) => {
                phase_id = Some(pid);
                code_contract = cid;
            }
            None => ok = false,
        }
    } else if !code.is_empty() {
        match lookups.phase(cells.get(A_PROGRAMME), code)? {
            Ok(id) => phase_id = Some(id),
            Err((column, message)) => {
                problems.add(line, column, || message);
                ok = false;
            }
        }
    }
    let contract = cells.get(A_CONTRACT);
    out.contract_id = code_contract;
    if !contract.is_empty() {
        match lookups.contract(contract)? {
            Ok((cid, contract_phase)) => {
                if let Some(pid) = phase_id
                    && pid != contract_phase
                {
                    let (theirs, ours) = (lookups.label(contract_phase), lookups.label(pid));
                    problems.add(line, "Contract", || {
                        format!(
                            "contract '{contract}' belongs to phase {theirs}, not {ours}: correct the \
                             Phase or the Contract"
                        )
                    });
                    ok = false;
                }
                out.contract_id = Some(cid);
            }
            Err(message) => {
                problems.add(line, "Contract", || message);
                ok = false;
            }
        }
    }
    if !ok {
        return Ok(false);
    }
    if let Some(pid) = phase_id {
        out.phase_id = pid;
    }
    for (c, field) in [
        (A_SUPPLIER, &mut out.supplier),
        (A_DESCRIPTION, &mut out.description),
        (A_REFERENCE, &mut out.reference),
    ] {
        field.clear();
        field.push_str(cells.get(c));
    }
    Ok(true)
}

/// Checks every row of a ledger file, away from the database: reads it, skips blank rows,
/// parses dates and amounts, resolves phases and contracts from `lookups`, and hands the good rows
/// on through `emit` in chunks, sorted, for the writer; `emit` gives back an empty chunk to fill
/// next, or None when the writer has stopped. Once any row is bad it hands on nothing more but
/// keeps checking, to list every problem. Returns the problems, and the lookups for labels.
fn check_ledger(
    mut rows: Rows,
    idx: &[Option<usize>],
    rules: RowRules,
    mut lookups: ActualLookups,
    lock: &Lock,
    chunk_rows: usize,
    emit: &mut dyn FnMut(Pending) -> Option<Pending>,
) -> Result<(Problems, ActualLookups), ImportError> {
    let mut problems = Problems::default();
    let mut pending = Pending::default();
    let mut row = e::NewActual {
        phase_id: 0,
        contract_id: None,
        date: NaiveDate::MIN,
        supplier: String::new(),
        description: String::new(),
        reference: String::new(),
        amount: Money::ZERO,
    };
    while let Some(line) = rows.next(&mut problems, &mut |_, _| {})? {
        let cells = Cells::new(&rows.record, idx);
        let good = parse_actual(
            &cells,
            line,
            rules,
            &mut lookups,
            lock,
            &mut problems,
            &mut row,
        )?;
        if !good || !problems.is_empty() {
            continue;
        }
        pending.push(line, &row);
        if pending.is_full(chunk_rows) {
            pending.sort();
            match emit(std::mem::take(&mut pending)) {
                Some(next) => pending = next,
                None => return Ok((problems, lookups)),
            }
        }
    }
    lookups.name_unknown_codes(&mut problems);
    if problems.is_empty() && !pending.rows.is_empty() {
        pending.sort();
        emit(pending);
    }
    Ok((problems, lookups))
}

/// Imports ledger actuals from a CSV extract: all rows or none. See the module documentation.
/// `progress` is called with (file bytes read, file size) as the file is read.
pub fn import_actuals(
    conn: &mut impl HandleMut,
    path: &Path,
    opts: &ActualsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let conn = conn.books_mut();
    import_actuals_tuned(conn, path, opts, progress, TUNING)
}

/// Opens the file of an import of actuals with its profile's (or the options') mapping, header
/// rule, encoding and date format.
fn open_actuals<'a>(
    path: &'a Path,
    opts: &ActualsOptions,
) -> Result<OpenedActuals<'a>, ImportError> {
    let profile = opts.profile.as_ref();
    let rules = RowRules::of(profile);
    let mut map = match profile {
        Some(p) if opts.map.is_empty() => p.map.clone(),
        _ => opts.map.clone(),
    };
    // The code columns are read as Ledger code 1, 2, ...
    let code_columns = profile.map_or(&[][..], |p| &p.code_columns);
    for (i, column) in code_columns.iter().take(MAX_CODE_COLUMNS).enumerate() {
        map.push((column.clone(), ACTUAL_COLUMNS[A_CODE + i].0.to_string()));
    }
    let encoding = opts
        .encoding
        .as_deref()
        .or(profile.and_then(|p| p.encoding.as_deref()));
    let how = Reading {
        encoding,
        sheet: opts.sheet.as_deref(),
        dates: rules.date.unwrap_or(DateFormat::DayMonthYearSlash),
        header: profile.map_or(HeaderRule::Skip(0), |p| p.header),
    };
    Ok(OpenedActuals {
        file: open(path, how, &rules.columns(), &map)?,
        rules,
    })
}

/// A file opened for an import of actuals, with the rules its rows are read by.
struct OpenedActuals<'a> {
    file: super::rows::Opened<'a>,
    rules: RowRules,
}

fn import_actuals_tuned(
    conn: &mut Books,
    path: &Path,
    opts: &ActualsOptions,
    progress: &mut dyn FnMut(u64, u64),
    tuning: Tuning,
) -> Result<ImportOutcome, ImportError> {
    let opened = open_actuals(path, opts)?;
    let scan = &opened.file.scan;
    // Past this many rows (estimated) SQLite's sorts and temporary tables go to files.
    let large = scan.len / BYTES_PER_ROW_ESTIMATE >= LARGE_ROWS;
    // A load larger than the ledger it joins writes its pages once (see the function).
    let rollback = large
        && i64::try_from(scan.len / BYTES_PER_ROW_ESTIMATE).unwrap_or(i64::MAX)
            >= batches::last_actual_id(&**conn)?;
    batches::with_rollback_journal(conn, rollback, |conn| {
        batches::with_bulk_settings(conn, large, |conn| {
            let tx = conn.books_mut().begin()?;
            let (outcome, batch_id, digest) = load(&tx, path, opts, opened, progress, tuning)?;
            batch::finish_digested(tx, batch_id, outcome, opts.dry_run, digest)
        })
    })
}

/// [`import_actuals`] into books on a PostgreSQL server: the same reading, checks, messages and
/// outcome, in one SERIALIZABLE transaction; the rows go by `COPY`, and the server's statement
/// triggers check closed periods and keep the running totals once per chunk.
pub fn import_actuals_on_server(
    books: &impl Sql,
    path: &Path,
    opts: &ActualsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let opened = open_actuals(path, opts)?;
    crate::store::engine::pg_load::bulk_transaction(books, !opts.dry_run, || {
        let (mut outcome, batch_id, digest) = load(books, path, opts, opened, progress, TUNING)?;
        batch::finish_in(books, batch_id, &mut outcome, opts.dry_run, digest)?;
        Ok(outcome)
    })
}

/// Reads, checks and writes the rows of `opened` inside the open transaction `tx`, on either
/// engine; gives the outcome, the batch's id and its audit digest (None: read it back).
fn load(
    tx: &impl Sql,
    path: &Path,
    opts: &ActualsOptions,
    opened: OpenedActuals<'_>,
    progress: &mut dyn FnMut(u64, u64),
    tuning: Tuning,
) -> Result<(ImportOutcome, i64, Option<crate::store::capture::Image>), ImportError> {
    let OpenedActuals { file, rules } = opened;
    let profile = opts.profile.as_ref();
    let (scan, read_count, file_rows) = (&file.scan, &file.read_count, file.rows);
    {
        {
            batch::refuse_reimport(tx, &scan.sha256)?;
            // The batch's audit event carries the count and SHA-256 of its rows, not every row image.
            store::capture::pause(tx, "actual")?;
            let lock = Lock::read(tx)?;
            let lookups = ActualLookups::new(tx)?.with_codes(tx, profile)?;
            let held_through = batches::last_actual_id(tx)?;
            // A file with more rows than the ledger holds loads faster into the bare table with
            // the indexes built afterwards (same SQL, same transaction). Only in a file: a server
            // keeps its indexes, so its ledger is not counted (0.2 s a million rows).
            let estimated_rows = scan.len / BYTES_PER_ROW_ESTIMATE;
            let bulk = tx.as_sqlite().is_some()
                && estimated_rows >= tuning.bulk_min_rows
                && estimated_rows as i64 >= batches::actual_count(tx)?;
            let dropped = if bulk {
                batches::drop_actual_indexes(tx)?
            } else {
                Vec::new()
            };
            // Likewise the running totals: one grouped pass at the end instead of an upsert per row.
            let totals_trigger = if bulk {
                batches::suspend_actual_totals(tx)?
            } else {
                None
            };
            let batch_id =
                batches::insert_batch(tx, BatchKind::Actuals, &file.file_name, &scan.sha256)?;
            if let Some(p) = profile {
                store::profiles::set_batch_profile(tx, batch_id, &p.name)?;
            }
            // (actual id, line) of every row written, in id order, to name the line of a duplicate
            // or a warning: in a temporary file, not in memory.
            let noted = Noted {
                written: LineLog::new()?,
                // The batch's audit digest, built as its rows are written rather than read back.
                digest: ActualDigest::new(tx)?,
                // The references written, for the warning on a reference also on another date or amount.
                // Sized for the file's rows and the ledger before it (ids are at least as many).
                refs: e::RefFilter::for_references(
                    estimated_rows.saturating_add(u64::try_from(held_through).unwrap_or(0)),
                ),
                latest: None,
            };
            let sum_totals = totals_trigger.is_some();
            // Three threads in a pipeline of chunks: one reads and checks the file, this one (which
            // holds the transaction) inserts the checked rows, and a third notes what was written
            // (lines, audit digest, references, tallies), then hands the emptied chunk back to the
            // first. At most four chunks are held at once.
            let (problems, lookups, mut noted, mut tally, totals) = std::thread::scope(|scope| {
                let (send, receive) = mpsc::sync_channel::<Pending>(1);
                let (to_note, written) = mpsc::sync_channel::<Pending>(0);
                let (give_back, spare) = mpsc::channel::<Pending>();
                let (idx, lock) = (&file.idx, &lock);
                let checker = scope.spawn(move || {
                    check_ledger(
                        file_rows,
                        idx,
                        rules,
                        lookups,
                        lock,
                        tuning.chunk_rows,
                        &mut |chunk| {
                            send.send(chunk).ok()?;
                            Some(spare.try_recv().unwrap_or_default())
                        },
                    )
                });
                let noter = scope.spawn(move || {
                    let mut noted = noted;
                    let mut tally: Tally<i64> = Tally::new();
                    let mut totals: batches::ActualTotals = std::collections::HashMap::new();
                    for mut chunk in written {
                        let sums = sum_totals.then_some(&mut totals);
                        chunk.note(batch_id, &mut noted, &mut tally, sums)?;
                        // The checker may have finished; then the chunk is simply dropped.
                        let _ = give_back.send(chunk);
                    }
                    Ok::<_, ImportError>((noted, tally, totals))
                });
                loop {
                    match receive.recv_timeout(PROGRESS_TICK) {
                        Ok(mut chunk) => {
                            chunk.write(tx, batch_id)?;
                            // When the noter has stopped, its error is reported below.
                            if to_note.send(chunk).is_err() {
                                break;
                            }
                        }
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                    progress(read_count.load(Ordering::Relaxed), scan.len);
                }
                drop(to_note);
                drop(receive);
                let stopped = |what: &str| ImportError::Io {
                    path: path.display().to_string(),
                    source: std::io::Error::other(format!(
                        "the thread {what} stopped unexpectedly"
                    )),
                };
                let (noted, tally, totals) = noter
                    .join()
                    .map_err(|_| stopped("noting the rows written"))??;
                let (problems, lookups) =
                    checker.join().map_err(|_| stopped("checking the file"))??;
                Ok::<_, ImportError>((problems, lookups, noted, tally, totals))
            })?;
            progress(scan.len, scan.len);
            problems.into_result()?;
            if tally.rows == 0 {
                return Err(ImportError::no_rows(&file.file_name));
            }
            batches::recreate_indexes(tx, &dropped)?;
            if let Some(trigger) = &totals_trigger {
                batches::resume_actual_totals(tx, trigger, &totals)?;
            }
            let skipped = if held_through > 0 {
                super::actual_duplicates::duplicates(
                    tx,
                    batch_id,
                    held_through,
                    opts.skip_duplicates,
                    &mut noted.written,
                    &mut tally,
                    &|phase| lookups.label(phase),
                )?
            } else {
                0
            };
            // Every row was already in the ledger: no batch of no rows is kept.
            if tally.rows == 0 {
                return Err(ImportError::Header {
                    message: format!(
                        "every row of {} is already in the ledger ({} left out by \
                     --skip-duplicates): nothing was imported",
                        file.file_name,
                        crate::domain::text::counted(skipped, "row")
                    ),
                });
            }
            let today = e::today().unwrap_or_else(|_| chrono::Local::now().date_naive());
            // The references of the batch that may be held more than once: the ledger before it
            // is noted too, then only the candidates are looked at exactly.
            noted.refs.note_ledger(tx, held_through)?;
            e::start_warn_ids(tx)?;
            let refs = &noted.refs;
            // With no reference met twice (the usual case), the rows need not be read again.
            // Their ids go to the database a few thousand at a time (one statement on a server).
            if refs.any_again() {
                let mut ids = Vec::new();
                noted.written.each_hash(&mut |id, hash| {
                    if hash != 0 && refs.may_repeat(hash) {
                        ids.push(id);
                        if ids.len() >= WARN_IDS_AT_ONCE {
                            e::add_warn_ids(tx, &ids)?;
                            ids.clear();
                        }
                    }
                    Ok(())
                })?;
                e::add_warn_ids(tx, &ids)?;
            }
            let scope = e::WarnScope::Prepared {
                batch: batch_id,
                held_through,
                latest: noted.latest,
            };
            let mut by_id = e::actual_warnings(tx, scope, today)?;
            // Lines are looked up in id order; a row's own warnings keep their order (stable sorts).
            by_id.sort_by_key(|(id, _)| *id);
            let mut look = noted.written.lookup()?;
            let mut by_line = Vec::with_capacity(by_id.len());
            for (id, w) in by_id {
                by_line.push((look.line_of(id)?, w));
            }
            by_line.sort_by_key(|(line, _)| *line);
            let warnings = by_line
                .into_iter()
                .map(|(line, w)| format!("line {line}: {w}"))
                .collect();
            let outcome = ImportOutcome {
                skipped_duplicates: skipped,
                warnings,
                ..tally.outcome(
                    |id| lookups.label(*id),
                    file.file_name.clone(),
                    file.encoding.name(),
                    file.detected,
                )
            };
            store::capture::resume(tx, "actual")?;
            // Rows left out as duplicates were deleted after they were hashed: read the batch back.
            let digest = if skipped == 0 {
                noted.digest.finish(batch_id)
            } else {
                None
            };
            Ok((outcome, batch_id, digest))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FinancialYear;
    use crate::domain::calendar::uk_date;
    use crate::domain::model::DeliveryStatus;
    use crate::store::browse::PageRequest;
    use crate::store::check;
    use std::collections::BTreeMap;

    /// Programme P with phases A, B and C; contract K belongs to B.
    fn setup() -> Books {
        let mut conn = Books::in_memory().unwrap();
        let tx = conn.begin().unwrap();
        let programme = e::add_programme(
            &tx,
            &e::NewProgramme {
                code: "P".into(),
                name: "Programme".into(),
                organisation: String::new(),
                status: DeliveryStatus::Active,
            },
        )
        .unwrap();
        let mut ids = Vec::new();
        for code in ["A", "B", "C"] {
            ids.push(
                e::add_phase(
                    &tx,
                    &e::NewPhase {
                        programme_id: programme,
                        code: code.into(),
                        name: format!("Phase {code}"),
                        status: DeliveryStatus::Active,
                        officer: None,
                    },
                )
                .unwrap(),
            );
        }
        e::add_contract(
            &tx,
            &e::NewContract {
                reference: "K".into(),
                title: "Support".into(),
                supplier: "Capita plc".into(),
                phase_id: ids[1],
                framework_id: None,
                value: Money::from_pence(10_000_000),
                start: NaiveDate::from_ymd_opt(2022, 4, 1).unwrap(),
                term_months: 24,
                award_decision_id: None,
                extensions: Vec::new(),
                profile: Vec::new(),
            },
        )
        .unwrap();
        tx.commit().unwrap();
        conn
    }

    /// 40 ledger lines in no particular order over two years, three phases and contract K (line
    /// 2 + i holds reference R{i}); and the expected (phase code, FY, pence) sums.
    fn ledger() -> (String, BTreeMap<(String, i32), i64>) {
        let mut text = String::from("Date,Phase,Contract,Supplier,Description,Reference,Amount\n");
        let mut expected = BTreeMap::new();
        for i in 0..40i64 {
            let phase = ["C", "A", "B"][(i * 7 % 3) as usize];
            let contract = if phase == "B" && i % 2 == 0 { "K" } else { "" };
            let date = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap()
                + chrono::Days::new(((i * 37) % 700) as u64);
            let pence = (i * 9_973 % 50_000) - 5_000;
            let fy = FinancialYear::containing(date).start_year();
            *expected.entry((phase.to_string(), fy)).or_insert(0) += pence;
            let sign = if pence < 0 { "-" } else { "" };
            text.push_str(&format!(
                "{},{phase},{contract},Supplier {},\"Line {i}, \"\"quoted\"\"\",R{i},{sign}{}.{:02}\n",
                uk_date(date),
                i % 5,
                pence.abs() / 100,
                pence.abs() % 100
            ));
        }
        (text, expected)
    }

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn import(conn: &mut Books, path: &Path, tuning: Tuning) -> Result<ImportOutcome, ImportError> {
        import_actuals_tuned(
            conn,
            path,
            &ActualsOptions::default(),
            &mut |_, _| {},
            tuning,
        )
    }

    /// Every actual held, by date.
    fn actuals(conn: &Books) -> Vec<crate::domain::model::Actual> {
        let all = e::ActualFilter::default();
        crate::store::browse::actuals_page(conn, &all, PageRequest::First, 1_000_000).unwrap()
    }

    /// (phase code, FY, pence) summed from the actuals held.
    fn held(conn: &Books) -> BTreeMap<(String, i32), i64> {
        let mut sums = BTreeMap::new();
        for a in actuals(conn) {
            *sums.entry((a.phase_code, a.fy.start_year())).or_insert(0) += a.amount.pence();
        }
        sums
    }

    #[test]
    fn every_row_is_written_once_whatever_the_chunk_size_and_write_path() {
        let (text, expected) = ledger();
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "ledger.csv", &text);
        for bulk_min_rows in [0, u64::MAX] {
            for chunk_rows in [1, 3, 40, 1000] {
                let mut conn = setup();
                let tuning = Tuning {
                    bulk_min_rows,
                    chunk_rows,
                };
                let what = format!("{tuning:?}");
                let o = import(&mut conn, &path, tuning).unwrap();
                assert_eq!(o.rows, 40, "{what}");
                assert_eq!(o.total.pence(), expected.values().sum::<i64>(), "{what}");
                assert_eq!(held(&conn), expected, "{what}");
                let refs: std::collections::BTreeSet<String> =
                    actuals(&conn).into_iter().map(|a| a.reference).collect();
                assert_eq!(refs.len(), 40, "{what}");
                let with_contract = actuals(&conn)
                    .iter()
                    .filter(|a| a.contract_reference.is_some())
                    .count();
                assert_eq!(with_contract, 7, "{what}");
                // The running totals, the indexes and the audit chain are as they should be.
                let report = check::run(&conn).unwrap();
                assert!(report.is_clean(), "{what}: {:?}", report.findings);
            }
        }
    }

    #[test]
    fn duplicates_across_chunks_are_listed_in_file_order_and_skipped_exactly() {
        let (text, expected) = ledger();
        let dir = tempfile::tempdir().unwrap();
        let first = write(dir.path(), "first.csv", &text);
        let mut conn = setup();
        let tuning = Tuning {
            bulk_min_rows: u64::MAX,
            chunk_rows: 3,
        };
        import(&mut conn, &first, tuning).unwrap();
        // The same lines plus a new one at line 42: lines 2 to 41 are duplicates.
        let again = write(
            dir.path(),
            "again.csv",
            &format!("{text}01/05/2023,A,,New Ltd,New work,R-NEW,12.34\n"),
        );
        let err = import(&mut conn, &again, tuning).unwrap_err();
        let ImportError::Duplicates { problems, more } = err else {
            panic!("{err}");
        };
        assert_eq!(more, 0);
        assert_eq!(
            problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            (2..=41).collect::<Vec<u64>>()
        );
        assert!(
            problems[5]
                .to_string()
                .starts_with("line 7, column Reference: 'R5' dated "),
            "{}",
            problems[5]
        );
        assert_eq!(held(&conn), expected);
        let skip = ActualsOptions {
            skip_duplicates: true,
            ..Default::default()
        };
        let o = import_actuals_tuned(&mut conn, &again, &skip, &mut |_, _| {}, tuning).unwrap();
        assert_eq!(
            (o.rows, o.skipped_duplicates, o.total.pence()),
            (1, 40, 1234)
        );
        let mut after = expected.clone();
        *after.entry(("A".into(), 2023)).or_insert(0) += 1234;
        assert_eq!(held(&conn), after);
        assert!(check::run(&conn).unwrap().is_clean());
    }

    #[test]
    fn warnings_read_only_the_candidates_and_match_a_whole_ledger_scan() {
        let dir = tempfile::tempdir().unwrap();
        let first = write(
            dir.path(),
            "first.csv",
            "Date,Phase,Supplier,Description,Reference,Amount\n\
             01/01/2023,A,S,D,R1,10.00\n\
             02/01/2023,B,S,D,R2,20.00\n\
             03/01/2023,C,S,D,R5,5.00\n",
        );
        // Line 2: R1 held as actual 1 on another date. Lines 3 and 4: R3 twice in the batch, two
        // amounts. Line 5: R2 as held (same date and amount, another phase): no warning. Line 6:
        // after today. Line 7: R5 twice in the batch with the same date and amount, as held.
        let second = write(
            dir.path(),
            "second.csv",
            "Date,Phase,Supplier,Description,Reference,Amount\n\
             01/02/2023,A,S,D,R1,10.00\n\
             01/03/2023,A,S,D,R3,5.00\n\
             01/03/2023,B,S,D,R3,6.00\n\
             02/01/2023,A,S,D,R2,20.00\n\
             01/01/2999,A,S,D,R4,1.00\n\
             03/01/2023,A,S,D,R5,5.00\n",
        );
        for bulk_min_rows in [0, u64::MAX] {
            for chunk_rows in [1, 2, 1000] {
                let tuning = Tuning {
                    bulk_min_rows,
                    chunk_rows,
                };
                let mut conn = setup();
                import(&mut conn, &first, tuning).unwrap();
                let o = import(&mut conn, &second, tuning).unwrap();
                let today = e::today().unwrap();
                let want = [
                    "line 2: reference 'R1' is also on actual 1 dated 01/01/2023 for £10.00: \
                     another date or amount (a duplicate?)"
                        .to_string(),
                    format!(
                        "line 6: dated 01/01/2999 is after today ({}): is the date right?",
                        uk_date(today)
                    ),
                ];
                let r3: Vec<&String> = o.warnings.iter().filter(|w| w.contains("'R3'")).collect();
                assert_eq!(r3.len(), 2, "{tuning:?}: {:?}", o.warnings);
                assert!(r3[0].starts_with("line 3: reference 'R3' is also on actual "));
                assert!(r3[0].ends_with(
                    " dated 01/03/2023 for £6.00: another date or amount (a duplicate?)"
                ));
                assert!(r3[1].starts_with("line 4: reference 'R3' is also on actual "));
                assert!(r3[1].ends_with(
                    " dated 01/03/2023 for £5.00: another date or amount (a duplicate?)"
                ));
                let rest: Vec<&String> =
                    o.warnings.iter().filter(|w| !w.contains("'R3'")).collect();
                assert_eq!(rest, want.iter().collect::<Vec<_>>(), "{tuning:?}");
                // The same as the scan of the whole ledger that `Batch` makes.
                let batch = batches::list_batches(&conn).unwrap().last().unwrap().id;
                let mut scanned: Vec<String> =
                    e::actual_warnings(&conn, e::WarnScope::Batch(batch), today)
                        .unwrap()
                        .into_iter()
                        .map(|(_, w)| w)
                        .collect();
                let mut ours: Vec<String> = o
                    .warnings
                    .iter()
                    .map(|w| w.split_once(": ").unwrap().1.to_string())
                    .collect();
                scanned.sort();
                ours.sort();
                assert_eq!(ours, scanned, "{tuning:?}");
            }
        }
    }

    #[test]
    fn a_bad_row_after_chunks_were_written_leaves_nothing_and_is_named() {
        let (text, _) = ledger();
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "bad.csv",
            &format!(
                "{text}31/02/2023,A,,X Ltd,Work,R-BAD,1.00\n01/05/2023,Z,,Y Ltd,Work,R-Z,2.00\n"
            ),
        );
        for bulk_min_rows in [0, u64::MAX] {
            let mut conn = setup();
            let tuning = Tuning {
                bulk_min_rows,
                chunk_rows: 4,
            };
            let err = import(&mut conn, &path, tuning).unwrap_err();
            assert_eq!(
                err.lines(),
                vec![
                    "line 42, column Date: '31/02/2023' is not a date: February 2023 has 28 days"
                        .to_string(),
                    "line 43, column Phase: no phase 'Z'; list phases with `outturn phase list`"
                        .to_string(),
                    "2 problems in the file: nothing was imported; correct the rows and import \
                     the file again"
                        .to_string(),
                ],
                "{tuning:?}"
            );
            let n = batches::actual_count(&conn).unwrap();
            assert_eq!(n, 0);
            let batches = batches::list_batches(&conn).unwrap().len();
            assert_eq!(batches, 0);
            assert!(check::run(&conn).unwrap().is_clean());
        }
    }
}
