//! The UK financial calendar: financial years (1 April to 31 March, stored as the start year,
//! printed `2017-18`), periods (P1 = April .. P12 = March) and the two date spellings accepted on
//! input (ISO `2022-08-26`, UK `26/08/2022`). Nothing else is guessed.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A financial year, 1 April to 31 March, named by its start year (2017 = `2017-18`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(i32);

/// A period of a financial year: P1 = April .. P12 = March.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period(u8);

/// A year, period, month or date that cannot be read; the message quotes the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Not a financial year.
    #[error("'{0}' is not a financial year: {1}")]
    Year(String, &'static str),
    /// Not a period.
    #[error("'{0}' is not a period: periods run P1 (April) to P12 (March)")]
    Period(String),
    /// Not a month.
    #[error("'{0}' is not a month: use YYYY-MM, e.g. 2017-10")]
    Month(String),
    /// Not a date.
    #[error("'{0}' is not a date: {1}")]
    Date(String, String),
}

impl FinancialYear {
    /// The year starting 1 April `start_year` (1900..=2999).
    pub fn new(start_year: i32) -> Result<Self, CalendarError> {
        if (1900..=2999).contains(&start_year) {
            Ok(FinancialYear(start_year))
        } else {
            Err(CalendarError::Year(
                start_year.to_string(),
                "years run from 1900 to 2999",
            ))
        }
    }

    /// The calendar year it starts in.
    pub fn start_year(self) -> i32 {
        self.0
    }

    /// The financial year a date falls in.
    pub fn containing(date: NaiveDate) -> Self {
        if date.month() >= 4 {
            FinancialYear(date.year())
        } else {
            FinancialYear(date.year() - 1)
        }
    }

    /// 1 April.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 March of the next calendar year.
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// The year after.
    pub fn next(self) -> Self {
        FinancialYear((self.0 + 1).min(2999))
    }

    /// The year before.
    pub fn prev(self) -> Self {
        FinancialYear((self.0 - 1).max(1900))
    }

    /// `2017-18`.
    pub fn label(self) -> String {
        format!("{}-{:02}", self.0, (self.0 + 1) % 100)
    }

    /// Reads `2017-18`, `2017/18`, `FY2017-18`, `FY 2017-18`, `2017-2018`; rejects `2017-19`.
    pub fn parse(s: &str) -> Result<Self, CalendarError> {
        let err = |why| CalendarError::Year(s.to_string(), why);
        let mut t = s.trim();
        if let Some(rest) = t
            .get(..2)
            .filter(|p| p.eq_ignore_ascii_case("fy"))
            .and(t.get(2..))
        {
            t = rest.trim_start();
        }
        let (a, b) = t
            .split_once(['-', '/'])
            .ok_or_else(|| err("write it as 2017-18"))?;
        if a.len() != 4 || !a.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err("write it as 2017-18 (four-digit start year)"));
        }
        if !(b.len() == 2 || b.len() == 4) || !b.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err("write it as 2017-18"));
        }
        let start: i32 = a.parse().map_err(|_| err("write it as 2017-18"))?;
        let second: i32 = b.parse().map_err(|_| err("write it as 2017-18"))?;
        let follows = if b.len() == 2 {
            second == (start + 1) % 100
        } else {
            second == start + 1
        };
        if !follows {
            return Err(err("the second year must follow the first, as in 2017-18"));
        }
        FinancialYear::new(start).map_err(|_| err("years run from 1900-01 to 2999-00"))
    }

    /// The period a date falls in, if it is in this year.
    pub fn period_of(self, date: NaiveDate) -> Option<Period> {
        (FinancialYear::containing(date) == self).then(|| Period::of_date(date))
    }

    /// The first day of period `p`.
    pub fn period_start(self, p: Period) -> NaiveDate {
        self.start()
            .checked_add_months(Months::new(u32::from(p.0) - 1))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The last day of period `p`.
    pub fn period_end(self, p: Period) -> NaiveDate {
        self.start()
            .checked_add_months(Months::new(u32::from(p.0)))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }
}

impl std::fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl std::str::FromStr for FinancialYear {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        FinancialYear::parse(&s).map_err(serde::de::Error::custom)
    }
}

const MONTHS: [&str; 12] = [
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
];

impl Period {
    /// P1.
    pub const FIRST: Period = Period(1);
    /// P12.
    pub const LAST: Period = Period(12);

    /// Period `n` (1..=12).
    pub fn new(n: u8) -> Result<Self, CalendarError> {
        if (1..=12).contains(&n) {
            Ok(Period(n))
        } else {
            Err(CalendarError::Period(format!("P{n}")))
        }
    }

    /// 1..=12.
    pub fn number(self) -> u8 {
        self.0
    }

    /// The period of a date's month: April = P1 .. March = P12.
    pub fn of_date(date: NaiveDate) -> Period {
        let m = date.month() as u8;
        Period(if m >= 4 { m - 3 } else { m + 9 })
    }

    /// Reads `P7`, `p7`, `7`, `P07`.
    pub fn parse(s: &str) -> Result<Self, CalendarError> {
        let t = s.trim();
        let digits = t.strip_prefix(['P', 'p']).unwrap_or(t);
        if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(CalendarError::Period(s.to_string()));
        }
        let n: u8 = digits
            .parse()
            .map_err(|_| CalendarError::Period(s.to_string()))?;
        Period::new(n).map_err(|_| CalendarError::Period(s.to_string()))
    }

    /// `P7`.
    pub fn label(self) -> String {
        format!("P{}", self.0)
    }

    /// The month's name: `October` for P7.
    pub fn month_name(self) -> &'static str {
        MONTHS[usize::from(self.0 - 1)]
    }

    /// P1 to P12.
    pub fn all() -> impl Iterator<Item = Period> {
        (1..=12).map(Period)
    }

    /// The next period, if any.
    pub fn next(self) -> Option<Period> {
        (self.0 < 12).then(|| Period(self.0 + 1))
    }

    /// The previous period, if any.
    pub fn prev(self) -> Option<Period> {
        (self.0 > 1).then(|| Period(self.0 - 1))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl std::str::FromStr for Period {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

/// The (FY, period) of a calendar month `YYYY-MM`: `2017-10` is 2017-18 P7.
pub fn parse_month(s: &str) -> Result<(FinancialYear, Period), CalendarError> {
    let t = s.trim();
    let err = || CalendarError::Month(s.to_string());
    let (y, m) = t.split_once('-').ok_or_else(err)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(err());
    }
    let year: i32 = y.parse().map_err(|_| err())?;
    let month: u32 = m.parse().map_err(|_| err())?;
    let d = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(err)?;
    let fy = FinancialYear::new(FinancialYear::containing(d).0).map_err(|_| err())?;
    Ok((fy, Period::of_date(d)))
}

fn month_days(year: i32, month: u32) -> u32 {
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .and_then(|d| d.pred_opt())
        .map(|d| d.day())
        .unwrap_or(31)
}

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

fn ymd(s: &str, y: &str, m: &str, d: &str) -> Result<NaiveDate, CalendarError> {
    let err = |why: String| CalendarError::Date(s.to_string(), why);
    let year: i32 = y
        .parse()
        .map_err(|_| err("use DD/MM/YYYY or YYYY-MM-DD".into()))?;
    let month: u32 = m
        .parse()
        .map_err(|_| err("use DD/MM/YYYY or YYYY-MM-DD".into()))?;
    let day: u32 = d
        .parse()
        .map_err(|_| err("use DD/MM/YYYY or YYYY-MM-DD".into()))?;
    if !(1900..=2999).contains(&year) {
        return Err(err("years run from 1900 to 2999".into()));
    }
    if !(1..=12).contains(&month) {
        return Err(err(format!(
            "there is no month {month}; use DD/MM/YYYY or YYYY-MM-DD"
        )));
    }
    let days = month_days(year, month);
    if day == 0 || day > days {
        return Err(err(format!(
            "{} {year} has {days} days",
            MONTH_NAMES[(month - 1) as usize]
        )));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| err("no such day".into()))
}

/// Reads an ISO `2022-08-26` or UK `26/08/2022` date. `08/26/2022`, `2022/08/26`, `26-08-2022`,
/// two-digit years and impossible days are errors.
pub fn parse_date(s: &str) -> Result<NaiveDate, CalendarError> {
    let t = s.trim();
    let bad = || {
        CalendarError::Date(
            s.to_string(),
            "use DD/MM/YYYY (26/08/2022) or YYYY-MM-DD (2022-08-26)".into(),
        )
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = t.split('/').collect();
    if parts.len() == 3 {
        let (d, m, y) = (parts[0], parts[1], parts[2]);
        if d.len() <= 2 && m.len() <= 2 && y.len() == 4 && [d, m, y].iter().all(|p| all_digits(p)) {
            return ymd(s, y, m, d);
        }
        return Err(bad());
    }
    let parts: Vec<&str> = t.split('-').collect();
    if parts.len() == 3 {
        let (y, m, d) = (parts[0], parts[1], parts[2]);
        if y.len() == 4 && m.len() == 2 && d.len() == 2 && [y, m, d].iter().all(|p| all_digits(p)) {
            return ymd(s, y, m, d);
        }
    }
    Err(bad())
}

/// `26/08/2022`.
pub fn uk_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `d` plus `months` calendar months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb).
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn years_parse_in_the_accepted_spellings() {
        for s in [
            "2017-18",
            "2017/18",
            "FY2017-18",
            "FY 2017-18",
            "fy2017/18",
            " 2017-2018 ",
        ] {
            assert_eq!(FinancialYear::parse(s).unwrap().start_year(), 2017, "{s}");
        }
        assert_eq!(FinancialYear::parse("1999-00").unwrap().label(), "1999-00");
        for s in ["2017-19", "2017", "17-18", "2017-1", "", "2017-18x", "FY"] {
            assert!(FinancialYear::parse(s).is_err(), "{s}");
        }
        assert_eq!(
            FinancialYear::parse("2017-19").unwrap_err().to_string(),
            "'2017-19' is not a financial year: the second year must follow the first, as in 2017-18"
        );
    }

    #[test]
    fn year_bounds_and_periods() {
        let fy = FinancialYear::parse("2017-18").unwrap();
        assert_eq!(fy.start(), d("2017-04-01"));
        assert_eq!(fy.end(), d("2018-03-31"));
        assert_eq!(FinancialYear::containing(d("2018-03-31")), fy);
        assert_eq!(
            FinancialYear::containing(d("2018-04-01")).label(),
            "2018-19"
        );
        let p7 = Period::parse("P7").unwrap();
        assert_eq!(fy.period_start(p7), d("2017-10-01"));
        assert_eq!(fy.period_end(p7), d("2017-10-31"));
        assert_eq!(p7.month_name(), "October");
        assert_eq!(fy.period_end(Period::LAST), d("2018-03-31"));
        let fy19 = FinancialYear::new(2019).unwrap();
        assert_eq!(fy19.period_end(Period::new(11).unwrap()), d("2020-02-29"));
        assert_eq!(Period::of_date(d("2017-12-05")).label(), "P9");
        assert_eq!(fy.period_of(d("2018-04-01")), None);
    }

    #[test]
    fn periods_parse() {
        for (s, n) in [("P7", 7), ("p7", 7), ("7", 7), (" P07 ", 7), ("P12", 12)] {
            assert_eq!(Period::parse(s).unwrap().number(), n, "{s}");
        }
        for s in ["P0", "P13", "13", "x", "", "P", "P-1"] {
            assert!(Period::parse(s).is_err(), "{s}");
        }
        assert_eq!(
            Period::parse("P13").unwrap_err().to_string(),
            "'P13' is not a period: periods run P1 (April) to P12 (March)"
        );
    }

    #[test]
    fn months_map_to_periods() {
        let (fy, p) = parse_month("2017-10").unwrap();
        assert_eq!((fy.label(), p.label()), ("2017-18".into(), "P7".into()));
        let (fy, p) = parse_month("2018-03").unwrap();
        assert_eq!((fy.label(), p.label()), ("2017-18".into(), "P12".into()));
        assert!(parse_month("2017-13").is_err());
        assert!(parse_month("10/2017").is_err());
    }

    #[test]
    fn dates_uk_and_iso_only() {
        assert_eq!(parse_date("2022-08-26").unwrap(), d("2022-08-26"));
        assert_eq!(parse_date("26/08/2022").unwrap(), d("2022-08-26"));
        assert_eq!(parse_date("6/8/2022").unwrap(), d("2022-08-06"));
        assert_eq!(
            parse_date("08/26/2022").unwrap_err().to_string(),
            "'08/26/2022' is not a date: there is no month 26; use DD/MM/YYYY or YYYY-MM-DD"
        );
        assert_eq!(
            parse_date("31/02/2018").unwrap_err().to_string(),
            "'31/02/2018' is not a date: February 2018 has 28 days"
        );
        for s in [
            "2022/08/26",
            "26-08-2022",
            "26/08/22",
            "",
            "2022-8-26",
            "29/02/2019",
            "x",
        ] {
            assert!(parse_date(s).is_err(), "{s}");
        }
        assert_eq!(parse_date("29/02/2020").unwrap(), d("2020-02-29"));
        assert_eq!(uk_date(d("2022-09-27")), "27/09/2022");
        assert_eq!(add_months(d("2023-01-31"), 1), d("2023-02-28"));
    }

    proptest! {
        #[test]
        fn every_date_is_in_its_year_and_period(days in 0i64..(1100 * 365)) {
            let date = d("1900-04-01") + chrono::Duration::days(days);
            let fy = FinancialYear::containing(date);
            let p = Period::of_date(date);
            prop_assert_eq!(fy.period_of(date), Some(p));
            prop_assert!(fy.period_start(p) <= date && date <= fy.period_end(p));
            prop_assert_eq!(FinancialYear::parse(&fy.label()).unwrap(), fy);
            prop_assert_eq!(parse_date(&uk_date(date)).unwrap(), date);
        }

        #[test]
        fn parsers_never_panic(s in ".{0,40}") {
            let _ = FinancialYear::parse(&s);
            let _ = Period::parse(&s);
            let _ = parse_date(&s);
            let _ = parse_month(&s);
        }
    }
}
