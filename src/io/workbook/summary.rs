//! The Summary sheet: one row per programme (its `Programme total` row of the report) and the
//! `Grand total`, with counts: phases reported, phases by RAG, contracts. The figures are the
//! Monitoring sheet's own cells, taken column by column (every report column but the ones that
//! name a phase, the year and the period), so a column added to the report appears here too.

use std::collections::HashMap;

use super::{Row, Sheet, Value};
use crate::domain::report::{Rag, Report, RowKind};

/// The sheet's tab name.
pub const NAME: &str = "Summary";

/// Report columns that describe a phase row rather than a programme's figures.
const NOT_SUMMED: [&str; 6] = [
    "Programme",
    "Phase",
    "Phase name",
    "Financial year",
    "Period",
    "Forecast basis",
];

/// The summary from the report, its Monitoring sheet (the same rows, typed) and the number of
/// contracts of each programme (by code).
pub fn sheet(report: &Report, monitoring: &Sheet, contracts: &HashMap<String, usize>) -> Sheet {
    let keep: Vec<usize> = monitoring
        .headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !NOT_SUMMED.contains(&h.as_str()))
        .map(|(i, _)| i)
        .collect();
    let mut headers: Vec<String> = [
        "Programme",
        "Programme name",
        "Phases",
        "Red",
        "Amber",
        "Green",
        "Contracts",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    headers.extend(keep.iter().map(|&i| monitoring.headers[i].clone()));

    let count = |code: Option<&str>, rag: Option<Rag>| {
        report
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Phase)
            .filter(|r| code.is_none_or(|c| r.programme_code == c))
            .filter(|r| rag.is_none_or(|g| r.rag == g))
            .count() as u64
    };
    let mut rows = Vec::new();
    for (r, typed) in report.rows.iter().zip(&monitoring.rows) {
        let (code, name, contract_count) = match r.kind {
            RowKind::Phase => continue,
            RowKind::ProgrammeTotal => (
                Some(r.programme_code.as_str()),
                r.programme_name.clone(),
                contracts.get(&r.programme_code).copied().unwrap_or(0),
            ),
            RowKind::GrandTotal => (
                None,
                String::new(),
                report
                    .rows
                    .iter()
                    .filter(|p| p.kind == RowKind::ProgrammeTotal)
                    .map(|p| contracts.get(&p.programme_code).copied().unwrap_or(0))
                    .sum(),
            ),
        };
        let mut cells = vec![
            Value::Text(code.unwrap_or("Grand total").to_string()),
            Value::Text(name),
            Value::Count(count(code, None)),
            Value::Count(count(code, Some(Rag::Red))),
            Value::Count(count(code, Some(Rag::Amber))),
            Value::Count(count(code, Some(Rag::Green))),
            Value::Count(contract_count as u64),
        ];
        cells.extend(
            keep.iter()
                .map(|&i| typed.cells.get(i).cloned().unwrap_or(Value::Blank)),
        );
        rows.push(Row {
            total: r.kind == RowKind::GrandTotal,
            cells,
        });
    }
    Sheet {
        name: NAME.to_string(),
        headers,
        rows,
        streamed: None,
    }
}
