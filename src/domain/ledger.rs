//! How a council's ledger extract is laid out, as an import profile names it: where the header
//! is, how dates are written (named, never guessed) and what shape the money takes. Pure: it
//! parses settings and cells, and knows nothing of files or the database.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::money::Money;

/// How many lines are searched for the header when a profile asks for it to be found.
pub const HEADER_SEARCH_LINES: u64 = 20;

/// Where the header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeaderRule {
    /// After this many lines (0: line 1 is the header).
    Skip(u64),
    /// The first line within the first [`HEADER_SEARCH_LINES`] that holds every mapped column.
    Find,
}

impl HeaderRule {
    /// `find`, or a number of lines to skip.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("find") {
            return Ok(HeaderRule::Find);
        }
        t.parse::<u64>()
            .ok()
            .filter(|n| *n < 1000)
            .map(HeaderRule::Skip)
            .ok_or_else(|| {
                format!(
                    "'{t}' is not a header rule: give 'find' or a number of lines to skip, e.g. 1"
                )
            })
    }

    /// As typed: `find` or the number of lines skipped.
    pub fn label(&self) -> String {
        match self {
            HeaderRule::Find => "find".into(),
            HeaderRule::Skip(n) => n.to_string(),
        }
    }
}

/// A date format, named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateFormat {
    /// `05/12/2026`
    DayMonthYearSlash,
    /// `05-DEC-2026` (month names in any case)
    DayMonYear,
    /// `05.12.2026`
    DayMonthYearDot,
    /// `2026-12-05`
    Iso,
    /// An Excel serial day number: `46361` (days since 30/12/1899)
    Excel,
}

/// Every date format, with its name.
pub const DATE_FORMATS: &[(&str, DateFormat)] = &[
    ("dd/mm/yyyy", DateFormat::DayMonthYearSlash),
    ("dd-mon-yyyy", DateFormat::DayMonYear),
    ("dd.mm.yyyy", DateFormat::DayMonthYearDot),
    ("yyyy-mm-dd", DateFormat::Iso),
    ("excel", DateFormat::Excel),
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn names<T>(list: &[(&str, T)]) -> String {
    list.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

impl DateFormat {
    /// Reads a format's name (`dd-mon-yyyy`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().to_lowercase();
        DATE_FORMATS
            .iter()
            .find(|(n, _)| *n == t)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                format!(
                    "'{}' is not a date format: give one of {}",
                    s.trim(),
                    names(DATE_FORMATS)
                )
            })
    }

    /// The format's name.
    pub fn name(&self) -> &'static str {
        DATE_FORMATS
            .iter()
            .find(|(_, f)| f == self)
            .map(|(n, _)| *n)
            .unwrap_or("dd/mm/yyyy")
    }

    /// A date written in this format (a workbook's date cell given to the same reading as text).
    pub fn format_date(&self, date: NaiveDate) -> String {
        use chrono::Datelike;
        match self {
            DateFormat::DayMonthYearSlash => date.format("%d/%m/%Y").to_string(),
            DateFormat::DayMonthYearDot => date.format("%d.%m.%Y").to_string(),
            DateFormat::Iso => date.format("%Y-%m-%d").to_string(),
            DateFormat::DayMonYear => format!(
                "{:02}-{}-{}",
                date.day(),
                MONTHS[date.month0() as usize].to_uppercase(),
                date.year()
            ),
            DateFormat::Excel => NaiveDate::from_ymd_opt(1899, 12, 30)
                .map(|base| (date - base).num_days().to_string())
                .unwrap_or_default(),
        }
    }

    /// Reads a cell in this format, and only this format.
    pub fn parse_date(&self, cell: &str) -> Result<NaiveDate, String> {
        let t = cell.trim();
        let bad = || {
            format!(
                "'{t}' is not a date in the profile's format {}",
                self.name()
            )
        };
        let number = |s: &str| -> Option<u32> {
            (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let dmy = |sep: char| -> Option<(i32, u32, u32)> {
            let mut p = t.split(sep);
            let (d, m, y) = (p.next()?, p.next()?, p.next()?);
            if p.next().is_some() || y.len() != 4 || d.len() > 2 || m.len() > 2 {
                return None;
            }
            Some((number(y)? as i32, number(m)?, number(d)?))
        };
        let ymd = match self {
            DateFormat::DayMonthYearSlash => dmy('/'),
            DateFormat::DayMonthYearDot => dmy('.'),
            DateFormat::Iso => {
                let mut p = t.split('-');
                match (p.next(), p.next(), p.next(), p.next()) {
                    (Some(y), Some(m), Some(d), None)
                        if y.len() == 4 && m.len() == 2 && d.len() == 2 =>
                    {
                        number(y)
                            .zip(number(m))
                            .zip(number(d))
                            .map(|((y, m), d)| (y as i32, m, d))
                    }
                    _ => None,
                }
            }
            DateFormat::DayMonYear => {
                let mut p = t.split('-');
                match (p.next(), p.next(), p.next(), p.next()) {
                    (Some(d), Some(mon), Some(y), None) if y.len() == 4 && d.len() <= 2 => {
                        let m = MONTHS
                            .iter()
                            .position(|n| n.eq_ignore_ascii_case(mon))
                            .map(|i| i as u32 + 1);
                        number(y)
                            .zip(m)
                            .zip(number(d))
                            .map(|((y, m), d)| (y as i32, m, d))
                    }
                    _ => None,
                }
            }
            DateFormat::Excel => {
                let digits = !t.is_empty() && t.len() <= 6 && t.bytes().all(|b| b.is_ascii_digit());
                let days: u32 = digits.then(|| t.parse().ok()).flatten().ok_or_else(bad)?;
                let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or_else(bad)?;
                let d = base
                    .checked_add_days(chrono::Days::new(u64::from(days)))
                    .ok_or_else(bad)?;
                return in_range(d).ok_or_else(bad);
            }
        };
        let (y, m, d) = ymd.ok_or_else(bad)?;
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(in_range)
            .ok_or_else(|| format!("'{t}' is not a date: there is no such day"))
    }
}

fn in_range(d: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    (1900..=2999).contains(&d.year()).then_some(d)
}

/// The shape the money takes in an extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmountShape {
    /// One signed Amount column.
    Signed,
    /// Debit less Credit; a row with both filled is refused.
    DebitCredit,
    /// Debit less Credit; a row with both filled is netted.
    DebitCreditNetted,
    /// An Amount with a Sign column: `DR`/`+` keeps it, `CR`/`-` makes it negative.
    SignColumn,
}

/// Every amount shape, with its name.
pub const AMOUNT_SHAPES: &[(&str, AmountShape)] = &[
    ("signed", AmountShape::Signed),
    ("debit-credit", AmountShape::DebitCredit),
    ("debit-credit-net", AmountShape::DebitCreditNetted),
    ("sign-column", AmountShape::SignColumn),
];

impl AmountShape {
    /// Reads a shape's name (`debit-credit`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().to_lowercase();
        AMOUNT_SHAPES
            .iter()
            .find(|(n, _)| *n == t)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                format!(
                    "'{}' is not an amount shape: give one of {}",
                    s.trim(),
                    names(AMOUNT_SHAPES)
                )
            })
    }

    /// The shape's name.
    pub fn name(&self) -> &'static str {
        AMOUNT_SHAPES
            .iter()
            .find(|(_, f)| f == self)
            .map(|(n, _)| *n)
            .unwrap_or("signed")
    }

    /// The Outturn columns the shape needs in the file.
    pub fn columns(&self) -> &'static [&'static str] {
        match self {
            AmountShape::Signed => &["Amount"],
            AmountShape::DebitCredit | AmountShape::DebitCreditNetted => &["Debit", "Credit"],
            AmountShape::SignColumn => &["Amount", "Sign"],
        }
    }
}

/// Where a row's amount went wrong: the column to blame and why.
pub type AmountProblem = (&'static str, String);

/// Works out a row's amount from its cells in `shape`: `amount`, `debit`, `credit` and `sign`
/// (empty when absent). Debit and Credit are each written as positive sums.
pub fn row_amount(
    shape: AmountShape,
    amount: &str,
    debit: &str,
    credit: &str,
    sign: &str,
) -> Result<Money, AmountProblem> {
    let money =
        |column: &'static str, text: &str| Money::parse(text).map_err(|e| (column, e.to_string()));
    // SAP shows a credit with its minus after the figure: `1,234.56-`.
    let signed = |text: &str| match text.trim().strip_suffix('-') {
        Some(figure) if !figure.starts_with(['-', '(']) && !figure.is_empty() => {
            money("Amount", figure).map(|m| -m)
        }
        _ => money("Amount", text),
    };
    match shape {
        AmountShape::Signed => signed(amount),
        AmountShape::DebitCredit | AmountShape::DebitCreditNetted => {
            if debit.is_empty() && credit.is_empty() {
                return Err((
                    "Debit",
                    "Debit and Credit are both empty: every ledger line needs one".into(),
                ));
            }
            if !debit.is_empty() && !credit.is_empty() && shape == AmountShape::DebitCredit {
                return Err((
                    "Credit",
                    format!(
                        "Debit '{debit}' and Credit '{credit}' are both filled: leave one empty, \
                         or make the profile net them (--amount debit-credit-net)"
                    ),
                ));
            }
            let d = if debit.is_empty() {
                Money::ZERO
            } else {
                money("Debit", debit)?
            };
            let c = if credit.is_empty() {
                Money::ZERO
            } else {
                money("Credit", credit)?
            };
            d.checked_sub(c).ok_or_else(|| {
                (
                    "Amount",
                    "Debit less Credit is beyond what Outturn holds".into(),
                )
            })
        }
        AmountShape::SignColumn => {
            let m = signed(amount)?;
            // SAP's Debit/Credit indicator: S (Soll, debit) or H (Haben, credit).
            match sign.trim().to_uppercase().as_str() {
                "DR" | "D" | "S" | "+" => Ok(m),
                "CR" | "C" | "H" | "-" => Ok(-m),
                other => Err((
                    "Sign",
                    format!("'{other}' is not a sign: give DR or CR (or + or -, or SAP's S or H)"),
                )),
            }
        }
    }
}

/// A saved import profile: how one ledger's extract is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProfile {
    /// Its name (`unit4`).
    pub name: String,
    /// Renames of the file's columns: (file column, Outturn column), as `--map` gives them.
    pub map: Vec<(String, String)>,
    /// Where the header is.
    pub header: HeaderRule,
    /// `utf-8` or `windows-1252`; None to detect.
    pub encoding: Option<String>,
    /// How dates are written.
    pub date_format: DateFormat,
    /// The shape the money takes.
    pub amount: AmountShape,
    /// The file columns whose cells, joined with `+`, make the ledger code looked up in the
    /// code map for the phase (empty: the file has a Phase column).
    pub code_columns: Vec<String>,
}

/// Joins the cells of a profile's code columns into one ledger code: `CC100+PRJ7`.
pub const CODE_JOIN: &str = "+";

/// Reads `--code-columns "Cost Centre,Project"`: at most [`MAX_CODE_COLUMNS`].
pub fn parse_code_columns(s: &str) -> Result<Vec<String>, String> {
    let cols: Vec<String> = s
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    if cols.len() > MAX_CODE_COLUMNS {
        return Err(format!(
            "'{s}' names {} columns: a ledger code is made of at most {MAX_CODE_COLUMNS}",
            cols.len()
        ));
    }
    Ok(cols)
}

/// The most file columns a ledger code is made of.
pub const MAX_CODE_COLUMNS: usize = 3;

impl ImportProfile {
    /// The mapping written back as `--map` takes it: `Trans Date=Date,Net=Amount`.
    pub fn map_text(&self) -> String {
        self.map
            .iter()
            .map(|(f, t)| format!("{f}={t}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A change to a saved profile: each setting given replaces the profile's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChange {
    /// A new name.
    pub name: Option<String>,
    /// A new mapping.
    pub map: Option<Vec<(String, String)>>,
    /// A new header rule.
    pub header: Option<HeaderRule>,
    /// A new encoding (`Some(None)`: detect).
    pub encoding: Option<Option<String>>,
    /// A new date format.
    pub date_format: Option<DateFormat>,
    /// A new amount shape.
    pub amount: Option<AmountShape>,
    /// New code columns.
    pub code_columns: Option<Vec<String>>,
}

impl ProfileChange {
    /// `profile` with this change made.
    pub fn applied_to(&self, profile: &ImportProfile) -> ImportProfile {
        let p = profile.clone();
        ImportProfile {
            name: self.name.clone().unwrap_or(p.name),
            map: self.map.clone().unwrap_or(p.map),
            header: self.header.unwrap_or(p.header),
            encoding: self.encoding.clone().unwrap_or(p.encoding),
            date_format: self.date_format.unwrap_or(p.date_format),
            amount: self.amount.unwrap_or(p.amount),
            code_columns: self.code_columns.clone().unwrap_or(p.code_columns),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_named_format_reads_its_own_dates_and_no_other() {
        let cases = [
            ("dd/mm/yyyy", "05/12/2026", "2026-12-05"),
            ("dd-mon-yyyy", "05-DEC-2026", "05/12/2026"),
            ("dd.mm.yyyy", "5.12.2026", "05/12/2026"),
            ("yyyy-mm-dd", "2026-12-05", "05/12/2026"),
            ("excel", "46361", "05/12/2026"),
        ];
        for (name, good, wrong) in cases {
            let f = DateFormat::parse(name).unwrap();
            assert_eq!(f.name(), name);
            assert_eq!(f.parse_date(good), Ok(d(2026, 12, 5)), "{name}");
            assert!(f.parse_date(wrong).is_err(), "{name} took {wrong}");
        }
        assert_eq!(
            DateFormat::DayMonYear.parse_date("31-feb-2026"),
            Err("'31-feb-2026' is not a date: there is no such day".into())
        );
        assert!(DateFormat::parse("mm/dd/yyyy").is_err());
        // A date written in each format reads back as itself.
        for (_, f) in DATE_FORMATS {
            assert_eq!(
                f.parse_date(&f.format_date(d(2026, 12, 5))),
                Ok(d(2026, 12, 5))
            );
        }
        assert_eq!(
            DateFormat::DayMonYear.format_date(d(2018, 1, 2)),
            "02-JAN-2018"
        );
        assert_eq!(DateFormat::Excel.format_date(d(2024, 4, 1)), "45383");
        // Excel's day 1 is 31/12/1899 on the 1900 system as Excel counts after February 1900.
        assert_eq!(DateFormat::Excel.parse_date("45383"), Ok(d(2024, 4, 1)));
    }

    #[test]
    fn amounts_in_each_shape_worked_by_hand() {
        use AmountShape::*;
        let p = |m: Result<Money, AmountProblem>| m.map(|m| m.pence());
        assert_eq!(p(row_amount(Signed, "-12.50", "", "", "")), Ok(-1250));
        assert_eq!(p(row_amount(DebitCredit, "", "100.00", "", "")), Ok(10_000));
        assert_eq!(p(row_amount(DebitCredit, "", "", "40.01", "")), Ok(-4001));
        let both = row_amount(DebitCredit, "", "100.00", "40.01", "").unwrap_err();
        assert_eq!(both.0, "Credit");
        assert_eq!(
            p(row_amount(DebitCreditNetted, "", "100.00", "40.01", "")),
            Ok(5999)
        );
        assert_eq!(p(row_amount(SignColumn, "7.00", "", "", "CR")), Ok(-700));
        // SAP: a minus after the figure, and S (debit) or H (credit) as the indicator.
        assert_eq!(p(row_amount(Signed, "1,234.56-", "", "", "")), Ok(-123_456));
        assert_eq!(p(row_amount(SignColumn, "7.00", "", "", "H")), Ok(-700));
        assert_eq!(p(row_amount(SignColumn, "7.00", "", "", "s")), Ok(700));
        assert!(row_amount(Signed, "-5.00-", "", "", "").is_err());
        assert!(row_amount(Signed, "-", "", "", "").is_err());
        assert_eq!(p(row_amount(SignColumn, "7.00", "", "", "dr")), Ok(700));
        assert_eq!(
            row_amount(SignColumn, "7.00", "", "", "X").unwrap_err().0,
            "Sign"
        );
        assert_eq!(
            row_amount(DebitCredit, "", "", "", "").unwrap_err().0,
            "Debit"
        );
    }

    #[test]
    fn header_rules_read_as_typed() {
        assert_eq!(HeaderRule::parse("find"), Ok(HeaderRule::Find));
        assert_eq!(HeaderRule::parse("2"), Ok(HeaderRule::Skip(2)));
        assert!(HeaderRule::parse("two").is_err());
    }
}
