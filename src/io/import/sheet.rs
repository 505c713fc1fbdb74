//! Reading one sheet of an Excel workbook (`.xlsx`, or `.xls` from Excel 97-2003) as the rows of
//! an extract, each named by the sheet's own row number. Every cell becomes the text the same
//! reading as a CSV's cell takes: text as it is; a whole number as its digits; a number held as
//! binary floating point as its shortest decimal (the one Excel shows when given enough places),
//! never rounded, so `12.345` stays `12.345` and is refused as money where a CSV's `12.345` would
//! be; a date cell written in the profile's date format. An error cell (`#N/A`) is kept aside
//! for the rows to refuse. It knows nothing of columns, rows' meaning or the database.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, Range, Reader, Sheets, Xls, Xlsx};

use super::problems::ImportError;
use crate::domain::ledger::DateFormat;

/// The first bytes of a workbook: a zip (`.xlsx`) or an OLE compound file (`.xls`).
const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// True when the file at `path` is an Excel workbook rather than a text extract. Only a regular
/// file is opened (a FIFO would wait for a writer); anything else is left to the CSV reading,
/// which refuses it.
pub(super) fn is_workbook(path: &Path) -> bool {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = [0u8; 8];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head[..n].starts_with(ZIP) || (n == OLE.len() && head == OLE)
}

/// One sheet, read whole, handed out a row at a time.
pub(super) struct Sheet {
    range: Range<Data>,
    /// The sheet's row number of the range's first row (the rows above it are empty).
    first_row: u64,
    /// The next row of the range to hand out.
    next: usize,
    /// How date cells are written for the reading of the Date column.
    dates: DateFormat,
    /// The error cells of the row just handed out: (column index, what Excel shows).
    pub(super) errors: Vec<(usize, String)>,
}

fn refused(message: String) -> ImportError {
    ImportError::Header { message }
}

impl Sheet {
    /// Opens sheet `name` of the workbook at `path`, or its first sheet; date cells are written
    /// as `dates` says.
    pub(super) fn open(
        path: &Path,
        name: Option<&str>,
        dates: DateFormat,
    ) -> Result<Sheet, ImportError> {
        let shown = path.display();
        let file = File::open(path).map_err(|source| ImportError::Io {
            path: shown.to_string(),
            source,
        })?;
        let mut head = [0u8; 8];
        let n = File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .unwrap_or(0);
        let not_excel = |e: &dyn std::fmt::Display| {
            refused(format!(
                "{shown} is not an Excel workbook Outturn can read ({e}): save it from Excel as \
                 .xlsx, or as CSV UTF-8"
            ))
        };
        let reader = BufReader::new(file);
        let mut book: Sheets<BufReader<File>> = if head[..n].starts_with(ZIP) {
            Sheets::Xlsx(Xlsx::new(reader).map_err(|e| not_excel(&e))?)
        } else {
            Sheets::Xls(Xls::new(reader).map_err(|e| not_excel(&e))?)
        };
        let names = book.sheet_names();
        let sheet = match name.map(str::trim) {
            Some(wanted) => names
                .iter()
                .find(|n| n.as_str() == wanted)
                .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
                .cloned()
                .ok_or_else(|| {
                    refused(format!(
                        "{shown} has no sheet '{wanted}': its sheets are {}; give one with --sheet",
                        names
                            .iter()
                            .map(|n| format!("'{n}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| refused(format!("{shown} has no sheets")))?,
        };
        let range = book.worksheet_range(&sheet).map_err(|e| {
            refused(format!(
                "{shown}: sheet '{sheet}' cannot be read ({e}): save the workbook again from Excel"
            ))
        })?;
        let first_row = range.start().map_or(1, |(row, _)| u64::from(row) + 1);
        Ok(Sheet {
            range,
            first_row,
            next: 0,
            dates,
            errors: Vec::new(),
        })
    }

    /// How many rows the sheet has (from its first row that is not empty), and how many have
    /// been handed out.
    pub(super) fn progress(&self) -> (u64, u64) {
        (self.next as u64, self.range.height() as u64)
    }

    /// Writes the next row's cells into `record` as text; gives its row number in the sheet, or
    /// None after the last row. The row's error cells are in `errors`.
    pub(super) fn next_record(&mut self, record: &mut csv::ByteRecord) -> Option<u64> {
        if self.next >= self.range.height() {
            return None;
        }
        let row = &self.range[self.next];
        let line = self.first_row + self.next as u64;
        self.next += 1;
        record.clear();
        self.errors.clear();
        // The range starts at its first column that is not empty: the columns before it are
        // given as empty cells, so that column letters and indexes agree with the sheet's.
        let before = self.range.start().map_or(0, |(_, col)| col as usize);
        for _ in 0..before {
            record.push_field(b"");
        }
        let mut text = String::new();
        for (i, cell) in row.iter().enumerate() {
            text.clear();
            if let Some(error) = cell_text(cell, self.dates, &mut text) {
                self.errors.push((before + i, error));
            }
            record.push_field(text.as_bytes());
        }
        Some(line)
    }
}

/// Writes `cell` as the text an extract would hold; gives what Excel shows for an error cell.
fn cell_text(cell: &Data, dates: DateFormat, out: &mut String) -> Option<String> {
    use std::fmt::Write;
    match cell {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        // Rust writes a float as the shortest decimal that reads back as the same float, never
        // in exponent form: 0.1 as `0.1`, 1234.5 as `1234.5`, 0.1 + 0.2 as `0.30000000000000004`.
        // Money is then read from that text exactly, so a float that is not whole pence is
        // refused rather than rounded.
        Data::Float(f) => {
            let _ = write!(out, "{f}");
        }
        Data::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                Some(date) => out.push_str(&dates.format_date(date)),
                None => {
                    let _ = write!(out, "{}", dt.as_f64());
                }
            }
        }
        Data::DateTime(dt) => {
            let _ = write!(out, "{}", dt.as_f64());
        }
        Data::Error(e) => {
            let shown = e.to_string();
            out.push_str(&shown);
            return Some(shown);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cell: Data) -> String {
        let mut s = String::new();
        cell_text(&cell, DateFormat::DayMonYear, &mut s);
        s
    }

    #[test]
    fn floats_are_written_as_their_shortest_decimal_never_rounded() {
        assert_eq!(text(Data::Float(1234.5)), "1234.5");
        assert_eq!(text(Data::Float(0.1)), "0.1");
        assert_eq!(text(Data::Float(48300.0)), "48300");
        assert_eq!(text(Data::Float(-1250.1)), "-1250.1");
        assert_eq!(text(Data::Float(12.345)), "12.345");
        assert_eq!(text(Data::Float(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(text(Data::Float(1e21)), "1000000000000000000000");
        assert_eq!(text(Data::Int(4410)), "4410");
    }

    #[test]
    fn a_date_cell_is_written_in_the_profile_format() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        // 43112 is 12/01/2018 (days since 30/12/1899).
        let cell = Data::DateTime(ExcelDateTime::new(
            43112.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(text(cell.clone()), "12-JAN-2018");
        let mut s = String::new();
        cell_text(&cell, DateFormat::Excel, &mut s);
        assert_eq!(s, "43112");
    }
}
