//! The committee pack as an `.xlsx` workbook (DOMAIN.md "The committee pack"): a small sheet
//! writer over `rust_xlsxwriter`, and one file per sheet that turns what the report, the store and
//! the movement, financing, benefit and milestone modules computed into typed cells. Nothing here
//! computes a figure: a sheet is headers plus rows of [`Value`]s, and this module only formats.
//!
//! The writer gives every sheet the same dress: the header row bold, frozen and filtered; columns
//! fitted to their content; total rows bold; money as numbers formatted `£#,##0.00` with
//! negatives red and in brackets; percentages as the report's one-decimal numbers shown with a
//! `%`; dates as real dates; RAG cells filled red, amber or green and carrying the word; A4
//! landscape at 80 % (8.8 pt, never shrunk to fit), across pages where a sheet is wider, with the
//! header row and the leading code columns (ID, Programme, Phase, Reference) frozen on screen and
//! repeated on every printed page, the title, year, period and "as at" date in the page header.
//! Text is always written as a string, never a formula.
//!
//! To add a sheet: write a file here with a function returning a [`Sheet`], and push it in
//! [`pack::sheets`]. A sheet whose CSV is an `io::table::Table` is built by [`table_sheet`].

pub mod benefits;
pub mod contracts;
pub mod financing;
pub mod milestones;
pub mod monitoring;
pub mod movement;
pub mod pack;
pub mod summary;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::domain::calendar::uk_date;
use crate::domain::report::Rag;
use crate::domain::{FinancialYear, Money, Period};

/// The money format: pounds with thousands separators, negatives red and in brackets.
pub const MONEY_FORMAT: &str = "£#,##0.00;[Red](£#,##0.00)";
/// The percentage format: the report's one-decimal percentage (a number like `-13.3`) shown with
/// a `%` sign, never multiplied by 100.
pub const PERCENT_FORMAT: &str = "0.0\"%\"";
/// The date format.
pub const DATE_FORMAT: &str = "dd/mm/yyyy";
/// Paper size code for A4 in the OOXML page set-up.
const A4: u8 = 9;
/// The print scale, in percent: the workbook's 11 pt text prints at 8.8 pt (at least 8 pt, the
/// smallest a committee reads comfortably).
pub const PRINT_SCALE: u16 = 80;
/// Headers of the columns that say which record a row is: the leading run of them is frozen on
/// screen and repeated on every printed page (the print titles), beside the header row.
const KEY_HEADERS: [&str; 4] = ["ID", "Programme", "Phase", "Reference"];
/// The widest a fitted column gets, in characters.
const MAX_WIDTH: usize = 60;
/// The longest text an Excel cell holds, in UTF-16 code units (as Excel counts).
pub const MAX_CELL_TEXT: usize = 32_767;
/// The most rows an Excel sheet holds, its header row included.
pub const MAX_ROWS: usize = 1_048_576;

/// A sheet with more rows than Excel holds: refused before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {sheet} sheet would have {} rows with its header, past Excel's limit of {} rows a sheet: \
     make the pack of one programme (--programme); nothing was written",
    crate::domain::text::grouped(*rows as u64),
    crate::domain::text::grouped(MAX_ROWS as u64)
)]
pub struct TooManyRows {
    /// The sheet's tab name.
    pub sheet: String,
    /// Its rows, the header included.
    pub rows: usize,
}

/// Refuses the first sheet (in order) whose rows and header are past [`MAX_ROWS`].
pub fn check_rows(sheets: &[Sheet]) -> Result<(), TooManyRows> {
    match sheets.iter().find(|s| s.len() + 1 > MAX_ROWS) {
        Some(s) => Err(TooManyRows {
            sheet: s.name.clone(),
            rows: s.len() + 1,
        }),
        None => Ok(()),
    }
}

/// `s` as a cell can hold it: a text past Excel's [`MAX_CELL_TEXT`] is cut, and ends with a mark
/// saying how many characters were left out, so the pack never fails on what a record says.
pub fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_CELL_TEXT || s.encode_utf16().count() <= MAX_CELL_TEXT {
        return std::borrow::Cow::Borrowed(s);
    }
    // Room for the mark, which is far shorter than this.
    let room = MAX_CELL_TEXT - 80;
    let (mut used, mut end, mut kept) = (0, 0, 0);
    for (i, c) in s.char_indices() {
        if used + c.len_utf16() > room {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
        kept += 1;
    }
    let left_out = s.chars().count() - kept;
    std::borrow::Cow::Owned(format!(
        "{}… [cut at Excel's limit of 32,767 characters: {left_out} more characters]",
        &s[..end]
    ))
}

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text, written as a string (never a formula, whatever it starts with).
    Text(String),
    /// Money, written as the nearest number to the exact amount, in [`MONEY_FORMAT`].
    Money(Money),
    /// A percentage as the report rounds it (`-13.3` means -13.3 %), in [`PERCENT_FORMAT`].
    Percent(Decimal),
    /// A whole number (a count, a term in months).
    Count(u64),
    /// A whole number that may be negative (days of slippage, an id).
    Int(i64),
    /// A date.
    Date(NaiveDate),
    /// A RAG status: the word, on its colour.
    Rag(Rag),
    /// Nothing.
    Blank,
}

/// A row of a sheet; total rows are bold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// True for a `Programme total` or `Grand total` row.
    pub total: bool,
    /// The cells, one per header (a shorter row leaves the rest blank).
    pub cells: Vec<Value>,
}

/// A sheet: its tab name, the header row and the rows.
#[derive(Debug, Default)]
pub struct Sheet {
    /// The tab name (at most 31 characters, no `[]:*?/\`).
    pub name: String,
    /// Column names.
    pub headers: Vec<String>,
    /// The rows under the header.
    pub rows: Vec<Row>,
    /// Further rows made one at a time as they are written (a sheet of one row per record, which
    /// may be long), after `rows`.
    pub streamed: Option<Streamed>,
}

impl Sheet {
    /// A sheet of one row per record of `records`, each made by `row` only as it is written (and
    /// once before, to fit the columns), so a long sheet is never held whole as cells.
    pub fn streamed<T: 'static>(
        name: &str,
        headers: Vec<String>,
        records: Vec<T>,
        row: fn(&T) -> Row,
    ) -> Sheet {
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        for r in &records {
            fit(&mut widths, &row(r));
        }
        Sheet {
            name: name.to_string(),
            headers,
            rows: Vec::new(),
            streamed: Some(Streamed {
                len: records.len(),
                widths,
                rows: Box::new(records.into_iter().map(move |r| row(&r))),
            }),
        }
    }

    /// Rows under the header, streamed ones included.
    pub fn len(&self) -> usize {
        self.rows.len() + self.streamed.as_ref().map_or(0, |s| s.len)
    }

    /// True when the sheet has no row under its header.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The rows of a sheet made as they are written: how many, the widest each column shows, and
/// the rows themselves.
pub struct Streamed {
    len: usize,
    widths: Vec<usize>,
    rows: Box<dyn Iterator<Item = Row>>,
}

impl std::fmt::Debug for Streamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Streamed({} rows)", self.len)
    }
}

/// A sheet from the very table a CSV writer writes: its header and rows, each cell typed by
/// [`monitoring::typed`] (money, percentages, RAG, text); a row is bold where `totals` says so.
pub fn table_sheet(name: &str, table: crate::io::table::Table, totals: &[bool]) -> Sheet {
    let rows = table
        .rows
        .iter()
        .zip(totals)
        .map(|(cells, total)| Row {
            total: *total,
            cells: table
                .headers
                .iter()
                .zip(cells)
                .map(|(h, c)| monitoring::typed(h, c))
                .collect(),
        })
        .collect();
    Sheet {
        name: name.to_string(),
        headers: table.headers,
        rows,
        streamed: None,
    }
}

/// What every page header carries: the title, the year, the period and the "as at" date (the
/// last day of the period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageHeader {
    /// `Capital monitoring pack`, with the programme when the pack is of one.
    pub title: String,
    pub fy: FinancialYear,
    pub period: Period,
}

impl PageHeader {
    /// The last day of the period.
    pub fn as_at(&self) -> NaiveDate {
        self.fy.period_end(self.period)
    }
}

/// The number Excel stores for an exact decimal: parsing the decimal's text gives the nearest
/// `f64` (Rust's float parsing is correctly rounded), so the shortest text of the stored number
/// is the decimal's own text for any amount up to Money's limit (15 significant digits or fewer).
fn exact_f64(text: &str) -> Result<f64, XlsxError> {
    text.parse::<f64>()
        .map_err(|_| XlsxError::ParameterError(format!("'{text}' is not a number")))
}

/// Escapes text for an Excel page header (`&` starts a code there), cut to 100 characters so the
/// whole header stays within Excel's 255.
fn header_text(s: &str) -> String {
    s.chars().take(100).collect::<String>().replace('&', "&&")
}

/// The formats of one kind of cell, plain and bold.
struct Formats {
    header: Format,
    text: [Format; 2],
    money: [Format; 2],
    percent: [Format; 2],
    count: [Format; 2],
    date: [Format; 2],
    red: [Format; 2],
    amber: [Format; 2],
    green: [Format; 2],
}

fn pair(f: Format) -> [Format; 2] {
    [f.clone(), f.set_bold()]
}

impl Formats {
    fn new() -> Formats {
        let rag = |fill: u32, font: u32| {
            pair(
                Format::new()
                    .set_background_color(Color::RGB(fill))
                    .set_font_color(Color::RGB(font))
                    .set_align(FormatAlign::Center),
            )
        };
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap(),
            text: pair(Format::new()),
            money: pair(Format::new().set_num_format(MONEY_FORMAT)),
            percent: pair(Format::new().set_num_format(PERCENT_FORMAT)),
            count: pair(Format::new().set_num_format("0")),
            date: pair(Format::new().set_num_format(DATE_FORMAT)),
            red: rag(0xFFC7CE, 0x9C0006),
            amber: rag(0xFFEB9C, 0x9C5700),
            green: rag(0xC6EFCE, 0x006100),
        }
    }
}

/// How wide a cell shows, in characters, as formatted.
fn shown_width(v: &Value) -> usize {
    match v {
        Value::Text(s) => s.chars().count(),
        Value::Money(m) => {
            // £ + digits with separators + brackets when negative.
            let digits = m.abs().plain().len() - 3;
            1 + digits + (digits - 1) / 3 + 3 + if m.is_negative() { 2 } else { 0 }
        }
        Value::Percent(p) => p.to_string().len() + 1,
        Value::Count(n) => n.to_string().len(),
        Value::Int(n) => n.to_string().len(),
        Value::Date(_) => 10,
        Value::Rag(r) => r.label().len(),
        Value::Blank => 0,
    }
}

/// Widens `widths` to fit the cells of `row`.
fn fit(widths: &mut [usize], row: &Row) {
    for (i, v) in row.cells.iter().enumerate() {
        if let Some(w) = widths.get_mut(i) {
            *w = (*w).max(shown_width(v));
        }
    }
}

/// Column widths fitted to the header and the cells (streamed ones as measured), in characters.
fn fitted_widths(sheet: &Sheet) -> Vec<usize> {
    let mut widths: Vec<usize> = match &sheet.streamed {
        Some(s) => s.widths.clone(),
        None => sheet.headers.iter().map(|h| h.chars().count()).collect(),
    };
    for row in &sheet.rows {
        fit(&mut widths, row);
    }
    widths
        .into_iter()
        .map(|w| (w + 2).clamp(6, MAX_WIDTH))
        .collect()
}

fn write_cell(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    v: &Value,
    bold: usize,
) -> Result<(), XlsxError> {
    match v {
        Value::Text(s) if s.is_empty() => {}
        Value::Text(s) => {
            ws.write_string_with_format(row, col, cell_text(s), &f.text[bold])?;
        }
        Value::Money(m) => {
            ws.write_number_with_format(row, col, exact_f64(&m.plain())?, &f.money[bold])?;
        }
        Value::Percent(p) => {
            ws.write_number_with_format(row, col, exact_f64(&p.to_string())?, &f.percent[bold])?;
        }
        Value::Count(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.count[bold])?;
        }
        Value::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.count[bold])?;
        }
        Value::Date(d) => {
            ws.write_datetime_with_format(row, col, d, &f.date[bold])?;
        }
        Value::Rag(r) => {
            let fmt = match r {
                Rag::Red => &f.red[bold],
                Rag::Amber => &f.amber[bold],
                Rag::Green => &f.green[bold],
            };
            ws.write_string_with_format(row, col, r.label(), fmt)?;
        }
        Value::Blank => {}
    }
    Ok(())
}

fn write_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    mut sheet: Sheet,
    page: &PageHeader,
) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    for (c, w) in fitted_widths(&sheet).into_iter().enumerate() {
        ws.set_column_width(col(c)?, w as f64)?;
    }
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, h, &f.header)?;
    }
    let total_rows = sheet.len();
    let streamed = sheet.streamed.take().map(|s| s.rows);
    let rows = std::mem::take(&mut sheet.rows)
        .into_iter()
        .chain(streamed.into_iter().flatten());
    for (r, row) in rows.enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, v) in row.cells.iter().enumerate().take(sheet.headers.len()) {
            write_cell(ws, f, r, col(c)?, v, usize::from(row.total))?;
        }
    }
    let keys = key_columns(&sheet.headers);
    ws.set_freeze_panes(1, keys)?;
    if !sheet.headers.is_empty() {
        let last_row = u32::try_from(total_rows).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.autofilter(0, 0, last_row, col(sheet.headers.len() - 1)?)?;
    }
    ws.set_landscape();
    ws.set_paper_size(A4);
    // A fixed scale, never fitted to the page: a wide sheet prints across pages at a size that
    // can be read, not one page wide at 5 pt.
    ws.set_print_scale(PRINT_SCALE);
    ws.set_repeat_rows(0, 0)?;
    if keys > 0 {
        ws.set_repeat_columns(0, keys - 1)?;
    }
    ws.set_header(format!(
        "&L&\"-,Bold\"{}: {}&C{} {}&Ras at {}",
        header_text(&page.title),
        header_text(&sheet.name),
        page.fy.label(),
        page.period.label(),
        uk_date(page.as_at())
    ));
    ws.set_footer("&CPage &P of &N");
    Ok(())
}

/// How many leading columns name the record (their headers are in [`KEY_HEADERS`]).
fn key_columns(headers: &[String]) -> u16 {
    let n = headers
        .iter()
        .take_while(|h| KEY_HEADERS.contains(&h.as_str()))
        .count();
    u16::try_from(n).unwrap_or(0)
}

fn col(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Writes the sheets, in order, into one workbook (each dropped once written) and returns its
/// bytes. The document's creation
/// date is the "as at" date (midnight), so the same sheets always give the same bytes. Each sheet
/// is streamed (rust_xlsxwriter's constant memory mode: a row goes to a temporary file once the
/// next is written, text inline), so memory does not grow with the rows written; the caller
/// checks the rows against Excel's limit first ([`check_rows`]).
pub fn write(sheets: Vec<Sheet>, page: &PageHeader) -> Result<Vec<u8>, XlsxError> {
    if check_rows(&sheets).is_err() {
        return Err(XlsxError::RowColumnLimitError);
    }
    let mut wb = Workbook::new();
    let created = page.as_at().and_time(chrono::NaiveTime::MIN);
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{} {} {}",
                page.title,
                page.fy.label(),
                page.period.label()
            ))
            .set_subject(format!(
                "Capital monitoring as at {}",
                uk_date(page.as_at())
            ))
            .set_author("Outturn")
            .set_creation_datetime(&created),
    );
    let f = Formats::new();
    for sheet in sheets {
        write_sheet(wb.add_worksheet_with_constant_memory()?, &f, sheet, page)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Value {
        Value::Money(Money::parse(s).unwrap())
    }

    #[test]
    fn a_text_past_excels_limit_is_cut_with_a_mark() {
        let short = "é".repeat(MAX_CELL_TEXT);
        assert_eq!(cell_text(&short), short.as_str());
        // 😀 is two UTF-16 units: 20,000 of them are past the limit.
        let long = "😀".repeat(20_000);
        let cut = cell_text(&long);
        assert!(cut.encode_utf16().count() <= MAX_CELL_TEXT, "{}", cut.len());
        assert!(
            cut.ends_with("more characters]"),
            "{}",
            &cut[cut.len() - 90..]
        );
        let kept = cut.chars().filter(|c| *c == '😀').count();
        assert!(cut.contains(&format!(": {} more characters]", 20_000 - kept)));
        let sheet = Sheet {
            name: "Notes".into(),
            headers: vec!["Note".into()],
            rows: vec![Row {
                total: false,
                cells: vec![Value::Text("x".repeat(100_000))],
            }],
            streamed: None,
        };
        let page = PageHeader {
            title: "T".into(),
            fy: FinancialYear::new(2026).unwrap(),
            period: Period::new(1).unwrap(),
        };
        assert!(write(vec![sheet], &page).is_ok());
    }

    #[test]
    fn a_sheet_past_excels_row_limit_is_refused_by_name_before_anything_is_written() {
        let page = PageHeader {
            title: "T".into(),
            fy: FinancialYear::new(2026).unwrap(),
            period: Period::new(1).unwrap(),
        };
        let blank = |name: &str, rows: usize| Sheet {
            name: name.into(),
            headers: vec!["ID".into()],
            rows: vec![
                Row {
                    total: false,
                    cells: Vec::new(),
                };
                rows
            ],
            streamed: None,
        };
        // 1,048,575 rows and the header fill a sheet exactly; one more is refused, by name.
        let full = [blank("Summary", 1), blank("Benefits", MAX_ROWS - 1)];
        assert_eq!(check_rows(&full), Ok(()));
        let over = [blank("Summary", 1), blank("Benefits", MAX_ROWS)];
        let err = check_rows(&over).unwrap_err();
        assert_eq!(
            err,
            TooManyRows {
                sheet: "Benefits".into(),
                rows: 1_048_577
            }
        );
        assert_eq!(
            err.to_string(),
            "the Benefits sheet would have 1,048,577 rows with its header, past Excel's limit of \
             1,048,576 rows a sheet: make the pack of one programme (--programme); nothing was \
             written"
        );
        assert!(matches!(
            write(over.into(), &page),
            Err(XlsxError::RowColumnLimitError)
        ));
    }

    #[test]
    fn exact_f64_gives_back_the_decimal_text() {
        // The largest amount Money holds and awkward pennies: the stored number prints as the
        // decimal itself, so no rounding is needed to read the pennies back.
        for s in ["999999999999.99", "-12.50", "0.10", "1378513.09", "-13.3"] {
            let f = exact_f64(s).unwrap();
            assert_eq!(
                Decimal::from_str_exact(&f.to_string()).unwrap(),
                Decimal::from_str_exact(s).unwrap(),
                "{s}"
            );
        }
    }

    #[test]
    fn widths_fit_the_formatted_money_and_the_header() {
        // "£1,378,513.09" is 13 characters, "(£1,000.00)" 11; + 2 padding.
        let sheet = Sheet {
            name: "S".into(),
            headers: vec!["Value".into(), "Loss".into(), "Supplier name".into()],
            rows: vec![Row {
                total: false,
                cells: vec![
                    money("1378513.09"),
                    money("-1000.00"),
                    Value::Text("M".into()),
                ],
            }],
            streamed: None,
        };
        assert_eq!(fitted_widths(&sheet), vec![15, 13, 15]);
    }

    #[test]
    fn rag_cells_are_filled_and_keep_their_word_text_is_never_a_formula() {
        use std::io::Read;
        let sheet = Sheet {
            name: "S".into(),
            headers: vec!["RAG".into(), "Note".into()],
            rows: [Rag::Red, Rag::Amber, Rag::Green]
                .into_iter()
                .map(|r| Row {
                    total: false,
                    cells: vec![Value::Rag(r), Value::Text("=1+1".into())],
                })
                .collect(),
            streamed: None,
        };
        let page = PageHeader {
            title: "T".into(),
            fy: FinancialYear::parse("2017-18").unwrap(),
            period: Period::parse("9").unwrap(),
        };
        let bytes = write(vec![sheet], &page).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut s = String::new();
            z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        let styles = part("xl/styles.xml");
        for fill in ["FFFFC7CE", "FFFFEB9C", "FFC6EFCE"] {
            assert!(styles.contains(fill), "{fill}");
        }
        // Streamed sheets write their text inline, in the cell.
        let ws = part("xl/worksheets/sheet1.xml");
        for word in ["Red", "Amber", "Green", "=1+1"] {
            assert!(ws.contains(&format!("<t>{word}</t>")), "{word}");
        }
        assert!(!ws.contains("<f>"));
    }

    #[test]
    fn page_header_escapes_ampersands() {
        assert_eq!(header_text("Roads & Bridges"), "Roads && Bridges");
    }
}
