//! The UK local government financial calendar.
//!
//! A financial year runs from 1 April to 31 March and is named by its start
//! year (`2017-18` is [`FinancialYear`] 2017). Periods are months numbered
//! from April: P1 is April, P9 December, P12 March. Dates are read strictly as
//! ISO `YYYY-MM-DD` or UK `DD/MM/YYYY`; nothing else is guessed.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// First financial year accepted by [`FinancialYear::new`].
const MIN_START_YEAR: i32 = 1900;
/// Last financial year accepted by [`FinancialYear::new`].
const MAX_START_YEAR: i32 = 2999;
/// Longest input quoted verbatim in an error message.
const QUOTE_LIMIT: usize = 40;

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A UK financial year (1 April to 31 March), named by its start year:
/// FY 2017-18 is `FinancialYear(2017)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(i32);

/// A period (month) of the financial year, 1..=12: P1 is April, P12 March.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period(u8);

/// Why text is not an acceptable financial year, period, month or date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Nothing but whitespace was given.
    #[error("'' is empty: enter a {what} such as {example}")]
    Empty {
        /// What was expected ("financial year", "date", ...).
        what: &'static str,
        /// An example of an accepted value.
        example: &'static str,
    },
    /// Not a financial year.
    #[error("'{input}' is not a financial year: {reason}")]
    FinancialYear {
        /// The offending input (trimmed, possibly shortened).
        input: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// A financial year outside 1900-01 ..= 2999-00.
    #[error("'{input}' is outside the supported financial years: they run from 1900-01 to 2999-00")]
    OutOfRange {
        /// The offending input.
        input: String,
    },
    /// Not a period.
    #[error("'{input}' is not a period: {reason}")]
    Period {
        /// The offending input (trimmed, possibly shortened).
        input: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// Not a calendar month.
    #[error("'{input}' is not a month: {reason}")]
    Month {
        /// The offending input (trimmed, possibly shortened).
        input: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// Not a date.
    #[error("'{input}' is not a date: {reason}")]
    Date {
        /// The offending input (trimmed, possibly shortened).
        input: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
}

impl FinancialYear {
    /// The financial year starting on 1 April of `start_year`; valid for
    /// 1900..=2999.
    pub fn new(start_year: i32) -> Result<Self, CalendarError> {
        if (MIN_START_YEAR..=MAX_START_YEAR).contains(&start_year) {
            Ok(FinancialYear(start_year))
        } else {
            Err(CalendarError::OutOfRange {
                input: start_year.to_string(),
            })
        }
    }

    /// The calendar year in which this financial year starts.
    pub fn start_year(self) -> i32 {
        self.0
    }

    /// The financial year containing `date` (2018-03-31 is in 2017-18,
    /// 2018-04-01 in 2018-19). Not range checked.
    pub fn containing(date: NaiveDate) -> Self {
        if date.month() >= 4 {
            FinancialYear(date.year())
        } else {
            FinancialYear(date.year() - 1)
        }
    }

    /// 1 April of the start year.
    pub fn start(self) -> NaiveDate {
        ymd(self.0, 4, 1)
    }

    /// 31 March of the following year.
    pub fn end(self) -> NaiveDate {
        ymd(self.0.saturating_add(1), 3, 31)
    }

    /// The following financial year.
    pub fn next(self) -> Self {
        FinancialYear(self.0.saturating_add(1))
    }

    /// The preceding financial year.
    pub fn prev(self) -> Self {
        FinancialYear(self.0.saturating_sub(1))
    }

    /// The usual label: `2017-18`, `1999-00`.
    pub fn label(self) -> String {
        format!("{}-{:02}", self.0, (i64::from(self.0) + 1).rem_euclid(100))
    }

    /// The years from this one to `last` as written in the registers: `2022-23` for one year,
    /// `2022-23 to 2024-25` for several.
    pub fn range_label(self, last: FinancialYear) -> String {
        if self == last {
            self.label()
        } else {
            format!("{} to {}", self.label(), last.label())
        }
    }

    /// The period to show for this year as of `today`: today's period in the current year,
    /// else P12 (the year's end).
    pub fn period_to_show(self, today: NaiveDate) -> Period {
        if FinancialYear::containing(today) == self {
            Period::of_date(today)
        } else {
            Period(12)
        }
    }

    /// The year to open on: the one containing `today` when it has figures (or none has), else
    /// the latest of `years` (which are in order).
    pub fn to_open_on(today: NaiveDate, years: &[FinancialYear]) -> FinancialYear {
        let current = FinancialYear::containing(today);
        if years.is_empty() || years.contains(&current) {
            current
        } else {
            years.last().copied().unwrap_or(current)
        }
    }

    /// The month being reported on `today` (the period the TUI opens on): the first period after
    /// the last closed one, whose last day is `closed_through`; with none closed, the latest
    /// period that has ended by `today` (the month before today's).
    pub fn reporting_period(
        today: NaiveDate,
        closed_through: Option<NaiveDate>,
    ) -> (FinancialYear, Period) {
        let day = match closed_through {
            Some(end) => end.succ_opt().unwrap_or(end),
            // The last day of the month before today's.
            None => today
                .with_day(1)
                .and_then(|first| first.pred_opt())
                .unwrap_or(today),
        };
        (FinancialYear::containing(day), Period::of_date(day))
    }

    /// Parses `2017-18`, `2017/18`, `2017-2018`, `2017/2018`, optionally
    /// prefixed by `FY` (any case, optionally followed by spaces).
    pub fn parse(s: &str) -> Result<Self, CalendarError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(CalendarError::Empty {
                what: "financial year",
                example: "2017-18",
            });
        }
        let fail = |reason: &str| CalendarError::FinancialYear {
            input: quote(t),
            reason: reason.to_string(),
        };
        let body = match t.get(..2) {
            Some(p) if p.eq_ignore_ascii_case("fy") => t[2..].trim_start(),
            _ => t,
        };
        let Some((first, second)) = body.split_once(['-', '/']) else {
            return Err(fail(
                "write the first and second years, e.g. 2017-18 or 2017/18",
            ));
        };
        if first.len() != 4 || !all_digits(first) {
            return Err(fail(
                "the first year needs four digits, e.g. 2017-18 or 2017/18",
            ));
        }
        if !((second.len() == 2 || second.len() == 4) && all_digits(second)) {
            return Err(fail(
                "the second year needs two or four digits, e.g. 2017-18 or 2017-2018",
            ));
        }
        let start: i32 = digits_value(first);
        let follows = if second.len() == 2 {
            digits_value::<i32>(second) == (start + 1) % 100
        } else {
            digits_value::<i32>(second) == start + 1
        };
        if !follows {
            let example = FinancialYear(start).label();
            return Err(fail(&format!(
                "the second year must follow the first ({example})"
            )));
        }
        FinancialYear::new(start).map_err(|_| CalendarError::OutOfRange { input: quote(t) })
    }

    /// The period of `date` in this financial year, or `None` if the date
    /// falls outside it.
    pub fn period_of(self, date: NaiveDate) -> Option<Period> {
        (FinancialYear::containing(date) == self).then(|| Period::of_date(date))
    }

    /// The first day of period `p` in this financial year.
    pub fn period_start(self, p: Period) -> NaiveDate {
        let (year, month) = self.period_month(p);
        ymd(year, month, 1)
    }

    /// The last day of period `p` in this financial year.
    pub fn period_end(self, p: Period) -> NaiveDate {
        let (year, month) = self.period_month(p);
        ymd(year, month, days_in_month(year, month))
    }

    /// Calendar (year, month) of period `p` in this financial year.
    fn period_month(self, p: Period) -> (i32, u32) {
        let month = (u32::from(p.0) + 2) % 12 + 1;
        let year = if month >= 4 {
            self.0
        } else {
            self.0.saturating_add(1)
        };
        (year, month)
    }
}

impl fmt::Display for FinancialYear {
    /// The label, e.g. `2017-18`; honours width and alignment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.label())
    }
}

impl FromStr for FinancialYear {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, CalendarError> {
        FinancialYear::parse(s)
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        FinancialYear::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Period {
    /// P1 (April).
    pub const FIRST: Period = Period(1);
    /// P12 (March).
    pub const LAST: Period = Period(12);

    /// Period `n`, for 1..=12.
    pub fn new(n: u8) -> Result<Self, CalendarError> {
        if (1..=12).contains(&n) {
            Ok(Period(n))
        } else {
            Err(period_error(&n.to_string()))
        }
    }

    /// The period number, 1..=12.
    pub fn number(self) -> u8 {
        self.0
    }

    /// The period of a date's month: April is P1, March P12.
    pub fn of_date(date: NaiveDate) -> Period {
        // month() is 1..=12, so the result is 1..=12.
        let n = (date.month() + 8) % 12 + 1;
        Period(u8::try_from(n).unwrap_or(1))
    }

    /// Parses `P7`, `p7`, `7` or `P07` (surrounding whitespace allowed).
    pub fn parse(s: &str) -> Result<Self, CalendarError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(CalendarError::Empty {
                what: "period",
                example: "P7",
            });
        }
        let digits = t.strip_prefix(['P', 'p']).unwrap_or(t);
        if digits.is_empty() || digits.len() > 2 || !all_digits(digits) {
            return Err(period_error(t));
        }
        let n = u8::try_from(digits_value::<u32>(digits)).map_err(|_| period_error(t))?;
        Period::new(n).map_err(|_| period_error(t))
    }

    /// The label, e.g. `P7`.
    pub fn label(self) -> String {
        format!("P{}", self.0)
    }

    /// The name of the period's month: `October` for P7.
    pub fn month_name(self) -> &'static str {
        let month = (usize::from(self.0) + 2) % 12;
        MONTH_NAMES.get(month).copied().unwrap_or("")
    }

    /// P1 to P12 in order.
    pub fn all() -> impl Iterator<Item = Period> {
        (1..=12).map(Period)
    }

    /// The following period of the same year, or `None` after P12.
    pub fn next(self) -> Option<Period> {
        (self.0 < 12).then(|| Period(self.0 + 1))
    }

    /// The preceding period of the same year, or `None` before P1.
    pub fn prev(self) -> Option<Period> {
        (self.0 > 1).then(|| Period(self.0 - 1))
    }
}

impl fmt::Display for Period {
    /// The label, e.g. `P7`; honours width and alignment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.label())
    }
}

impl FromStr for Period {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, CalendarError> {
        Period::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The financial year and period of a calendar month written `YYYY-MM`:
/// `2017-10` is (2017-18, P7), `2018-03` is (2017-18, P12). The financial
/// year must be within the supported range.
pub fn parse_month(s: &str) -> Result<(FinancialYear, Period), CalendarError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(CalendarError::Empty {
            what: "month",
            example: "2017-10",
        });
    }
    let fail = |reason: String| CalendarError::Month {
        input: quote(t),
        reason,
    };
    let shape = "use YYYY-MM, e.g. 2017-10 for October 2017";
    let Some((y, m)) = t.split_once('-') else {
        return Err(fail(shape.to_string()));
    };
    if y.len() != 4 || m.len() != 2 || !all_digits(y) || !all_digits(m) {
        return Err(fail(shape.to_string()));
    }
    let month = digits_value(m);
    if !(1..=12).contains(&month) {
        return Err(fail(format!("there is no month {month}; {shape}")));
    }
    let date = ymd(digits_value(y), month, 1);
    let fy = FinancialYear::containing(date);
    let fy = FinancialYear::new(fy.0).map_err(|_| CalendarError::OutOfRange { input: quote(t) })?;
    Ok((fy, Period::of_date(date)))
}

/// Parses a date written ISO `2022-08-26` or UK `26/08/2022` (day and month
/// may have one digit: `6/8/2022`). Nothing else is guessed: US order,
/// `YYYY/MM/DD`, `DD-MM-YYYY` and two-digit years are errors, as are years
/// outside 1900..=2999.
pub fn parse_date(s: &str) -> Result<NaiveDate, CalendarError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(CalendarError::Empty {
            what: "date",
            example: "26/08/2022",
        });
    }
    let fail = |reason: String| CalendarError::Date {
        input: quote(t),
        reason,
    };
    let usage = "use DD/MM/YYYY or YYYY-MM-DD";
    let parts: Vec<&str> = if t.contains('/') {
        t.split('/').collect()
    } else {
        t.split('-').collect()
    };
    let [a, b, c] = parts.as_slice() else {
        return Err(fail(format!("{usage}, e.g. 26/08/2022")));
    };
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return Err(fail(format!("{usage}, e.g. 26/08/2022")));
    }
    let (year, month, day) = if t.contains('/') {
        if a.len() == 4 {
            return Err(fail(format!(
                "year-first dates need dashes; {usage}, e.g. {c}/{b}/{a} or {a}-{b}-{c}"
            )));
        }
        if !(1..=2).contains(&a.len()) || !(1..=2).contains(&b.len()) {
            return Err(fail(format!("{usage}, e.g. 26/08/2022")));
        }
        if c.len() != 4 {
            return Err(fail(format!(
                "the year needs four digits (two-digit years are not guessed); {usage}"
            )));
        }
        (digits_value(c), digits_value(b), digits_value(a))
    } else {
        if a.len() != 4 || b.len() != 2 || c.len() != 2 {
            return Err(fail(format!("{usage}, e.g. 26/08/2022 or 2022-08-26")));
        }
        (digits_value(a), digits_value(b), digits_value(c))
    };
    // The supported dates are those of the supported financial years, no more: 01/04/1900 to
    // 31/03/3000. (Checked on the year here, on the whole date below.)
    let out_of_range = || {
        fail(format!(
            "dates run from 01/04/{MIN_START_YEAR} to 31/03/{} (the financial years {} to {})",
            MAX_START_YEAR + 1,
            FinancialYear(MIN_START_YEAR).label(),
            FinancialYear(MAX_START_YEAR).label()
        ))
    };
    if !(MIN_START_YEAR..=MAX_START_YEAR + 1).contains(&year) {
        return Err(out_of_range());
    }
    if !(1..=12).contains(&month) {
        return Err(fail(format!("there is no month {month}; {usage}")));
    }
    let days = days_in_month(year, month);
    if day == 0 {
        return Err(fail(format!("there is no day 0; {usage}")));
    }
    if day > days {
        let name = MONTH_NAMES
            .get(usize::try_from(month - 1).unwrap_or(0))
            .copied()
            .unwrap_or("");
        return Err(fail(format!("{name} {year} has {days} days")));
    }
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| fail(usage.to_string()))?;
    if !date_supported(date) {
        return Err(out_of_range());
    }
    Ok(date)
}

/// True for a date Outturn stores: one in the financial years 1900-01 to 2999-00, that is from
/// 01/04/1900 to 31/03/3000. Every date typed or imported is checked here (by [`parse_date`]).
pub fn date_supported(date: NaiveDate) -> bool {
    let first = FinancialYear(MIN_START_YEAR).start();
    let last = FinancialYear(MAX_START_YEAR).end();
    (first..=last).contains(&date)
}

/// UK display form: `26/08/2022`.
pub fn uk_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The calendar months covered by a term: the month of `start` and the
/// months after it, `months` in all, as `(year, month)` pairs. Stops early
/// only at the end of chrono's supported date range.
pub fn term_months(start: NaiveDate, months: u32) -> Vec<(i32, u32)> {
    let max_year = NaiveDate::MAX.year();
    let (mut year, mut month) = (start.year(), start.month());
    let mut out = Vec::new();
    for _ in 0..months {
        if year > max_year {
            break;
        }
        out.push((year, month));
        if month == 12 {
            year += 1;
            month = 1;
        } else {
            month += 1;
        }
    }
    out
}

/// `d` plus `months` calendar months, clamped to the end of the month
/// (31 January + 1 is 28 or 29 February). Saturates at `NaiveDate::MAX`.
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

fn period_error(input: &str) -> CalendarError {
    CalendarError::Period {
        input: quote(input),
        reason: "periods run P1 (April) to P12 (March)".to_string(),
    }
}

/// The date, or the nearest end of chrono's range if it does not exist
/// (only possible for years far outside any financial data).
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(if year < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Value of a short all-digit string (callers bound the length to 4).
fn digits_value<T: From<u8> + std::ops::Mul<Output = T> + std::ops::Add<Output = T>>(s: &str) -> T {
    s.bytes()
        .fold(T::from(0), |acc, b| acc * T::from(10) + T::from(b - b'0'))
}

/// The input as quoted in messages, shortened if very long.
fn quote(s: &str) -> String {
    if s.chars().count() > QUOTE_LIMIT {
        let head: String = s.chars().take(QUOTE_LIMIT).collect();
        format!("{head}…")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::new(y).unwrap()
    }

    fn per(n: u8) -> Period {
        Period::new(n).unwrap()
    }

    #[test]
    fn range_label_names_one_year_or_both_ends() {
        assert_eq!(fy(2022).range_label(fy(2022)), "2022-23");
        assert_eq!(fy(2018).range_label(fy(2019)), "2018-19 to 2019-20");
        assert_eq!(fy(1999).range_label(fy(2001)), "1999-00 to 2001-02");
    }

    #[test]
    fn period_to_show_is_todays_in_the_current_year_else_p12() {
        let today = d(2022, 8, 26);
        assert_eq!(fy(2022).period_to_show(today), per(5));
        assert_eq!(fy(2021).period_to_show(today), per(12));
        assert_eq!(fy(2023).period_to_show(today), per(12));
        // 31 March is P12 of the year it ends; 1 April is P1 of the next.
        assert_eq!(fy(2022).period_to_show(d(2023, 3, 31)), per(12));
        assert_eq!(fy(2023).period_to_show(d(2023, 4, 1)), per(1));
    }

    #[test]
    fn the_month_reported_follows_the_last_close_else_the_last_ended_period() {
        // Early December 2026 with nothing closed: November, 2026-27 P8, has ended; P9 has not.
        assert_eq!(
            FinancialYear::reporting_period(d(2026, 12, 5), None),
            (fy(2026), per(8))
        );
        // On the last day of a month that month has not ended yet.
        assert_eq!(
            FinancialYear::reporting_period(d(2026, 11, 30), None),
            (fy(2026), per(7))
        );
        // In April nothing of the new year has ended: P12 of the year before.
        assert_eq!(
            FinancialYear::reporting_period(d(2023, 4, 10), None),
            (fy(2022), per(12))
        );
        // P7 (October 2026) closed, through 31/10/2026: P8 is being reported, whatever today.
        assert_eq!(
            FinancialYear::reporting_period(d(2026, 12, 5), Some(d(2026, 10, 31))),
            (fy(2026), per(8))
        );
        assert_eq!(
            FinancialYear::reporting_period(d(2027, 2, 1), Some(d(2026, 10, 31))),
            (fy(2026), per(8))
        );
        // P12 closed: P1 of the next year.
        assert_eq!(
            FinancialYear::reporting_period(d(2027, 4, 20), Some(d(2027, 3, 31))),
            (fy(2027), per(1))
        );
    }

    #[test]
    fn year_to_open_on_is_the_current_one_with_figures_else_the_latest() {
        let today = d(2022, 8, 26);
        assert_eq!(FinancialYear::to_open_on(today, &[]), fy(2022));
        assert_eq!(
            FinancialYear::to_open_on(today, &[fy(2021), fy(2022), fy(2023)]),
            fy(2022)
        );
        assert_eq!(
            FinancialYear::to_open_on(today, &[fy(2018), fy(2019)]),
            fy(2019)
        );
        assert_eq!(
            FinancialYear::to_open_on(today, &[fy(2024), fy(2025)]),
            fy(2025)
        );
    }

    #[test]
    fn financial_year_basics() {
        assert!(FinancialYear::new(1900).is_ok());
        assert!(FinancialYear::new(2999).is_ok());
        assert!(FinancialYear::new(1899).is_err());
        assert!(FinancialYear::new(3000).is_err());
        assert_eq!(fy(2017).start_year(), 2017);
        assert_eq!(FinancialYear::containing(d(2018, 3, 31)), fy(2017));
        assert_eq!(FinancialYear::containing(d(2018, 4, 1)), fy(2018));
        assert_eq!(fy(2017).start(), d(2017, 4, 1));
        assert_eq!(fy(2017).end(), d(2018, 3, 31));
        assert_eq!(fy(2017).next(), fy(2018));
        assert_eq!(fy(2017).prev(), fy(2016));
        assert_eq!(fy(2017).label(), "2017-18");
        assert_eq!(fy(1999).label(), "1999-00");
        assert_eq!(fy(2099).label(), "2099-00");
        assert_eq!(fy(2009).label(), "2009-10");
        assert_eq!(fy(2017).to_string(), "2017-18");
        assert_eq!(format!("{:>9}", fy(2017)), "  2017-18");
        assert!(fy(2016) < fy(2017));
    }

    #[test]
    fn financial_year_parse_accepts() {
        for s in [
            "2017-18",
            "2017/18",
            "FY2017-18",
            "FY 2017-18",
            "fy2017/18",
            "Fy  2017-18",
            "2017-2018",
            "2017/2018",
            "  2017-18 \t",
        ] {
            assert_eq!(FinancialYear::parse(s), Ok(fy(2017)), "{s}");
        }
        assert_eq!(FinancialYear::parse("1999-00"), Ok(fy(1999)));
        assert_eq!(FinancialYear::parse("1999-2000"), Ok(fy(1999)));
        assert_eq!("2020-21".parse::<FinancialYear>(), Ok(fy(2020)));
    }

    #[test]
    fn financial_year_parse_rejects() {
        let e = FinancialYear::parse("2017-19").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'2017-19' is not a financial year: the second year must follow the first (2017-18)"
        );
        for s in [
            "2017",
            "17-18",
            "2017-1",
            "",
            "  ",
            "2017-18-19",
            "2017-2019",
            "2017–18",
            "FY",
            "FY-2017-18",
            "2017 -18",
            "abcd-ef",
            "2017-018",
            "1899-00",
            "3000-01",
            "é017-18",
        ] {
            assert!(FinancialYear::parse(s).is_err(), "{s:?}");
        }
        assert_eq!(
            FinancialYear::parse("").unwrap_err().to_string(),
            "'' is empty: enter a financial year such as 2017-18"
        );
        assert!(
            FinancialYear::parse("17-18")
                .unwrap_err()
                .to_string()
                .contains("four digits")
        );
        assert!(matches!(
            FinancialYear::parse("1899-00"),
            Err(CalendarError::OutOfRange { .. })
        ));
    }

    #[test]
    fn financial_year_serde() {
        assert_eq!(serde_json::to_string(&fy(2017)).unwrap(), "\"2017-18\"");
        assert_eq!(
            serde_json::from_str::<FinancialYear>("\"2017-18\"").unwrap(),
            fy(2017)
        );
        assert!(serde_json::from_str::<FinancialYear>("\"2017-19\"").is_err());
        assert!(serde_json::from_str::<FinancialYear>("2017").is_err());
    }

    #[test]
    fn periods() {
        assert_eq!(Period::FIRST.number(), 1);
        assert_eq!(Period::LAST.number(), 12);
        assert!(Period::new(0).is_err());
        assert!(Period::new(13).is_err());
        assert_eq!(Period::of_date(d(2017, 4, 1)), per(1));
        assert_eq!(Period::of_date(d(2017, 10, 15)), per(7));
        assert_eq!(Period::of_date(d(2017, 12, 31)), per(9));
        assert_eq!(Period::of_date(d(2018, 1, 1)), per(10));
        assert_eq!(Period::of_date(d(2018, 3, 31)), per(12));
        assert_eq!(per(7).label(), "P7");
        assert_eq!(per(7).to_string(), "P7");
        assert_eq!(per(7).month_name(), "October");
        assert_eq!(per(1).month_name(), "April");
        assert_eq!(per(9).month_name(), "December");
        assert_eq!(per(10).month_name(), "January");
        assert_eq!(per(12).month_name(), "March");
        let all: Vec<u8> = Period::all().map(Period::number).collect();
        assert_eq!(all, (1..=12).collect::<Vec<u8>>());
        assert_eq!(per(7).next(), Some(per(8)));
        assert_eq!(Period::LAST.next(), None);
        assert_eq!(per(7).prev(), Some(per(6)));
        assert_eq!(Period::FIRST.prev(), None);
        assert_eq!(serde_json::to_string(&per(7)).unwrap(), "\"P7\"");
        assert_eq!(serde_json::from_str::<Period>("\"P7\"").unwrap(), per(7));
        assert!(serde_json::from_str::<Period>("\"P13\"").is_err());
    }

    #[test]
    fn period_parse() {
        for s in ["P7", "p7", "7", " P07 ", "07"] {
            assert_eq!(Period::parse(s), Ok(per(7)), "{s}");
        }
        assert_eq!("P12".parse::<Period>(), Ok(per(12)));
        for s in [
            "P0", "P13", "13", "x", "", "P", "PP7", "P 7", "P007", "-1", "P7a", "P١",
        ] {
            assert!(Period::parse(s).is_err(), "{s:?}");
        }
        assert_eq!(
            Period::parse("P13").unwrap_err().to_string(),
            "'P13' is not a period: periods run P1 (April) to P12 (March)"
        );
    }

    #[test]
    fn period_dates() {
        assert_eq!(fy(2017).period_start(per(7)), d(2017, 10, 1));
        assert_eq!(fy(2017).period_end(per(7)), d(2017, 10, 31));
        assert_eq!(fy(2017).period_start(per(12)), d(2018, 3, 1));
        assert_eq!(fy(2017).period_end(per(12)), d(2018, 3, 31));
        assert_eq!(fy(2019).period_end(per(11)), d(2020, 2, 29));
        assert_eq!(fy(2018).period_end(per(11)), d(2019, 2, 28));
        assert_eq!(fy(2017).period_end(per(3)), d(2017, 6, 30));
        assert_eq!(fy(2017).period_of(d(2017, 10, 5)), Some(per(7)));
        assert_eq!(fy(2017).period_of(d(2018, 3, 31)), Some(per(12)));
        assert_eq!(fy(2017).period_of(d(2018, 4, 1)), None);
        assert_eq!(fy(2017).period_of(d(2017, 3, 31)), None);
    }

    #[test]
    fn months() {
        assert_eq!(parse_month("2017-10"), Ok((fy(2017), per(7))));
        assert_eq!(parse_month("2018-03"), Ok((fy(2017), per(12))));
        assert_eq!(parse_month("2018-04"), Ok((fy(2018), per(1))));
        for s in [
            "2017-13",
            "2017-00",
            "10/2017",
            "2017-1",
            "17-10",
            "",
            "2017-10-01",
            "201x-10",
            "1900-01",
        ] {
            assert!(parse_month(s).is_err(), "{s:?}");
        }
        assert!(
            parse_month("2017-13")
                .unwrap_err()
                .to_string()
                .contains("no month 13")
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2022-08-26"), Ok(d(2022, 8, 26)));
        assert_eq!(parse_date("26/08/2022"), Ok(d(2022, 8, 26)));
        assert_eq!(parse_date("6/8/2022"), Ok(d(2022, 8, 6)));
        assert_eq!(parse_date(" 29/02/2020 "), Ok(d(2020, 2, 29)));
        assert_eq!(
            parse_date("08/26/2022").unwrap_err().to_string(),
            "'08/26/2022' is not a date: there is no month 26; use DD/MM/YYYY or YYYY-MM-DD"
        );
        assert_eq!(
            parse_date("31/02/2018").unwrap_err().to_string(),
            "'31/02/2018' is not a date: February 2018 has 28 days"
        );
        assert!(
            parse_date("30/02/2020")
                .unwrap_err()
                .to_string()
                .contains("February 2020 has 29 days")
        );
        for s in [
            "2022/08/26",
            "26-08-2022",
            "26/08/22",
            "31/02/2018",
            "",
            "0/08/2022",
            "26/8",
            "2022-8-26",
            "26.08.2022",
            "26/08/2022 12:00",
            "126/08/2022",
            "31/04/2022",
            "2022-02-30",
            "x",
            "//",
            "--",
            "01/01/1899",
            // Before the first supported financial year (1900-01), or after the last (2999-00).
            "15/01/1900",
            "31/03/1900",
            "3000-04-01",
            "0000-01-01",
        ] {
            assert!(parse_date(s).is_err(), "{s:?}");
        }
        assert_eq!(
            parse_date("").unwrap_err().to_string(),
            "'' is empty: enter a date such as 26/08/2022"
        );
        assert_eq!(
            parse_date("15/01/1900").unwrap_err().to_string(),
            "'15/01/1900' is not a date: dates run from 01/04/1900 to 31/03/3000 (the financial years 1900-01 to 2999-00)"
        );
        // The first and last supported days.
        assert_eq!(parse_date("01/04/1900"), Ok(d(1900, 4, 1)));
        assert_eq!(parse_date("3000-03-31"), Ok(d(3000, 3, 31)));
    }

    #[test]
    fn uk_dates_and_months() {
        assert_eq!(uk_date(d(2022, 8, 26)), "26/08/2022");
        assert_eq!(uk_date(d(2022, 8, 6)), "06/08/2022");
        assert_eq!(add_months(d(2021, 1, 31), 1), d(2021, 2, 28));
        assert_eq!(add_months(d(2020, 1, 31), 1), d(2020, 2, 29));
        assert_eq!(add_months(d(2020, 11, 15), 3), d(2021, 2, 15));
        assert_eq!(add_months(d(2020, 11, 15), 0), d(2020, 11, 15));
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(
            term_months(d(2017, 11, 20), 4),
            vec![(2017, 11), (2017, 12), (2018, 1), (2018, 2)]
        );
        assert!(term_months(d(2017, 11, 20), 0).is_empty());
        assert_eq!(term_months(d(2017, 1, 1), 25).len(), 25);
    }

    proptest! {
        #[test]
        fn dates_sit_in_their_period(days in 0i64..(1100 * 366)) {
            let date = d(1900, 1, 1) + chrono::Duration::days(days);
            prop_assume!(date.year() <= 2999 && date >= d(1900, 4, 1));
            let y = FinancialYear::containing(date);
            let p = Period::of_date(date);
            prop_assert_eq!(y.period_of(date), Some(p));
            prop_assert!(y.period_start(p) <= date && date <= y.period_end(p));
            prop_assert!(y.start() <= date && date <= y.end());
            prop_assert_eq!(parse_date(&uk_date(date)), Ok(date));
            prop_assert_eq!(parse_date(&date.to_string()), Ok(date));
            prop_assert_eq!(y.period_start(p).month(), date.month());
        }

        #[test]
        fn label_round_trips(y in MIN_START_YEAR..=MAX_START_YEAR) {
            let f = fy(y);
            prop_assert_eq!(FinancialYear::parse(&f.label()), Ok(f));
            prop_assert_eq!(f.next().prev(), f);
            let json = serde_json::to_string(&f).unwrap();
            prop_assert_eq!(serde_json::from_str::<FinancialYear>(&json).unwrap(), f);
            // Periods tile the year without gaps.
            let mut expected = f.start();
            for p in Period::all() {
                prop_assert_eq!(f.period_start(p), expected);
                expected = f.period_end(p) + chrono::Duration::days(1);
            }
            prop_assert_eq!(expected, f.next().start());
        }

        #[test]
        fn period_round_trips(n in 1u8..=12) {
            let p = per(n);
            prop_assert_eq!(Period::parse(&p.label()), Ok(p));
            prop_assert_eq!(Period::parse(&n.to_string()), Ok(p));
        }

        #[test]
        fn parsers_never_panic(s in ".*") {
            let _ = FinancialYear::parse(&s);
            let _ = Period::parse(&s);
            let _ = parse_month(&s);
            let _ = parse_date(&s);
        }

        #[test]
        fn parsers_never_panic_dateish(s in "(?i:fy)? ?[0-9/-]{0,14}") {
            let _ = FinancialYear::parse(&s);
            let _ = Period::parse(&s);
            let _ = parse_month(&s);
            let _ = parse_date(&s);
        }
    }
}
