//! Importing funding lines: the columns of a funding extract, checking a row (programmes, phases
//! and decisions looked up once each, as for budgets), and the import itself: one funding line per
//! row, all rows or none, one batch that `import undo` removes whole.

use crate::store::engine::sql::Sql;
use std::path::Path;

use super::batches::{ImportOutcome, Tally};
use super::budgets::{BudgetLookups, read_fy};
use super::problems::{ImportError, Lock, Problems};
use super::rows::{Cells, require_cells};
use super::whole::{RowImporter, WholeFile, import_whole_any};
use crate::domain::Money;
use crate::domain::calendar::parse_date;
use crate::domain::financing::FundingSource;
use crate::domain::model::AllocationStatus;
use crate::domain::text::{MAX_NOTE, MAX_TEXT, check_length};
use crate::store::batches::BatchKind;
use crate::store::{StoreError, entities as e};

/// What `import funding` is told: the same options as every mapped import.
pub type FundingOptions = super::header::MappedOptions;

const FUNDING_COLUMNS: &[(&str, bool)] = &[
    ("Programme", true),
    ("Phase", true),
    ("Financial year", true),
    ("Source", true),
    ("Amount", true),
    ("Status", false),
    ("Funder", false),
    ("Spend by", false),
    ("Decision", false),
    ("Note", false),
];
const F_PROGRAMME: usize = 0;
const F_PHASE: usize = 1;
const F_FY: usize = 2;
const F_SOURCE: usize = 3;
const F_AMOUNT: usize = 4;
const F_STATUS: usize = 5;
const F_FUNDER: usize = 6;
const F_SPEND_BY: usize = 7;
const F_DECISION: usize = 8;
const F_NOTE: usize = 9;
/// The cells no funding line may leave empty.
const FUNDING_REQUIRED_CELLS: &[(usize, &str)] = &[
    (F_PROGRAMME, "Programme"),
    (F_PHASE, "Phase"),
    (F_FY, "Financial year"),
    (F_SOURCE, "Source"),
    (F_AMOUNT, "Amount"),
];

/// A checked funding row.
struct FundingRow {
    line: u64,
    label: String,
    new: e::NewFunding,
}

/// Reads one funding row, or records its problems.
fn parse_funding(
    cells: &Cells,
    line: u64,
    conn: &impl Sql,
    lookups: &mut BudgetLookups,
    problems: &mut Problems,
) -> Result<Option<FundingRow>, StoreError> {
    let mut ok = require_cells(
        cells,
        line,
        FUNDING_REQUIRED_CELLS,
        "funding line",
        problems,
    );
    // Funding lines are not locked by closed periods; a finalised year refuses them when written.
    let fy = read_fy(cells.get(F_FY), line, &Lock::none(), &mut ok, problems);
    let mut read = |column: &str, text: &str, f: &dyn Fn(&str) -> Result<(), String>| {
        if let Err(message) = f(text) {
            problems.add(line, column, || message);
            ok = false;
        }
    };
    read("Funder", cells.get(F_FUNDER), &|t| {
        check_length(t, MAX_TEXT)
    });
    read("Note", cells.get(F_NOTE), &|t| check_length(t, MAX_NOTE));
    let source_text = cells.get(F_SOURCE);
    let source = FundingSource::parse(source_text).ok();
    if !source_text.is_empty() {
        read("Source", source_text, &|t| {
            FundingSource::parse(t)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    }
    let amount_text = cells.get(F_AMOUNT);
    let amount = Money::parse(amount_text).ok();
    if !amount_text.is_empty() {
        read("Amount", amount_text, &|t| match Money::parse(t) {
            Ok(m) if m <= Money::ZERO => Err(format!(
                "'{t}' must be more than zero: a funding line adds money"
            )),
            Ok(_) => Ok(()),
            Err(err) => Err(err.to_string()),
        });
    }
    let status_text = cells.get(F_STATUS);
    let status = if status_text.is_empty() {
        AllocationStatus::Approved
    } else {
        read("Status", status_text, &|t| {
            AllocationStatus::parse(t)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        AllocationStatus::parse(status_text).unwrap_or(AllocationStatus::Approved)
    };
    let spend_by_text = cells.get(F_SPEND_BY);
    let spend_by = parse_date(spend_by_text).ok();
    if !spend_by_text.is_empty() {
        read("Spend by", spend_by_text, &|t| {
            parse_date(t).map(|_| ()).map_err(|e| e.to_string())
        });
    }
    let decision_id =
        lookups.read_decision(conn, cells.get(F_DECISION), line, &mut ok, problems)?;
    let programme = cells.get(F_PROGRAMME);
    let code = cells.get(F_PHASE);
    let mut phase_id = None;
    if !programme.is_empty() {
        match lookups.programme(conn, programme)? {
            Ok(pid) if !code.is_empty() => match lookups.phase(conn, programme, pid, code)? {
                Some(id) => phase_id = Some(id),
                None => {
                    problems.add(line, "Phase", || {
                        format!(
                            "no phase '{code}' in programme {programme}: add it with `outturn phase add`"
                        )
                    });
                    ok = false;
                }
            },
            Ok(_) => {}
            Err(message) => {
                problems.add(line, "Programme", || message);
                ok = false;
            }
        }
    }
    let funder = cells.get(F_FUNDER);
    match (ok, phase_id, fy, source, amount) {
        (true, Some(phase_id), Some(fy), Some(source), Some(amount)) => Ok(Some(FundingRow {
            line,
            label: format!("{programme}/{code}"),
            new: e::NewFunding {
                phase_id,
                fy,
                source,
                amount,
                status,
                funder: (!funder.is_empty()).then(|| funder.to_string()),
                spend_by: if spend_by_text.is_empty() {
                    None
                } else {
                    spend_by
                },
                decision_id,
                note: cells.get(F_NOTE).to_string(),
            },
        })),
        _ => Ok(None),
    }
}

/// The funding lines of a file, checked with lookups made once each.
#[derive(Default)]
struct FundingImporter {
    lookups: BudgetLookups,
}

impl RowImporter for FundingImporter {
    type Row = FundingRow;
    type Item = FundingRow;

    fn parse(
        &mut self,
        cells: &Cells,
        line: u64,
        conn: &impl Sql,
        _: &Lock,
        problems: &mut Problems,
    ) -> Result<Option<FundingRow>, StoreError> {
        parse_funding(cells, line, conn, &mut self.lookups, problems)
    }

    fn gather(&mut self, rows: Vec<FundingRow>, _: &mut Problems) -> Vec<FundingRow> {
        rows
    }

    fn write(
        &mut self,
        conn: &impl Sql,
        batch_id: i64,
        file_name: &str,
        rows: &[FundingRow],
        tally: &mut Tally<String>,
        problems: &mut Problems,
    ) -> Result<(), ImportError> {
        for r in rows {
            let mut new = r.new.clone();
            if new.note.is_empty() {
                new.note = format!("imported from {file_name}, line {}", r.line);
            }
            match e::add_funding_unchecked(conn, &new) {
                Ok(id) => e::set_funding_batch(conn, id, batch_id)?,
                Err(err) if err.is_user_error() => {
                    problems.add(r.line, "", || err.to_string());
                    continue;
                }
                Err(err) => return Err(err.into()),
            }
            tally.add(r.new.fy, &r.label, r.new.amount.pence(), 1);
        }
        // Once for the whole file: a check per row would read every funding line for each.
        crate::store::limits::ensure_funding_fits(conn)?;
        Ok(())
    }
}

/// Imports funding lines (one per row, for one FY): all rows or none.
pub fn import_funding(
    conn: &mut impl crate::store::engine::Store,
    path: &Path,
    opts: &FundingOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let how = WholeFile {
        path,
        columns: FUNDING_COLUMNS,
        options: opts,
        kind: BatchKind::Funding,
    };
    import_whole_any(conn, &how, &mut FundingImporter::default(), progress)
}
