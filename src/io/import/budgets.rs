//! Importing budget lines: the columns of a budgets extract, checking a row (programmes, phases
//! and decisions looked up once each), and the import itself: one allocation per row for one
//! financial year, phases created with `--create-missing` (never programmes), all rows or none.

use crate::store::engine::sql::Sql;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::batches::{ImportOutcome, Tally};
use super::header::MappedOptions;
use super::problems::{ImportError, Lock, Problems, look_up_once};
use super::rows::{Cells, require_cells};
use super::whole::{RowImporter, WholeFile, import_whole_any};
use crate::domain::calendar::uk_date;
use crate::domain::ledger::ImportProfile;
use crate::domain::model::{AllocationStatus, DeliveryStatus};
use crate::domain::text::{MAX_CODE, MAX_TEXT, check_length};
use crate::domain::{FinancialYear, Money};
use crate::store::batches::{self, BatchKind};
use crate::store::{StoreError, entities as e};

/// Options for [`import_budgets`].
#[derive(Debug, Clone, Default)]
pub struct BudgetsOptions {
    /// Create phases named in the file that do not exist yet (never programmes).
    pub create_missing: bool,
    /// Check everything and report what would be imported, writing nothing.
    pub dry_run: bool,
    /// `utf-8` or `windows-1252` to force the encoding (default: detect).
    pub encoding: Option<String>,
    /// Renames of the file's columns: (file column, Outturn column).
    pub map: Vec<(String, String)>,
    /// A saved profile: its mapping, header rule and encoding. Recorded on the batch.
    pub profile: Option<ImportProfile>,
    /// The sheet of a workbook to read (None: its first sheet); refused for a CSV.
    pub sheet: Option<String>,
}

const BUDGET_COLUMNS: &[(&str, bool)] = &[
    ("Programme", true),
    ("Phase", true),
    ("Financial year", true),
    ("Amount", true),
    ("Phase name", false),
    ("Status", false),
    ("Decision", false),
    ("Allocation", false),
];
const B_PROGRAMME: usize = 0;
const B_PHASE: usize = 1;
const B_FY: usize = 2;
const B_AMOUNT: usize = 3;
const B_PHASE_NAME: usize = 4;
const B_STATUS: usize = 5;
const B_DECISION: usize = 6;
/// The id of a projected allocation this row approves (Status `approved`, Decision given).
const B_ALLOCATION: usize = 7;
/// The cells no budget line may leave empty.
const BUDGET_REQUIRED_CELLS: &[(usize, &str)] = &[
    (B_PROGRAMME, "Programme"),
    (B_PHASE, "Phase"),
    (B_FY, "Financial year"),
    (B_AMOUNT, "Amount"),
];

/// A phase named by a budget row: one that exists, or one to create.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum PhaseTarget {
    Existing(i64),
    New(i64, String),
}

/// A checked budget row.
struct BudgetRow {
    line: u64,
    label: String,
    phase: PhaseTarget,
    fy: FinancialYear,
    amount: Money,
    status: AllocationStatus,
    decision_id: Option<i64>,
    /// A projected allocation this row approves instead of adding a line.
    approves: Option<i64>,
}

/// Looks up programmes, phases and decisions once each (budgets and funding imports).
#[derive(Default)]
pub(super) struct BudgetLookups {
    programmes: HashMap<String, Result<i64, String>>,
    phases: HashMap<(i64, String), Option<i64>>,
    decisions: HashMap<String, Result<i64, String>>,
}

fn not_found_message(err: StoreError) -> Result<String, StoreError> {
    match err.into_plain() {
        StoreError::NotFound {
            what, value, hint, ..
        } => Ok(format!("no {what} '{value}'{hint}")),
        other if other.is_user_error() => Ok(other.to_string()),
        other => Err(other),
    }
}

impl BudgetLookups {
    pub(super) fn programme(
        &mut self,
        conn: &impl Sql,
        code: &str,
    ) -> Result<Result<i64, String>, StoreError> {
        look_up_once(&mut self.programmes, code, || {
            Ok(match e::programme_id(conn, code) {
                Ok(id) => Ok(id),
                Err(err) => Err(format!(
                    "{}: add it with `outturn programme add` (--create-missing creates phases, never programmes)",
                    not_found_message(err)?
                )),
            })
        })
    }

    pub(super) fn phase(
        &mut self,
        conn: &impl Sql,
        programme: &str,
        programme_id: i64,
        code: &str,
    ) -> Result<Option<i64>, StoreError> {
        let key = (programme_id, code.to_string());
        look_up_once(&mut self.phases, &key, || {
            match e::phase_ref(conn, Some(programme), code) {
                Ok(p) => Ok(Some(p.id)),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(other) => Err(other),
            }
        })
    }

    fn decision(
        &mut self,
        conn: &impl Sql,
        reference: &str,
    ) -> Result<Result<i64, String>, StoreError> {
        look_up_once(&mut self.decisions, reference, || {
            Ok(match e::decision_id(conn, reference) {
                Ok(id) => Ok(id),
                Err(err) => Err(not_found_message(err)?),
            })
        })
    }
}

/// Reads a `Financial year` cell (empty: none, the required-cell check reports it); a year that
/// had begun by a closed period is a problem, as is one that cannot be read.
pub(super) fn read_fy(
    fy_text: &str,
    line: u64,
    lock: &Lock,
    ok: &mut bool,
    problems: &mut Problems,
) -> Option<FinancialYear> {
    if fy_text.is_empty() {
        return None;
    }
    match FinancialYear::parse(fy_text) {
        Ok(y) => {
            if lock.through.is_some_and(|l| y.start() <= l) {
                problems.add(line, "Financial year", || {
                    lock.message(format!("'{fy_text}' (which began {})", uk_date(y.start())))
                });
                *ok = false;
            }
            Some(y)
        }
        Err(err) => {
            problems.add(line, "Financial year", || err.to_string());
            *ok = false;
            None
        }
    }
}

impl BudgetLookups {
    /// Reads an optional `Decision` cell: the id of the decision it names, or a problem.
    pub(super) fn read_decision(
        &mut self,
        conn: &impl Sql,
        text: &str,
        line: u64,
        ok: &mut bool,
        problems: &mut Problems,
    ) -> Result<Option<i64>, StoreError> {
        if text.is_empty() {
            return Ok(None);
        }
        Ok(match self.decision(conn, text)? {
            Ok(id) => Some(id),
            Err(message) => {
                problems.add(line, "Decision", || message);
                *ok = false;
                None
            }
        })
    }
}

/// Reads one budgets row, or records its problems.
#[allow(clippy::too_many_arguments)]
fn parse_budget(
    cells: &Cells,
    line: u64,
    conn: &impl Sql,
    lookups: &mut BudgetLookups,
    lock: &Lock,
    create_missing: bool,
    new_phases: &mut BTreeMap<(i64, String), (String, u64)>,
    problems: &mut Problems,
) -> Result<Option<BudgetRow>, StoreError> {
    let mut ok = require_cells(cells, line, BUDGET_REQUIRED_CELLS, "budget line", problems);
    let fy = read_fy(cells.get(B_FY), line, lock, &mut ok, problems);
    let amount_text = cells.get(B_AMOUNT);
    let mut amount = None;
    if !amount_text.is_empty() {
        match Money::parse(amount_text) {
            Ok(m) if m <= Money::ZERO => {
                problems.add(line, "Amount", || {
                    format!(
                        "'{amount_text}' must be more than zero: a budget line adds money (reduce a \
                         budget with `outturn change add --kind reduction`)"
                    )
                });
                ok = false;
            }
            Ok(m) => amount = Some(m),
            Err(err) => {
                problems.add(line, "Amount", || err.to_string());
                ok = false;
            }
        }
    }
    let status_text = cells.get(B_STATUS);
    let status = if status_text.is_empty() {
        AllocationStatus::Approved
    } else {
        match AllocationStatus::parse(&status_text.to_lowercase()) {
            Ok(s) => s,
            Err(err) => {
                problems.add(line, "Status", || err.to_string());
                ok = false;
                AllocationStatus::Approved
            }
        }
    };
    let decision_id =
        lookups.read_decision(conn, cells.get(B_DECISION), line, &mut ok, problems)?;
    let approves_text = cells.get(B_ALLOCATION);
    let mut approves = None;
    if !approves_text.is_empty() {
        match approves_text.trim().parse::<i64>() {
            Ok(id) if status == AllocationStatus::Approved && decision_id.is_some() => {
                approves = Some(id)
            }
            Ok(_) => {
                problems.add(line, "Allocation", || {
                    format!(
                        "'{approves_text}': a row that approves a projected allocation needs                          Status approved and the approving Decision"
                    )
                });
                ok = false;
            }
            Err(_) => {
                problems.add(line, "Allocation", || {
                    format!(
                        "'{approves_text}' is not an allocation id (see `outturn allocation list`)"
                    )
                });
                ok = false;
            }
        }
    }
    let programme = cells.get(B_PROGRAMME);
    let code = cells.get(B_PHASE);
    let mut phase = None;
    if !programme.is_empty() {
        match lookups.programme(conn, programme)? {
            Ok(pid) if !code.is_empty() => match lookups.phase(conn, programme, pid, code)? {
                Some(id) => phase = Some(PhaseTarget::Existing(id)),
                None if create_missing => {
                    let name = cells.get(B_PHASE_NAME);
                    for (column, text, max) in
                        [("Phase", code, MAX_CODE), ("Phase name", name, MAX_TEXT)]
                    {
                        if let Err(m) = check_length(text, max) {
                            problems.add(line, column, || m);
                            ok = false;
                        }
                    }
                    let key = (pid, code.to_string());
                    match new_phases.get(&key) {
                        Some((first, first_line)) if !name.is_empty() && first != name => {
                            problems.add(line, "Phase name", || {
                                format!(
                                    "'{name}' differs from '{first}' given for new phase {programme}/{code} \
                                     on line {first_line}: use one name"
                                )
                            });
                            ok = false;
                        }
                        Some(_) => {}
                        None => {
                            let name = if name.is_empty() { code } else { name };
                            new_phases.insert(key, (name.to_string(), line));
                        }
                    }
                    phase = Some(PhaseTarget::New(pid, code.to_string()));
                }
                None => {
                    problems.add(line, "Phase", || {
                        format!(
                            "no phase '{code}' in programme {programme}: add it with `outturn phase add`, \
                             or import with --create-missing to create it"
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
    match (ok, phase, fy, amount) {
        (true, Some(phase), Some(fy), Some(amount)) => Ok(Some(BudgetRow {
            line,
            label: format!("{programme}/{code}"),
            phase,
            fy,
            amount,
            status,
            decision_id,
            approves,
        })),
        _ => Ok(None),
    }
}

/// Approves projected allocation `id` for a row that names it: the allocation must be projected,
/// of the row's phase, and its whole amount the row's amount in the row's year. Dated the decision's
/// date.
fn approve_line(
    tx: &impl Sql,
    id: i64,
    decision: i64,
    phase_id: i64,
    r: &BudgetRow,
) -> Result<(), StoreError> {
    let a = e::get_allocation(tx, id)?;
    let p = e::get_phase(tx, phase_id)?;
    let matches = a.programme_code == p.programme_code
        && a.phase_code == p.code
        && a.amount == r.amount
        && a.first_fy == r.fy
        && a.last_fy == r.fy;
    if !matches {
        return Err(StoreError::invalid(
            "Allocation",
            format!(
                "allocation {id} is {} for {}/{} {}, not this row's {} for {} {}",
                a.amount.full(),
                a.programme_code,
                a.phase_code,
                a.first_fy.range_label(a.last_fy),
                r.amount.full(),
                r.label,
                r.fy.label()
            ),
        ));
    }
    let date = e::list_decisions(tx)?
        .into_iter()
        .find(|d| d.id == decision)
        .map(|d| d.date)
        .unwrap_or_else(|| r.fy.start());
    e::approve_allocation(tx, id, None, decision, date).map(|_| ())
}

/// The budget lines of a file: lookups made once each, and the phases to create.
struct BudgetImporter {
    lookups: BudgetLookups,
    create_missing: bool,
    new_phases: BTreeMap<(i64, String), (String, u64)>,
}

impl RowImporter for BudgetImporter {
    type Row = BudgetRow;
    type Item = BudgetRow;

    fn parse(
        &mut self,
        cells: &Cells,
        line: u64,
        conn: &impl Sql,
        lock: &Lock,
        problems: &mut Problems,
    ) -> Result<Option<BudgetRow>, StoreError> {
        parse_budget(
            cells,
            line,
            conn,
            &mut self.lookups,
            lock,
            self.create_missing,
            &mut self.new_phases,
            problems,
        )
    }

    fn gather(&mut self, rows: Vec<BudgetRow>, _: &mut Problems) -> Vec<BudgetRow> {
        rows
    }

    fn write(
        &mut self,
        tx: &impl Sql,
        batch_id: i64,
        file_name: &str,
        rows: &[BudgetRow],
        tally: &mut Tally<String>,
        store_problems: &mut Problems,
    ) -> Result<(), ImportError> {
        let mut created: HashMap<(i64, String), i64> = HashMap::new();
        for ((programme_id, code), (name, _)) in &self.new_phases {
            let id = e::add_phase(
                tx,
                &e::NewPhase {
                    programme_id: *programme_id,
                    code: code.clone(),
                    name: name.clone(),
                    status: DeliveryStatus::Active,
                    officer: None,
                },
            )?;
            created.insert((*programme_id, code.clone()), id);
        }
        for r in rows {
            let phase_id = match &r.phase {
                PhaseTarget::Existing(id) => *id,
                PhaseTarget::New(pid, code) => match created.get(&(*pid, code.clone())) {
                    Some(id) => *id,
                    None => continue,
                },
            };
            if let (Some(id), Some(decision)) = (r.approves, r.decision_id) {
                match approve_line(tx, id, decision, phase_id, r) {
                    Ok(()) => tally.add(r.fy, &r.label, r.amount.pence(), 1),
                    Err(err) if err.is_user_error() => {
                        store_problems.add(r.line, "Allocation", || err.to_string())
                    }
                    Err(err) => return Err(err.into()),
                }
                continue;
            }
            let allocation = e::NewAllocation {
                phase_id,
                first_fy: r.fy,
                last_fy: r.fy,
                amount: r.amount,
                status: r.status,
                decision_id: r.decision_id,
                profile: None,
                note: format!("imported from {file_name}, line {}", r.line),
            };
            match e::add_allocation(tx, &allocation) {
                Ok(id) => batches::set_allocation_batch(tx, id, batch_id)?,
                Err(err) if err.is_user_error() => {
                    store_problems.add(r.line, "", || err.to_string());
                    continue;
                }
                Err(err) => return Err(err.into()),
            }
            tally.add(r.fy, &r.label, r.amount.pence(), 1);
        }
        Ok(())
    }

    fn outcome(&self, outcome: ImportOutcome) -> ImportOutcome {
        ImportOutcome {
            created_phases: self.new_phases.len() as u64,
            ..outcome
        }
    }
}

/// Imports budget lines (one allocation per row, for one FY): all rows or none. Phases that do
/// not exist are created with `create_missing`; programmes never are.
pub fn import_budgets(
    conn: &mut impl crate::store::engine::Store,
    path: &Path,
    opts: &BudgetsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let options = MappedOptions {
        map: opts.map.clone(),
        dry_run: opts.dry_run,
        encoding: opts.encoding.clone(),
        profile: opts.profile.clone(),
        sheet: opts.sheet.clone(),
    };
    let how = WholeFile {
        path,
        columns: BUDGET_COLUMNS,
        options: &options,
        kind: BatchKind::Budgets,
    };
    let mut importer = BudgetImporter {
        lookups: BudgetLookups::default(),
        create_missing: opts.create_missing,
        new_phases: BTreeMap::new(),
    };
    import_whole_any(conn, &how, &mut importer, progress)
}
