//! Reading what is typed into the record forms: a number of months, a contract's extension
//! options (`12=£250k@31/03/2025; 24`) and a benefit's targets per year
//! (`2023-24=£250k; 2024-25=£500k`), exactly or not at all, with the command line's rules.

use crate::domain::calendar::parse_date;
use crate::domain::{FinancialYear, Money};
use crate::tui::action::records::ExtensionValues;

/// Reads `12`, `12m` or `12 months` (1 to 600), as `--term` does.
pub(super) fn months(t: &str) -> Result<u32, String> {
    let n = t
        .trim()
        .trim_end_matches("months")
        .trim_end_matches('m')
        .trim();
    match n.parse::<u32>() {
        Ok(n) if (1..=600).contains(&n) => Ok(n),
        _ => Err(format!("'{t}' is not a number of months (1 to 600)")),
    }
}

/// `12=£250k@31/03/2025; 24`: months, then an estimated value, then when the decision is due.
pub(super) fn extensions(text: &str) -> Result<Vec<ExtensionValues>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (rest, due) = match item.split_once('@') {
                Some((r, d)) => (r, Some(parse_date(d.trim()).map_err(|e| e.to_string())?)),
                None => (item, None),
            };
            let (m, value) = match rest.split_once('=') {
                Some((m, v)) => (m, Money::parse(v.trim()).map_err(|e| e.to_string())?),
                None => (rest, Money::ZERO),
            };
            if value.is_negative() {
                return Err(format!("'{item}': the value is negative"));
            }
            Ok(ExtensionValues {
                months: months(m)?,
                value,
                due,
            })
        })
        .collect()
}

/// `2023-24=£250k; 2024-25=£500k`.
pub(super) fn targets(text: &str) -> Result<Vec<(FinancialYear, Money)>, String> {
    crate::domain::profile::year_amount_parts(text)
        .iter()
        .map(|part| {
            let (y, m) = part
                .split_once('=')
                .ok_or_else(|| format!("'{part}' should be YEAR=AMOUNT, e.g. 2023-24=£250k"))?;
            Ok((
                FinancialYear::parse(y.trim()).map_err(|e| e.to_string())?,
                Money::parse(m.trim()).map_err(|e| e.to_string())?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn pounds(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn targets_split_on_semicolons_or_on_commas_that_start_a_new_year() {
        let fy = |y| FinancialYear::new(y).unwrap();
        let want = vec![(fy(2022), pounds("1250.50")), (fy(2023), pounds("40000"))];
        assert_eq!(targets("2022-23=£1,250.50; 2023-24=£40k").unwrap(), want);
        // The command line's form, with a thousands comma inside the first amount.
        assert_eq!(targets("2022-23=£1,250.50,2023-24=40000.00").unwrap(), want);
        assert_eq!(targets("").unwrap(), vec![]);
        assert!(targets("2022-23").unwrap_err().contains("YEAR=AMOUNT"));
    }

    #[test]
    fn extensions_read_months_value_and_due_date() {
        let got = extensions("12=£60k@31/03/2024; 6m").unwrap();
        assert_eq!(
            got,
            vec![
                ExtensionValues {
                    months: 12,
                    value: pounds("60000"),
                    due: NaiveDate::from_ymd_opt(2024, 3, 31),
                },
                ExtensionValues {
                    months: 6,
                    value: Money::ZERO,
                    due: None,
                },
            ]
        );
        assert!(
            extensions("0")
                .unwrap_err()
                .contains("not a number of months")
        );
        assert!(extensions("12=(5.00)").unwrap_err().contains("negative"));
        assert!(extensions("12@31/02/2024").is_err());
    }
}
