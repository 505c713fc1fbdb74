//! The Financing view's forms: adding a funding line (`n`) and editing the selected one (`e`),
//! validated with the command line's parsers (`funding add`, `funding edit`); the store's
//! refusals come back on the field they name.

use super::{Field, Form, FormKind};
use crate::domain::calendar::{parse_date, uk_date};
use crate::domain::financing::{Funding, FundingSource};
use crate::domain::model::AllocationStatus;
use crate::domain::{FinancialYear, Money};
use crate::tui::action::{Effect, FundingLine, WriteOp};

/// `n` in the Financing view: a new funding line for `phase` (`PROG/PHASE`, may be empty) in `fy`.
pub fn add_funding_form(phase: String, fy: Option<FinancialYear>) -> Form {
    Form::new(
        FormKind::AddFunding,
        "Add a funding line (how part of a phase's budget for a year is paid for)",
        vec![
            Field::new("Phase", phase, "WIR-SCP/DT1"),
            Field::new("Financial year", super::label(fy), "2022-23"),
            Field::new("Source", "", "grant, borrowing, s106…"),
            Field::new("Amount", "", "£250k"),
            Field::new("Status", "approved", "approved or projected"),
            Field::new("Funder (optional)", "", "DfE"),
            Field::new("Spend by (optional)", "", "31/03/2024"),
            Field::new("Decision (optional)", "", "WIR-DOR-2022-08-26"),
        ],
    )
}

/// `e` in the Financing view: funding line `f`, pre-filled with its values as read.
pub fn edit_funding_form(f: &Funding) -> Form {
    Form::new(
        FormKind::EditFunding {
            id: f.id,
            version: f.version,
            fy: f.fy,
        },
        format!(
            "Edit funding line {} of {}/{} {} (empty clears an optional field)",
            f.id,
            f.programme_code,
            f.phase_code,
            f.fy.label()
        ),
        vec![
            Field::new("Source", f.source.as_str(), "grant, borrowing, s106…"),
            Field::new("Amount", f.amount.full(), "£250k"),
            Field::new("Status", f.status.as_str(), "approved or projected"),
            Field::new(
                "Funder (optional)",
                f.funder.clone().unwrap_or_default(),
                "DfE",
            ),
            Field::new(
                "Spend by (optional)",
                f.spend_by.map(uk_date).unwrap_or_default(),
                "31/03/2024",
            ),
            Field::new(
                "Decision (optional)",
                f.decision_reference.clone().unwrap_or_default(),
                "WIR-DOR-2022-08-26",
            ),
        ],
    )
}

/// Reads the source, amount, status, funder, spend-by date and decision from fields `at..at + 6`,
/// for `phase` in `fy`.
fn line_from(
    form: &Form,
    at: usize,
    phase: String,
    fy: FinancialYear,
) -> Result<FundingLine, (usize, String)> {
    let v = |i: usize| form.value(at + i);
    let opt = |i: usize| Some(v(i).to_string()).filter(|s| !s.is_empty());
    let source = FundingSource::parse(v(0)).map_err(|e| (at, e.to_string()))?;
    let amount = Money::parse(v(1)).map_err(|e| (at + 1, e.to_string()))?;
    if amount <= Money::ZERO {
        return Err((
            at + 1,
            format!(
                "'{}' must be more than zero (withdraw a line with w)",
                amount.plain()
            ),
        ));
    }
    let status = AllocationStatus::parse(v(2)).map_err(|e| (at + 2, e.to_string()))?;
    if status == AllocationStatus::Withdrawn {
        return Err((
            at + 2,
            "withdraw a funding line with w in the Financing view: a line is approved or projected"
                .to_string(),
        ));
    }
    let spend_by = match opt(4) {
        Some(s) => Some(parse_date(&s).map_err(|e| (at + 4, e.to_string()))?),
        None => None,
    };
    Ok(FundingLine {
        phase,
        fy,
        source,
        amount,
        status,
        funder: opt(3),
        spend_by,
        decision: opt(5),
    })
}

/// Validates a funding form; None when `form` is not one of them.
pub(super) fn effect(form: &Form) -> Option<Result<Effect, (usize, String)>> {
    let write = |op: WriteOp| Effect::Write { op, undoing: false };
    Some(match form.kind {
        FormKind::AddFunding => (|| {
            let phase = form.required(0)?;
            let fy = FinancialYear::parse(form.value(1)).map_err(|e| (1, e.to_string()))?;
            let line = line_from(form, 2, phase, fy)?;
            Ok(write(WriteOp::AddFunding(Box::new(line))))
        })(),
        FormKind::EditFunding { id, version, fy } => {
            line_from(form, 0, String::new(), fy).map(|line| {
                write(WriteOp::EditFunding {
                    id,
                    version,
                    line: Box::new(line),
                })
            })
        }
        _ => return None,
    })
}
