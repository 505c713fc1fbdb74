//! Where an extract's records come from: a CSV file read through [`CsvReader`], or one sheet of a
//! workbook ([`Sheet`]). Either way each record is handed out as cells of text with the line it
//! is on: the physical line of a CSV, the row number of a sheet. It knows nothing of columns.

use std::path::Path;

use super::problems::ImportError;
use super::read::{CsvReader, csv_err};
use super::sheet::Sheet;

/// The records of an extract.
pub(super) enum Source {
    Csv(CsvReader),
    Sheet(Box<Sheet>),
}

impl Source {
    /// Reads the next record into `record`; gives its line (header = 1 in a CSV, the row number
    /// in a sheet), or None at the end. `previous` is the line of the record before, updated.
    pub(super) fn next(
        &mut self,
        record: &mut csv::ByteRecord,
        previous: &mut u64,
        path: &Path,
    ) -> Result<Option<u64>, ImportError> {
        match self {
            Source::Csv(reader) => {
                if !reader.read_byte_record(record).map_err(csv_err(path))? {
                    return Ok(None);
                }
                Ok(Some(row_line(reader, record, previous)))
            }
            Source::Sheet(sheet) => {
                let line = sheet.next_record(record);
                if let Some(l) = line {
                    *previous = l;
                }
                Ok(line)
            }
        }
    }

    /// The error cells (`#N/A`) of the record just read: (column index, what Excel shows).
    pub(super) fn cell_errors(&self) -> &[(usize, String)] {
        match self {
            Source::Csv(_) => &[],
            Source::Sheet(sheet) => &sheet.errors,
        }
    }

    /// How far through the sheet the reading is, as a share of `len` bytes (None for a CSV,
    /// whose bytes are counted as they are read).
    pub(super) fn sheet_progress(&self, len: u64) -> Option<u64> {
        match self {
            Source::Csv(_) => None,
            Source::Sheet(sheet) => {
                let (done, rows) = sheet.progress();
                Some(len.saturating_mul(done).checked_div(rows).unwrap_or(len))
            }
        }
    }
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
