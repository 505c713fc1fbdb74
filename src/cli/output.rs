//! Printing lists on standard output: an aligned table, CSV or JSON (`--format`), the cells that
//! money, dates and optional text become in each, and the [`Listing`] trait every listed record
//! implements. A leaf of `cli`: it reads no database and imports no command module.

use std::io::Write;

use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use crate::domain::Money;
use crate::domain::calendar::uk_date;
pub use crate::io::table::{Cell, Format, Table};

/// `--format` for lists.
#[derive(Debug, Args, Clone, Copy)]
pub struct FormatArg {
    /// table (aligned), csv or json.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// A record that a `list` command prints: one row of cells under fixed headers, or itself as JSON.
pub trait Listing: Serialize {
    /// The column names.
    fn headers() -> &'static [&'static str];
    /// The row's cells, as `format` wants money and dates written.
    fn cells(&self, format: Format) -> Vec<Cell>;
}

/// Prints `items` as a table, CSV, or a JSON array of the records.
pub fn print_list<T: Listing>(items: &[T], format: Format) -> anyhow::Result<()> {
    let mut t = Table::new(T::headers());
    for item in items {
        t.push(item.cells(format));
    }
    print_table(&t, format, || serde_json::to_string_pretty(items))
}

/// How many records a streamed listing holds at once; a table is aligned on the first page.
pub const STREAM_PAGE: usize = 10_000;

/// Prints records as `produce` hands them over, a page of [`STREAM_PAGE`] at a time, never
/// holding more: CSV and JSON are byte for byte what [`print_list`] writes; a table of more than
/// one page keeps the first page's column widths (a wider cell further down pushes its line out).
pub fn stream_list<T: Listing>(
    format: Format,
    produce: impl FnOnce(&mut dyn FnMut(T) -> anyhow::Result<()>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut page = Table::new(T::headers());
    let mut pages = 0usize;
    let mut layout = None;
    let mut flush = |page: &mut Table, out: &mut dyn Write, last: bool| -> anyhow::Result<()> {
        if page.rows.is_empty() && (pages > 0 || !last) {
            return Ok(());
        }
        match format {
            Format::Csv => page.write_csv_part(pages == 0, out)?,
            Format::Table => {
                let l = layout.get_or_insert_with(|| page.layout());
                page.write_text_with(l, pages == 0, out)?;
            }
            Format::Json => {}
        }
        pages += 1;
        page.rows.clear();
        Ok(())
    };
    let mut json_items = 0usize;
    produce(&mut |item: T| {
        if format == Format::Json {
            let text = serde_json::to_string_pretty(&item)?;
            out.write_all(if json_items == 0 { b"[\n" } else { b",\n" })?;
            let indented: Vec<String> = text.lines().map(|l| format!("  {l}")).collect();
            out.write_all(indented.join("\n").as_bytes())?;
            json_items += 1;
            return Ok(());
        }
        page.push(item.cells(format));
        if page.rows.len() >= STREAM_PAGE {
            flush(&mut page, &mut out, false)?;
        }
        Ok(())
    })?;
    if format == Format::Json {
        out.write_all(if json_items == 0 { b"[]\n" } else { b"\n]\n" })?;
    } else {
        flush(&mut page, &mut out, true)?;
    }
    out.flush()?;
    Ok(())
}

/// Prints a table in the chosen format; `json` gives the JSON text when that is the format.
pub fn print_table(
    t: &Table,
    format: Format,
    json: impl FnOnce() -> serde_json::Result<String>,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Table => t.write_text(&mut out)?,
        Format::Csv => t.write_csv(&mut out)?,
        Format::Json => writeln!(out, "{}", json()?)?,
    }
    Ok(())
}

/// Money as a figure: bracketed negatives on screen, plain decimals in CSV and JSON.
pub fn money_cell(m: Money, format: Format) -> Cell {
    Cell::Num(match format {
        Format::Csv | Format::Json => m.plain(),
        Format::Table => m.bracketed(),
    })
}

/// Money inside text: £1,234.50 on screen, plain decimals in CSV and JSON.
pub fn money_text(m: Money, f: Format) -> String {
    match f {
        Format::Table => m.full(),
        _ => m.plain(),
    }
}

/// A date: 26/08/2022 on screen, 2022-08-26 in CSV and JSON.
pub fn date_cell(d: NaiveDate, format: Format) -> Cell {
    Cell::Num(match format {
        Format::Table => uk_date(d),
        _ => d.format("%Y-%m-%d").to_string(),
    })
}

/// An optional date; empty text when there is none.
pub fn opt_date_cell(d: Option<NaiveDate>, format: Format) -> Cell {
    d.map(|d| date_cell(d, format))
        .unwrap_or(Cell::Text(String::new()))
}

/// Optional text; empty when there is none.
pub fn opt_text(s: &Option<String>) -> Cell {
    Cell::Text(s.clone().unwrap_or_default())
}

/// yes or no.
pub fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "yes" } else { "no" }.into())
}

/// A count with thousands separators: 1,000,000.
pub fn count(n: u64) -> String {
    crate::domain::text::grouped(n)
}

/// Prints a message line on standard output with every control character from the data in it
/// escaped (`\u{1b}`): `say!("Added programme {code}.")`.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::line_out(&$crate::domain::text::escape_controls(&format!($($arg)*), false))
    };
}
pub(crate) use say;

/// Prints one line on standard output. A closed or broken standard output is not the command's
/// failure: what it did (a write already committed) stands, and the line is dropped quietly, as
/// other Unix tools do (`outturn actual add ... | head -0`).
pub fn line_out(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// As `println!`, through [`line_out`]: never a panic on a closed standard output.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::line_out(&format!($($arg)*))
    };
}
pub(crate) use outln;

/// True when `err` is a broken or closed standard output (the reader went away): a read then ends
/// quietly, with exit status 0.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
