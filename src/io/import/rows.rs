//! The data rows of a file, one at a time, and their cells: opening a file up to its header,
//! naming each row's physical line, skipping blank rows, and the checks every kind of row shares
//! (the width of the row, the cells that must not be empty). It knows nothing of what a cell means.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::Encoding;

use super::header::read_header;
use super::problems::{ImportError, Problems};
use super::read::{CsvReader, Scan, choose_encoding, csv_err, file_name_of, open_csv, scan};
use crate::domain::ledger::HeaderRule;

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
pub(super) struct Rows<'a> {
    reader: CsvReader,
    read_count: Arc<AtomicU64>,
    total: u64,
    path: &'a Path,
    width: usize,
    /// The row just read by [`Rows::next`].
    pub(super) record: csv::ByteRecord,
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
        header_line: u64,
    ) -> Self {
        Rows {
            reader,
            read_count,
            total: scan.len,
            path,
            width,
            record: csv::ByteRecord::new(),
            previous_line: header_line,
            n: 0,
        }
    }

    /// The line of the next row with the header's width (now in `self.record`), or None at the end.
    pub(super) fn next(
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

/// Opens `path` for import: scans it, chooses its encoding (`forced`, or detected) and finds
/// `columns` (name, required) in its header, where `rule` says it is, after the renames of `map`.
pub(super) fn open<'a>(
    path: &'a Path,
    forced: Option<&str>,
    columns: &[(&str, bool)],
    map: &[(String, String)],
    rule: HeaderRule,
) -> Result<Opened<'a>, ImportError> {
    let scan = scan(path)?;
    let (encoding, detected) = choose_encoding(&scan, forced)?;
    let (mut reader, read_count) = open_csv(path, &scan, encoding)?;
    let (idx, width, header_line) = read_header(&mut reader, path, columns, map, rule)?;
    let rows = Rows::new(
        reader,
        Arc::clone(&read_count),
        &scan,
        path,
        width,
        header_line,
    );
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
