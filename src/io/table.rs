//! Rows for people and for spreadsheets: an aligned text table, CSV with formula-safe text cells,
//! and JSON. Lists and reports build a [`Table`] once and print it in the chosen format.

use crate::domain::text::escape_controls;
use std::io::Write;

/// How a list is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Aligned columns for the terminal.
    #[default]
    Table,
    /// CSV: one header row, money as plain decimals.
    Csv,
    /// JSON: an array of records.
    Json,
}

/// A cell: text, or a number that is right-aligned and never escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Free text (escaped in CSV if it could run as a formula).
    Text(String),
    /// A figure (money, count, percentage).
    Num(String),
}

impl Cell {
    fn text(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Num(s) => s,
        }
    }
}

/// Every cell of a table as printed for people: control characters escaped, newlines included.
fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    escape_controls(s, false)
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

/// A header row and data rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<Cell>>,
}

/// Prefixes `'` to a text cell that a spreadsheet would run as a formula (starts with `=`, `+`,
/// `-`, `@`, tab or carriage return).
pub fn formula_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

impl Table {
    /// A table with these column names.
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// Writes the table as aligned text: numbers right-aligned, two spaces between columns.
    pub fn write_text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let layout = self.layout();
        self.write_text_with(&layout, true, out)
    }

    /// The column widths and right-aligned (all-number) columns of this table's rows.
    pub fn layout(&self) -> (Vec<usize>, Vec<bool>) {
        let mut widths: Vec<usize> = self
            .headers
            .iter()
            .map(|h| shown(h).chars().count())
            .collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(shown(c.text()).chars().count());
                }
            }
        }
        let numeric: Vec<bool> = (0..self.headers.len())
            .map(|i| {
                !self.rows.is_empty()
                    && self
                        .rows
                        .iter()
                        .all(|r| matches!(r.get(i), Some(Cell::Num(_))))
            })
            .collect();
        (widths, numeric)
    }

    /// Writes the rows (and the header line if `header`) aligned on `layout` (see [`Table::layout`]),
    /// so that a long listing can be written a page at a time in the first page's columns.
    pub fn write_text_with(
        &self,
        layout: &(Vec<usize>, Vec<bool>),
        header: bool,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let (widths, numeric) = layout;
        let line = |cells: Vec<(&str, bool)>| -> String {
            let mut s = String::new();
            for (i, (text, right)) in cells.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0);
                let pad = w.saturating_sub(text.chars().count());
                if i > 0 {
                    s.push_str("  ");
                }
                if *right {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(text);
                } else {
                    s.push_str(text);
                    if i + 1 < cells.len() {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            s.trim_end().to_string()
        };
        if header {
            let headers: Vec<_> = self.headers.iter().map(|h| shown(h)).collect();
            writeln!(
                out,
                "{}",
                line(
                    headers
                        .iter()
                        .enumerate()
                        .map(|(i, h)| (h.as_ref(), numeric.get(i).copied().unwrap_or(false)))
                        .collect()
                )
            )?;
        }
        for r in &self.rows {
            let texts: Vec<_> = r.iter().map(|c| shown(c.text())).collect();
            writeln!(
                out,
                "{}",
                line(
                    r.iter()
                        .zip(&texts)
                        .map(|(c, t)| (t.as_ref(), matches!(c, Cell::Num(_))))
                        .collect()
                )
            )?;
        }
        Ok(())
    }

    pub fn write_csv(&self, out: &mut dyn Write) -> csv::Result<()> {
        self.write_csv_part(true, out)
    }

    /// Writes the rows as CSV, with the header line if `header` (a long listing is written a page
    /// at a time: the header with the first page only).
    pub fn write_csv_part(&self, header: bool, out: &mut dyn Write) -> csv::Result<()> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out);
        if header {
            w.write_record(&self.headers)?;
        }
        for r in &self.rows {
            w.write_record(r.iter().map(|c| match c {
                Cell::Text(s) => formula_safe(s).into_owned(),
                Cell::Num(s) => s.clone(),
            }))?;
        }
        w.flush()?;
        Ok(())
    }
}

/// The columns of a list of actuals: `outturn actual list` and the TUI's export of the Actuals
/// screen.
pub const ACTUAL_HEADERS: [&str; 11] = [
    "Id",
    "Date",
    "FY",
    "Period",
    "Programme",
    "Phase",
    "Contract",
    "Supplier",
    "Description",
    "Reference",
    "Amount",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_escaped_numbers_are_not() {
        let mut t = Table::new(&["Supplier", "Amount"]);
        t.push(vec![
            Cell::from("=HYPERLINK(\"x\")"),
            Cell::Num("-12.50".into()),
        ]);
        t.push(vec![Cell::from("-rm"), Cell::Num("3.00".into())]);
        t.push(vec![Cell::from("Acme, Ltd"), Cell::Num("0.00".into())]);
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Supplier,Amount\n\"'=HYPERLINK(\"\"x\"\")\",-12.50\n'-rm,3.00\n\"Acme, Ltd\",0.00\n"
        );
    }

    #[test]
    fn text_aligns_numbers_right() {
        let mut t = Table::new(&["Name", "Amount"]);
        t.push(vec![Cell::from("a"), Cell::Num("£1.00".into())]);
        t.push(vec![Cell::from("bbb"), Cell::Num("£100.00".into())]);
        let mut out = Vec::new();
        t.write_text(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Name   Amount\na       £1.00\nbbb   £100.00\n"
        );
    }

    #[test]
    fn text_escapes_controls_csv_keeps_them() {
        let mut t = Table::new(&["Supplier"]);
        t.push(vec![Cell::from("\u{1b}]0;pwned\u{7}\u{202e}x")]);
        let mut out = Vec::new();
        t.write_text(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Supplier\n\\u{1b}]0;pwned\\u{7}\\u{202e}x\n"
        );
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Supplier\n\u{1b}]0;pwned\u{7}\u{202e}x\n"
        );
    }
}
