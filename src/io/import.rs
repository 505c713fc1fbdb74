//! Importing ledger actuals and budget lines from CSV extracts.
//!
//! This module owns reading the file (SHA-256, encoding: UTF-8 with or without a byte-order mark,
//! or Windows-1252 as Excel saves it), mapping the header to Outturn's columns, and validating
//! every row into domain values with problems that name the physical line and the column. The
//! whole file is checked inside one write transaction; any bad row, a duplicate of an actual
//! already held, or a file imported before, and the transaction is rolled back: all or nothing.
//! The rows are written with the store's functions (`ActualInserter` for actuals, `add_allocation`
//! for budgets) and each batch is recorded in `import_batch` with ONE audit event carrying its
//! summary. It must not format reports or decide figures.
//!
//! An actuals import runs on two threads: one reads and checks the rows, away from the database
//! (phases and contracts are resolved from an in-memory `Directory`), and hands the good ones on
//! in sorted chunks; the caller's thread writes them in the transaction (see `check_ledger` and
//! `Pending`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use chrono::NaiveDate;
use encoding_rs::{CoderResult, Decoder, Encoding, UTF_8, WINDOWS_1252};
use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::calendar::{parse_date, uk_date};
use crate::domain::model::{AllocationStatus, DeliveryStatus};
use crate::domain::{FinancialYear, Money, Period};
use crate::store::batches::{self, BatchKind};
use crate::store::{self, StoreError, audit, entities as e, locks};

pub use crate::store::batches::Batch;

/// How many problems are listed before the rest are only counted.
pub const MAX_LISTED: usize = 50;

/// Cache for SQLite during an import, in KiB (negative `cache_size` is KiB): 64 MiB.
const IMPORT_CACHE_KIB: i64 = 65_536;

/// A generous guess at the bytes in one ledger line, to estimate a file's rows from its size.
const BYTES_PER_ROW_ESTIMATE: u64 = 120;

/// How an actuals import writes: below `bulk_min_rows` (estimated) rows it maintains the indexes
/// and running totals row by row; checked rows are written in chunks of at most `chunk_rows` rows
/// (or [`CHUNK_TEXT_BYTES`] of text). Tests use small values to cover what big files do.
#[derive(Debug, Clone, Copy)]
struct Tuning {
    bulk_min_rows: u64,
    chunk_rows: usize,
}

const TUNING: Tuning = Tuning {
    bulk_min_rows: 20_000,
    chunk_rows: 1 << 17,
};

/// How often (in records) the progress callback is called, or ...
const PROGRESS_EVERY: u64 = 4_096;

/// ... at least how often in time while actuals are checked on one thread and written on another.
const PROGRESS_TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// Checked ledger rows are written in chunks of at most this many bytes of text (supplier,
/// description and reference), or [`Tuning::chunk_rows`] rows.
const CHUNK_TEXT_BYTES: usize = 16 << 20;

/// Options for [`import_actuals`].
#[derive(Debug, Clone, Default)]
pub struct ActualsOptions {
    /// Renames the file's columns to Outturn's: `("Trans Date", "Date")`. See [`parse_map`].
    pub map: Vec<(String, String)>,
    /// Check everything and report what would be imported, writing nothing.
    pub dry_run: bool,
    /// Leave out rows that match an actual already held instead of refusing the file.
    pub skip_duplicates: bool,
    /// `utf-8` or `windows-1252` to force the encoding (default: detect).
    pub encoding: Option<String>,
}

/// Options for [`import_budgets`].
#[derive(Debug, Clone, Default)]
pub struct BudgetsOptions {
    /// Create phases named in the file that do not exist yet (never programmes).
    pub create_missing: bool,
    /// Check everything and report what would be imported, writing nothing.
    pub dry_run: bool,
    /// `utf-8` or `windows-1252` to force the encoding (default: detect).
    pub encoding: Option<String>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// The batch written; `None` in a dry run.
    pub batch_id: Option<i64>,
    /// Rows imported (after leaving out skipped duplicates).
    pub rows: u64,
    /// Sum of the rows imported.
    pub total: Money,
    /// Rows left out because they match an actual already held (`--skip-duplicates`).
    pub skipped_duplicates: u64,
    /// Phases created (`--create-missing`, budgets only).
    pub created_phases: u64,
    /// Rows and total per financial year and `programme/phase`, by year then phase.
    pub by_fy_phase: Vec<(FinancialYear, String, u64, Money)>,
    /// The file's name (without its folder), as recorded in the batch.
    pub file_name: String,
    /// How the file was read: `UTF-8` or `windows-1252`.
    pub encoding: &'static str,
    /// True when the encoding was detected as Windows-1252 because the bytes are not UTF-8.
    pub encoding_detected: bool,
    /// True when nothing was written.
    pub dry_run: bool,
}

/// A bad cell or row: the physical line of the file (the header is line 1) and the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// Physical line in the file where the row starts (header = 1).
    pub line: u64,
    /// The column as Outturn names it (`Amount`); empty for a problem with the whole row.
    pub column: String,
    /// What is wrong, quoting the value, and how to fix it.
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

/// Why an import or undo did nothing. In every case the database is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file as given.
        path: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The database refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Bad rows: the first [`MAX_LISTED`] problems and how many more there are.
    #[error("{} in the file: nothing was imported; correct the rows and import the file again", count_text(problems.len() + more, "problem"))]
    Rows {
        /// The problems listed, in file order.
        problems: Vec<RowProblem>,
        /// Problems found beyond those listed.
        more: usize,
    },
    /// The same file (same SHA-256) is already imported as a batch that has not been undone.
    #[error(
        "this file was already imported as batch {} ({}, {} rows, {}, by {} at {}): nothing was imported; \
         to load it again, undo that batch first with `outturn import undo {}`",
        batch.id, batch.file_name, batch.rows, batch.total.full(), batch.who, batch.at, batch.id
    )]
    AlreadyImported {
        /// The earlier batch.
        batch: Box<Batch>,
    },
    /// Rows that match actuals already held (same reference, date, phase and amount).
    #[error("{} already in the ledger: nothing was imported; leave them out of the file, or import with --skip-duplicates", count_text(problems.len() + more, "row is"))]
    Duplicates {
        /// The duplicate rows listed, in file order.
        problems: Vec<RowProblem>,
        /// Duplicates beyond those listed.
        more: usize,
    },
    /// The header (or `--map`) is unusable, or the file has no rows.
    #[error("{message}")]
    Header {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The bytes cannot be read in the encoding given or detected.
    #[error("{message}")]
    Encoding {
        /// What is wrong and how to fix it.
        message: String,
    },
}

fn count_text(n: usize, what: &str) -> String {
    match (n, what) {
        (1, w) => format!("1 {w}"),
        (n, "row is") => format!("{n} rows are"),
        (n, w) => format!("{n} {w}s"),
    }
}

impl ImportError {
    /// Every line to show a user: each listed problem, "and N more", then the summary.
    pub fn lines(&self) -> Vec<String> {
        match self {
            ImportError::Rows { problems, more } | ImportError::Duplicates { problems, more } => {
                let mut out: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                if *more > 0 {
                    out.push(format!("and {more} more"));
                }
                out.push(self.to_string());
                out
            }
            other => vec![other.to_string()],
        }
    }

    /// True when the error is in the file or in what was asked (exit status 2), false when the
    /// system failed (the database itself).
    pub fn is_user_error(&self) -> bool {
        match self {
            ImportError::Store(s) => s.is_user_error(),
            _ => true,
        }
    }
}

/// Reads `--map "Trans Date=Date,Net=Amount"` into (file column, Outturn column) pairs.
pub fn parse_map(s: &str) -> Result<Vec<(String, String)>, ImportError> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|part| match part.split_once('=') {
            Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                Ok((from.trim().to_string(), to.trim().to_string()))
            }
            _ => Err(ImportError::Header {
                message: format!(
                    "--map: '{}' should be FILE COLUMN=OUTTURN COLUMN, e.g. \"Trans Date=Date,Net=Amount\"",
                    part.trim()
                ),
            }),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading the file: hash and encoding (pass 0), then a CSV reader over the decoded text
// ---------------------------------------------------------------------------------------------

/// What a first read of the file's bytes found.
struct Scan {
    sha256: String,
    len: u64,
    /// The line of the first byte that is not UTF-8, if any.
    not_utf8_at: Option<u64>,
    bom: bool,
    /// The file's last byte is a line feed (so every row ends with one).
    ends_with_lf: bool,
    /// Line ends seen: carriage returns and line feeds.
    has_cr: bool,
    has_lf: bool,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Hashes the file and checks whether it is UTF-8, streaming it in blocks.
fn scan(path: &Path) -> Result<Scan, ImportError> {
    let mut f = File::open(path).map_err(io_err(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 18];
    let mut pending: Vec<u8> = Vec::with_capacity((1 << 18) + 4);
    let mut len = 0u64;
    let mut newlines = 0u64;
    let mut not_utf8_at = None;
    let mut bom = false;
    let mut first = true;
    let (mut has_cr, mut has_lf, mut last) = (false, false, None);
    loop {
        let n = f.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        hasher.update(chunk);
        len += n as u64;
        if first {
            bom = chunk.starts_with(b"\xEF\xBB\xBF");
            first = false;
        }
        has_cr = has_cr || chunk.contains(&b'\r');
        has_lf = has_lf || chunk.contains(&b'\n');
        last = chunk.last().copied();
        if not_utf8_at.is_none() {
            pending.extend_from_slice(chunk);
            match std::str::from_utf8(&pending) {
                Ok(_) => pending.clear(),
                Err(err) if err.error_len().is_none() => {
                    // A character split across blocks: keep its first bytes for the next block.
                    pending.drain(..err.valid_up_to());
                }
                Err(err) => {
                    let before = pending[..err.valid_up_to()]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count() as u64;
                    not_utf8_at = Some(newlines + before + 1);
                }
            }
            newlines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        }
    }
    if not_utf8_at.is_none() && !pending.is_empty() {
        not_utf8_at = Some(newlines + 1);
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Scan {
        sha256,
        len,
        not_utf8_at,
        bom,
        ends_with_lf: last == Some(b'\n'),
        has_cr,
        has_lf,
    })
}

/// The encoding to read with, and whether it was detected rather than given.
fn choose_encoding(
    scan: &Scan,
    forced: Option<&str>,
) -> Result<(&'static Encoding, bool), ImportError> {
    if let Some(label) = forced.map(str::trim).filter(|l| !l.is_empty()) {
        let enc = Encoding::for_label(label.as_bytes());
        return match enc {
            Some(enc) if enc == UTF_8 => match scan.not_utf8_at {
                Some(line) => Err(ImportError::Encoding {
                    message: format!(
                        "line {line} is not valid UTF-8 although --encoding {label} was given: save the file \
                         as CSV UTF-8, or use --encoding windows-1252 if Excel on Windows saved it"
                    ),
                }),
                None => Ok((UTF_8, false)),
            },
            Some(enc) if enc == WINDOWS_1252 => Ok((WINDOWS_1252, false)),
            _ => Err(ImportError::Encoding {
                message: format!(
                    "--encoding: '{label}' is not an encoding Outturn reads: use utf-8 or windows-1252"
                ),
            }),
        };
    }
    match (scan.not_utf8_at, scan.bom) {
        (None, _) => Ok((UTF_8, false)),
        (Some(line), true) => Err(ImportError::Encoding {
            message: format!(
                "the file starts with a UTF-8 byte-order mark but line {line} is not valid UTF-8: \
                 save it again as CSV UTF-8 (or force the encoding with --encoding windows-1252)"
            ),
        }),
        (Some(_), false) => Ok((WINDOWS_1252, true)),
    }
}

/// Counts the bytes read from the file, for the progress callback.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Decodes a byte stream (Windows-1252) into UTF-8 as it is read.
struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    output: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> Decoding<R> {
    fn new(inner: R, encoding: &'static Encoding) -> Self {
        Decoding {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; 1 << 16],
            in_pos: 0,
            in_len: 0,
            output: vec![0; 3 * (1 << 16) + 16],
            out_pos: 0,
            out_len: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.out_pos == self.out_len {
            if self.done {
                return Ok(0);
            }
            if self.in_pos == self.in_len && !self.eof {
                self.in_len = self.inner.read(&mut self.input)?;
                self.in_pos = 0;
                self.eof = self.in_len == 0;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_pos..self.in_len],
                &mut self.output,
                self.eof,
            );
            self.in_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if self.eof && result == CoderResult::InputEmpty {
                self.done = true;
            }
        }
        let n = buf.len().min(self.out_len - self.out_pos);
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// The CSV reader over the file's text (byte-order mark skipped, decoded to UTF-8), and the
/// counter of file bytes read.
type CsvReader = csv::Reader<Box<dyn Read + Send>>;

fn open_csv(
    path: &Path,
    scan: &Scan,
    encoding: &'static Encoding,
) -> Result<(CsvReader, Arc<AtomicU64>), ImportError> {
    let mut file = File::open(path).map_err(io_err(path))?;
    let count = Arc::new(AtomicU64::new(0));
    if scan.bom && encoding == UTF_8 {
        let mut bom = [0u8; 3];
        file.read_exact(&mut bom).map_err(io_err(path))?;
        count.store(3, Ordering::Relaxed);
    }
    if scan.has_cr && !scan.has_lf {
        return Err(ImportError::Encoding {
            message: format!(
                "{}: its lines end with a carriage return alone (old Macintosh CSV): save it as \
                 \"CSV UTF-8\" or \"CSV (Comma delimited)\" and import it again",
                path.display()
            ),
        });
    }
    let counting = Counting {
        inner: file,
        count: Arc::clone(&count),
    };
    // Rows end at a line feed (a carriage return before it is trimmed with the cell), and the
    // last row gets one if the file lacks it, so that every row's first line can be worked out
    // from where it ends (see `row_line`).
    let tail: &'static [u8] = if scan.ends_with_lf || scan.len == 0 {
        b""
    } else {
        b"\n"
    };
    let source: Box<dyn Read + Send> = if encoding == UTF_8 {
        Box::new(counting.chain(tail))
    } else {
        Box::new(Decoding::new(counting, encoding).chain(tail))
    };
    let reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_reader(source);
    Ok((reader, count))
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> ImportError + '_ {
    move |err| ImportError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(err.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// The header
// ---------------------------------------------------------------------------------------------

fn norm(name: &str) -> String {
    name.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_lowercase()
}

/// Finds each of `columns` (name, required) in the header, after renaming by `map`; returns the
/// index of each in the record.
fn map_header(
    header: &[String],
    columns: &[(&str, bool)],
    map: &[(String, String)],
) -> Result<Vec<Option<usize>>, ImportError> {
    let names = || columns.iter().map(|c| c.0).collect::<Vec<_>>().join(", ");
    let found = || {
        header
            .iter()
            .map(|h| format!("'{}'", h.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut renames: HashMap<String, String> = HashMap::new();
    for (from, to) in map {
        if !columns.iter().any(|c| norm(c.0) == norm(to)) {
            return Err(ImportError::Header {
                message: format!(
                    "--map: '{to}' is not a column Outturn reads: map to one of {}",
                    names()
                ),
            });
        }
        if !header.iter().any(|h| norm(h) == norm(from)) {
            return Err(ImportError::Header {
                message: format!(
                    "--map: the file has no column '{from}' (line 1 has {})",
                    found()
                ),
            });
        }
        renames.insert(norm(from), norm(to));
    }
    let mut idx = vec![None; columns.len()];
    for (i, h) in header.iter().enumerate() {
        let n = norm(h);
        let name = renames.get(&n).cloned().unwrap_or(n);
        if let Some(c) = columns.iter().position(|c| norm(c.0) == name) {
            if let Some(j) = idx[c] {
                return Err(ImportError::Header {
                    message: format!(
                        "line 1: columns {} and {} are both '{}': remove or rename one (--map)",
                        j + 1,
                        i + 1,
                        columns[c].0
                    ),
                });
            }
            idx[c] = Some(i);
        }
    }
    let missing: Vec<&str> = columns
        .iter()
        .zip(&idx)
        .filter(|((_, required), i)| *required && i.is_none())
        .map(|((name, _), _)| *name)
        .collect();
    if !missing.is_empty() {
        let example = missing.first().copied().unwrap_or("Amount");
        return Err(ImportError::Header {
            message: format!(
                "line 1: the header has no {} column{} (it has {}): name the columns {}, or rename \
                 the file's columns with --map \"Their Name={example}\"",
                missing
                    .iter()
                    .map(|m| format!("'{m}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() == 1 { "" } else { "s" },
                found(),
                names()
            ),
        });
    }
    Ok(idx)
}

fn read_header(
    reader: &mut CsvReader,
    path: &Path,
    columns: &[(&str, bool)],
    map: &[(String, String)],
) -> Result<(Vec<Option<usize>>, usize), ImportError> {
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(csv_err(path))?
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(ImportError::Header {
            message: format!(
                "{} is empty: line 1 must name the columns ({})",
                path.display(),
                columns.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let idx = map_header(&header, columns, map)?;
    Ok((idx, header.len()))
}

// ---------------------------------------------------------------------------------------------
// Collecting problems
// ---------------------------------------------------------------------------------------------

/// Problems in file order: the first [`MAX_LISTED`] kept, the rest counted.
#[derive(Default)]
struct Problems {
    listed: Vec<RowProblem>,
    more: usize,
}

impl Problems {
    /// Records a problem; the message is only built when it will be listed.
    fn add(&mut self, line: u64, column: &str, message: impl FnOnce() -> String) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(RowProblem {
                line,
                column: column.to_string(),
                message: message(),
            });
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }
}

/// One record's cells as text.
struct Cells<'r> {
    record: &'r csv::ByteRecord,
    /// The record's fields, one after another, as text (checked as UTF-8 once per record).
    text: &'r str,
    idx: &'r [Option<usize>],
}

impl<'r> Cells<'r> {
    /// Text that is not UTF-8 cannot reach here (the file is checked or decoded first); a record
    /// with any would read as empty cells.
    fn new(record: &'r csv::ByteRecord, idx: &'r [Option<usize>]) -> Self {
        let text = std::str::from_utf8(record.as_slice()).unwrap_or("");
        Cells { record, text, idx }
    }

    /// The trimmed text of column `c` (empty when the column is absent).
    fn get(&self, c: usize) -> &'r str {
        self.idx
            .get(c)
            .copied()
            .flatten()
            .and_then(|i| self.record.range(i))
            .and_then(|r| self.text.get(r))
            .map(str::trim)
            .unwrap_or("")
    }
}

fn empty_message(column: &str, what: &str) -> String {
    format!("'' is empty: every {what} needs a {column}")
}

/// Checks the row's shape: blank rows are skipped (`None`), rows with the wrong number of fields
/// are a problem (`Some(false)`).
fn row_shape(
    record: &csv::ByteRecord,
    line: u64,
    width: usize,
    problems: &mut Problems,
) -> Option<bool> {
    if record.iter().all(|f| f.trim_ascii().is_empty()) {
        return None;
    }
    if record.len() != width {
        problems.add(line, "", || {
            format!(
                "has {} fields where the header has {width}: a value containing a comma must be in \
                 double quotes (\"Smith, J\"), and a quote inside one doubled (\"\")",
                record.len()
            )
        });
        return Some(false);
    }
    Some(true)
}

/// The physical line (header = 1) on which the row just read starts: the reader has consumed the
/// row's closing line feed, so it is the reader's line less that one and less the line feeds
/// inside quoted cells. (The position csv records for the row's start would count blank lines
/// before it as part of the row.) `previous` is the line of the row before: lines only increase,
/// which keeps a quote left open to the end of the file (no closing line feed) on its own line.
fn row_line(reader: &CsvReader, record: &csv::ByteRecord, previous: &mut u64) -> u64 {
    let inside = record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    let line = reader
        .position()
        .line()
        .saturating_sub(1 + inside)
        .max(*previous + 1);
    *previous = line;
    line
}

/// The data rows of a file, one at a time: reports progress, names each row's physical line,
/// skips blank rows and records rows of the wrong width as problems. Actuals and budgets share it.
struct Rows<'a> {
    reader: CsvReader,
    read_count: Arc<AtomicU64>,
    total: u64,
    path: &'a Path,
    width: usize,
    record: csv::ByteRecord,
    previous_line: u64,
    n: u64,
}

impl<'a> Rows<'a> {
    fn new(
        reader: CsvReader,
        read_count: Arc<AtomicU64>,
        scan: &Scan,
        path: &'a Path,
        width: usize,
    ) -> Self {
        Rows {
            reader,
            read_count,
            total: scan.len,
            path,
            width,
            record: csv::ByteRecord::new(),
            previous_line: 1, // the header
            n: 0,
        }
    }

    /// The line of the next row with the header's width (now in `self.record`), or None at the end.
    fn next(
        &mut self,
        problems: &mut Problems,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Option<u64>, ImportError> {
        while self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(csv_err(self.path))?
        {
            self.n += 1;
            if self.n.is_multiple_of(PROGRESS_EVERY) {
                progress(self.read_count.load(Ordering::Relaxed), self.total);
            }
            let line = row_line(&self.reader, &self.record, &mut self.previous_line);
            if row_shape(&self.record, line, self.width, problems) == Some(true) {
                return Ok(Some(line));
            }
        }
        Ok(None)
    }
}

/// The closed-period guard, read once per import.
struct Lock {
    through: Option<NaiveDate>,
    label: String,
}

impl Lock {
    fn read(conn: &Connection) -> Result<Lock, StoreError> {
        let through = locks::locked_through(conn)?;
        let label = locks::list_closed(conn)?
            .last()
            .map(|c| format!("{} {}", c.fy.label(), c.period.label()))
            .unwrap_or_default();
        Ok(Lock { through, label })
    }

    fn message(&self, what: String) -> String {
        format!(
            "{what} falls in a closed period (closed through {}, {}): reopen it with `outturn period \
             reopen` and a reason, or leave this row out",
            self.through.map(uk_date).unwrap_or_default(),
            self.label
        )
    }
}

/// Adds up rows and pence per (FY, key).
struct Tally<K> {
    rows: u64,
    pence: i128,
    by: HashMap<(FinancialYear, K), (u64, i128)>,
}

impl<K: std::hash::Hash + Eq + Clone> Tally<K> {
    fn new() -> Self {
        Tally {
            rows: 0,
            pence: 0,
            by: HashMap::new(),
        }
    }

    fn add(&mut self, fy: FinancialYear, key: &K, pence: i64, sign: i64) {
        self.add_rows(fy, key, sign, i128::from(pence) * i128::from(sign));
    }

    /// Adds `rows` rows (negative to take away) whose amounts sum to `pence`.
    fn add_rows(&mut self, fy: FinancialYear, key: &K, rows: i64, pence: i128) {
        self.rows = self.rows.wrapping_add_signed(rows);
        self.pence += pence;
        let e = self.by.entry((fy, key.clone())).or_insert((0, 0));
        e.0 = e.0.wrapping_add_signed(rows);
        e.1 += pence;
    }

    fn money(p: i128) -> Money {
        Money::from_pence(i64::try_from(p).unwrap_or(if p < 0 { i64::MIN } else { i64::MAX }))
    }

    fn total(&self) -> Money {
        Self::money(self.pence)
    }

    fn by_fy_phase(
        &self,
        label: impl Fn(&K) -> String,
    ) -> Vec<(FinancialYear, String, u64, Money)> {
        let mut out: Vec<_> = self
            .by
            .iter()
            .filter(|(_, (rows, _))| *rows > 0)
            .map(|((fy, k), (rows, p))| (*fy, label(k), *rows, Self::money(*p)))
            .collect();
        out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        out
    }
}

/// The batch summary written to the audit log.
#[derive(Serialize)]
struct BatchSummary<'a> {
    batch: &'a Batch,
    encoding: &'static str,
    skipped_duplicates: u64,
    created_phases: u64,
    by_fy_phase: Vec<FyPhaseLine<'a>>,
}

#[derive(Serialize)]
struct FyPhaseLine<'a> {
    fy: FinancialYear,
    phase: &'a str,
    rows: u64,
    total: Money,
}

fn record_batch(
    conn: &Connection,
    batch_id: i64,
    encoding: &'static str,
    outcome_lines: &[(FinancialYear, String, u64, Money)],
    skipped_duplicates: u64,
    created_phases: u64,
) -> Result<(), StoreError> {
    let batch = batches::get_batch(conn, batch_id)?;
    let summary = BatchSummary {
        batch: &batch,
        encoding,
        skipped_duplicates,
        created_phases,
        by_fy_phase: outcome_lines
            .iter()
            .map(|(fy, phase, rows, total)| FyPhaseLine {
                fy: *fy,
                phase,
                rows: *rows,
                total: *total,
            })
            .collect(),
    };
    audit::record(
        conn,
        "import",
        "import_batch",
        Some(batch_id),
        None::<&()>,
        Some(&summary),
    )?;
    Ok(())
}

/// Runs a bulk load `f` with a bigger SQLite page cache and without SQLite's row-by-row foreign
/// key checks, restoring both afterwards. The load resolves every phase, contract and batch id
/// it writes inside its own write transaction, so the references hold by construction.
fn with_bulk_settings<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> Result<T, ImportError>,
) -> Result<T, ImportError> {
    let cache: i64 = conn
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    let foreign_keys: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)
        .map_err(StoreError::from)?;
    conn.pragma_update(None, "foreign_keys", 0)
        .map_err(StoreError::from)?;
    let out = f(conn);
    conn.pragma_update(None, "foreign_keys", foreign_keys)
        .map_err(StoreError::from)?;
    conn.pragma_update(None, "cache_size", cache)
        .map_err(StoreError::from)?;
    out
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Refuses a file whose bytes were imported before (and not undone).
fn refuse_reimport(conn: &Connection, sha256: &str) -> Result<(), ImportError> {
    match batches::active_batch_with_sha(conn, sha256)? {
        Some(batch) => Err(ImportError::AlreadyImported {
            batch: Box::new(batch),
        }),
        None => Ok(()),
    }
}

/// The message for a phase (or its programme) that cannot be found, and the column to blame.
fn phase_problem(err: StoreError) -> Result<(&'static str, String), StoreError> {
    match err {
        StoreError::NotFound {
            field,
            what,
            value,
            hint,
        } => {
            let column = if field == "programme" {
                "Programme"
            } else {
                "Phase"
            };
            let hint = if hint.is_empty() {
                "; list phases with `outturn phase list`".to_string()
            } else {
                hint
            };
            Ok((column, format!("no {what} '{value}'{hint}")))
        }
        StoreError::Invalid { message, .. } => Ok((
            "Phase",
            message.replace("with --programme", "in a Programme column"),
        )),
        other if other.is_user_error() => Ok(("Phase", other.to_string())),
        other => Err(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Actuals
// ---------------------------------------------------------------------------------------------

const ACTUAL_COLUMNS: &[(&str, bool)] = &[
    ("Date", true),
    ("Phase", true),
    ("Supplier", true),
    ("Description", true),
    ("Reference", true),
    ("Amount", true),
    ("Programme", false),
    ("Contract", false),
];
const A_DATE: usize = 0;
const A_PHASE: usize = 1;
const A_SUPPLIER: usize = 2;
const A_DESCRIPTION: usize = 3;
const A_REFERENCE: usize = 4;
const A_AMOUNT: usize = 5;
const A_PROGRAMME: usize = 6;
const A_CONTRACT: usize = 7;

/// A phase id, or the column to blame and the message.
type PhaseLookup = Result<i64, (&'static str, String)>;

/// Phase and contract references resolved in memory, each once: the directory answers
/// successes quickly, and the cache keeps a bad code's message from being built on every row.
struct ActualLookups {
    directory: e::Directory,
    /// programme code ("" when none given) -> phase code -> phase id or problem.
    phases: HashMap<String, HashMap<String, PhaseLookup>>,
    /// contract reference -> (contract id, its phase id) or message.
    contracts: HashMap<String, Result<(i64, i64), String>>,
}

impl ActualLookups {
    fn new(conn: &Connection) -> Result<Self, StoreError> {
        Ok(ActualLookups {
            directory: e::Directory::load(conn)?,
            phases: HashMap::new(),
            contracts: HashMap::new(),
        })
    }

    fn label(&self, phase_id: i64) -> String {
        self.directory.label(phase_id)
    }

    fn phase(&mut self, programme: &str, code: &str) -> Result<PhaseLookup, StoreError> {
        if let Some(r) = self.phases.get(programme).and_then(|m| m.get(code)) {
            return Ok(r.clone());
        }
        let given = Some(programme).filter(|p| !p.is_empty());
        let r = match self.directory.phase(given, code) {
            Ok(p) => Ok(p.id),
            Err(err) => Err(phase_problem(err)?),
        };
        self.phases
            .entry(programme.to_string())
            .or_default()
            .insert(code.to_string(), r.clone());
        Ok(r)
    }

    fn contract(&mut self, reference: &str) -> Result<Result<(i64, i64), String>, StoreError> {
        if let Some(r) = self.contracts.get(reference) {
            return Ok(r.clone());
        }
        let r = match self.directory.contract(reference) {
            Ok(c) => Ok(c),
            Err(StoreError::NotFound {
                what, value, hint, ..
            }) => Err(format!("no {what} '{value}'{hint}")),
            Err(other) => return Err(other),
        };
        self.contracts.insert(reference.to_string(), r.clone());
        Ok(r)
    }
}

/// Reads one actuals row into `out`, or records its problems. Returns false when it is bad.
fn parse_actual(
    cells: &Cells,
    line: u64,
    lookups: &mut ActualLookups,
    lock: &Lock,
    problems: &mut Problems,
    out: &mut e::NewActual,
) -> Result<bool, StoreError> {
    let mut ok = true;
    let what = "ledger line";
    for (c, name) in [
        (A_DATE, "Date"),
        (A_PHASE, "Phase"),
        (A_REFERENCE, "Reference"),
        (A_AMOUNT, "Amount"),
    ] {
        if cells.get(c).is_empty() {
            problems.add(line, name, || empty_message(name, what));
            ok = false;
        }
    }
    let date_text = cells.get(A_DATE);
    if !date_text.is_empty() {
        match parse_date(date_text) {
            Ok(d) => {
                if lock.through.is_some_and(|l| d <= l) {
                    problems.add(line, "Date", || lock.message(format!("'{date_text}'")));
                    ok = false;
                }
                out.date = d;
            }
            Err(err) => {
                problems.add(line, "Date", || err.to_string());
                ok = false;
            }
        }
    }
    let amount_text = cells.get(A_AMOUNT);
    if !amount_text.is_empty() {
        match Money::parse(amount_text) {
            Ok(m) => out.amount = m,
            Err(err) => {
                problems.add(line, "Amount", || err.to_string());
                ok = false;
            }
        }
    }
    let code = cells.get(A_PHASE);
    let mut phase_id = None;
    if !code.is_empty() {
        match lookups.phase(cells.get(A_PROGRAMME), code)? {
            Ok(id) => phase_id = Some(id),
            Err((column, message)) => {
                problems.add(line, column, || message);
                ok = false;
            }
        }
    }
    let contract = cells.get(A_CONTRACT);
    out.contract_id = None;
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

/// A checked ledger row held in [`Pending`]; its text is in the chunk's buffer.
struct PendingActual {
    phase_id: i64,
    date: NaiveDate,
    line: u64,
    contract_id: Option<i64>,
    pence: i64,
    /// Where its supplier, description and reference start in the buffer, and their lengths.
    text: usize,
    lens: [usize; 3],
}

/// Checked ledger rows waiting to be written. A chunk is written in (phase, date) order, not file
/// order: SQLite then builds or extends the `(phase_id, date)` and `(date)` indexes from
/// nearly sorted keys, several times faster than from a file in random order, and a phase's
/// actuals lie together in the table. The chunk size bounds the memory held.
#[derive(Default)]
struct Pending {
    rows: Vec<PendingActual>,
    text: String,
}

/// The totals of a run of written rows that share (FY, phase, period, contract).
struct Run {
    fy: FinancialYear,
    phase_id: i64,
    period: u8,
    contract_id: i64,
    rows: i64,
    pence: i128,
}

impl Pending {
    fn push(&mut self, line: u64, row: &e::NewActual) {
        let text = self.text.len();
        let lens = [
            row.supplier.len(),
            row.description.len(),
            row.reference.len(),
        ];
        for s in [&row.supplier, &row.description, &row.reference] {
            self.text.push_str(s);
        }
        self.rows.push(PendingActual {
            phase_id: row.phase_id,
            date: row.date,
            line,
            contract_id: row.contract_id,
            pence: row.amount.pence(),
            text,
            lens,
        });
    }

    /// Puts the rows in the order they are written: (phase, date, line).
    fn sort(&mut self) {
        self.rows
            .sort_unstable_by_key(|r| (r.phase_id, r.date, r.line));
    }

    fn is_full(&self, max_rows: usize) -> bool {
        self.rows.len() >= max_rows || self.text.len() >= CHUNK_TEXT_BYTES
    }

    /// Writes the held rows in their order (see [`Pending::sort`]), noting each (id, line) in `written`,
    /// and adds them to `tally` and, when the totals trigger is suspended, to `totals`.
    fn flush(
        &mut self,
        conn: &Connection,
        batch_id: i64,
        written: &mut Vec<(i64, u64)>,
        tally: &mut Tally<i64>,
        mut totals: Option<&mut batches::ActualTotals>,
    ) -> Result<(), StoreError> {
        let mut run: Option<Run> = None;
        let mut close = |run: Run| {
            tally.add_rows(run.fy, &run.phase_id, run.rows, run.pence);
            if let Some(totals) = totals.as_deref_mut() {
                let key = (
                    run.fy.start_year(),
                    run.phase_id,
                    run.period,
                    run.contract_id,
                );
                let t = totals.entry(key).or_insert((0, 0));
                t.0 += run.pence;
                t.1 += run.rows;
            }
        };
        let mut inserter = e::ActualInserter::new(conn)?;
        for r in &self.rows {
            let [a, b, c] = r.lens;
            let id = inserter.insert(
                &e::ActualFields {
                    phase_id: r.phase_id,
                    contract_id: r.contract_id,
                    date: r.date,
                    supplier: &self.text[r.text..r.text + a],
                    description: &self.text[r.text + a..r.text + a + b],
                    reference: &self.text[r.text + a + b..r.text + a + b + c],
                    amount_pence: r.pence,
                },
                Some(batch_id),
            )?;
            written.push((id, r.line));
            let fy = FinancialYear::containing(r.date);
            let period = Period::of_date(r.date).number();
            let contract_id = r.contract_id.unwrap_or(0);
            match &mut run {
                Some(t)
                    if t.fy == fy
                        && t.phase_id == r.phase_id
                        && t.period == period
                        && t.contract_id == contract_id =>
                {
                    t.rows += 1;
                    t.pence += i128::from(r.pence);
                }
                _ => {
                    if let Some(done) = run.replace(Run {
                        fy,
                        phase_id: r.phase_id,
                        period,
                        contract_id,
                        rows: 1,
                        pence: i128::from(r.pence),
                    }) {
                        close(done);
                    }
                }
            }
        }
        if let Some(done) = run {
            close(done);
        }
        self.rows.clear();
        self.text.clear();
        Ok(())
    }
}

/// Checks every row of a ledger file, away from the database: reads it, skips blank rows,
/// parses dates and amounts, resolves phases and contracts from `lookups`, and hands the good rows
/// on through `emit` in chunks, sorted, for the writer; `emit` gives back an empty chunk to fill
/// next, or None when the writer has stopped. Once any row is bad it hands on nothing more but
/// keeps checking, to list every problem. Returns the problems, and the lookups for labels.
fn check_ledger(
    mut rows: Rows,
    idx: &[Option<usize>],
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
        let good = parse_actual(&cells, line, &mut lookups, lock, &mut problems, &mut row)?;
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
    if problems.is_empty() && !pending.rows.is_empty() {
        pending.sort();
        emit(pending);
    }
    Ok((problems, lookups))
}

/// Imports ledger actuals from a CSV extract: all rows or none. See the module documentation.
/// `progress` is called with (file bytes read, file size) as the file is read.
pub fn import_actuals(
    conn: &mut Connection,
    path: &Path,
    opts: &ActualsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    import_actuals_tuned(conn, path, opts, progress, TUNING)
}

fn import_actuals_tuned(
    conn: &mut Connection,
    path: &Path,
    opts: &ActualsOptions,
    progress: &mut dyn FnMut(u64, u64),
    tuning: Tuning,
) -> Result<ImportOutcome, ImportError> {
    let scan = scan(path)?;
    let (encoding, detected) = choose_encoding(&scan, opts.encoding.as_deref())?;
    let (mut reader, read_count) = open_csv(path, &scan, encoding)?;
    let (idx, width) = read_header(&mut reader, path, ACTUAL_COLUMNS, &opts.map)?;
    let file_rows = Rows::new(reader, Arc::clone(&read_count), &scan, path, width);
    let file_name = file_name_of(path);
    with_bulk_settings(conn, |conn| {
        let tx = store::write_tx(conn)?;
        refuse_reimport(&tx, &scan.sha256)?;
        let lock = Lock::read(&tx)?;
        let lookups = ActualLookups::new(&tx)?;
        let held_through = batches::last_actual_id(&tx)?;
        // A file with more rows than the ledger holds loads faster into the bare table with
        // the indexes built afterwards (same SQL, same transaction).
        let estimated_rows = scan.len / BYTES_PER_ROW_ESTIMATE;
        let bulk = estimated_rows >= tuning.bulk_min_rows
            && estimated_rows as i64 >= batches::actual_count(&tx)?;
        let dropped = if bulk {
            batches::drop_actual_indexes(&tx)?
        } else {
            Vec::new()
        };
        // Likewise the running totals: one grouped pass at the end instead of an upsert per row.
        let totals_trigger = if bulk {
            batches::suspend_actual_totals(&tx)?
        } else {
            None
        };
        let batch_id = batches::insert_batch(&tx, BatchKind::Actuals, &file_name, &scan.sha256)?;
        let mut tally: Tally<i64> = Tally::new();
        // (actual id, line) of every row written, in id order, to name the line of a duplicate.
        let mut written: Vec<(i64, u64)> = Vec::new();
        let mut totals: batches::ActualTotals = std::collections::HashMap::new();
        // The file is read and checked on a second thread while this one writes the checked rows.
        let (problems, lookups) = std::thread::scope(|scope| {
            let (send, receive) = mpsc::sync_channel::<Pending>(1);
            let (give_back, spare) = mpsc::channel::<Pending>();
            let (idx, lock) = (&idx, &lock);
            let checker = scope.spawn(move || {
                check_ledger(
                    file_rows,
                    idx,
                    lookups,
                    lock,
                    tuning.chunk_rows,
                    &mut |chunk| {
                        send.send(chunk).ok()?;
                        Some(spare.try_recv().unwrap_or_default())
                    },
                )
            });
            loop {
                match receive.recv_timeout(PROGRESS_TICK) {
                    Ok(mut chunk) => {
                        let totals = totals_trigger.is_some().then_some(&mut totals);
                        chunk.flush(&tx, batch_id, &mut written, &mut tally, totals)?;
                        // The checker may have finished; then the chunk is simply dropped.
                        let _ = give_back.send(chunk);
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
                progress(read_count.load(Ordering::Relaxed), scan.len);
            }
            checker.join().map_err(|_| ImportError::Io {
                path: path.display().to_string(),
                source: std::io::Error::other("the thread checking the file stopped unexpectedly"),
            })?
        })?;
        progress(scan.len, scan.len);
        if !problems.is_empty() {
            return Err(ImportError::Rows {
                problems: problems.listed,
                more: problems.more,
            });
        }
        if tally.rows == 0 {
            return Err(ImportError::Header {
                message: format!("{file_name} has no rows under its header: nothing was imported"),
            });
        }
        batches::recreate_indexes(&tx, &dropped)?;
        if let Some(trigger) = &totals_trigger {
            batches::resume_actual_totals(&tx, trigger, &totals)?;
        }
        let mut skipped = 0u64;
        if held_through > 0 {
            let dups = batches::duplicates_of_batch(&tx, batch_id, held_through)?;
            if !dups.is_empty() && !opts.skip_duplicates {
                // Rows were written in (phase, date) order: list them in file order.
                let mut by_line: Vec<(u64, &batches::DuplicateActual)> = dups
                    .iter()
                    .map(|d| {
                        let line = written
                            .binary_search_by_key(&d.new_id, |w| w.0)
                            .map(|i| written[i].1)
                            .unwrap_or(0);
                        (line, d)
                    })
                    .collect();
                by_line.sort_by_key(|(line, _)| *line);
                let mut listed = Problems::default();
                for (line, d) in by_line {
                    listed.add(line, "Reference", || {
                        format!(
                            "'{}' dated {} for {} on {} is already in the ledger (actual {}): leave \
                             it out, or import with --skip-duplicates",
                            d.reference,
                            uk_date(d.date),
                            d.amount.full(),
                            lookups.label(d.phase_id),
                            d.existing_id
                        )
                    });
                }
                return Err(ImportError::Duplicates {
                    problems: listed.listed,
                    more: listed.more,
                });
            }
            let ids: Vec<i64> = dups.iter().map(|d| d.new_id).collect();
            batches::delete_actual_rows(&tx, &ids)?;
            for d in &dups {
                tally.add(
                    FinancialYear::containing(d.date),
                    &d.phase_id,
                    d.amount.pence(),
                    -1,
                );
            }
            skipped = dups.len() as u64;
        }
        batches::finish_batch(&tx, batch_id, tally.rows, tally.total())?;
        let by_fy_phase = tally.by_fy_phase(|id| lookups.label(*id));
        record_batch(&tx, batch_id, encoding.name(), &by_fy_phase, skipped, 0)?;
        if !opts.dry_run {
            tx.commit().map_err(StoreError::from)?;
        }
        Ok(ImportOutcome {
            batch_id: (!opts.dry_run).then_some(batch_id),
            rows: tally.rows,
            total: tally.total(),
            skipped_duplicates: skipped,
            created_phases: 0,
            by_fy_phase,
            file_name: file_name.clone(),
            encoding: encoding.name(),
            encoding_detected: detected,
            dry_run: opts.dry_run,
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Budgets
// ---------------------------------------------------------------------------------------------

const BUDGET_COLUMNS: &[(&str, bool)] = &[
    ("Programme", true),
    ("Phase", true),
    ("Financial year", true),
    ("Amount", true),
    ("Phase name", false),
    ("Status", false),
    ("Decision", false),
];
const B_PROGRAMME: usize = 0;
const B_PHASE: usize = 1;
const B_FY: usize = 2;
const B_AMOUNT: usize = 3;
const B_PHASE_NAME: usize = 4;
const B_STATUS: usize = 5;
const B_DECISION: usize = 6;

/// A phase named by a budget row: one that exists, or one to create.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum PhaseTarget {
    Existing(i64),
    New(i64, String),
}

/// A checked budget row.
struct BudgetRow {
    line: u64,
    label: String,
    phase: PhaseTarget,
    fy: FinancialYear,
    amount: Money,
    status: AllocationStatus,
    decision_id: Option<i64>,
}

/// Looks up programmes, phases and decisions once each.
#[derive(Default)]
struct BudgetLookups {
    programmes: HashMap<String, Result<i64, String>>,
    phases: HashMap<(i64, String), Option<i64>>,
    decisions: HashMap<String, Result<i64, String>>,
}

fn not_found_message(err: StoreError) -> Result<String, StoreError> {
    match err {
        StoreError::NotFound {
            what, value, hint, ..
        } => Ok(format!("no {what} '{value}'{hint}")),
        other if other.is_user_error() => Ok(other.to_string()),
        other => Err(other),
    }
}

impl BudgetLookups {
    fn programme(
        &mut self,
        conn: &Connection,
        code: &str,
    ) -> Result<Result<i64, String>, StoreError> {
        if let Some(r) = self.programmes.get(code) {
            return Ok(r.clone());
        }
        let r = match e::programme_id(conn, code) {
            Ok(id) => Ok(id),
            Err(err) => Err(format!(
                "{}: add it with `outturn programme add` (--create-missing creates phases, never programmes)",
                not_found_message(err)?
            )),
        };
        self.programmes.insert(code.to_string(), r.clone());
        Ok(r)
    }

    fn phase(
        &mut self,
        conn: &Connection,
        programme: &str,
        programme_id: i64,
        code: &str,
    ) -> Result<Option<i64>, StoreError> {
        let key = (programme_id, code.to_string());
        if let Some(r) = self.phases.get(&key) {
            return Ok(*r);
        }
        let r = match e::phase_ref(conn, Some(programme), code) {
            Ok(p) => Some(p.id),
            Err(StoreError::NotFound { .. }) => None,
            Err(other) => return Err(other),
        };
        self.phases.insert(key, r);
        Ok(r)
    }

    fn decision(
        &mut self,
        conn: &Connection,
        reference: &str,
    ) -> Result<Result<i64, String>, StoreError> {
        if let Some(r) = self.decisions.get(reference) {
            return Ok(r.clone());
        }
        let r = match e::decision_id(conn, reference) {
            Ok(id) => Ok(id),
            Err(err) => Err(not_found_message(err)?),
        };
        self.decisions.insert(reference.to_string(), r.clone());
        Ok(r)
    }
}

/// Reads one budgets row, or records its problems.
#[allow(clippy::too_many_arguments)]
fn parse_budget(
    cells: &Cells,
    line: u64,
    conn: &Connection,
    lookups: &mut BudgetLookups,
    lock: &Lock,
    create_missing: bool,
    new_phases: &mut BTreeMap<(i64, String), (String, u64)>,
    problems: &mut Problems,
) -> Result<Option<BudgetRow>, StoreError> {
    let mut ok = true;
    let what = "budget line";
    for (c, name) in [
        (B_PROGRAMME, "Programme"),
        (B_PHASE, "Phase"),
        (B_FY, "Financial year"),
        (B_AMOUNT, "Amount"),
    ] {
        if cells.get(c).is_empty() {
            problems.add(line, name, || empty_message(name, what));
            ok = false;
        }
    }
    let fy_text = cells.get(B_FY);
    let mut fy = None;
    if !fy_text.is_empty() {
        match FinancialYear::parse(fy_text) {
            Ok(y) => {
                if lock.through.is_some_and(|l| y.start() <= l) {
                    problems.add(line, "Financial year", || {
                        lock.message(format!("'{fy_text}' (which began {})", uk_date(y.start())))
                    });
                    ok = false;
                }
                fy = Some(y);
            }
            Err(err) => {
                problems.add(line, "Financial year", || err.to_string());
                ok = false;
            }
        }
    }
    let amount_text = cells.get(B_AMOUNT);
    let mut amount = None;
    if !amount_text.is_empty() {
        match Money::parse(amount_text) {
            Ok(m) if m <= Money::ZERO => {
                problems.add(line, "Amount", || {
                    format!(
                        "'{amount_text}' must be more than zero: a budget line adds money (reduce a \
                         budget with `outturn change add --kind reduction`)"
                    )
                });
                ok = false;
            }
            Ok(m) => amount = Some(m),
            Err(err) => {
                problems.add(line, "Amount", || err.to_string());
                ok = false;
            }
        }
    }
    let status_text = cells.get(B_STATUS);
    let status = if status_text.is_empty() {
        AllocationStatus::Approved
    } else {
        match AllocationStatus::parse(&status_text.to_lowercase()) {
            Ok(s) => s,
            Err(err) => {
                problems.add(line, "Status", || err.to_string());
                ok = false;
                AllocationStatus::Approved
            }
        }
    };
    let decision_text = cells.get(B_DECISION);
    let mut decision_id = None;
    if !decision_text.is_empty() {
        match lookups.decision(conn, decision_text)? {
            Ok(id) => decision_id = Some(id),
            Err(message) => {
                problems.add(line, "Decision", || message);
                ok = false;
            }
        }
    }
    let programme = cells.get(B_PROGRAMME);
    let code = cells.get(B_PHASE);
    let mut phase = None;
    if !programme.is_empty() {
        match lookups.programme(conn, programme)? {
            Ok(pid) if !code.is_empty() => match lookups.phase(conn, programme, pid, code)? {
                Some(id) => phase = Some(PhaseTarget::Existing(id)),
                None if create_missing => {
                    let name = cells.get(B_PHASE_NAME);
                    let key = (pid, code.to_string());
                    match new_phases.get(&key) {
                        Some((first, first_line)) if !name.is_empty() && first != name => {
                            problems.add(line, "Phase name", || {
                                format!(
                                    "'{name}' differs from '{first}' given for new phase {programme}/{code} \
                                     on line {first_line}: use one name"
                                )
                            });
                            ok = false;
                        }
                        Some(_) => {}
                        None => {
                            let name = if name.is_empty() { code } else { name };
                            new_phases.insert(key, (name.to_string(), line));
                        }
                    }
                    phase = Some(PhaseTarget::New(pid, code.to_string()));
                }
                None => {
                    problems.add(line, "Phase", || {
                        format!(
                            "no phase '{code}' in programme {programme}: add it with `outturn phase add`, \
                             or import with --create-missing to create it"
                        )
                    });
                    ok = false;
                }
            },
            Ok(_) => {}
            Err(message) => {
                problems.add(line, "Programme", || message);
                ok = false;
            }
        }
    }
    match (ok, phase, fy, amount) {
        (true, Some(phase), Some(fy), Some(amount)) => Ok(Some(BudgetRow {
            line,
            label: format!("{programme}/{code}"),
            phase,
            fy,
            amount,
            status,
            decision_id,
        })),
        _ => Ok(None),
    }
}

/// Imports budget lines (one allocation per row, for one FY): all rows or none. Phases that do
/// not exist are created with `create_missing`; programmes never are.
pub fn import_budgets(
    conn: &mut Connection,
    path: &Path,
    opts: &BudgetsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let scan = scan(path)?;
    let (encoding, detected) = choose_encoding(&scan, opts.encoding.as_deref())?;
    let (mut reader, read_count) = open_csv(path, &scan, encoding)?;
    let (idx, width) = read_header(&mut reader, path, BUDGET_COLUMNS, &[])?;
    let mut file_rows = Rows::new(reader, read_count, &scan, path, width);
    let file_name = file_name_of(path);
    let tx = store::write_tx(conn)?;
    refuse_reimport(&tx, &scan.sha256)?;
    let lock = Lock::read(&tx)?;
    let mut lookups = BudgetLookups::default();
    let mut problems = Problems::default();
    let mut new_phases = BTreeMap::new();
    let mut rows = Vec::new();
    while let Some(line) = file_rows.next(&mut problems, progress)? {
        let cells = Cells::new(&file_rows.record, &idx);
        let parsed = parse_budget(
            &cells,
            line,
            &tx,
            &mut lookups,
            &lock,
            opts.create_missing,
            &mut new_phases,
            &mut problems,
        )?;
        rows.extend(parsed);
    }
    progress(scan.len, scan.len);
    if !problems.is_empty() {
        return Err(ImportError::Rows {
            problems: problems.listed,
            more: problems.more,
        });
    }
    if rows.is_empty() {
        return Err(ImportError::Header {
            message: format!("{file_name} has no rows under its header: nothing was imported"),
        });
    }
    let batch_id = batches::insert_batch(&tx, BatchKind::Budgets, &file_name, &scan.sha256)?;
    let mut created: HashMap<(i64, String), i64> = HashMap::new();
    for ((programme_id, code), (name, _)) in &new_phases {
        let id = e::add_phase(
            &tx,
            &e::NewPhase {
                programme_id: *programme_id,
                code: code.clone(),
                name: name.clone(),
                status: DeliveryStatus::Active,
                officer: None,
            },
        )?;
        created.insert((*programme_id, code.clone()), id);
    }
    let mut tally: Tally<String> = Tally::new();
    let mut store_problems = Problems::default();
    for r in &rows {
        let phase_id = match &r.phase {
            PhaseTarget::Existing(id) => *id,
            PhaseTarget::New(pid, code) => match created.get(&(*pid, code.clone())) {
                Some(id) => *id,
                None => continue,
            },
        };
        let allocation = e::NewAllocation {
            phase_id,
            first_fy: r.fy,
            last_fy: r.fy,
            amount: r.amount,
            status: r.status,
            decision_id: r.decision_id,
            profile: None,
            note: format!("imported from {file_name}, line {}", r.line),
        };
        match e::add_allocation(&tx, &allocation) {
            Ok(id) => batches::set_allocation_batch(&tx, id, batch_id)?,
            Err(err) if err.is_user_error() => {
                store_problems.add(r.line, "", || err.to_string());
                continue;
            }
            Err(err) => return Err(err.into()),
        }
        tally.add(r.fy, &r.label, r.amount.pence(), 1);
    }
    if !store_problems.is_empty() {
        return Err(ImportError::Rows {
            problems: store_problems.listed,
            more: store_problems.more,
        });
    }
    batches::finish_batch(&tx, batch_id, tally.rows, tally.total())?;
    let by_fy_phase = tally.by_fy_phase(String::clone);
    let created_phases = new_phases.len() as u64;
    record_batch(
        &tx,
        batch_id,
        encoding.name(),
        &by_fy_phase,
        0,
        created_phases,
    )?;
    if !opts.dry_run {
        tx.commit().map_err(StoreError::from)?;
    }
    Ok(ImportOutcome {
        batch_id: (!opts.dry_run).then_some(batch_id),
        rows: tally.rows,
        total: tally.total(),
        skipped_duplicates: 0,
        created_phases,
        by_fy_phase,
        file_name,
        encoding: encoding.name(),
        encoding_detected: detected,
        dry_run: opts.dry_run,
    })
}

// ---------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------

/// Every import batch, oldest first.
pub fn list_batches(conn: &Connection) -> Result<Vec<Batch>, StoreError> {
    batches::list_batches(conn)
}

/// Undoes a batch in one transaction (its actuals or allocations removed, one audit event).
/// Refused when any of its rows is in a closed period or the batch is already undone.
pub fn undo_batch(conn: &mut Connection, batch_id: i64) -> Result<Batch, ImportError> {
    let tx = store::write_tx(conn)?;
    let batch = batches::undo(&tx, batch_id)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::DeliveryStatus;
    use crate::store::check;

    /// Programme P with phases A, B and C; contract K belongs to B.
    fn setup() -> Connection {
        let mut conn = store::open_in_memory().unwrap();
        let tx = store::write_tx(&mut conn).unwrap();
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

    fn import(
        conn: &mut Connection,
        path: &Path,
        tuning: Tuning,
    ) -> Result<ImportOutcome, ImportError> {
        import_actuals_tuned(
            conn,
            path,
            &ActualsOptions::default(),
            &mut |_, _| {},
            tuning,
        )
    }

    /// (phase code, FY, pence) summed from the actuals held.
    fn held(conn: &Connection) -> BTreeMap<(String, i32), i64> {
        let mut st = conn
            .prepare(
                "SELECT ph.code, a.fy, sum(a.amount_pence) FROM actual a
                 JOIN phase ph ON ph.id = a.phase_id GROUP BY ph.code, a.fy",
            )
            .unwrap();
        st.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
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
                let refs: std::collections::BTreeSet<String> = conn
                    .prepare("SELECT reference FROM actual")
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap();
                assert_eq!(refs.len(), 40, "{what}");
                let with_contract: i64 = conn
                    .query_row(
                        "SELECT count(*) FROM actual WHERE contract_id IS NOT NULL",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap();
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
            let n: i64 = conn
                .query_row("SELECT count(*) FROM actual", [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0);
            let batches: i64 = conn
                .query_row("SELECT count(*) FROM import_batch", [], |r| r.get(0))
                .unwrap();
            assert_eq!(batches, 0);
            assert!(check::run(&conn).unwrap().is_clean());
        }
    }
}
