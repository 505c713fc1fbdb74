//! The data rows of a file, one at a time, and their cells: opening a file up to its header,
//! naming each row's physical line, skipping blank rows, and the checks every kind of row shares
//! (the width of the row, the cells that must not be empty). It knows nothing of what a cell means.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::Encoding;

use super::header::read_header;
use super::problems::{ImportError, Problems};
use super::read::{Scan, choose_encoding, file_name_of, hash_only, open_csv, scan};
use super::sheet::{Sheet, is_workbook};
use super::source::Source;
use crate::domain::ledger::{DateFormat, HeaderRule};

/// How often (in records) the progress callback is called, or ...
const PROGRESS_EVERY: u64 = 4_096;

/// One record's cells as text.
pub(super) struct Cells<'r> {
    record: &'r csv::ByteRecord,
    /// The record's fields, one after another, as text (checked as UTF-8 once per record).
    text: &'r str,
    idx: &'r [Option<usize>],
}

impl<'r> Cells<'r> {
    /// Text that is not UTF-8 cannot reach here (the file is checked or decoded first); a record
    /// with any would read as empty cells.
    pub(super) fn new(record: &'r csv::ByteRecord, idx: &'r [Option<usize>]) -> Self {
        let text = std::str::from_utf8(record.as_slice()).unwrap_or("");
        Cells { record, text, idx }
    }

    /// The trimmed text of column `c` (empty when the column is absent).
    pub(super) fn get(&self, c: usize) -> &'r str {
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

/// Records a problem for each of the `required` cells (column index, name) that is empty in the
/// row, where every `what` (`ledger line`) needs one; returns true when none is.
pub(super) fn require_cells(
    cells: &Cells,
    line: u64,
    required: &[(usize, &str)],
    what: &str,
    problems: &mut Problems,
) -> bool {
    let mut ok = true;
    for &(c, name) in required {
        if cells.get(c).is_empty() {
            problems.add(line, name, || {
                format!("'' is empty: every {what} needs a {name}")
            });
            ok = false;
        }
    }
    ok
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

/// The data rows of a file, one at a time: reports progress, names each row's physical line,
/// skips blank rows and records rows of the wrong width as problems. Actuals and budgets share it.
pub(super) struct Rows<'a> {
    source: Source,
    read_count: Arc<AtomicU64>,
    total: u64,
    path: &'a Path,
    width: usize,
    /// The row just read by [`Rows::next`].
    pub(super) record: csv::ByteRecord,
    previous_line: u64,
    n: u64,
    /// The name to give, in a problem, to each column of the file that is read (None for the
    /// columns not read): a sheet's error cell in one of them refuses its row.
    read_names: Vec<Option<String>>,
}

impl<'a> Rows<'a> {
    fn new(
        source: Source,
        read_count: Arc<AtomicU64>,
        scan: &Scan,
        path: &'a Path,
        width: usize,
        header_line: u64,
        read_names: Vec<Option<String>>,
    ) -> Self {
        Rows {
            source,
            read_count,
            total: scan.len,
            path,
            width,
            record: csv::ByteRecord::new(),
            previous_line: header_line,
            n: 0,
            read_names,
        }
    }

    /// The line of the next row with the header's width (now in `self.record`), or None at the end.
    pub(super) fn next(
        &mut self,
        problems: &mut Problems,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Option<u64>, ImportError> {
        while let Some(line) =
            self.source
                .next(&mut self.record, &mut self.previous_line, self.path)?
        {
            self.n += 1;
            if self.n.is_multiple_of(PROGRESS_EVERY) {
                if let Some(done) = self.source.sheet_progress(self.total) {
                    self.read_count.store(done, Ordering::Relaxed);
                }
                progress(self.read_count.load(Ordering::Relaxed), self.total);
            }
            if row_shape(&self.record, line, self.width, problems) == Some(true)
                && self.no_error_cells(line, problems)
            {
                return Ok(Some(line));
            }
        }
        Ok(None)
    }

    /// Refuses a row of a sheet with an error cell (`#N/A`) in a column that is read.
    fn no_error_cells(&self, line: u64, problems: &mut Problems) -> bool {
        let mut ok = true;
        for (i, shown) in self.source.cell_errors() {
            if let Some(Some(name)) = self.read_names.get(*i) {
                problems.add(line, name, || {
                    format!(
                        "'{shown}' is an error in the workbook: correct the cell's formula and \
                         import the file again"
                    )
                });
                ok = false;
            }
        }
        ok
    }
}

/// A file opened for import and read up to its first row.
pub(super) struct Opened<'a> {
    /// What the first read of its bytes found.
    pub(super) scan: Scan,
    /// How it is read, and whether that was detected rather than given.
    pub(super) encoding: &'static Encoding,
    pub(super) detected: bool,
    /// The index in a record of each column asked for.
    pub(super) idx: Vec<Option<usize>>,
    pub(super) rows: Rows<'a>,
    /// The file bytes read so far, for progress.
    pub(super) read_count: Arc<AtomicU64>,
    /// Its name without its folder.
    pub(super) file_name: String,
}

/// How a file is read: its encoding (a CSV's; None to detect), the sheet (a workbook's; None for
/// the first), how its date cells are written for the Date column, and where its header is.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reading<'o> {
    pub(super) encoding: Option<&'o str>,
    pub(super) sheet: Option<&'o str>,
    pub(super) dates: DateFormat,
    pub(super) header: HeaderRule,
}

impl Default for Reading<'_> {
    fn default() -> Self {
        Reading {
            encoding: None,
            sheet: None,
            dates: DateFormat::DayMonthYearSlash,
            header: HeaderRule::Skip(0),
        }
    }
}

/// Opens `path` for import, a CSV or an Excel workbook: scans it, chooses its encoding (a CSV's:
/// given, or detected) or its sheet, and finds `columns` (name, required) in its header, where
/// `how` says it is, after the renames of `map`.
pub(super) fn open<'a>(
    path: &'a Path,
    how: Reading,
    columns: &[(&str, bool)],
    map: &[(String, String)],
) -> Result<Opened<'a>, ImportError> {
    let workbook = is_workbook(path);
    let (scan, encoding, detected, mut source, read_count) = if workbook {
        let scan = hash_only(path)?;
        let sheet = Sheet::open(path, how.sheet, how.dates)?;
        let count = Arc::new(AtomicU64::new(0));
        (
            scan,
            encoding_rs::UTF_8,
            false,
            Source::Sheet(Box::new(sheet)),
            count,
        )
    } else {
        if let Some(sheet) = how.sheet {
            return Err(ImportError::Header {
                message: format!(
                    "--sheet '{sheet}': {} is not an Excel workbook (a CSV has no sheets): leave \
                     --sheet out",
                    path.display()
                ),
            });
        }
        let scan = scan(path)?;
        let (encoding, detected) = choose_encoding(&scan, how.encoding)?;
        let (reader, count) = open_csv(path, &scan, encoding)?;
        (scan, encoding, detected, Source::Csv(reader), count)
    };
    let header = read_header(&mut source, path, columns, map, how.header)?;
    // The name of each file column read, for a problem in it: Outturn's name for it, or the
    // file's own for the columns that make a ledger code.
    let mut read_names = vec![None; header.names.len()];
    for (c, i) in header.idx.iter().enumerate() {
        if let (Some(i), Some((name, _))) = (i, columns.get(c)) {
            read_names[*i] = Some(if name.starts_with("Ledger code") {
                header.names[*i].trim().to_string()
            } else {
                (*name).to_string()
            });
        }
    }
    let rows = Rows::new(
        source,
        Arc::clone(&read_count),
        &scan,
        path,
        header.names.len(),
        header.line,
        read_names,
    );
    let idx = header.idx;
    Ok(Opened {
        scan,
        encoding,
        detected,
        idx,
        rows,
        read_count,
        file_name: file_name_of(path),
    })
}
