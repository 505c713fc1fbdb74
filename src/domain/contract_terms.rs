//! A contract's monthly profile through its life (DOMAIN.md, "Contract"): the original value over
//! the original term, then each exercise and variation in the order they were made.
//!
//! - The original value is split evenly over the months of the original term (an explicit profile
//!   replaces that split), exact to the penny with the remainder in the last month.
//! - Exercising an extension of N months adds its value evenly over the N months after the end of
//!   the term at that time, and moves the end N months on. A value of zero extends the term and
//!   commits nothing more.
//! - A variation from month M adds the difference (new value - old value) evenly over the months
//!   from M to the end of the term at that time, the remainder in the last month. Months before M
//!   never change, so a variation effective in an open month never touches a closed one. A
//!   variation from a month after the end of the term (a final account agreed late) puts the whole
//!   difference in that month.
//!
//! Pure: the store passes the contract's events in order.

use chrono::NaiveDate;

use super::calendar::add_months;
use super::money::Money;
use super::profile::{Month, even_split, months_from};

/// One step in a contract's life after award, in the order it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractEvent {
    /// An extension of `months` exercised, adding `value`.
    Exercise { months: u32, value: Money },
    /// The value changed by `delta` from `effective` to the end of the term at the time.
    Variation { effective: Month, delta: Money },
}

/// The month `n` months after `m`.
pub fn months_after(m: Month, n: u32) -> Month {
    Month::of(add_months(m.first_day(), n))
}

/// The last month of the term: the original term plus every extension exercised (of `events`).
pub fn end_month(start: NaiveDate, term_months: u32, events: &[ContractEvent]) -> Month {
    let extra: u32 = events
        .iter()
        .map(|e| match e {
            ContractEvent::Exercise { months, .. } => *months,
            ContractEvent::Variation { .. } => 0,
        })
        .sum();
    months_after(Month::of(start), (term_months + extra).saturating_sub(1))
}

/// The months from `from` to `to` inclusive (none when `from` is after `to`).
pub fn months_between(from: Month, to: Month) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = from;
    while m <= to {
        out.push(m);
        m = months_after(m, 1);
    }
    out
}

/// The monthly profile: the original value over the original term (or the explicit profile), then
/// each event of `events` in order, as the module documentation defines. Sorted by month; months
/// the profile covers appear even when zero.
pub fn profile_with_events(
    start: NaiveDate,
    term_months: u32,
    original_value: Money,
    explicit: &[(Month, Money)],
    events: &[ContractEvent],
) -> Vec<(Month, Money)> {
    let mut out: std::collections::BTreeMap<Month, Money> = if explicit.is_empty() {
        let months = months_from(start, term_months);
        let shares = even_split(original_value, months.len());
        months.into_iter().zip(shares).collect()
    } else {
        explicit.iter().copied().collect()
    };
    let mut end = months_after(Month::of(start), term_months.saturating_sub(1));
    for event in events {
        let (months, amount) = match *event {
            ContractEvent::Exercise { months, value } => {
                let ms = months_from(months_after(end, 1).first_day(), months);
                end = months_after(end, months);
                (ms, value)
            }
            ContractEvent::Variation { effective, delta } => {
                let from = effective.max(Month::of(start));
                if from > end {
                    (vec![from], delta)
                } else {
                    (months_between(from, end), delta)
                }
            }
        };
        let shares = even_split(amount, months.len());
        for (m, share) in months.into_iter().zip(shares) {
            *out.entry(m).or_insert(Money::ZERO) += share;
        }
    }
    out.into_iter().collect()
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
    fn mo(y: i32, month: u32) -> Month {
        Month { year: y, month }
    }
    fn keyed(p: &[(Month, Money)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| (k.key(), v.plain())).collect()
    }

    #[test]
    fn a_variation_after_the_term_puts_the_whole_difference_in_its_month() {
        // £1,200.00 over April to June 2025 = £400.00 a month. A final account of £1,450.00
        // agreed in September 2025 (after the term): the whole £250.00 in September, July and
        // August stay empty, the term still ends in June. Then one of £1,300.00 in October:
        // -£150.00 in October. Every month before stays as it was.
        let events = [
            ContractEvent::Variation {
                effective: mo(2025, 9),
                delta: m("250"),
            },
            ContractEvent::Variation {
                effective: mo(2025, 10),
                delta: m("-150"),
            },
        ];
        let p = profile_with_events(d("2025-04-10"), 3, m("1200"), &[], &events);
        assert_eq!(
            keyed(&p),
            [
                ("2025-04".into(), "400.00".into()),
                ("2025-05".into(), "400.00".into()),
                ("2025-06".into(), "400.00".into()),
                ("2025-09".into(), "250.00".into()),
                ("2025-10".into(), "-150.00".into()),
            ]
        );
        assert_eq!(end_month(d("2025-04-10"), 3, &events), mo(2025, 6));
    }

    #[test]
    fn an_exercise_adds_its_value_after_the_current_end_and_moves_the_end() {
        // £1,200.00 over April to June 2025 = £400.00 a month; an extension of 2 months worth
        // £700.01 adds £350.00 in July and £350.01 in August (remainder last).
        let events = [ContractEvent::Exercise {
            months: 2,
            value: m("700.01"),
        }];
        let p = profile_with_events(d("2025-04-10"), 3, m("1200"), &[], &events);
        assert_eq!(
            keyed(&p),
            [
                ("2025-04".into(), "400.00".into()),
                ("2025-05".into(), "400.00".into()),
                ("2025-06".into(), "400.00".into()),
                ("2025-07".into(), "350.00".into()),
                ("2025-08".into(), "350.01".into()),
            ]
        );
        assert_eq!(end_month(d("2025-04-10"), 3, &events), mo(2025, 8));
        assert_eq!(end_month(d("2025-04-10"), 3, &[]), mo(2025, 6));
    }

    #[test]
    fn an_exercise_with_no_value_extends_the_term_and_commits_nothing() {
        let events = [ContractEvent::Exercise {
            months: 2,
            value: Money::ZERO,
        }];
        let p = profile_with_events(d("2025-04-01"), 3, m("1200"), &[], &events);
        let total: Money = p.iter().map(|(_, a)| *a).sum();
        assert_eq!(total, m("1200"));
        assert_eq!(p.len(), 5);
        assert_eq!(p[4], (mo(2025, 8), Money::ZERO));
    }

    #[test]
    fn a_variation_spreads_the_difference_from_its_month_to_the_end() {
        // £12,000.00 over April 2025 to March 2026 = £1,000.00 a month. Varied to £12,500.00
        // from November 2025: +£500.00 over Nov..Mar (5 months) = £100.00 each; April to October
        // keep £1,000.00.
        let events = [ContractEvent::Variation {
            effective: mo(2025, 11),
            delta: m("500"),
        }];
        let p = profile_with_events(d("2025-04-01"), 12, m("12000"), &[], &events);
        assert_eq!(p[6], (mo(2025, 10), m("1000")));
        assert_eq!(p[7], (mo(2025, 11), m("1100")));
        assert_eq!(p[11], (mo(2026, 3), m("1100")));
        let total: Money = p.iter().map(|(_, a)| *a).sum();
        assert_eq!(total, m("12500"));
    }

    #[test]
    fn a_variation_is_exact_to_the_penny_with_the_remainder_last() {
        // -£100.00 over 3 months: -3,333p, -3,333p, -3,334p.
        let events = [ContractEvent::Variation {
            effective: mo(2025, 4),
            delta: m("-100"),
        }];
        let p = profile_with_events(d("2025-04-01"), 3, m("300"), &[], &events);
        assert_eq!(
            keyed(&p),
            [
                ("2025-04".into(), "66.67".into()),
                ("2025-05".into(), "66.67".into()),
                ("2025-06".into(), "66.66".into()),
            ]
        );
    }

    #[test]
    fn a_variation_after_an_exercise_covers_the_extended_term() {
        // £600.00 over April-June (£200.00 each); exercise 3 months at £300.00 (July-September,
        // £100.00 each); then +£90.00 from August: August and September, £45.00 each.
        let events = [
            ContractEvent::Exercise {
                months: 3,
                value: m("300"),
            },
            ContractEvent::Variation {
                effective: mo(2025, 8),
                delta: m("90"),
            },
        ];
        let p = profile_with_events(d("2025-04-01"), 3, m("600"), &[], &events);
        assert_eq!(
            p.iter().map(|(_, a)| a.plain()).collect::<Vec<_>>(),
            ["200.00", "200.00", "200.00", "100.00", "145.00", "145.00"]
        );
        // The same variation before the exercise covers only the original term: from August it
        // covers no month of April-June, and the exercise's months stay £100.00.
        assert!(months_between(mo(2025, 8), mo(2025, 6)).is_empty());
    }
}
