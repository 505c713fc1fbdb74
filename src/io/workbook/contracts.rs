//! The Contracts sheet: every contract of the pack's programmes with its value, what has been
//! paid against it to the end of the period and what it commits in the year (the figures the
//! report's Commitments column adds up, from `store::figures::contract_figures`), its term, its
//! framework and the framework's end, and its extension options. A contract with more than one
//! option gets one further row per option (reference and option columns only), so the money
//! columns still add up; the `Grand total` row adds them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Row, Sheet, Value};
use crate::domain::Money;
use crate::domain::model::{Contract, ExtensionOption};
use crate::domain::report::ContractFigures;

/// The sheet's tab name.
pub const NAME: &str = "Contracts";

/// The header row.
pub const COLUMNS: [&str; 18] = [
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
    "Option value",
    "Option decision due",
    "Option exercised",
];

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Blank, Value::Date)
}

fn option_cells(x: Option<&ExtensionOption>) -> [Value; 4] {
    match x {
        Some(x) => [
            Value::Count(u64::from(x.months)),
            Value::Money(x.value),
            opt_date(x.decision_due),
            text(if x.exercised { "Yes" } else { "No" }),
        ],
        None => [Value::Blank, Value::Blank, Value::Blank, Value::Blank],
    }
}

/// The sheet from each contract with its figures, and each framework's end by name.
pub fn sheet(
    contracts: &[(Contract, ContractFigures)],
    framework_ends: &HashMap<String, Option<NaiveDate>>,
) -> Sheet {
    let mut rows = Vec::new();
    let (mut value, mut paid, mut committed) = (Money::ZERO, Money::ZERO, Money::ZERO);
    for (c, f) in contracts {
        value += c.value;
        paid += f.paid_to_date;
        committed += f.commitment();
        let mut cells = vec![
            text(&c.programme_code),
            text(&c.phase_code),
            text(&c.reference),
            text(&c.title),
            text(&c.supplier),
            Value::Money(c.value),
            Value::Money(f.paid_to_date),
            Value::Money(f.commitment()),
            Value::Date(c.start),
            Value::Count(u64::from(c.term_months)),
            Value::Date(c.term_end()),
            c.framework.as_deref().map_or(Value::Blank, text),
            opt_date(
                c.framework
                    .as_ref()
                    .and_then(|n| framework_ends.get(n).copied().flatten()),
            ),
            c.award_decision_reference
                .as_deref()
                .map_or(Value::Blank, text),
        ];
        cells.extend(option_cells(c.extensions.first()));
        rows.push(Row {
            total: false,
            cells,
        });
        for x in c.extensions.iter().skip(1) {
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
    }
}
