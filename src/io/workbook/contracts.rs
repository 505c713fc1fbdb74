//! The Contracts sheet: every contract of the pack's programmes (`domain::pack::ContractLine`,
//! the figures `contract list` and the report's commitments show) with its value now, what has
//! been paid against it to the end of the period and what it commits in the year (the report's
//! Commitments column adds these up), its term now and its end (extensions exercised included),
//! its framework and the framework's end, and its extension options: each option's estimate and,
//! once exercised, the value it was exercised at. A contract with more than one option gets one
//! further row per option (reference and option columns only), so the money columns still add
//! up; the `Grand total` row adds them.

use chrono::NaiveDate;

use super::{Row, Sheet, Value};
use crate::domain::Money;
use crate::domain::pack::{ContractLine, OptionLine};

/// The sheet's tab name.
pub const NAME: &str = "Contracts";

/// The header row.
pub const COLUMNS: [&str; 19] = [
    "Programme",
    "Phase",
    "Reference",
    "Title",
    "Supplier",
    "Value",
    "Paid to date",
    "Committed in year",
    "Start",
    "Term (months)",
    "End",
    "Framework",
    "Framework end",
    "Award decision",
    "Option (months)",
    "Option estimate",
    "Option decision due",
    "Option exercised",
    "Exercised value",
];

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Blank, Value::Date)
}

fn option_cells(x: Option<&OptionLine>) -> [Value; 5] {
    match x {
        Some(x) => [
            Value::Count(u64::from(x.months)),
            Value::Money(x.estimate),
            opt_date(x.decision_due),
            text(if x.exercised { "Yes" } else { "No" }),
            x.exercised_value.map_or(Value::Blank, Value::Money),
        ],
        None => [
            Value::Blank,
            Value::Blank,
            Value::Blank,
            Value::Blank,
            Value::Blank,
        ],
    }
}

/// The sheet of the contracts' lines, in the order given.
pub fn sheet(contracts: &[ContractLine]) -> Sheet {
    let mut rows = Vec::new();
    let (mut value, mut paid, mut committed) = (Money::ZERO, Money::ZERO, Money::ZERO);
    for c in contracts {
        value += c.value;
        paid += c.paid_to_date;
        committed += c.committed;
        let mut cells = vec![
            text(&c.programme_code),
            text(&c.phase_code),
            text(&c.reference),
            text(&c.title),
            text(&c.supplier),
            Value::Money(c.value),
            Value::Money(c.paid_to_date),
            Value::Money(c.committed),
            Value::Date(c.start),
            Value::Count(u64::from(c.term_months)),
            Value::Date(c.end),
            c.framework.as_deref().map_or(Value::Blank, text),
            opt_date(c.framework_end),
            c.award_decision.as_deref().map_or(Value::Blank, text),
        ];
        cells.extend(option_cells(c.options.first()));
        rows.push(Row {
            total: false,
            cells,
        });
        for x in c.options.iter().skip(1) {
            let mut cells = vec![Value::Blank; 14];
            cells[0] = text(&c.programme_code);
            cells[1] = text(&c.phase_code);
            cells[2] = text(&c.reference);
            cells.extend(option_cells(Some(x)));
            rows.push(Row {
                total: false,
                cells,
            });
        }
    }
    let mut total = vec![Value::Blank; 5];
    total[0] = text("Grand total");
    total.extend([
        Value::Money(value),
        Value::Money(paid),
        Value::Money(committed),
    ]);
    rows.push(Row {
        total: true,
        cells: total,
    });
    Sheet {
        name: NAME.to_string(),
        headers: COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows,
        streamed: None,
    }
}
