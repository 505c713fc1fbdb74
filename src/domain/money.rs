//! Exact money: pounds and pence held as a [`Decimal`] at scale 2.
//!
//! [`Money::parse`] is strict and never rounds: it accepts the forms found in
//! council papers and spreadsheets (`1,378,513.09`, `-£12.50`, `(£12.50)`,
//! `£3.0m`, `£250k`) and rejects anything it would have to guess at. The
//! display forms are [`Money::plain`] (CSV), [`Money::full`] (screen),
//! [`Money::bracketed`] (accounting) and [`Money::short`] (tight columns).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// 1 trillion pounds, in pence.
const MAX_ABS_PENCE: i64 = 100_000_000_000_000;

/// The largest magnitude accepted by [`Money::parse`], [`Money::from_decimal`]
/// and the checked operations: £1,000,000,000,000.00 (inclusive).
pub const MAX_ABS: Money = Money(Decimal::from_parts(0x107A_4000, 0x5AF3, 0, false, 2));

/// Longest input quoted verbatim in an error message.
const QUOTE_LIMIT: usize = 40;

/// Pounds and pence, exact. Always scale 2 internally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Why a piece of text or a decimal is not an acceptable amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing but whitespace was given.
    #[error("'' is empty: enter an amount such as 1,234.56")]
    Empty,
    /// The text is not a recognisable amount.
    #[error(
        "'{input}' is not an amount: enter pounds and pence such as 1,234.56, £1,234.56, -£12.50 or (£12.50)"
    )]
    NotAnAmount {
        /// The offending input (trimmed, possibly shortened).
        input: String,
    },
    /// A decimal point with no digit before it, such as `.50`.
    #[error("'{input}' is not an amount: write a digit before the point, e.g. 0.50")]
    MissingLeadingDigit {
        /// The offending input (trimmed, possibly shortened).
        input: String,
    },
    /// European style separators, such as `1.378.513,09`.
    #[error("'{input}' is not an amount: use {suggestion} (comma for thousands, point for pence)")]
    EuropeanFormat {
        /// The offending input (trimmed, possibly shortened).
        input: String,
        /// The same figure written the UK way.
        suggestion: String,
    },
    /// Commas that are not proper thousands grouping, such as `12,34`.
    #[error(
        "'{input}' has misplaced thousands separators: group digits in threes before the point, e.g. 1,234,567.89"
    )]
    MisplacedSeparators {
        /// The offending input (trimmed, possibly shortened).
        input: String,
    },
    /// Fractions of a penny, such as `12.345`.
    #[error(
        "'{input}' has more than two decimal places: amounts are exact to the penny, e.g. 12.34"
    )]
    TooManyDecimalPlaces {
        /// The offending input (trimmed, possibly shortened).
        input: String,
    },
    /// A shorthand (`m`/`k`) figure with too many decimal places.
    #[error("'{input}' is more precise than a shorthand amount can be: write the exact figure")]
    ShorthandTooPrecise {
        /// The offending input (trimmed, possibly shortened).
        input: String,
    },
    /// The `bn` (billion) shorthand, which is not supported.
    #[error(
        "'{input}' uses 'bn', which is not supported: write the figure in millions (e.g. £1,500m) or in full"
    )]
    UnsupportedShorthand {
        /// The offending input (trimmed, possibly shortened).
        input: String,
    },
    /// A magnitude greater than [`MAX_ABS`].
    #[error(
        "'{input}' is beyond £1 trillion: amounts must lie between -£1,000,000,000,000.00 and £1,000,000,000,000.00"
    )]
    OutOfRange {
        /// The offending input (trimmed, possibly shortened).
        input: String,
    },
}

/// The multiplier given by a shorthand suffix.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Multiplier {
    One,
    Thousand,
    Million,
}

impl Multiplier {
    fn factor(self) -> u128 {
        match self {
            Multiplier::One => 1,
            Multiplier::Thousand => 1_000,
            Multiplier::Million => 1_000_000,
        }
    }

    /// Most significant decimal places the written number may carry.
    fn max_places(self) -> usize {
        match self {
            Multiplier::One => 2,
            Multiplier::Thousand => 3,
            Multiplier::Million => 6,
        }
    }
}

/// Failure of the number part, before the input is attached.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NumError {
    NotAnAmount,
    MissingLeadingDigit,
    Misplaced,
    TooPrecise,
    OutOfRange,
}

impl Default for Money {
    fn default() -> Self {
        Money::ZERO
    }
}

impl Money {
    /// £0.00.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Wraps a decimal known to have at most two places, forcing scale 2 and
    /// a non-negative zero.
    fn from_raw(d: Decimal) -> Money {
        if d.is_zero() {
            return Money::ZERO;
        }
        let mut d = d;
        d.rescale(2);
        Money(d)
    }

    /// The amount in pence as an `i128` (never overflows).
    fn pence_i128(self) -> i128 {
        let mut d = self.0;
        d.rescale(2);
        d.mantissa()
    }

    /// An amount from a whole number of pence. Not bounded by [`MAX_ABS`].
    pub fn from_pence(p: i64) -> Money {
        Money::from_raw(Decimal::new(p, 2))
    }

    /// The amount in whole pence, exactly. Amounts within [`MAX_ABS`] always
    /// fit; an amount beyond `i64` (only reachable by unchecked arithmetic)
    /// saturates at `i64::MIN`/`i64::MAX`.
    pub fn pence(self) -> i64 {
        let p = self.pence_i128();
        i64::try_from(p).unwrap_or(if p < 0 { i64::MIN } else { i64::MAX })
    }

    /// An amount from a decimal. Errors if it has more than two decimal
    /// places (after dropping trailing zeros) or its magnitude exceeds
    /// [`MAX_ABS`].
    pub fn from_decimal(d: Decimal) -> Result<Money, MoneyError> {
        let n = d.normalize();
        if n.scale() > 2 {
            return Err(MoneyError::TooManyDecimalPlaces {
                input: quote(&d.to_string()),
            });
        }
        if n.abs() > MAX_ABS.0 {
            return Err(MoneyError::OutOfRange {
                input: quote(&d.to_string()),
            });
        }
        Ok(Money::from_raw(n))
    }

    /// The amount as a decimal with scale 2.
    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// Parses an amount exactly; see the module documentation for the forms
    /// accepted. Never rounds and never panics.
    pub fn parse(s: &str) -> Result<Money, MoneyError> {
        let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
        if t.is_empty() {
            return Err(MoneyError::Empty);
        }
        let input = || quote(t);
        let not_amount = || MoneyError::NotAnAmount { input: input() };

        // Sign: brackets, a leading '-', or '-' straight after '£'.
        let (mut negative, body) = if let Some(inner) = t.strip_prefix('(') {
            (true, inner.strip_suffix(')').ok_or_else(not_amount)?)
        } else if let Some(rest) = t.strip_prefix('-') {
            (true, rest)
        } else {
            (false, t)
        };
        let body = match body.strip_prefix('£') {
            Some(rest) => match rest.strip_prefix('-') {
                Some(unsigned) if !negative => {
                    negative = true;
                    unsigned
                }
                _ => rest,
            },
            None => body,
        };

        // Shorthand suffix.
        let lower = body.to_ascii_lowercase();
        if let Some(num) = lower.strip_suffix("bn").or_else(|| lower.strip_suffix('b'))
            && !num.is_empty()
            && num
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
        {
            return Err(MoneyError::UnsupportedShorthand { input: input() });
        }
        let (num, mult) = if let Some(n) = body.strip_suffix(['m', 'M']) {
            (n, Multiplier::Million)
        } else if let Some(n) = body.strip_suffix(['k', 'K']) {
            (n, Multiplier::Thousand)
        } else {
            (body, Multiplier::One)
        };

        // European separators: a point before a comma, or several points,
        // where swapping them gives a valid UK figure.
        let first_point = num.find('.');
        let last_comma = num.rfind(',');
        let looks_european = match (first_point, last_comma) {
            (Some(p), Some(c)) => p < c,
            (Some(_), None) => num.matches('.').count() > 1,
            _ => false,
        };
        if looks_european && parse_number(&swap_separators(num), mult).is_ok() {
            return Err(MoneyError::EuropeanFormat {
                input: input(),
                suggestion: quote(&swap_separators(t)),
            });
        }

        let pence = parse_number(num, mult).map_err(|e| match e {
            NumError::NotAnAmount => not_amount(),
            NumError::MissingLeadingDigit => MoneyError::MissingLeadingDigit { input: input() },
            NumError::Misplaced => MoneyError::MisplacedSeparators { input: input() },
            NumError::TooPrecise if mult == Multiplier::One => {
                MoneyError::TooManyDecimalPlaces { input: input() }
            }
            NumError::TooPrecise => MoneyError::ShorthandTooPrecise { input: input() },
            NumError::OutOfRange => MoneyError::OutOfRange { input: input() },
        })?;
        let pence = i64::try_from(pence).map_err(|_| MoneyError::OutOfRange { input: input() })?;
        Ok(Money::from_pence(if negative { -pence } else { pence }))
    }

    /// Adds, returning `None` if the magnitude of the result would exceed
    /// [`MAX_ABS`].
    pub fn checked_add(self, o: Money) -> Option<Money> {
        self.0
            .checked_add(o.0)
            .filter(|d| d.abs() <= MAX_ABS.0)
            .map(Money::from_raw)
    }

    /// Subtracts, returning `None` if the magnitude of the result would
    /// exceed [`MAX_ABS`].
    pub fn checked_sub(self, o: Money) -> Option<Money> {
        self.0
            .checked_sub(o.0)
            .filter(|d| d.abs() <= MAX_ABS.0)
            .map(Money::from_raw)
    }

    /// True if the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }

    /// True if the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The magnitude of the amount.
    pub fn abs(self) -> Money {
        Money::from_raw(self.0.abs())
    }

    /// CSV form: always two places, no symbol, no separators, `-` for
    /// negatives: `1378513.09`, `-12.50`, `0.00`.
    pub fn plain(self) -> String {
        let p = self.pence_i128();
        let a = p.unsigned_abs();
        let sign = if p < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }

    /// Screen form: `£1,378,513.09`, `-£12.50`, `£0.00`.
    pub fn full(self) -> String {
        let sign = if self.is_negative() { "-" } else { "" };
        format!("{sign}{}", self.unsigned_full())
    }

    /// Accounting form: negatives in brackets, `(£12.50)`; otherwise as
    /// [`Money::full`].
    pub fn bracketed(self) -> String {
        if self.is_negative() {
            format!("({})", self.unsigned_full())
        } else {
            self.full()
        }
    }

    /// `£` and the grouped magnitude, without sign.
    fn unsigned_full(self) -> String {
        let a = self.pence_i128().unsigned_abs();
        format!("£{}.{:02}", group_thousands(a / 100), a % 100)
    }

    /// Compact form where room is short: `£1.38m`, `£3.0m`, `£250k`,
    /// `£12.5k`, `-£3.0m`; amounts below £1,000 as [`Money::full`].
    ///
    /// Millions are rounded half away from zero to two places (at least one
    /// shown); thousands to one place (`.0` dropped). A thousands figure that
    /// rounds to 1000k is shown in millions.
    pub fn short(self) -> String {
        let thousand = Decimal::from(1_000);
        let million = Decimal::from(1_000_000);
        let a = self.0.abs();
        if a < thousand {
            return self.full();
        }
        let sign = if self.is_negative() { "-" } else { "" };
        if a < million {
            let k = (a / thousand)
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
                .normalize();
            if k < thousand {
                return format!("{sign}£{k}k");
            }
        }
        let m = (a / million)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        if m.scale() == 0 {
            format!("{sign}£{m}.0m")
        } else {
            format!("{sign}£{m}m")
        }
    }

    /// The chart's label, at most five characters (seven with brackets): `£999`, `£574k`,
    /// `£1.2m`, `£12m`, negatives `(£1.2m)`. Whole pounds below £1,000, whole thousands below
    /// £1m, then millions to one place below £9.95m and whole above; rounded half away from zero.
    pub fn compact(self) -> String {
        let whole = |d: Decimal, dp: u32| {
            d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
                .normalize()
        };
        let a = self.0.abs();
        let (thousand, million) = (Decimal::from(1_000), Decimal::from(1_000_000));
        let text = if whole(a, 0) < thousand {
            format!("£{}", whole(a, 0))
        } else if whole(a / thousand, 0) < thousand {
            format!("£{}k", whole(a / thousand, 0))
        } else if whole(a / million, 1) < Decimal::from(10) {
            let m = whole(a / million, 1);
            if m.scale() == 0 {
                format!("£{m}.0m")
            } else {
                format!("£{m}m")
            }
        } else {
            format!("£{}m", whole(a / million, 0))
        };
        if self.is_negative() && !whole(a, 0).is_zero() {
            format!("({text})")
        } else {
            text
        }
    }

    /// Exact total of the amounts (unchecked: not bounded by [`MAX_ABS`]).
    pub fn sum<I: IntoIterator<Item = Money>>(it: I) -> Money {
        it.into_iter().fold(Money::ZERO, |acc, m| acc + m)
    }
}

/// Parses the unsigned number part (digits, commas, at most one point),
/// scaled by `mult`, into pence.
fn parse_number(num: &str, mult: Multiplier) -> Result<u128, NumError> {
    if num.is_empty()
        || !num
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    {
        return Err(NumError::NotAnAmount);
    }
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (num, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(NumError::NotAnAmount);
    }
    if int.is_empty() {
        return Err(if frac.is_some() {
            NumError::MissingLeadingDigit
        } else {
            NumError::NotAnAmount
        });
    }
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next().unwrap_or("");
        let ok = (1..=3).contains(&first.len())
            && !first.starts_with('0')
            && groups.all(|g| g.len() == 3);
        if !ok {
            return Err(NumError::Misplaced);
        }
    }
    let int_digits: Vec<u8> = int
        .bytes()
        .filter(|b| *b != b',')
        .skip_while(|b| *b == b'0')
        .collect();
    // 16 digits keeps all arithmetic below well inside u128.
    if int_digits.len() > 16 {
        return Err(NumError::OutOfRange);
    }
    let frac_digits = frac.unwrap_or("").trim_end_matches('0').as_bytes();
    if frac_digits.len() > mult.max_places() {
        return Err(NumError::TooPrecise);
    }
    let digits_value =
        |ds: &[u8]| -> u128 { ds.iter().fold(0, |acc, d| acc * 10 + u128::from(d - b'0')) };
    let places = u32::try_from(frac_digits.len()).map_err(|_| NumError::TooPrecise)?;
    let pow = 10u128.pow(places);
    let units = digits_value(&int_digits) * pow + digits_value(frac_digits);
    let scaled = units * mult.factor() * 100;
    if !scaled.is_multiple_of(pow) {
        return Err(NumError::TooPrecise);
    }
    let pence = scaled / pow;
    if pence > MAX_ABS_PENCE.unsigned_abs().into() {
        return Err(NumError::OutOfRange);
    }
    Ok(pence)
}

/// Exchanges `.` and `,` (to suggest the UK form of a European figure).
fn swap_separators(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '.' => ',',
            ',' => '.',
            c => c,
        })
        .collect()
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

/// `1378513` -> `1,378,513`.
fn group_thousands(n: u128) -> String {
    let digits = n.to_string();
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money::from_raw(self.0 + o.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money::from_raw(self.0 - o.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::from_raw(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        *self = *self + o;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        *self = *self - o;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money::sum(iter)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        Money::sum(iter.copied())
    }
}

impl fmt::Display for Money {
    /// The screen form, [`Money::full`]; honours width and alignment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.full())
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.plain())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        let s = String::deserialize(deserializer)?;
        Money::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Money {
        Money::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    fn err(s: &str) -> MoneyError {
        match Money::parse(s) {
            Ok(m) => panic!("{s:?} should not parse, got {m:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn constants() {
        assert_eq!(MAX_ABS.pence(), MAX_ABS_PENCE);
        assert_eq!(MAX_ABS.plain(), "1000000000000.00");
        assert_eq!(Money::ZERO.plain(), "0.00");
        assert_eq!(Money::default(), Money::ZERO);
        assert_eq!(Money::default().plain(), "0.00");
    }

    #[test]
    fn parses_accepted_forms() {
        let cases = [
            ("1378513.09", 137_851_309),
            ("1,378,513.09", 137_851_309),
            ("£1,378,513.09", 137_851_309),
            ("-£12.50", -1250),
            ("£-12.50", -1250),
            ("-12.50", -1250),
            ("(12.50)", -1250),
            ("(£12.50)", -1250),
            ("(1,234.00)", -123_400),
            ("12", 1200),
            ("12.5", 1250),
            ("0.00", 0),
            ("  12.34\t", 1234),
            ("12.340", 1234),
            ("12.3400000", 1234),
            ("£3.0m", 300_000_000),
            ("£11m", 1_100_000_000),
            ("£250k", 25_000_000),
            ("£1.38m", 138_000_000),
            ("£12.5k", 1_250_000),
            ("£1,500k", 150_000_000),
            ("3M", 300_000_000),
            ("12K", 1_200_000),
            ("-£3.0m", -300_000_000),
            ("(£2.5m)", -250_000_000),
            ("£1.234567m", 123_456_700),
            ("£12.345k", 1_234_500),
            ("£1,000,000,000,000", 100_000_000_000_000),
            ("-1000000000000.00", -100_000_000_000_000),
            ("£1000000m", 100_000_000_000_000),
            ("0007", 700),
        ];
        for (s, pence) in cases {
            assert_eq!(p(s).pence(), pence, "{s}");
        }
    }

    #[test]
    fn rejects_with_helpful_messages() {
        assert_eq!(
            err("12.345").to_string(),
            "'12.345' has more than two decimal places: amounts are exact to the penny, e.g. 12.34"
        );
        assert_eq!(
            err("").to_string(),
            "'' is empty: enter an amount such as 1,234.56"
        );
        assert_eq!(
            err("   ").to_string(),
            "'' is empty: enter an amount such as 1,234.56"
        );
        assert_eq!(
            err("1.378.513,09").to_string(),
            "'1.378.513,09' is not an amount: use 1,378,513.09 (comma for thousands, point for pence)"
        );
        assert!(
            err("12,34")
                .to_string()
                .starts_with("'12,34' has misplaced thousands separators")
        );
        assert!(
            err("£2,000,000,000,000")
                .to_string()
                .starts_with("'£2,000,000,000,000' is beyond £1 trillion")
        );
        assert_eq!(
            err("£1.2345678m").to_string(),
            "'£1.2345678m' is more precise than a shorthand amount can be: write the exact figure"
        );
        assert!(matches!(err(".50"), MoneyError::MissingLeadingDigit { .. }));
        assert!(matches!(
            err("£1bn"),
            MoneyError::UnsupportedShorthand { .. }
        ));
        assert!(matches!(
            err("2.5BN"),
            MoneyError::UnsupportedShorthand { .. }
        ));
        assert!(matches!(
            err("£1.234,56"),
            MoneyError::EuropeanFormat { ref suggestion, .. } if suggestion == "£1,234.56"
        ));
    }

    #[test]
    fn rejects_bad_forms() {
        let bad = [
            "+12",
            "--12",
            "(-12)",
            "-(12)",
            "12-",
            "£",
            "-",
            "()",
            "(12",
            "12)",
            "£ 12",
            "1e5",
            "NaN",
            "12.3.4",
            "abc",
            "12.34p",
            "$12",
            "12,34",
            "1,2345",
            "1,,234",
            ",123",
            "1,",
            "0,123",
            "12.",
            ".",
            "£m",
            "m",
            "12mk",
            "-£-12",
            "(£-12)",
            "£12\u{a0}",
            "\u{a0}12",
            "12\u{a0}000",
            "1 000",
            "12.34.",
            "1.5,000",
            "£12.3456k",
            "£1,000,000,000,000.01",
            "1000000000001",
            "99999999999999999999999999999999999999999",
            "1.001",
        ];
        for s in bad {
            assert!(Money::parse(s).is_err(), "{s:?} should be rejected");
        }
        assert!(matches!(err("12.34p"), MoneyError::NotAnAmount { .. }));
        assert!(matches!(
            err("1,2345"),
            MoneyError::MisplacedSeparators { .. }
        ));
        assert!(matches!(
            err("1,,234"),
            MoneyError::MisplacedSeparators { .. }
        ));
        assert!(matches!(err("12.3.4"), MoneyError::NotAnAmount { .. }));
        assert!(matches!(
            err("99999999999999999999999999999999999999999"),
            MoneyError::OutOfRange { .. }
        ));
    }

    #[test]
    fn long_inputs_are_quoted_briefly() {
        let long = "x".repeat(10_000);
        let msg = err(&long).to_string();
        assert!(msg.len() < 200, "{msg}");
        assert!(msg.contains('…'));
    }

    #[test]
    fn from_decimal_rules() {
        use std::str::FromStr as _;
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(Money::from_decimal(d("12.5")).unwrap().plain(), "12.50");
        assert_eq!(Money::from_decimal(d("12.3400")).unwrap().plain(), "12.34");
        assert_eq!(Money::from_decimal(d("-7")).unwrap().plain(), "-7.00");
        assert!(matches!(
            Money::from_decimal(d("12.345")),
            Err(MoneyError::TooManyDecimalPlaces { .. })
        ));
        assert!(Money::from_decimal(d("1000000000000")).is_ok());
        assert!(matches!(
            Money::from_decimal(d("1000000000000.01")),
            Err(MoneyError::OutOfRange { .. })
        ));
        assert_eq!(Money::from_decimal(d("12.5")).unwrap().decimal().scale(), 2);
    }

    #[test]
    fn display_forms() {
        let m = Money::from_pence(137_851_309);
        assert_eq!(m.plain(), "1378513.09");
        assert_eq!(m.full(), "£1,378,513.09");
        assert_eq!(m.bracketed(), "£1,378,513.09");
        let n = Money::from_pence(-1250);
        assert_eq!(n.plain(), "-12.50");
        assert_eq!(n.full(), "-£12.50");
        assert_eq!(n.bracketed(), "(£12.50)");
        assert_eq!(Money::ZERO.full(), "£0.00");
        assert_eq!(Money::ZERO.bracketed(), "£0.00");
        assert_eq!(Money::from_pence(300_000_000).plain(), "3000000.00");
        assert_eq!(Money::from_pence(-5).plain(), "-0.05");
        assert_eq!(Money::from_pence(-5).full(), "-£0.05");
        assert_eq!(Money::from_pence(100_000).full(), "£1,000.00");
        assert_eq!(Money::from_pence(99_999).full(), "£999.99");
        assert_eq!(n.to_string(), "-£12.50");
        assert_eq!(format!("{:>10}", n), "   -£12.50");
        assert_eq!(format!("{:<8}|", Money::ZERO), "£0.00   |");
    }

    #[test]
    fn short_forms() {
        let cases = [
            (300_000_000, "£3.0m"),
            (137_851_309, "£1.38m"),
            (1_100_000_000, "£11.0m"),
            (550_000_000, "£5.5m"),
            (25_000_000, "£250k"),
            (1_250_000, "£12.5k"),
            (99_999, "£999.99"),
            (100_000, "£1k"),
            (-300_000_000, "-£3.0m"),
            (-1_250_000, "-£12.5k"),
            (-99_999, "-£999.99"),
            (0, "£0.00"),
            (99_995_000, "£1.0m"),
            (99_994_999, "£999.9k"),
            (99_990_000, "£999.9k"),
            (100_000_000, "£1.0m"),
            (100_500_000, "£1.01m"),
            (199_999_999, "£2.0m"),
            (123_456, "£1.2k"),
            (125_000, "£1.3k"),
            (MAX_ABS_PENCE, "£1000000.0m"),
        ];
        for (pence, want) in cases {
            assert_eq!(Money::from_pence(pence).short(), want, "{pence}");
        }
    }

    #[test]
    fn arithmetic() {
        let a = Money::from_pence(1050);
        let b = Money::from_pence(-300);
        assert_eq!((a + b).pence(), 750);
        assert_eq!((a - b).pence(), 1350);
        assert_eq!((-a).pence(), -1050);
        assert_eq!(-Money::ZERO, Money::ZERO);
        assert!(!(-Money::ZERO).is_negative());
        assert_eq!((-Money::ZERO).plain(), "0.00");
        let mut c = a;
        c += b;
        c -= a;
        assert_eq!(c, b);
        assert!(b.is_negative() && !a.is_negative());
        assert!(Money::ZERO.is_zero() && (a - a).is_zero());
        assert_eq!((a - a).plain(), "0.00");
        assert_eq!(b.abs().pence(), 300);
        assert_eq!(a.checked_add(b), Some(Money::from_pence(750)));
        assert_eq!(MAX_ABS.checked_add(Money::from_pence(1)), None);
        assert_eq!((-MAX_ABS).checked_sub(Money::from_pence(1)), None);
        assert_eq!(
            MAX_ABS.checked_sub(Money::from_pence(1)).map(Money::pence),
            Some(MAX_ABS_PENCE - 1)
        );
        let v = vec![a, b, a];
        assert_eq!(v.iter().sum::<Money>().pence(), 1800);
        assert_eq!(v.into_iter().sum::<Money>().pence(), 1800);
        assert_eq!(Money::sum(Vec::new()), Money::ZERO);
        assert_eq!(Money::sum(Vec::new()).plain(), "0.00");
        assert_eq!((a + b).decimal().scale(), 2);
    }

    #[test]
    fn pence_saturates_beyond_i64() {
        let big = Money::from_pence(i64::MAX) + Money::from_pence(i64::MAX);
        assert_eq!(big.pence(), i64::MAX);
        assert_eq!((-big).pence(), i64::MIN);
    }

    #[test]
    fn serde_as_plain_string() {
        let m = Money::from_pence(137_851_309);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1378513.09\"");
        let back: Money = serde_json::from_str("\"1378513.09\"").unwrap();
        assert_eq!(back, m);
        let bracketed: Money = serde_json::from_str("\"(£12.50)\"").unwrap();
        assert_eq!(bracketed.pence(), -1250);
        assert!(serde_json::from_str::<Money>("\"12.345\"").is_err());
        assert!(serde_json::from_str::<Money>("12.34").is_err());
    }

    #[test]
    fn ordering_and_hash_ignore_representation() {
        use std::collections::HashSet;
        let a = Money::from_pence(100);
        let b = Money::from_decimal(Decimal::ONE).unwrap();
        assert_eq!(a, b);
        let set: HashSet<Money> = [a, b, Money::ZERO, Money::default()].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert!(Money::from_pence(-1) < Money::ZERO);
    }

    proptest! {
        #[test]
        fn round_trips(pence in -MAX_ABS_PENCE..=MAX_ABS_PENCE) {
            let m = Money::from_pence(pence);
            prop_assert_eq!(Money::parse(&m.plain()), Ok(m));
            prop_assert_eq!(Money::parse(&m.full()), Ok(m));
            prop_assert_eq!(Money::parse(&m.bracketed()), Ok(m));
            prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
            prop_assert_eq!(m.pence(), pence);
            prop_assert_eq!(Money::from_decimal(m.decimal()), Ok(m));
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        }

        #[test]
        fn sums_are_exact(values in proptest::collection::vec(-MAX_ABS_PENCE..=MAX_ABS_PENCE, 0..50)) {
            let expected: i128 = values.iter().map(|v| i128::from(*v)).sum();
            let total = Money::sum(values.iter().map(|v| Money::from_pence(*v)));
            prop_assert_eq!(total.decimal(), Decimal::from_i128_with_scale(expected, 2));
            prop_assert_eq!(i128::from(total.pence()), expected);
        }

        #[test]
        fn short_is_close(pence in -MAX_ABS_PENCE..=MAX_ABS_PENCE) {
            let m = Money::from_pence(pence);
            let s = m.short();
            prop_assert!(s.starts_with('£') || s.starts_with("-£"));
            prop_assert_eq!(s.starts_with('-'), m.is_negative());
            if m.abs() < Money::from_pence(100_000) {
                prop_assert_eq!(s, m.full());
            } else {
                // The shorthand itself is a valid amount within 0.5% of the original.
                let back = Money::parse(&s).unwrap();
                let diff = (back - m).abs().decimal();
                prop_assert!(diff * Decimal::from(200) <= m.abs().decimal(), "{} vs {}", s, m);
            }
        }

        #[test]
        fn parse_never_panics(s in ".*") {
            let _ = Money::parse(&s);
        }

        #[test]
        fn parse_never_panics_moneyish(s in "[-(£0-9,.mk)]{0,30}") {
            if let Ok(m) = Money::parse(&s) {
                prop_assert!(m.abs() <= MAX_ABS);
                prop_assert_eq!(m.decimal().scale(), 2);
            }
        }

        #[test]
        fn parse_handles_huge_digit_strings(s in "-?£?[0-9,]{0,120}(\\.[0-9]{0,80})?[mk]?") {
            if let Ok(m) = Money::parse(&s) {
                prop_assert!(m.abs() <= MAX_ABS);
            }
        }
    }

    #[test]
    fn compact_chart_labels() {
        let c = |s: &str| Money::parse(s).unwrap().compact();
        // 999.49 -> £999; 999.50 rounds to 1000 -> £1k.
        assert_eq!(c("999.49"), "£999");
        assert_eq!(c("999.50"), "£1k");
        assert_eq!(c("0"), "£0");
        // 574,380.46 / 1000 = 574.38 -> £574k; 999,499.99 -> 999.49999 -> £999k; 999,500.00
        // -> 999.5 rounds to 1000k -> shown in millions, 0.9995 -> 1.0 -> £1.0m.
        assert_eq!(c("574380.46"), "£574k");
        assert_eq!(c("999499.99"), "£999k");
        assert_eq!(c("999500"), "£1.0m");
        // 1,234,567 -> 1.23m -> £1.2m; 9,949,999 -> 9.9m; 9,950,000 -> 9.95 rounds to 10.0 ->
        // whole millions £10m; 123,456,789 -> £123m.
        assert_eq!(c("1234567"), "£1.2m");
        assert_eq!(c("9949999"), "£9.9m");
        assert_eq!(c("9950000"), "£10m");
        assert_eq!(c("123456789"), "£123m");
        assert_eq!(c("4000000"), "£4.0m");
        assert_eq!(c("-1250000"), "(£1.3m)");
        assert_eq!(c("-0.40"), "£0");
    }
}
