//! Profiles: how an amount is spread over financial years (allocations) or months (contracts),
//! exact to the penny. An even split puts the remainder in the last slot.

use chrono::{Datelike, NaiveDate};

use super::calendar::{FinancialYear, Period, add_months};
use super::money::Money;

/// Splits `A=x; B=y`, or `A=x,B=y` as the command line takes it (a comma inside an amount,
/// `£1,250,000`, stays with it: a piece without `=` joins the one before).
pub fn year_amount_parts(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if text.contains(';') {
        out.extend(text.split(';').map(String::from));
    } else {
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            match out.last_mut() {
                Some(last) if !part.contains('=') => {
                    last.push(',');
                    last.push_str(part);
                }
                _ => out.push(part.to_string()),
            }
        }
    }
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Splits `total` into `parts` shares, equal to the penny, the remainder in the last share.
/// The first financial year a per-FY profile gives twice, if any: each year may appear once.
pub fn repeated_year(profile: &[(FinancialYear, Money)]) -> Option<FinancialYear> {
    let mut seen = std::collections::BTreeSet::new();
    profile
        .iter()
        .map(|(fy, _)| *fy)
        .find(|fy| !seen.insert(*fy))
}

/// The shares always sum to `total` exactly. `parts` of zero gives no shares.
pub fn even_split(total: Money, parts: usize) -> Vec<Money> {
    if parts == 0 {
        return Vec::new();
    }
    let n = parts as i64;
    let pence = total.pence();
    // Truncating division keeps every share the same sign as the total.
    let share = pence / n;
    let mut out = vec![Money::from_pence(share); parts];
    if let Some(last) = out.last_mut() {
        *last = Money::from_pence(pence - share * (n - 1));
    }
    out
}

/// The even split of an allocation across the financial years `first..=last`.
pub fn even_fy_profile(
    total: Money,
    first: FinancialYear,
    last: FinancialYear,
) -> Vec<(FinancialYear, Money)> {
    let years: Vec<FinancialYear> = (first.start_year()..=last.start_year())
        .filter_map(|y| FinancialYear::new(y).ok())
        .collect();
    let shares = even_split(total, years.len());
    years.into_iter().zip(shares).collect()
}

/// A calendar month, the unit of a contract profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Month {
    /// Calendar year.
    pub year: i32,
    /// 1..=12.
    pub month: u32,
}

impl Month {
    /// The month containing `d`.
    pub fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The financial year the month belongs to.
    pub fn fy(self) -> FinancialYear {
        FinancialYear::containing(self.first_day())
    }

    /// The period (P1 = April) of the month.
    pub fn period(self) -> Period {
        Period::of_date(self.first_day())
    }

    /// `YYYY-MM`, as stored.
    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// Reads a month as typed: `2025-11` or `11/2025` (the command line and the TUI's forms).
    pub fn parse_typed(s: &str) -> Result<Month, String> {
        let t = s.trim();
        let iso = t
            .split_once('/')
            .map(|(m, y)| format!("{y}-{m:0>2}"))
            .unwrap_or_else(|| t.to_string());
        Month::parse_key(&iso)
            .filter(|_| iso.len() == 7)
            .ok_or_else(|| format!("'{s}' is not a month: write it as 2025-11 or 11/2025"))
    }

    /// Reads `YYYY-MM`.
    pub fn parse_key(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        NaiveDate::from_ymd_opt(year, month, 1).map(Month::of)
    }
}

/// The `months` consecutive months starting with the month of `start`.
pub fn months_from(start: NaiveDate, months: u32) -> Vec<Month> {
    let first = Month::of(start).first_day();
    (0..months)
        .map(|i| Month::of(add_months(first, i)))
        .collect()
}

/// A contract's monthly profile: its value spread evenly over the months of its term (remainder in
/// the last month), then each exercised extension's value spread over the months that follow.
/// An explicit profile, when given, is used as it is instead of the even split of the base value.
pub fn contract_profile(
    start: NaiveDate,
    term_months: u32,
    value: Money,
    explicit: &[(Month, Money)],
    exercised_extensions: &[(u32, Money)],
) -> Vec<(Month, Money)> {
    let mut out: Vec<(Month, Money)> = if explicit.is_empty() {
        let months = months_from(start, term_months);
        let shares = even_split(value, months.len());
        months.into_iter().zip(shares).collect()
    } else {
        explicit.to_vec()
    };
    let mut next_start = add_months(Month::of(start).first_day(), term_months);
    for &(months, ext_value) in exercised_extensions {
        let ms = months_from(next_start, months);
        let shares = even_split(ext_value, ms.len());
        out.extend(ms.into_iter().zip(shares));
        next_start = add_months(next_start, months);
    }
    out.sort_by_key(|(m, _)| *m);
    out
}

/// What a profile puts up to the end of financial year `fy` (every month up to 31 March).
pub fn profiled_to_end_of(profile: &[(Month, Money)], fy: FinancialYear) -> Money {
    let end = fy.end();
    profile
        .iter()
        .filter(|(m, _)| m.first_day() <= end)
        .map(|(_, a)| *a)
        .sum()
}

/// What a profile puts in financial year `fy` alone.
pub fn profiled_in(profile: &[(Month, Money)], fy: FinancialYear) -> Money {
    profile
        .iter()
        .filter(|(m, _)| m.fy() == fy)
        .map(|(_, a)| *a)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comma_inside_an_amount_stays_with_it() {
        assert_eq!(
            year_amount_parts("2018-19=£250,000,2019-20=£1,000.50"),
            ["2018-19=£250,000", "2019-20=£1,000.50"]
        );
        assert_eq!(
            year_amount_parts("2018-19=£250k; 2019-20=£1,000"),
            ["2018-19=£250k", "2019-20=£1,000"]
        );
        assert_eq!(year_amount_parts(" , "), Vec::<String>::new());
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn a_year_given_twice_is_found() {
        let y = |n| FinancialYear::new(n).unwrap();
        let m = Money::from_pence(100);
        assert_eq!(repeated_year(&[(y(2018), m), (y(2019), m)]), None);
        assert_eq!(
            repeated_year(&[(y(2018), m), (y(2019), m), (y(2018), m)]),
            Some(y(2018))
        );
    }

    #[test]
    fn even_split_puts_remainder_last() {
        assert_eq!(
            even_split(m("100.00"), 3),
            vec![m("33.33"), m("33.33"), m("33.34")]
        );
        assert_eq!(even_split(m("£11.0m"), 2), vec![m("5500000"), m("5500000")]);
        assert_eq!(even_split(m("0.01"), 2), vec![m("0.00"), m("0.01")]);
        assert!(even_split(m("1"), 0).is_empty());
    }

    #[test]
    fn fy_profile_of_future_phases() {
        let p = even_fy_profile(
            m("£11.0m"),
            FinancialYear::new(2018).unwrap(),
            FinancialYear::new(2019).unwrap(),
        );
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].0.label(), "2018-19");
        assert_eq!(p[0].1, m("5,500,000.00"));
        assert_eq!(p[1].1, m("5,500,000.00"));
    }

    #[test]
    fn microsoft_contract_straddles_31_march_exactly() {
        // £1,378,513.09 over 12 months from September 2022: 137,851,309p / 12 = 11,487,609p
        // each (remainder 1p in the last month, August 2023).
        let p = contract_profile(d("2022-09-01"), 12, m("1378513.09"), &[], &[]);
        assert_eq!(p.len(), 12);
        assert_eq!(
            p[0],
            (
                Month {
                    year: 2022,
                    month: 9
                },
                m("114876.09")
            )
        );
        assert_eq!(
            p[11],
            (
                Month {
                    year: 2023,
                    month: 8
                },
                m("114876.10")
            )
        );
        let fy22 = FinancialYear::new(2022).unwrap();
        let fy23 = FinancialYear::new(2023).unwrap();
        // Sep..Mar = 7 months in 2022-23; Apr..Aug = 5 months in 2023-24.
        assert_eq!(profiled_in(&p, fy22), m("804132.63"));
        assert_eq!(profiled_in(&p, fy23), m("574380.46"));
        assert_eq!(
            profiled_in(&p, fy22) + profiled_in(&p, fy23),
            m("1378513.09")
        );
        assert_eq!(profiled_to_end_of(&p, fy22), m("804132.63"));
        assert_eq!(profiled_to_end_of(&p, fy23), m("1378513.09"));
    }

    #[test]
    fn exercised_extension_follows_the_term() {
        let p = contract_profile(d("2022-09-15"), 2, m("200"), &[], &[(2, m("50"))]);
        let months: Vec<String> = p.iter().map(|(mo, _)| mo.key()).collect();
        assert_eq!(months, ["2022-09", "2022-10", "2022-11", "2022-12"]);
        assert_eq!(p[2].1, m("25"));
    }

    #[test]
    fn month_keys_round_trip() {
        let mo = Month::parse_key("2023-03").unwrap();
        assert_eq!(mo.key(), "2023-03");
        assert_eq!(mo.fy().label(), "2022-23");
        assert_eq!(mo.period().number(), 12);
        assert!(Month::parse_key("2023-13").is_none());
    }
}
