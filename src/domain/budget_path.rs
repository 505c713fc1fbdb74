//! The revised budget of one phase in one year through time (DOMAIN.md, "The life of a record"):
//! an approved reduction, virement or reprofile may not take it below zero at any date, not only at
//! year end. The report counts an approved change from its effective date, so the revised budget
//! as at any date is the original budget plus every approved change effective on or before it.
//! Pure: the store passes the original budget and the dated movements.

use chrono::NaiveDate;

use super::money::Money;

/// Where a phase's revised budget in a year first goes below zero: the date and the budget then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    /// The effective date at which the budget is below zero.
    pub date: NaiveDate,
    /// The revised budget after every change effective on or before that date.
    pub budget: Money,
}

/// The first effective date at which `original` plus the movements effective on or before it
/// (signed: additions and money moved in positive, reductions and money moved out negative) is
/// below zero; movements on one date count together. None when the budget never goes below zero.
pub fn first_shortfall(original: Money, movements: &[(NaiveDate, Money)]) -> Option<Shortfall> {
    let mut sorted = movements.to_vec();
    sorted.sort_by_key(|(d, _)| *d);
    let mut budget = original;
    let mut i = 0;
    while i < sorted.len() {
        let date = sorted[i].0;
        while i < sorted.len() && sorted[i].0 == date {
            budget += sorted[i].1;
            i += 1;
        }
        if budget.is_negative() {
            return Some(Shortfall { date, budget });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn a_reduction_covered_only_by_a_later_addition_is_a_shortfall() {
        // Original £100.00; reduction of £120.00 effective 15/05 (P2): 100 - 120 = -20.00 then,
        // although an addition of £50.00 effective 10/12 (P9) brings the year to +30.00.
        let got = first_shortfall(
            m("100"),
            &[(d("2025-12-10"), m("50")), (d("2025-05-15"), m("-120"))],
        );
        assert_eq!(
            got,
            Some(Shortfall {
                date: d("2025-05-15"),
                budget: m("-20")
            })
        );
    }

    #[test]
    fn an_addition_before_the_reduction_covers_it() {
        // 100 + 50 (P1) - 120 (P2) = 30.00 at P2, never below zero.
        let got = first_shortfall(
            m("100"),
            &[(d("2025-04-20"), m("50")), (d("2025-05-15"), m("-120"))],
        );
        assert_eq!(got, None);
    }

    #[test]
    fn movements_on_one_date_count_together() {
        // 0 - 80 + 100 on the same day: +20.00 at the end of that day.
        let same = [(d("2025-06-01"), m("-80")), (d("2025-06-01"), m("100"))];
        assert_eq!(first_shortfall(Money::ZERO, &same), None);
        // Exactly zero is allowed; a penny below is not.
        assert_eq!(
            first_shortfall(m("10"), &[(d("2025-06-01"), m("-10"))]),
            None
        );
        assert_eq!(
            first_shortfall(m("10"), &[(d("2025-06-01"), m("-10.01"))]),
            Some(Shortfall {
                date: d("2025-06-01"),
                budget: m("-0.01")
            })
        );
    }
}
